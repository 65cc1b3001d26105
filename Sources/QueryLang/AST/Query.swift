// A SELECT with everything around it: WITH, the clauses, ORDER BY, LIMIT, OFFSET.
// There are no set operations or joins, so one flat struct holds a whole query; a
// query nests only through subqueries (in FROM, in WITH, and in expressions).
// Clause types are nested in `Query` (Query+Clauses.swift).

/// A query:
///
/// ```sql
/// [WITH name AS (query), …]
/// SELECT [DISTINCT | DISTINCT ON (expr, …)] item, …
/// [FROM table | (query) [[AS] alias]]
/// [WHERE condition]
/// [LATEST ON time PARTITION BY column, …]
/// [GROUP BY expr, … [FILL(NULL | PREV | LINEAR | number)]]
/// [HAVING condition]
/// [ORDER BY expr [ASC | DESC] [NULLS FIRST | LAST], …]
/// [LIMIT count] [OFFSET count]
/// ```
///
/// `LATEST ON time PARTITION BY host` keeps, for each distinct `host`, the row with
/// the greatest `time` (after `WHERE`): the last point of each series.
public struct Query: Hashable, Sendable {
    /// The `WITH` queries, in order (non-recursive: each sees the ones before it).
    public var with: [CommonTableExpression]
    /// `DISTINCT` or `DISTINCT ON (…)`, if present.
    public var distinct: Distinct?
    /// The select list; not empty.
    public var projection: [SelectItem]
    /// The one source of rows; nil for `SELECT 1 + 1`.
    public var from: TableReference?
    /// The `WHERE` condition.
    public var `where`: Expr?
    /// The `LATEST ON` clause.
    public var latestOn: LatestOn?
    /// The `GROUP BY` clause and its `FILL`.
    public var groupBy: GroupBy?
    /// The `HAVING` condition.
    public var having: Expr?
    /// The `ORDER BY` items.
    public var orderBy: [OrderItem]
    /// The `LIMIT` expression.
    public var limit: Expr?
    /// The `OFFSET` expression.
    public var offset: Expr?
    /// Where it starts (at `WITH` or `SELECT`).
    @IgnoredInEquality public var location: SourceLocation

    /// Creates a query; every clause but the select list is optional.
    public init(
        with: [CommonTableExpression] = [], distinct: Distinct? = nil, projection: [SelectItem],
        from: TableReference? = nil, where: Expr? = nil, latestOn: LatestOn? = nil,
        groupBy: GroupBy? = nil, having: Expr? = nil, orderBy: [OrderItem] = [],
        limit: Expr? = nil, offset: Expr? = nil, at location: SourceLocation = .unknown
    ) {
        self.with = with
        self.distinct = distinct
        self.projection = projection
        self.from = from
        self.where = `where`
        self.latestOn = latestOn
        self.groupBy = groupBy
        self.having = having
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
        self.location = location
    }
}
