// The plan of a SELECT over one table, as the binder and optimizer leave it:
//
//   scan (time range, series from the tag index, field columns)
//   → filter (what could not be pushed into the scan)
//   → [group by keys, aggregates → having]
//   → project (+ hidden sort columns) → distinct → order by → offset/limit
//
// Column numbering. The scan produces `time`, then every tag, then the fields read.
// After grouping, the layout is the keys followed by the aggregates. The projection's
// output is the select list followed by hidden ORDER BY columns.
import SundialIndex
import SundialStorage

/// How a query reads one table.
public struct ScanPlan: Sendable {
    public var table: TableSchema
    /// The scan layout's column names and types: time, the tags the query reads, the
    /// fields in `fields`.
    public var names: [String]
    public var types: [SQLType]
    /// Number of tag columns in the layout (after `time`).
    public var tagCount: Int
    /// Field columns read, in layout order after the tags.
    public var fields: [String]
    /// Rows outside this range are never read (nil: all time).
    public var timeRange: Range<Int64>?
    /// Tag predicates answered by the index (empty: every series).
    public var tagPredicates: [TagPredicate]
    /// Set when the source is a subquery or a WITH query: its rows are the input (and
    /// `table` is a placeholder named after it).
    public var derived: DerivedPlan?
    /// Whether the statement runs under a workspace scope: `tagPredicates[0]` is then the
    /// tenant predicate the scope added.
    public var scoped = false
}

/// The plan of a derived table (a class: plans nest through it).
public final class DerivedPlan: Sendable {
    public let plan: QueryPlan
    init(_ plan: QueryPlan) { self.plan = plan }
}

/// One ORDER BY key over the projection's output.
public struct SortKey: Sendable {
    public var column: Int
    public var descending: Bool
    public var nullsFirst: Bool
}

/// A bound and optimized SELECT.
public struct QueryPlan: Sendable {
    public var scan: ScanPlan
    /// Rows must satisfy this (over the scan layout) after the scan.
    public var filter: BoundExpr?
    /// Grouping keys over the scan layout; nil for a query without GROUP BY or aggregates.
    public var groupKeys: [BoundExpr]?
    public var aggregates: [BoundAggregate]
    /// Over the grouped layout.
    public var having: BoundExpr?
    /// Output expressions (over the scan or grouped layout), then hidden sort columns.
    public var projections: [BoundExpr]
    public var outputNames: [String]
    /// How many of `projections` are visible (the rest only sort).
    public var visibleCount: Int
    public var distinct: Bool
    /// DISTINCT ON: projection columns that identify a row's group (first row kept).
    public var distinctOn: [Int]?
    public var orderBy: [SortKey]
    /// LATEST ON with ORDER BY: the order of the result after the newest rows are picked.
    public var finalOrder: [SortKey] = []
    public var limit: Int?
    public var offset: Int
    /// Gap filling of a time_bucket key between the WHERE bounds.
    public var fill: FillPlan?

    /// The result columns.
    public var columns: [(name: String, type: SQLType)] {
        (0..<visibleCount).map { (outputNames[$0], projections[$0].type) }
    }
}

/// GROUP BY time_bucket(...) FILL(...): which key is the bucket, its width and bounds.
public struct FillPlan: Sendable {
    public enum Strategy: Sendable { case null, previous, linear, value(SQLValue) }
    public var strategy: Strategy
    /// The group key that is the bucket, its width (ns) and the range to fill.
    public var keyIndex: Int
    public var width: Int64
    public var range: Range<Int64>
}
