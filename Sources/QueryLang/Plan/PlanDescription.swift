// EXPLAIN: the plan as lines of text, with what the scan prunes (time range, series from
// the index out of the table's series, field columns read out of the table's fields).
import SundialIndex
import SundialStorage

enum PlanDescription {
    static func milliseconds(_ d: Duration) -> String {
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        return String((ms * 1000).rounded() / 1000)
    }

    /// A tag predicate as SQL (what the index answers).
    static func sql(_ p: TagPredicate) -> String {
        func quoted(_ v: String) -> String { SQLValue.string(v).description }
        func list(_ vs: [String]) -> String { "(" + vs.filter { !$0.isEmpty }.map(quoted).joined(separator: ", ") + ")" }
        switch p.matcher {
        case .equal(let v): return v.isEmpty ? "\(p.key) IS NULL" : "\(p.key) = \(quoted(v))"
        case .notEqual(let v): return v.isEmpty ? "\(p.key) IS NOT NULL" : "\(p.key) <> \(quoted(v))"
        case .in(let vs): return "\(p.key) IN \(list(vs))"
        case .notIn(let vs): return "\(p.key) NOT IN \(list(vs))" + (vs.contains("") ? " AND \(p.key) IS NOT NULL" : "")
        case .prefix(let v): return "\(p.key) LIKE \(quoted(v + "%"))"
        case .regex(let r): return "\(p.key) ~ \(quoted(r.pattern))"
        case .notRegex(let r): return "\(p.key) !~ \(quoted(r.pattern))"
        }
    }

    /// The plan as lines, top step first. With the executor that ran it (EXPLAIN
    /// ANALYZE), each step gets `(actual rows=… time=… ms)`: the rows it gave and the time
    /// spent in it and the steps below it.
    static func describe(_ plan: QueryPlan, engine: StorageEngine, index: TagIndex, executor: QueryExecutor? = nil) -> [String] {
        var lines: [String] = []
        var indent = ""
        let actual = executor.map { Actuals($0.profile, grouped: plan.groupKeys != nil) }
        func add(_ text: String, _ figures: (rows: Int, time: Duration)? = nil) {
            var line = indent + text
            if let actual, let figures {
                line += actual.ran ? " (actual rows=\(figures.rows) time=\(milliseconds(figures.time)) ms)" : " (never executed)"
            }
            lines.append(line)
            indent += "  "
        }
        func detail(_ text: String) { if actual?.ran == true { lines.append(indent + text) } }
        let p = executor?.profile ?? ExecutionProfile()
        let totals = actual ?? Actuals(p, grouped: false)
        if let limit = plan.limit { add("Limit \(limit)" + (plan.offset > 0 ? " offset \(plan.offset)" : ""), (p.limit.rowsOut, totals.sort)) }
        else if plan.offset > 0 { add("Offset \(plan.offset)", (p.limit.rowsOut, totals.sort)) }
        func keys(_ order: [SortKey]) -> String {
            order.map { "\(plan.projections[$0.column])\($0.descending ? " DESC" : "")" }.joined(separator: ", ")
        }
        let resultOrder = plan.finalOrder.isEmpty ? plan.orderBy : plan.finalOrder
        if !resultOrder.isEmpty { add("Sort " + keys(resultOrder), (p.sort.rowsOut, totals.sort)) }
        if let on = plan.distinctOn {
            add("Distinct on " + on.map { plan.projections[$0].description }.joined(separator: ", ")
                + (plan.orderBy.isEmpty ? "" : " (first by " + keys(plan.orderBy) + ")"), (p.distinct.rowsOut, totals.distinct))
            detail("rows in: \(p.distinct.rowsIn)")
        }
        else if plan.distinct {
            add("Distinct", (p.distinct.rowsOut, totals.distinct))
            detail("rows in: \(p.distinct.rowsIn)")
        }
        add("Project " + plan.projections.prefix(plan.visibleCount).map(\.description).joined(separator: ", "), (p.project.rowsOut, totals.project))
        if let having = plan.having {
            add("Filter (having) \(having)", (p.having.rowsOut, totals.having))
            detail("rows removed by filter: \(p.having.rowsIn - p.having.rowsOut)")
        }
        if let fill = plan.fill { add("Fill \(fill.strategy) every \(TimeFormat.interval(fill.width))", (p.fill.rowsOut, totals.fill)) }
        if let keys = plan.groupKeys {
            add("Aggregate " + plan.aggregates.map(\.description).joined(separator: ", ")
                + (keys.isEmpty ? "" : " by " + keys.map(\.description).joined(separator: ", ")), (p.aggregate.rowsOut, totals.aggregate))
            detail("groups: \(p.aggregate.rowsOut) from \(p.aggregate.rowsIn) rows")
            if p.parallelParts > 1 { detail("parallel: \(p.parallelParts) parts on \(p.parallelThreads) threads") }
        }
        if let filter = plan.filter {
            add("Filter \(filter)", (p.filter.rowsOut, totals.filter))
            detail("rows removed by filter: \(p.filter.rowsIn - p.filter.rowsOut)")
        }
        if let derived = plan.scan.derived {
            add("Subquery \(plan.scan.table.name)", (p.subquery.rowsOut, totals.input))
            // A derived table that never started has no executor: its steps never ran.
            let inner = executor.map { $0.inner ?? QueryExecutor(plan: derived.plan, engine: engine, index: index,
                                                                 context: $0.context, limits: $0.limits) }
            return lines + describe(derived.plan, engine: engine, index: index, executor: inner).map { indent + $0 }
        }
        let scan = plan.scan
        // Under a workspace scope the series of other workspaces are not counted either.
        let total = scan.scoped ? index.select(table: scan.table.name, Array(scan.tagPredicates.prefix(1)))?.count ?? 0
            : engine.seriesCount(table: scan.table.name) ?? 0
        var text = "Scan \(scan.table.name)"
        if let range = scan.timeRange {
            let low = range.lowerBound == .min ? "-infinity" : TimeFormat.rfc3339(range.lowerBound)
            let high = range.upperBound == .max ? "infinity" : TimeFormat.rfc3339(range.upperBound)
            text += " time [\(low), \(high))"
        } else {
            text += " all time"
        }
        add(text, (p.scan.rowsOut, totals.input))
        if let read = executor?.scanStatistics {
            detail("read: partitions=\(read.partitions) segments=\(read.segments) blocks=\(read.blocks) series=\(read.series) rows=\(read.rows)")
        }
        if scan.tagPredicates.isEmpty {
            lines.append(indent + "series: all \(total) (no tag predicate)")
        } else {
            let selected = index.select(table: scan.table.name, scan.tagPredicates)?.count ?? 0
            let predicates = scan.tagPredicates.enumerated().map { k, p in
                sql(p) + (scan.scoped && k == 0 ? " [workspace scope]" : "")
            }.joined(separator: " AND ")
            lines.append(indent + "series: \(selected) of \(total) from the tag index (\(predicates))")
        }
        lines.append(indent + "fields read: \(scan.fields.isEmpty ? "none" : scan.fields.joined(separator: ", ")) (\(scan.fields.count) of \(scan.table.fields.count))")
        let stats = engine.statistics().tables.first { $0.name == scan.table.name }
        if let stats, let range = scan.timeRange {
            let partitions = stats.partitions.filter { $0 < range.upperBound && $0 &+ scan.table.options.partitionDuration > range.lowerBound }
            lines.append(indent + "partitions: \(partitions.count) of \(stats.partitions.count) in the time range")
        } else if let stats {
            lines.append(indent + "partitions: \(stats.partitions.count)")
        }
        return lines
    }
}

/// Inclusive times of the steps of one executor, bottom up: each step's own time plus
/// the time of the steps below it (the plan is a chain).
struct Actuals {
    var ran: Bool
    var input, filter, aggregate, fill, having, project, distinct, sort: Duration

    init(_ p: ExecutionProfile, grouped: Bool) {
        ran = p.started
        input = p.scan.time + p.subquery.time
        filter = input + p.filter.time
        aggregate = filter + p.aggregate.time
        fill = aggregate + p.fill.time
        having = fill + p.having.time
        project = (grouped ? having : filter) + p.project.time
        distinct = project + p.distinct.time
        sort = distinct + p.sort.time
    }
}
