// Smaller variants of a generated query, for minimizing a disagreement: drop a clause,
// a conjunct, an ORDER BY item, a select item or a key nothing names, or replace an
// expression by a smaller one of its type. Every variant is still a valid query with a
// deterministic answer (LIMIT/OFFSET go when the order stops being total).

extension GeneratedQuery {
    var shrinks: [GeneratedQuery] {
        var out: [GeneratedQuery] = []
        func add(_ q: GeneratedQuery) {
            if case .on = q.distinct, !q.orderIsTotal { return }
            out.append(q)
        }
        if limit != nil || offset != nil {
            var q = self; q.limit = nil; q.offset = nil; add(q)
        }
        if star {
            var q = self; q.star = false; add(q)
        }
        for i in conjuncts.indices {
            var q = self; q.conjuncts.remove(at: i); if fill == nil || q.conjuncts.count >= 2 { add(q) }
        }
        if having != nil { var q = self; q.having = nil; add(q) }
        if case .rows = distinct { var q = self; q.distinct = .none; add(q) }
        if let tags = latestOn, tags.count > 1 {
            for i in tags.indices { var q = self; q.latestOn!.remove(at: i); add(q) }
        }
        if case .on = distinct {} else {
            for i in orderBy.indices { var q = self; q.orderBy.remove(at: i); add(q) }
        }
        if !star && select.count > 1 {
            for i in select.indices where !isNamed(i) { add(removingSelectItem(i)) }
        }
        if let keys = groupKeys {
            for k in keys.indices where k != bucketKey && !usesKey(k) { add(removingKey(k)) }
        }
        // Smaller expressions.
        for (i, item) in select.enumerated() where !star {
            for smaller in item.expr.shrinks.prefix(40) { var q = self; q.select[i].expr = smaller; add(q) }
        }
        for (i, conjunct) in conjuncts.enumerated() where fill == nil {
            for smaller in conjunct.shrinks.prefix(40) { var q = self; q.conjuncts[i] = smaller; add(q) }
        }
        if let having {
            for smaller in having.shrinks.prefix(40) { var q = self; q.having = smaller; add(q) }
        }
        for (i, item) in orderBy.enumerated() {
            if case .expression(let e) = item.target {
                for smaller in e.shrinks.prefix(20) { var q = self; q.orderBy[i].target = .expression(smaller); add(q) }
            }
        }
        return out
    }

    /// Whether GROUP BY, ORDER BY or DISTINCT ON names select item `i` by position or alias.
    func isNamed(_ i: Int) -> Bool {
        for reference in keyReferences {
            switch reference {
            case .alias(let j), .ordinal(let j): if i == j { return true }
            case .expression: break
            }
        }
        for item in orderBy {
            switch item.target {
            case .alias(let j), .ordinal(let j): if i == j { return true }
            case .expression: break
            }
        }
        if case .on(let items) = distinct, items.contains(i) { return true }
        return false
    }

    func removingSelectItem(_ i: Int) -> GeneratedQuery {
        var q = self
        q.select.remove(at: i)
        func shift(_ j: Int) -> Int { j > i ? j - 1 : j }
        q.keyReferences = keyReferences.map {
            switch $0 {
            case .expression: .expression
            case .alias(let j): .alias(shift(j))
            case .ordinal(let j): .ordinal(shift(j))
            }
        }
        q.orderBy = orderBy.map { item in
            var copy = item
            switch item.target {
            case .alias(let j): copy.target = .alias(shift(j))
            case .ordinal(let j): copy.target = .ordinal(shift(j))
            case .expression: break
            }
            return copy
        }
        if case .on(let items) = distinct { q.distinct = .on(items.map(shift)) }
        return q
    }

    func usesKey(_ k: Int) -> Bool {
        func uses(_ e: GeneratedExpr) -> Bool {
            if case .key(let j, _) = e { return j == k }
            return e.children.contains(where: uses)
        }
        return select.contains { uses($0.expr) } || having.map(uses) == true
            || orderBy.contains { if case .expression(let e) = $0.target { uses(e) } else { false } }
    }

    func removingKey(_ k: Int) -> GeneratedQuery {
        func renumber(_ e: GeneratedExpr) -> GeneratedExpr {
            if case .key(let j, let t) = e { return .key(j > k ? j - 1 : j, t) }
            if case .aggregate = e { return e }
            return e.replacingChildren(e.children.map(renumber))
        }
        var q = self
        q.groupKeys!.remove(at: k)
        q.keyReferences.remove(at: k)
        if q.groupKeys!.isEmpty { q.groupKeys = nil }
        q.select = select.map { SelectItem(expr: renumber($0.expr), alias: $0.alias) }
        q.having = having.map(renumber)
        q.orderBy = orderBy.map { item in
            var copy = item
            if case .expression(let e) = item.target { copy.target = .expression(renumber(e)) }
            return copy
        }
        return q
    }
}
