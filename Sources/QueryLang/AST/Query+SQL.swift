// Printing queries back to SQL, on one line, clauses in grammar order.

extension Query: CustomStringConvertible {
    /// The query as SQL in this dialect; parsing it gives back an equal `Query`.
    public var description: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        if !with.isEmpty {
            out += "WITH "
            for (i, cte) in with.enumerated() {
                if i > 0 { out += ", " }
                out += "\(cte.name) AS ("
                cte.query.write(to: &out)
                out += ")"
            }
            out += " "
        }
        out += "SELECT "
        switch distinct {
        case nil: break
        case .rows: out += "DISTINCT "
        case .on(let list):
            out += "DISTINCT ON ("
            Expr.writeList(list, to: &out)
            out += ") "
        }
        for (i, item) in projection.enumerated() {
            if i > 0 { out += ", " }
            item.write(to: &out)
        }
        if let from {
            out += " FROM "
            switch from.source {
            case .table(let name): out += name.description
            case .subquery(let query):
                out += "("
                query.write(to: &out)
                out += ")"
            }
            if let alias = from.alias { out += " AS \(alias)" }
        }
        if let condition = self.where {
            out += " WHERE "
            condition.write(to: &out)
        }
        if let latestOn {
            out += " LATEST ON \(latestOn.time) PARTITION BY "
            out += latestOn.partitionBy.map(\.description).joined(separator: ", ")
        }
        if let groupBy {
            out += " GROUP BY "
            Expr.writeList(groupBy.items, to: &out)
            if let fill = groupBy.fill { out += " " + fill.description }
        }
        if let having {
            out += " HAVING "
            having.write(to: &out)
        }
        if !orderBy.isEmpty {
            out += " ORDER BY "
            for (i, item) in orderBy.enumerated() {
                if i > 0 { out += ", " }
                item.expression.write(to: &out)
                if let direction = item.direction { out += " " + direction.rawValue }
                if let nulls = item.nulls { out += " " + nulls.rawValue }
            }
        }
        if let limit {
            out += " LIMIT "
            limit.write(to: &out)
        }
        if let offset {
            out += " OFFSET "
            offset.write(to: &out)
        }
    }
}

extension Query.SelectItem {
    func write(to out: inout String) {
        switch kind {
        case .wildcard: out += "*"
        case .qualifiedWildcard(let table): out += "\(table).*"
        case .expression(let expr, let alias):
            expr.write(to: &out)
            if let alias { out += " AS \(alias)" }
        }
    }
}

extension Query.Fill: CustomStringConvertible {
    /// `FILL(…)`.
    public var description: String {
        switch strategy {
        case .null: "FILL(NULL)"
        case .previous: "FILL(PREV)"
        case .linear: "FILL(LINEAR)"
        case .value(let number): "FILL(\(number))"
        }
    }
}
