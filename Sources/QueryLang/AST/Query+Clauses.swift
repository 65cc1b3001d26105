// The parts of a query. Each carries the location of its first token, ignored by
// equality like every location in the tree.

extension Query {
    /// `WITH name AS (query)`.
    public struct CommonTableExpression: Hashable, Sendable {
        /// The name later parts of the query use.
        public var name: Identifier
        /// The query it names.
        public var query: Query
        /// Where it starts (at the name).
        @IgnoredInEquality public var location: SourceLocation

        /// Creates a named query.
        public init(_ name: Identifier, _ query: Query, at location: SourceLocation = .unknown) {
            self.name = name
            self.query = query
            self.location = location
        }
    }

    /// `DISTINCT` or `DISTINCT ON (expr, …)`.
    public enum Distinct: Hashable, Sendable {
        /// `SELECT DISTINCT`: drop duplicate rows.
        case rows
        /// `SELECT DISTINCT ON (a, b)`: keep the first row (in `ORDER BY` order) of
        /// each distinct `(a, b)`; the list is not empty.
        case on([Expr])
    }

    /// One entry of the select list.
    public struct SelectItem: Hashable, Sendable {
        /// The forms of entry.
        public enum Kind: Hashable, Sendable {
            /// `expr [AS alias]` (the `AS` may be left out).
            case expression(Expr, alias: Identifier?)
            /// `*`.
            case wildcard
            /// `table.*`.
            case qualifiedWildcard(Identifier)
        }

        /// What the entry is.
        public var kind: Kind
        /// Where it starts.
        @IgnoredInEquality public var location: SourceLocation

        /// Creates an entry.
        public init(_ kind: Kind, at location: SourceLocation = .unknown) {
            self.kind = kind
            self.location = location
        }

        /// `expr [AS alias]`.
        public static func expression(_ expr: Expr, alias: Identifier? = nil) -> SelectItem {
            SelectItem(.expression(expr, alias: alias), at: expr.location)
        }
    }

    /// The source of rows after `FROM`.
    public struct TableReference: Hashable, Sendable {
        /// What the rows come from.
        public enum Source: Hashable, Sendable {
            /// A table, or the name of a `WITH` query.
            case table(Identifier)
            /// `(query)`.
            case subquery(Query)
        }

        /// What the rows come from.
        public var source: Source
        /// `[AS] alias`, if given.
        public var alias: Identifier?
        /// Where it starts.
        @IgnoredInEquality public var location: SourceLocation

        /// Creates a source.
        public init(_ source: Source, alias: Identifier? = nil, at location: SourceLocation = .unknown) {
            self.source = source
            self.alias = alias
            self.location = location
        }
    }

    /// `LATEST ON time PARTITION BY column, …`.
    public struct LatestOn: Hashable, Sendable {
        /// The column whose greatest value picks the row.
        public var time: ColumnReference
        /// The columns whose distinct combinations each keep one row; not empty.
        public var partitionBy: [ColumnReference]
        /// Where it starts (at `LATEST`).
        @IgnoredInEquality public var location: SourceLocation

        /// Creates the clause.
        public init(time: ColumnReference, partitionBy: [ColumnReference], at location: SourceLocation = .unknown) {
            self.time = time
            self.partitionBy = partitionBy
            self.location = location
        }
    }

    /// `GROUP BY expr, … [FILL(…)]`.
    ///
    /// An item may be an expression, the alias of a select item, or an ordinal
    /// (`GROUP BY 1`): the binder tells them apart.
    public struct GroupBy: Hashable, Sendable {
        /// The grouping items; not empty.
        public var items: [Expr]
        /// How empty time buckets are filled, if they are.
        public var fill: Fill?
        /// Where it starts (at `GROUP`).
        @IgnoredInEquality public var location: SourceLocation

        /// Creates the clause.
        public init(_ items: [Expr], fill: Fill? = nil, at location: SourceLocation = .unknown) {
            self.items = items
            self.fill = fill
            self.location = location
        }
    }

    /// `FILL(NULL | PREV | LINEAR | number)`: what an empty time bucket gets.
    public struct Fill: Hashable, Sendable {
        /// The ways to fill.
        public enum Strategy: Hashable, Sendable {
            /// `NULL`.
            case null
            /// `PREV`: the previous bucket's value.
            case previous
            /// `LINEAR`: interpolated between the neighbouring buckets.
            case linear
            /// A constant: the number as written, with a leading `-` if negative
            /// (`"0"`, `"-1.5"`, `"1e3"`).
            case value(String)
        }

        /// The way to fill.
        public var strategy: Strategy
        /// Where it starts (at `FILL`).
        @IgnoredInEquality public var location: SourceLocation

        /// Creates the clause.
        public init(_ strategy: Strategy, at location: SourceLocation = .unknown) {
            self.strategy = strategy
            self.location = location
        }
    }

    /// `expr [ASC | DESC] [NULLS FIRST | NULLS LAST]`.
    ///
    /// The expression may be an alias or an ordinal (`ORDER BY 2 DESC`).
    public struct OrderItem: Hashable, Sendable {
        /// `ASC` or `DESC`.
        public enum Direction: String, Hashable, Sendable {
            case ascending = "ASC", descending = "DESC"
        }

        /// `NULLS FIRST` or `NULLS LAST`.
        public enum NullsOrder: String, Hashable, Sendable {
            case first = "NULLS FIRST", last = "NULLS LAST"
        }

        /// What to sort by.
        public var expression: Expr
        /// The direction, if written (the default is ascending).
        public var direction: Direction?
        /// Where nulls go, if written (the default is last when ascending, first when
        /// descending, as in PostgreSQL).
        public var nulls: NullsOrder?
        /// Where it starts.
        @IgnoredInEquality public var location: SourceLocation

        /// Creates an item.
        public init(_ expression: Expr, _ direction: Direction? = nil, nulls: NullsOrder? = nil,
                    at location: SourceLocation = .unknown) {
            self.expression = expression
            self.direction = direction
            self.nulls = nulls
            self.location = location
        }
    }
}
