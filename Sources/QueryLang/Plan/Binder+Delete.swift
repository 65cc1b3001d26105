// Binding DELETE: its WHERE must be answerable exactly by the storage engine — time
// comparisons (the deleted range) and tag predicates (the deleted series, from the index).
// Anything else (a field, OR across columns, a function of a tag) is refused with its
// position rather than deleting more or fewer rows than asked.
import SundialIndex
import SundialStorage

/// What a DELETE removes.
struct DeleteTarget {
    var table: TableSchema
    /// Nil: the conditions exclude every time (nothing to delete).
    var timeRange: ClosedRange<Int64>?
    /// Empty: every series of the table.
    var tagPredicates: [TagPredicate]
}

extension Binder {
    static func deletion(_ delete: Delete, catalog: Catalog, parameters: [SQLValue], now: Int64,
                         scope workspace: QueryScope) throws(QueryError) -> DeleteTarget {
        try workspace.validate()
        let table = try resolveTable(delete.table, catalog, scope: workspace)
        let tags = table.columns.filter { $0.type == .tag }
        let names = ["time"] + tags.map(\.name) + table.fields.map(\.name)
        let types = [SQLType.timestamp] + tags.map { _ in SQLType.string } + table.fields.map { SQLType($0.type) }
        var scope = BindScope(names: names, types: types, parameters: parameters, now: now)
        var range: Range<Int64>?
        var predicates: [TagPredicate] = []
        // Under a workspace scope, only that workspace's series (first, as for scans).
        if let tenant = workspace.predicate { predicates.append(tenant) }
        for condition in delete.where.map(astConjuncts) ?? [] {
            guard !containsAggregate(condition) else {
                throw QueryError(.syntax, "aggregate functions are not allowed in WHERE", at: condition.location)
            }
            let bound = try coerceBoolean(try bind(condition, &scope), condition.location)
            for conjunct in conjuncts(bound) {
                if let r = Pushdown.timeRange(conjunct) {
                    range = Pushdown.intersect(range, r)
                } else if let predicate = Pushdown.tagPredicate(conjunct, tagColumns: 1..<(1 + tags.count)) {
                    predicates.append(predicate)
                } else if case .literal(.boolean(true), _) = conjunct {
                    continue
                } else {
                    let fields = conjunct.columns.filter { $0 > tags.count }.sorted()
                    if let field = fields.first {
                        throw QueryError(.unsupported, "DELETE filters on time and tags only; \"\(names[field])\" is a field",
                                         at: condition.location)
                    }
                    throw QueryError(.unsupported,
                                     "DELETE filters on time and tags only: time compared with constants, and tag =, <>, IN, NOT IN, IS [NOT] NULL, LIKE 'prefix%' or ~ joined by AND",
                                     at: condition.location)
                }
            }
        }
        // A pushed-down range ends before its upper bound, except at Int64.max, which
        // stands for "no upper bound" (the last instant included).
        var closed: ClosedRange<Int64>? = Int64.min...Int64.max
        if let range {
            closed = range.isEmpty ? nil : range.lowerBound...(range.upperBound == .max ? .max : range.upperBound - 1)
        }
        return DeleteTarget(table: table, timeRange: closed, tagPredicates: predicates)
    }

    /// The AND-ed parts of a condition, as written (each keeps its position for errors).
    static func astConjuncts(_ e: Expr) -> [Expr] {
        guard case .binary(let first, let terms) = e.kind, !terms.isEmpty, terms.allSatisfy({ $0.op == .and }) else { return [e] }
        return astConjuncts(first) + terms.flatMap { astConjuncts($0.operand) }
    }
}
