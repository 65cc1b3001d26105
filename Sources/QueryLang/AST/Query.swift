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
///
/// A `Query` is one pointer wide: its clauses live in an immutable box that a
/// mutation replaces. Queries nest (subqueries, `WITH`), and a small value keeps the
/// parser's frames, which repeat once per nesting level, small.
public struct Query: Hashable, Sendable {
    struct Clauses: Hashable, Sendable {
        var with: [CommonTableExpression]
        var distinct: Distinct?
        var projection: [SelectItem]
        var from: TableReference?
        var `where`: Expr?
        var latestOn: LatestOn?
        var groupBy: GroupBy?
        var having: Expr?
        var orderBy: [OrderItem]
        var limit: Expr?
        var offset: Expr?
        @IgnoredInEquality var location: SourceLocation
    }

    // Setters copy `Clauses` out and back; `@inline(never)` keeps that copy out of
    // the frames of the parser's recursive functions.
    private var clauses: Box<Clauses>

    /// The `WITH` queries, in order (non-recursive: each sees the ones before it).
    public var with: [CommonTableExpression] {
        get { clauses.value.with }
        @inline(never) set { clauses.value.with = newValue }
    }
    /// `DISTINCT` or `DISTINCT ON (…)`, if present.
    public var distinct: Distinct? {
        get { clauses.value.distinct }
        @inline(never) set { clauses.value.distinct = newValue }
    }
    /// The select list; not empty.
    public var projection: [SelectItem] {
        get { clauses.value.projection }
        @inline(never) set { clauses.value.projection = newValue }
    }
    /// The one source of rows; nil for `SELECT 1 + 1`.
    public var from: TableReference? {
        get { clauses.value.from }
        @inline(never) set { clauses.value.from = newValue }
    }
    /// The `WHERE` condition.
    public var `where`: Expr? {
        get { clauses.value.where }
        @inline(never) set { clauses.value.where = newValue }
    }
    /// The `LATEST ON` clause.
    public var latestOn: LatestOn? {
        get { clauses.value.latestOn }
        @inline(never) set { clauses.value.latestOn = newValue }
    }
    /// The `GROUP BY` clause and its `FILL`.
    public var groupBy: GroupBy? {
        get { clauses.value.groupBy }
        @inline(never) set { clauses.value.groupBy = newValue }
    }
    /// The `HAVING` condition.
    public var having: Expr? {
        get { clauses.value.having }
        @inline(never) set { clauses.value.having = newValue }
    }
    /// The `ORDER BY` items.
    public var orderBy: [OrderItem] {
        get { clauses.value.orderBy }
        @inline(never) set { clauses.value.orderBy = newValue }
    }
    /// The `LIMIT` expression.
    public var limit: Expr? {
        get { clauses.value.limit }
        @inline(never) set { clauses.value.limit = newValue }
    }
    /// The `OFFSET` expression.
    public var offset: Expr? {
        get { clauses.value.offset }
        @inline(never) set { clauses.value.offset = newValue }
    }
    /// Where it starts (at `WITH` or `SELECT`); ignored by equality.
    public var location: SourceLocation {
        get { clauses.value.location }
        @inline(never) set { clauses.value.location = newValue }
    }

    /// Creates a query; every clause but the select list is optional.
    public init(
        with: [CommonTableExpression] = [], distinct: Distinct? = nil, projection: [SelectItem],
        from: TableReference? = nil, where: Expr? = nil, latestOn: LatestOn? = nil,
        groupBy: GroupBy? = nil, having: Expr? = nil, orderBy: [OrderItem] = [],
        limit: Expr? = nil, offset: Expr? = nil, at location: SourceLocation = .unknown
    ) {
        clauses = Box(Clauses(
            with: with, distinct: distinct, projection: projection, from: from, where: `where`,
            latestOn: latestOn, groupBy: groupBy, having: having, orderBy: orderBy, limit: limit,
            offset: offset, location: location))
    }
}
