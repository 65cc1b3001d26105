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

    static func describe(_ plan: QueryPlan, engine: StorageEngine, index: TagIndex) -> [String] {
        var lines: [String] = []
        var indent = ""
        func add(_ text: String) { lines.append(indent + text); indent += "  " }
        if let limit = plan.limit { add("Limit \(limit)" + (plan.offset > 0 ? " offset \(plan.offset)" : "")) }
        else if plan.offset > 0 { add("Offset \(plan.offset)") }
        func keys(_ order: [SortKey]) -> String {
            order.map { "\(plan.projections[$0.column])\($0.descending ? " DESC" : "")" }.joined(separator: ", ")
        }
        let resultOrder = plan.finalOrder.isEmpty ? plan.orderBy : plan.finalOrder
        if !resultOrder.isEmpty { add("Sort " + keys(resultOrder)) }
        if let on = plan.distinctOn {
            add("Distinct on " + on.map { plan.projections[$0].description }.joined(separator: ", ")
                + (plan.orderBy.isEmpty ? "" : " (first by " + keys(plan.orderBy) + ")"))
        }
        else if plan.distinct { add("Distinct") }
        add("Project " + plan.projections.prefix(plan.visibleCount).map(\.description).joined(separator: ", "))
        if let having = plan.having { add("Filter (having) \(having)") }
        if let fill = plan.fill { add("Fill \(fill.strategy) every \(TimeFormat.interval(fill.width))") }
        if let keys = plan.groupKeys {
            add("Aggregate " + plan.aggregates.map(\.description).joined(separator: ", ")
                + (keys.isEmpty ? "" : " by " + keys.map(\.description).joined(separator: ", ")))
        }
        if let filter = plan.filter { add("Filter \(filter)") }
        if let derived = plan.scan.derived {
            add("Subquery \(plan.scan.table.name)")
            return lines + describe(derived.plan, engine: engine, index: index).map { indent + $0 }
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
        add(text)
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
