// The binder: a parsed SELECT checked against the catalog and turned into a `QueryPlan`.
// Names resolve case-insensitively (exactly when quoted); unknown tables and columns
// suggest the nearest name. The optimizer steps live here too, since they are few:
// WHERE conjuncts on `time` become the scan's time range, conjuncts on tags become index
// predicates, and only the field columns the query reads are scanned.
import SundialIndex
import SundialStorage

/// Binds statements against a catalog.
public enum Binder {
    /// Binds a SELECT over `catalog`'s tables.
    ///
    /// - Parameter scope: under a workspace, only tables with the tenant tag resolve, and
    ///   every scan of one reads the workspace's series only (see `Binder+Scope.swift`).
    public static func plan(_ query: Query, catalog: Catalog, parameters: [SQLValue] = [], now: Int64,
                            scope: QueryScope = .unrestricted) throws(QueryError) -> QueryPlan {
        try scope.validate()
        return try plan(query, catalog: catalog, parameters: parameters, now: now, scope: scope, ctes: [:], depth: 0)
    }

    /// A WITH query and the names visible to it (those defined before it).
    struct CommonTable {
        var query: Query
        var environment: [String: CommonTable]
    }

    /// The most nested WITH / FROM subqueries a statement may have.
    static let maxSubqueryDepth = 32

    static func plan(_ query: Query, catalog: Catalog, parameters: [SQLValue], now: Int64, scope workspace: QueryScope,
                     ctes outer: [String: CommonTable], depth: Int) throws(QueryError) -> QueryPlan {
        guard depth < maxSubqueryDepth else {
            throw QueryError(.tooDeep, "subqueries nest deeper than \(maxSubqueryDepth) levels", at: query.location)
        }
        var ctes = outer
        var defined = Set<String>()
        for cte in query.with {
            let key = cte.name.value.lowercased()
            guard defined.insert(key).inserted else {
                throw QueryError(.syntax, "WITH query name \"\(cte.name.value)\" specified more than once", at: cte.name.location)
            }
            ctes[key] = CommonTable(query: cte.query, environment: ctes)
        }
        guard let from = query.from else {
            throw QueryError(.unsupported, "a SELECT without FROM is not supported yet", at: query.location)
        }
        // The source: a table, or a derived table (a FROM subquery or a WITH name).
        var derived: QueryPlan?
        var qualifier: String
        switch from.source {
        case .subquery(let inner):
            derived = try plan(inner, catalog: catalog, parameters: parameters, now: now, scope: workspace, ctes: ctes, depth: depth + 1)
            qualifier = from.alias?.value ?? ""
        case .table(let name):
            qualifier = from.alias?.value ?? name.value
            if let cte = ctes[name.value.lowercased()], !name.isQuoted || ctes[name.value] != nil {
                derived = try plan(cte.query, catalog: catalog, parameters: parameters, now: now, scope: workspace,
                                   ctes: cte.environment, depth: depth + 1)
            }
        }
        let table: TableSchema
        let tags: [ColumnDefinition]
        let fields: [ColumnDefinition]
        var names: [String]
        var types: [SQLType]
        if let derived {
            table = TableSchema(id: .max, name: qualifier.isEmpty ? "(subquery)" : qualifier, columns: [])
            tags = []
            fields = []
            names = derived.columns.map(\.name)
            types = derived.columns.map(\.type)
        } else {
            guard case .table(let tableName) = from.source else { preconditionFailure("a table source") }
            table = try resolveTable(tableName, catalog, scope: workspace)
            tags = table.columns.filter { $0.type == .tag }
            fields = table.fields
            names = ["time"] + tags.map(\.name) + fields.map(\.name)
            types = [.timestamp] + tags.map { _ in SQLType.string } + fields.map { SQLType($0.type) }
        }
        // `table.col` qualifies with the table name or its alias only.
        try checkQualifiers(query, [qualifier])
        var scope = BindScope(names: names, types: types, parameters: parameters, now: now)

        // WHERE: pushdown of time and tag conjuncts, the rest stays a filter.
        var timeRange: Range<Int64>?
        // Under a workspace scope the tenant predicate comes first, before the user's.
        var tagPredicates: [TagPredicate] = derived == nil ? workspace.predicate.map { [$0] } ?? [] : []
        var residual: [BoundExpr] = []
        if let condition = query.where {
            guard !containsAggregate(condition) else {
                throw QueryError(.syntax, "aggregate functions are not allowed in WHERE", at: condition.location)
            }
            let bound = try coerceBoolean(try bind(condition, &scope), condition.location)
            for conjunct in conjuncts(bound) {
                if derived != nil {
                    residual.append(conjunct)  // a derived table has no index or time range
                } else if let range = Pushdown.timeRange(conjunct) {
                    timeRange = Pushdown.intersect(timeRange, range)
                } else if let predicate = Pushdown.tagPredicate(conjunct, tagColumns: 1..<(1 + tags.count)) {
                    tagPredicates.append(predicate)
                } else {
                    residual.append(conjunct)
                }
            }
        }
        if timeRange?.isEmpty == true { timeRange = 0..<0 }

        // Grouping.
        let projectionItems = try expandStar(query.projection, names: names)
        let grouped = query.groupBy != nil || projectionItems.contains { containsAggregate($0.expr) }
            || query.having.map(containsAggregate) == true
            || query.orderBy.contains { containsAggregate($0.expression) }
        var groupKeys: [BoundExpr]?
        var keyExprs: [Expr] = []
        if grouped {
            for item in query.groupBy?.items ?? [] {
                let expr = try resolveGroupItem(item, projectionItems, scope)
                guard !containsAggregate(expr) else {
                    throw QueryError(.syntax, "aggregate functions are not allowed in GROUP BY", at: item.location)
                }
                keyExprs.append(expr)
            }
            var keys: [BoundExpr] = []
            for expr in keyExprs { keys.append(try bind(expr, &scope)) }
            groupKeys = keys
            scope.grouping = BindScope.Grouping(keys: keyExprs, keyTypes: keys.map(\.type), input: names, inputTypes: types)
        }

        // Projection.
        var projections: [BoundExpr] = []
        var outputNames: [String] = []
        for item in projectionItems {
            projections.append(try bind(item.expr, &scope))
            outputNames.append(item.name)
        }
        let having = try query.having.map { (h) throws(QueryError) -> BoundExpr in
            guard grouped else { throw QueryError(.syntax, "HAVING needs GROUP BY or an aggregate", at: h.location) }
            return try coerceBoolean(try bind(h, &scope), h.location)
        }
        let visible = projections.count

        // ORDER BY and DISTINCT ON refer to outputs (by ordinal or name) or expressions.
        func outputColumn(_ e: Expr, _ clause: String) throws(QueryError) -> Int {
            try rejectConstant(e, clause)
            if case .literal(.integer(let text)) = e.kind {
                guard let n = Int(text), n >= 1, n <= visible else {
                    throw QueryError(.syntax, "position \(text) is not in the select list (1 to \(visible))", at: e.location)
                }
                return n - 1
            }
            // Names are those of the select list; hidden sort columns are found by value below.
            if case .column(let ref) = e.kind, ref.table == nil,
               let i = outputNames.prefix(visible).firstIndex(where: { ref.name.isQuoted ? $0 == ref.name.value : $0.lowercased() == ref.name.value.lowercased() }),
               projectionItems[i].alias != nil || scope.resolve(ref.name) == nil {
                return i
            }
            let bound = try bind(e, &scope)
            if let i = projections.firstIndex(of: bound) { return i }
            projections.append(bound)
            outputNames.append(e.description)
            return projections.count - 1
        }
        var orderBy: [SortKey] = []
        var distinctOn: [Int]?
        var distinct = false
        switch query.distinct {
        case .rows?: distinct = true
        case .on(let exprs)?:
            var columns: [Int] = []
            for e in exprs { columns.append(try outputColumn(e, "DISTINCT ON")) }
            distinctOn = columns
        case nil: break
        }
        if let latest = query.latestOn {
            // LATEST ON time PARTITION BY tags: the newest row of each series.
            guard latest.time.name.value.lowercased() == "time" else {
                throw QueryError(.syntax, "LATEST ON needs the time column, not \"\(latest.time.name.value)\"", at: latest.time.location)
            }
            guard distinctOn == nil, !distinct else {
                throw QueryError(.syntax, "LATEST ON cannot be combined with DISTINCT", at: latest.location)
            }
            var columns: [Int] = []
            for column in latest.partitionBy { columns.append(try outputColumn(Expr(.column(column), at: column.location), "LATEST ON")) }
            distinctOn = columns
            let timeColumn = try outputColumn(Expr(.column(latest.time), at: latest.time.location), "LATEST ON")
            if query.orderBy.isEmpty {
                orderBy = columns.map { SortKey(column: $0, descending: false, nullsFirst: false) }
            }
            orderBy.append(SortKey(column: timeColumn, descending: true, nullsFirst: false))
        }
        var userOrder: [SortKey] = []
        for item in query.orderBy {
            let column = try outputColumn(item.expression, "ORDER BY")
            // Which of a group of equal rows would give the hidden value is undefined.
            if distinct && column >= visible {
                throw QueryError(.syntax, "for SELECT DISTINCT, ORDER BY expressions must appear in select list", at: item.expression.location)
            }
            let descending = item.direction == .descending
            // PostgreSQL: NULLs sort as larger than every value.
            userOrder.append(SortKey(column: column, descending: descending, nullsFirst: item.nulls.map { $0 == .first } ?? descending))
        }
        var finalOrder: [SortKey] = []
        if query.latestOn != nil && !userOrder.isEmpty {
            // LATEST ON picks the newest row of each partition; the user's order then
            // orders the result.
            orderBy = (distinctOn ?? []).map { SortKey(column: $0, descending: false, nullsFirst: false) } + orderBy.suffix(1)
            finalOrder = userOrder
        }
        if query.latestOn == nil { orderBy = userOrder }
        if let on = distinctOn, query.latestOn == nil {
            // DISTINCT ON expressions must lead the ORDER BY (PostgreSQL's rule).
            for k in on.indices where k < orderBy.count && !on.contains(orderBy[k].column) {
                throw QueryError(.syntax, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions", at: query.location)
            }
        }

        let limit = try constantCount(query.limit, "LIMIT", &scope)
        let offset = try constantCount(query.offset, "OFFSET", &scope) ?? 0

        // Fill.
        var fill: FillPlan?
        if let groupBy = query.groupBy, let f = groupBy.fill {
            fill = try fillPlan(f, keys: groupKeys ?? [], timeRange: timeRange)
        }

        // Projection pushdown: scan only the fields something reads.
        var used = Set<Int>([0])
        for e in residual { used.formUnion(e.columns) }
        for key in groupKeys ?? [] { used.formUnion(key.columns) }
        for aggregate in scope.grouping?.aggregates ?? [] {
            if let a = aggregate.argument { used.formUnion(a.columns) }
            if let t = aggregate.time { used.formUnion(t.columns) }
        }
        if !grouped { for p in projections { used.formUnion(p.columns) } }
        // Only the tags and fields something reads are materialized by the scan.
        let firstField = 1 + tags.count
        var map: [Int: Int] = [0: 0]
        if derived != nil { for i in names.indices { map[i] = i } }
        var keptTags: [String] = []
        for (k, tag) in tags.enumerated() where used.contains(1 + k) {
            map[1 + k] = 1 + keptTags.count
            keptTags.append(tag.name)
        }
        var keptFields: [String] = []
        for (k, field) in fields.enumerated() where used.contains(firstField + k) {
            map[firstField + k] = 1 + keptTags.count + keptFields.count
            keptFields.append(field.name)
        }
        if derived == nil {
            names = ["time"] + keptTags + keptFields
            types = [.timestamp] + keptTags.map { _ in SQLType.string } + keptFields.map { name in SQLType(fields.first { $0.name == name }!.type) }
        }
        func remap(_ e: BoundExpr) -> BoundExpr { e.remapped(map) }
        let aggregates = (scope.grouping?.aggregates ?? []).map { a -> BoundAggregate in
            var b = a
            b.argument = a.argument.map(remap)
            b.time = a.time.map(remap)
            return b
        }
        let filter = residual.isEmpty ? nil : residual.dropFirst().reduce(residual[0]) { .binary(.and, $0, $1, .boolean) }

        return QueryPlan(
            scan: ScanPlan(table: table, names: names, types: types, tagCount: keptTags.count, fields: keptFields,
                           timeRange: timeRange, tagPredicates: tagPredicates, derived: derived.map(DerivedPlan.init),
                           scoped: derived == nil && workspace.workspace != nil),
            filter: filter.map(remap), groupKeys: groupKeys.map { $0.map(remap) }, aggregates: aggregates, having: having,
            projections: grouped ? projections : projections.map(remap), outputNames: outputNames, visibleCount: visible,
            distinct: distinct, distinctOn: distinctOn, orderBy: orderBy, finalOrder: finalOrder, limit: limit, offset: offset, fill: fill)
    }

    static func resolveTable(_ name: Identifier, _ catalog: Catalog) throws(QueryError) -> TableSchema {
        if let t = catalog.table(name.value) { return t }
        if !name.isQuoted, let t = catalog.tables.values.first(where: { $0.name.lowercased() == name.value.lowercased() }) { return t }
        var message = "table \"\(name.value)\" does not exist"
        if let near = nearest(name.value, catalog.tables.values.map(\.name)) { message += "; did you mean \"\(near)\"?" }
        throw QueryError(.unknownTable, message, at: name.location)
    }

    static func checkQualifiers(_ query: Query, _ allowed: [String]) throws(QueryError) {
        var bad: Identifier?
        func check(_ t: Identifier) {
            if bad == nil, !allowed.contains(where: { t.isQuoted ? $0 == t.value : $0.lowercased() == t.value.lowercased() }) { bad = t }
        }
        func check(_ e: Expr) {
            visit(e) { x in if case .column(let ref) = x.kind, let t = ref.table { check(t) } }
        }
        for item in query.projection {
            switch item.kind {
            case .expression(let e, _): check(e)
            case .qualifiedWildcard(let t): check(t)
            case .wildcard: break
            }
        }
        if let w = query.where { check(w) }
        for g in query.groupBy?.items ?? [] { check(g) }
        if let h = query.having { check(h) }
        for o in query.orderBy { check(o.expression) }
        if let bad {
            throw QueryError(.unknownColumn, "missing FROM-clause entry for table \"\(bad.value)\"", at: bad.location)
        }
    }

    struct ProjectionItem {
        var expr: Expr
        var name: String
        var alias: Identifier?
    }

    static func expandStar(_ items: [Query.SelectItem], names: [String]) throws(QueryError) -> [ProjectionItem] {
        var out: [ProjectionItem] = []
        for item in items {
            switch item.kind {
            case .wildcard, .qualifiedWildcard:
                for name in names {
                    out.append(ProjectionItem(expr: Expr(.column(ColumnReference(Identifier(name, isQuoted: true, at: item.location))), at: item.location),
                                              name: name, alias: nil))
                }
            case .expression(let e, let alias):
                out.append(ProjectionItem(expr: e, name: alias?.value ?? defaultName(e), alias: alias))
            }
        }
        return out
    }

    /// PostgreSQL's column names: a column's name, a function's name, else ?column?.
    static func defaultName(_ e: Expr) -> String {
        switch e.kind {
        case .column(let ref): ref.name.value
        case .function(let call): call.name.value.lowercased()
        case .cast(let inner, _, _): defaultName(inner)
        case .extract: "extract"
        case .caseWhen: "case"
        default: "?column?"
        }
    }

    /// A GROUP BY item: an ordinal or an output alias stands for its select item.
    static func resolveGroupItem(_ item: Expr, _ projection: [ProjectionItem], _ scope: BindScope) throws(QueryError) -> Expr {
        try rejectConstant(item, "GROUP BY")
        if case .literal(.integer(let text)) = item.kind {
            guard let n = Int(text), n >= 1, n <= projection.count else {
                throw QueryError(.syntax, "GROUP BY position \(text) is not in the select list (1 to \(projection.count))", at: item.location)
            }
            return projection[n - 1].expr
        }
        if case .column(let ref) = item.kind, ref.table == nil, scope.resolve(ref.name) == nil,
           let p = projection.first(where: { $0.alias.map { a in a.value.lowercased() == ref.name.value.lowercased() } ?? false }) {
            return p.expr
        }
        return item
    }

    /// A bare constant other than a position in ORDER BY, GROUP BY or DISTINCT ON is a
    /// mistake (a quoted name meant as a column?); PostgreSQL rejects it too.
    static func rejectConstant(_ e: Expr, _ clause: String) throws(QueryError) {
        switch e.kind {
        case .literal(.float), .literal(.string), .literal(.boolean), .literal(.null):
            throw QueryError(.syntax, "non-integer constant in \(clause)", at: e.location)
        default: break
        }
    }

    static func conjuncts(_ e: BoundExpr) -> [BoundExpr] {
        if case .binary(.and, let a, let b, _) = e { return conjuncts(a) + conjuncts(b) }
        return [e]
    }

    static func constantCount(_ e: Expr?, _ what: String, _ scope: inout BindScope) throws(QueryError) -> Int? {
        guard let e else { return nil }
        var plain = scope
        plain.grouping = nil
        let bound = try bind(e, &plain)
        if case .null? = bound.constantValue { return nil }
        guard case .bigint(let n)? = bound.constantValue, n >= 0 else {
            throw QueryError(.syntax, "\(what) must be a non-negative integer", at: e.location)
        }
        return Int(clamping: n)
    }

    static func fillPlan(_ f: Query.Fill, keys: [BoundExpr], timeRange: Range<Int64>?) throws(QueryError) -> FillPlan {
        guard let keyIndex = keys.firstIndex(where: { if case .function(.timeBucket, _, _) = $0 { true } else { false } }),
              case .function(.timeBucket, let args, _) = keys[keyIndex], case .interval(let width)? = args[0].constantValue,
              args.count == 2 else {
            throw QueryError(.syntax, "FILL needs a GROUP BY time_bucket() with a fixed width", at: f.location)
        }
        guard let range = timeRange, range.lowerBound > Int64.min, range.upperBound < Int64.max else {
            throw QueryError(.syntax, "FILL needs a WHERE clause bounding time on both sides", at: f.location)
        }
        let strategy: FillPlan.Strategy
        switch f.strategy {
        case .null: strategy = .null
        case .previous: strategy = .previous
        case .linear: strategy = .linear
        case .value(let text):
            guard let v = Double(text) else { throw QueryError(.syntax, "FILL value \(text) is not a number", at: f.location) }
            strategy = .value(.double(v))
        }
        return FillPlan(strategy: strategy, keyIndex: keyIndex, width: width, range: range)
    }
}

extension BoundExpr {
    /// The expression with input columns renumbered.
    func remapped(_ map: [Int: Int]) -> BoundExpr {
        switch self {
        case .column(let i, let t, let name): return .column(map[i] ?? i, t, name: name)
        case .literal: return self
        case .negate(let e): return .negate(e.remapped(map))
        case .not(let e): return .not(e.remapped(map))
        case .binary(let op, let a, let b, let t): return .binary(op, a.remapped(map), b.remapped(map), t)
        case .isNull(let e, let n): return .isNull(e.remapped(map), negated: n)
        case .inList(let e, let v, let n): return .inList(e.remapped(map), v, negated: n)
        case .like(let e, let p, let n): return .like(e.remapped(map), p, negated: n)
        case .regex(let e, let r, let n): return .regex(e.remapped(map), r, negated: n)
        case .caseWhen(let c, let r, let o, let t): return .caseWhen(c.map { $0.remapped(map) }, r.map { $0.remapped(map) }, otherwise: o?.remapped(map), t)
        case .cast(let e, let t): return .cast(e.remapped(map), t)
        case .function(let f, let args, let t): return .function(f, args.map { $0.remapped(map) }, t)
        }
    }
}
