// DuckDB's translation of `GROUP BY time_bucket(w, time), … FILL(strategy)`, which it
// lacks. The semantics are Sundial's (TimescaleDB's time_bucket_gapfill with locf and
// interpolate): every bucket from the one holding the WHERE clause's lower bound up to
// its upper bound, for every combination of the other keys that has rows; a missing
// bucket's aggregates are NULL, a constant (truncated for BIGINT columns), the previous
// bucket's values, or interpolated linearly between the present neighbours (rounded for
// BIGINT columns, NULL for non-numeric ones).
//
//   g  the grouped rows: keys __k0…, aggregates __a0…, __present = 1
//   o  the distinct combinations of the other keys
//   b  the buckets: range(time_bucket(w, low), high, w)
//   f  b × o left-joined to g (NULL keys match NULL: f0), numbered for the neighbours:
//      __pg counts present rows up to here (the previous present row starts group
//      __pg), __ng counts them from here on
//   the outer query computes the filled values (__f0…) and then the select list,
//   HAVING (none is generated with FILL), ORDER BY and LIMIT over them.

extension GeneratedQuery {
    /// Every aggregate the select list, HAVING and ORDER BY use, in first-use order.
    var aggregates: [GeneratedAggregate] {
        var out: [GeneratedAggregate] = []
        func collect(_ e: GeneratedExpr) {
            if case .aggregate(let a) = e {
                if !out.contains(a) { out.append(a) }
                return
            }
            e.children.forEach(collect)
        }
        select.forEach { collect($0.expr) }
        having.map(collect)
        for item in orderBy { if case .expression(let e) = item.target { collect(e) } }
        return out
    }

    /// The index of the time_bucket key FILL fills.
    var bucketKey: Int? {
        groupKeys?.firstIndex { if case .timeBucket = $0 { true } else { false } }
    }

    var duckDBFill: String {
        guard let fill, let keys = groupKeys, let b = bucketKey, case .timeBucket(let width, _, _) = keys[b] else {
            return "SELECT 'unsupported FILL'"
        }
        let p = printer(.duckdb)
        let aggregates = self.aggregates
        let others = keys.indices.filter { $0 != b }
        let keyList = keys.indices.map { "\(p.sql(keys[$0])) AS __k\($0)" }
        let aggregateList = aggregates.indices.map { "\(p.aggregate(aggregates[$0])) AS __a\($0)" }
        var sql = "WITH g AS (SELECT " + (keyList + aggregateList + ["1 AS __present"]).joined(separator: ", ")
            + " FROM " + from + whereClause(p) + " GROUP BY " + keys.map(p.sql).joined(separator: ", ") + ")"
        let w = width.sql(.duckdb)
        // Buckets start on whole microseconds: below `high` means below it rounded up.
        let high = "TIMESTAMP '\(DifferentialDataSet.timestampText((fill.high + 999) / 1_000 * 1_000))'"
        sql += ", b AS (SELECT unnest(range(time_bucket(\(w), TIMESTAMP '\(DifferentialDataSet.timestampText(fill.low))', "
            + "TIMESTAMP '2000-01-03 00:00:00'), \(high), \(w))) AS __k\(b))"
        let partition = others.isEmpty ? "" : "PARTITION BY " + others.map { "__k\($0)" }.joined(separator: ", ") + " "
        var joined = "b"
        if !others.isEmpty {
            sql += ", o AS (SELECT DISTINCT " + others.map { "__k\($0)" }.joined(separator: ", ") + " FROM g)"
            joined += " CROSS JOIN o"
        }
        let on = (["g.__k\(b) = b.__k\(b)"] + others.map { "g.__k\($0) IS NOT DISTINCT FROM o.__k\($0)" }).joined(separator: " AND ")
        let carried = keys.indices.map { $0 == b ? "b.__k\(b)" : "o.__k\($0)" } + aggregates.indices.map { "g.__a\($0)" } + ["g.__present"]
        sql += ", f0 AS (SELECT " + carried.joined(separator: ", ") + " FROM \(joined) LEFT JOIN g ON \(on))"
        sql += ", f AS (SELECT *"
            + ", count(__present) OVER (\(partition)ORDER BY __k\(b) ROWS UNBOUNDED PRECEDING) AS __pg"
            + ", count(__present) OVER (\(partition)ORDER BY __k\(b) DESC ROWS UNBOUNDED PRECEDING) AS __ng FROM f0)"
        let previousGroup = others.map { "__k\($0), " }.joined() + "__pg"
        let nextGroup = others.map { "__k\($0), " }.joined() + "__ng"
        var filled: [String] = []
        for (j, a) in aggregates.enumerated() {
            let value = "__a\(j)"
            let previous = "first_value(\(value)) OVER (PARTITION BY \(previousGroup) ORDER BY __k\(b))"
            switch fill.strategy {
            case .null:
                filled.append(value)
            case .value(let v):
                let constant = a.type == .bigint ? "CAST(\(Int64(v)) AS BIGINT)" : "CAST(\(v) AS DOUBLE)"
                filled.append("CASE WHEN __present IS NULL THEN \(constant) ELSE \(value) END")
            case .previous:
                filled.append(previous)
            case .linear:
                guard a.type.isNumeric else {
                    filled.append("CASE WHEN __present IS NULL THEN NULL ELSE \(value) END")
                    continue
                }
                let next = "first_value(\(value)) OVER (PARTITION BY \(nextGroup) ORDER BY __k\(b) DESC)"
                let before = "first_value(epoch_us(__k\(b))) OVER (PARTITION BY \(previousGroup) ORDER BY __k\(b))"
                let after = "first_value(epoch_us(__k\(b))) OVER (PARTITION BY \(nextGroup) ORDER BY __k\(b) DESC)"
                var interpolated = "CAST(\(previous) AS DOUBLE) + (CAST(\(next) AS DOUBLE) - CAST(\(previous) AS DOUBLE))"
                    + " * (CAST(epoch_us(__k\(b)) - \(before) AS DOUBLE) / CAST(\(after) - \(before) AS DOUBLE))"
                if a.type == .bigint { interpolated = "CAST(\(interpolated) AS BIGINT)" }
                filled.append("CASE WHEN __present IS NOT NULL THEN \(value) WHEN __pg > 0 AND __ng > 0 THEN \(interpolated) END")
            }
        }
        let filledList = keys.indices.map { "__k\($0)" } + filled.enumerated().map { "\($1) AS __f\($0)" }
        sql += ", h AS (SELECT " + filledList.joined(separator: ", ") + " FROM f)"
        var outer = SQLPrinter(dialect: .duckdb, qualifier: nil, keys: keys)
        outer.keyNames = keys.indices.map { "__k\($0)" }
        outer.aggregateNames = Dictionary(uniqueKeysWithValues: aggregates.enumerated().map { ($1, "__f\($0)") })
        sql += " SELECT " + selectList(outer) + " FROM h"
        if let having { sql += " WHERE " + outer.sql(having) }
        return sql + orderClause(outer, orderBy) + duckDBLimit
    }
}
