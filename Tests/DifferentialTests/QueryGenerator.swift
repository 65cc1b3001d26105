// Random queries over the differential data set, from the SELECT grammar Sundial
// supports: plain selections (DISTINCT, WHERE with pushable time and tag predicates,
// ORDER BY with NULLS, LIMIT/OFFSET), aggregations (GROUP BY expressions, aliases and
// ordinals, HAVING, aggregates of expressions, DISTINCT aggregates), DISTINCT ON,
// LATEST ON and FILL. Expressions are typed as Sundial's binder types them, so every
// query is valid in both dialects; divisors are never zero, and LIMIT/OFFSET appear only
// under an ORDER BY that fixes the order.
import SundialWorkloads

struct QueryGenerator {
    enum Scope {
        case row
        /// Inside a grouped query: the keys (by type) and aggregates are the leaves.
        case group([GeneratedExpr])
    }

    var rng: SplitMix64
    let data: DifferentialDataSet
    /// The last `$n` handed out.
    var parameterCount = 0

    init(seed: UInt64, data: DifferentialDataSet) {
        rng = SplitMix64(seed: seed)
        self.data = data
    }

    // MARK: Randomness

    mutating func chance(_ p: Double) -> Bool { rng.nextUnit() < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var out = items
        for i in stride(from: out.count - 1, to: 0, by: -1) { out.swapAt(i, int(0...i)) }
        return out
    }

    // MARK: Queries

    mutating func query() -> GeneratedQuery {
        var q: GeneratedQuery
        let roll = rng.nextUnit()
        if roll < 0.36 { q = plainQuery() }
        else if roll < 0.80 { q = groupedQuery() }
        else if roll < 0.87 { q = distinctOnQuery() }
        else if roll < 0.93 { q = latestOnQuery() }
        else { q = fillQuery() }
        if chance(0.15) { q.tableAlias = pick(["x", "m"]) }
        if q.star && chance(0.3) { q.starQualifier = chance(0.1) ? "y" : (q.tableAlias ?? "m") }
        if chance(0.1) { q.spelling = pick([.quoted, .uppercase]) }
        return q
    }

    mutating func selectItems(_ count: Int, _ scope: Scope) -> [GeneratedQuery.SelectItem] {
        (0..<count).map { i in
            let type = pick([ValueType.double, .double, .bigint, .bigint, .string, .boolean, .timestamp, .interval])
            return GeneratedQuery.SelectItem(expr: expr(type, int(0...3), scope), alias: chance(0.3) ? "c\(i)" : nil)
        }
    }

    mutating func whereConjuncts(timeWindow: Bool, predicates: ClosedRange<Int> = 0...2) -> [GeneratedExpr] {
        var out: [GeneratedExpr] = []
        if timeWindow {
            let start = timestampLiteral(coercible: true)
            let hours = Int64(pick([1, 3, 12, 30]))
            let end = GeneratedExpr.literal(.timestamp(start.nanoseconds + hours * 3_600_000_000_000, pick([.typed, .text])), .timestamp)
            if chance(0.3) {
                out.append(.between(.column("time", .timestamp), start.expr, end, negated: false))
            } else {
                out.append(.comparison(pick([">=", ">"]), .column("time", .timestamp), start.expr))
                out.append(.comparison(pick(["<", "<="]), .column("time", .timestamp), end))
            }
        }
        for _ in 0..<int(predicates) { out.append(predicate()) }
        return shuffled(out)
    }

    mutating func plainQuery() -> GeneratedQuery {
        var q = GeneratedQuery()
        if chance(0.1) {
            q.star = true
            q.select = GeneratedQuery.tableColumns.map { .init(expr: .column($0.0, $0.1), alias: nil) }
        } else {
            q.select = selectItems(int(1...4), .row)
        }
        q.conjuncts = whereConjuncts(timeWindow: chance(0.6))
        if chance(0.15) { q.distinct = .rows }
        if chance(0.6) {
            var targets: [GeneratedQuery.OrderItem.Target] = []
            if case .rows = q.distinct {
                for i in shuffled(Array(q.select.indices)) { targets.append(reference(q, i)) }
            } else {
                for _ in 0..<int(0...2) {
                    let e = expr(pick([.double, .string, .bigint]), 1, .row)
                    switch e { case .literal, .parameter: continue; default: break }
                    targets.append(chance(0.7) ? reference(q, int(0...(q.select.count - 1))) : .expression(e))
                }
                if chance(0.7) { targets.insert(.expression(.column("time", .timestamp)), at: int(0...targets.count)) }
            }
            q.orderBy = targets.map { orderItem($0) }
        }
        addLimit(&q)
        return q
    }

    /// An ORDER BY target naming select item `i` (ordinal, alias or the expression).
    mutating func reference(_ q: GeneratedQuery, _ i: Int) -> GeneratedQuery.OrderItem.Target {
        if q.select[i].alias != nil && chance(0.5) { return .alias(i) }
        switch q.select[i].expr {
        case .literal, .parameter: return .ordinal(i)  // a bare constant is a position or an error
        default: break
        }
        return chance(0.5) ? .ordinal(i) : .expression(q.select[i].expr)
    }

    mutating func orderItem(_ target: GeneratedQuery.OrderItem.Target) -> GeneratedQuery.OrderItem {
        GeneratedQuery.OrderItem(target: target, descending: chance(0.5) ? nil : chance(0.5),
                                 nullsFirst: chance(0.6) ? nil : chance(0.5))
    }

    mutating func addLimit(_ q: inout GeneratedQuery) {
        guard q.orderIsTotal else {
            // Any rows will do: checked as a part of DuckDB's full answer.
            if q.fill == nil && chance(0.15) { q.limit = pick([0, 1, 5, 20]); if chance(0.3) { q.offset = pick([1, 4]) } }
            return
        }
        if chance(0.4) { q.limit = pick([0, 1, 2, 5, 10, 30]) }
        if chance(0.2) { q.offset = pick([0, 1, 3, 10]) }
    }

    /// A GROUP BY key and its type.
    mutating func groupKey() -> GeneratedExpr {
        let time = GeneratedExpr.column("time", .timestamp)
        switch int(0...13) {
        case 0, 1, 2: return .column(pick(["host", "region", "env"]), .string)
        case 3: return .column("ok", .boolean)
        case 4: return .column("msg", .string)
        case 5: return chance(0.5) ? .column("n", .bigint) : .column("temp", .double)
        case 6, 7: return .timeBucket(bucketWidth(), time, origin: chance(0.2) ? timestampLiteral().expr : nil)
        case 8: return .dateTrunc(pick(["hour", "day", "week", "month"]), time)
        case 9: return .arithmetic("%", .column("n", .bigint), .literal(.bigint(Int64(int(2...5))), .bigint), .bigint)
        case 10: return .extract(pick(["HOUR", "DOW", "DAY"]), time)
        case 11: return .comparison(pick([">", "<="]), .column("usage", .double), .literal(.double(0), .double))
        case 12: return .function("coalesce", [.column(pick(["region", "env"]), .string), .literal(.string("none"), .string)], .string)
        default: return .function("round", [.arithmetic("/", .column("usage", .double), .literal(.double(25), .double), .double)], .double)
        }
    }

    mutating func bucketWidth(allowMonths: Bool = true) -> GeneratedLiteral {
        let minutes: Int64 = pick([1, 15, 30, 60, 90, 180, 360, 1440, 2880, 10080])
        let style = pick([LiteralStyle.typed, .text, .compact])
        if allowMonths && chance(0.03) { return .interval(0, months: 1, pick([.typed, .text])) }
        return .interval(minutes * 60_000_000_000, months: 0, style)
    }

    mutating func groupedQuery() -> GeneratedQuery {
        var q = GeneratedQuery()
        let keyCount = pick([0, 1, 1, 1, 2, 2, 3])
        var keys: [GeneratedExpr] = []
        while keys.count < keyCount {
            let key = groupKey()
            if !keys.contains(key) { keys.append(key) }
        }
        let scope = Scope.group(keys)
        var items: [GeneratedQuery.SelectItem] = []
        for (k, key) in keys.enumerated() where chance(0.85) {
            items.append(.init(expr: .key(k, key.type), alias: chance(0.4) ? "k\(k)" : nil))
        }
        for i in 0..<int(1...3) {
            items.append(.init(expr: aggregateExpression(scope), alias: chance(0.3) ? "a\(i)" : nil))
        }
        q.select = shuffled(items)
        q.conjuncts = whereConjuncts(timeWindow: chance(0.3), predicates: 0...1)
        if keyCount > 0 {
            q.groupKeys = keys
            q.keyReferences = keys.indices.map { k in
                guard let i = q.select.firstIndex(where: { $0.expr == .key(k, keys[k].type) }), chance(0.6) else { return .expression }
                return q.select[i].alias != nil && chance(0.5) ? .alias(i) : .ordinal(i)
            }
        }
        if chance(0.25) { q.having = expr(.boolean, 1, scope) }
        if chance(0.6) {
            var targets: [GeneratedQuery.OrderItem.Target] = []
            for k in shuffled(Array(keys.indices)) where chance(0.85) {
                if let i = q.select.firstIndex(where: { $0.expr == .key(k, keys[k].type) }), chance(0.7) {
                    targets.append(reference(q, i))
                } else {
                    targets.append(.expression(.key(k, keys[k].type)))
                }
            }
            if chance(0.4) {
                let extra: GeneratedQuery.OrderItem.Target = chance(0.5) ? reference(q, int(0...(q.select.count - 1)))
                    : .expression(aggregateExpression(scope))
                targets.insert(extra, at: int(0...targets.count))
            }
            q.orderBy = targets.map { orderItem($0) }
        }
        // DISTINCT may only sort by what it shows (PostgreSQL's rule), and merges only values
        // both engines compute bit for bit.
        if chance(0.1) && q.orderBy.allSatisfy({ q.selectIndex($0.target) != nil }) && !q.select.contains(where: { $0.expr.dependsOnRowOrder }) {
            q.distinct = .rows
        }
        addLimit(&q)
        return q
    }

    /// An expression over the groups that aggregates something.
    mutating func aggregateExpression(_ scope: Scope) -> GeneratedExpr {
        let type = pick([ValueType.double, .double, .bigint, .bigint, .string, .timestamp, .boolean, .interval])
        for _ in 0..<10 {
            let e = expr(type, int(0...2), scope)
            if e.containsAggregate { return e }
        }
        return .aggregate(GeneratedAggregate(kind: .countStar, arguments: [], type: .bigint))
    }

    mutating func distinctOnQuery() -> GeneratedQuery {
        var q = GeneratedQuery()
        let on = shuffled(["host", "region", "env", "ok", "msg"]).prefix(int(1...2))
        var items = on.map { GeneratedQuery.SelectItem(expr: .column($0, $0 == "ok" ? .boolean : .string), alias: nil) }
        items += selectItems(int(1...3), .row)
        q.select = items
        q.distinct = .on(Array(0..<on.count))
        q.conjuncts = whereConjuncts(timeWindow: chance(0.3))
        var order = (0..<on.count).map { orderItem(reference(q, $0)) }
        order.append(orderItem(.expression(.column("time", .timestamp))))
        q.orderBy = order
        addLimit(&q)
        return q
    }

    mutating func latestOnQuery() -> GeneratedQuery {
        var q = GeneratedQuery()
        let tags = Array(shuffled(["host", "region", "env"]).prefix(int(1...3)))
        q.latestOn = tags
        if chance(0.3) {
            q.star = true
            q.select = GeneratedQuery.tableColumns.map { .init(expr: .column($0.0, $0.1), alias: nil) }
        } else {
            q.select = [.init(expr: .column(tags[0], .string), alias: nil), .init(expr: .column("time", .timestamp), alias: nil)]
                + selectItems(int(0...2), .row)
        }
        q.conjuncts = whereConjuncts(timeWindow: chance(0.3))
        if chance(0.5) {
            var targets: [GeneratedQuery.OrderItem.Target] = []
            if chance(0.5) { targets.append(.expression(.column("time", .timestamp))) }
            for tag in shuffled(tags) where chance(0.7) { targets.append(.expression(.column(tag, .string))) }
            if targets.isEmpty { targets.append(reference(q, int(0...(q.select.count - 1)))) }
            q.orderBy = targets.map { orderItem($0) }
        }
        addLimit(&q)
        return q
    }

    mutating func fillQuery() -> GeneratedQuery {
        var q = GeneratedQuery()
        let minutes: Int64 = pick([15, 30, 60, 90, 180])
        let width = GeneratedLiteral.interval(minutes * 60_000_000_000, months: 0, pick([.typed, .text, .compact]))
        var keys: [GeneratedExpr] = [.timeBucket(width, .column("time", .timestamp), origin: nil)]
        if chance(0.5) { keys.append(pick([.column("host", .string), .column("region", .string), .column("ok", .boolean)])) }
        keys = shuffled(keys)
        let strategy = pick([GeneratedQuery.FillStrategy.null, .previous, .linear, .value(0), .value(-1), .value(2.5)])
        var items = keys.indices.map { GeneratedQuery.SelectItem(expr: .key($0, keys[$0].type), alias: chance(0.3) ? "k\($0)" : nil) }
        let numeric: Bool = if case .value = strategy { true } else { false }
        for i in 0..<int(1...3) {
            let a = aggregate(numeric ? pick([.double, .bigint]) : pick([.double, .bigint, .string, .timestamp, .boolean]))
            items.append(.init(expr: .aggregate(a), alias: chance(0.3) ? "a\(i)" : nil))
        }
        q.select = shuffled(items)
        q.groupKeys = keys
        q.keyReferences = keys.indices.map { k in
            let i = q.select.firstIndex { $0.expr == .key(k, keys[k].type) }!
            return chance(0.5) ? .expression : (q.select[i].alias != nil ? .alias(i) : .ordinal(i))
        }
        let low = timestampLiteral(coercible: true)
        let inclusive = chance(0.3)
        let end = low.nanoseconds + Int64(int(1...12)) * 3_600_000_000_000 + (chance(0.5) ? 0 : Int64(int(1...3599)) * 1_000_000_000)
        q.fill = .init(strategy: strategy, low: low.nanoseconds, high: inclusive ? end + 1 : end)
        q.conjuncts = [.comparison(">=", .column("time", .timestamp), low.expr),
                       .comparison(inclusive ? "<=" : "<", .column("time", .timestamp), .literal(.timestamp(end, pick([.typed, .text])), .timestamp))]
        if chance(0.4) { q.conjuncts.append(tagPredicate()) }
        q.conjuncts = shuffled(q.conjuncts)
        if chance(0.6) {
            q.orderBy = shuffled(Array(keys.indices)).map { k in
                orderItem(chance(0.5) ? .expression(.key(k, keys[k].type)) : reference(q, q.select.firstIndex { $0.expr == .key(k, keys[k].type) }!))
            }
        }
        addLimit(&q)
        return q
    }
}
