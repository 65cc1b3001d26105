// Printing a generated query in Sundial's dialect and in DuckDB's. The DuckDB text is a
// translation to PostgreSQL's semantics, the reference, wherever DuckDB differs:
//
//   BIGINT / BIGINT          truncates in PostgreSQL; DuckDB's `/` gives a DOUBLE: `//`
//   number literals          2.5 is DECIMAL in DuckDB: CAST(2.5 AS DOUBLE); integers
//                            are BIGINT: CAST(5 AS BIGINT)
//   ORDER BY without NULLS   PostgreSQL puts NULLs last ascending, first descending;
//                            DuckDB last always: the NULLS clause is always written
//   round, floor, ceil       PostgreSQL has only the float8 (and numeric) ones: a BIGINT
//                            argument gives a DOUBLE, rounded half to even: round_even
//                            of a DOUBLE cast
//   ~ and !~                 DuckDB's ~ is not a regex search: regexp_matches
//   first/last(x, t)         TimescaleDB's, NULL values kept: arg_min_null/arg_max_null
//   percentile_disc          quantile_disc
//   percentile_cont          PostgreSQL's interpolation over list_sort(list(x)) (DuckDB's
//                            quantile_cont differs at infinities)
//   stddev, variance, …      NaN over a NaN or infinite input, as PostgreSQL (DuckDB
//                            fails): spelled out with count and isfinite
//   extract(SECOND|MILLISECONDS)  fractional in PostgreSQL, whole in DuckDB: derived
//                            from MICROSECONDS; other fields are cast to DOUBLE
//   date_trunc               time_bucket of the unit (Mondays for weeks): DuckDB 1.4's
//                            `date_trunc(u, t) <= c` is true for some t past c (a
//                            rewrite), and it returns DATEs for day and coarser units
//   time_bucket              DuckDB's default origin matches TimescaleDB's only for
//                            some widths: 2000-01-03 is passed explicitly
//   GROUP BY                 keys computed in a subquery (__k0, …) and grouped by name:
//                            DuckDB does not always match a key inside HAVING or the
//                            select list (`HAVING NOT (usage > 0.0)`)
//   INTERVAL                 microseconds only (to_microseconds): DuckDB keeps days apart
//                            and then compares and sorts '1 day -7 hours' unlike
//                            '17 hours'; PostgreSQL's comparisons normalize
//   LATEST ON                row_number() over the partition, newest first
//   FILL                     generated buckets × the other keys' values, left-joined
//                            (see `duckDBFill`)

enum Dialect {
    case sundial, duckdb
}

extension GeneratedLiteral {
    func sql(_ dialect: Dialect) -> String {
        switch self {
        case .null: return "NULL"
        case .bigint(let v):
            if dialect == .duckdb { return "CAST(\(v) AS BIGINT)" }
            return v < 0 ? "(\(v))" : "\(v)"
        case .double(let v):
            let text = v == v.rounded() && abs(v) < 1e15 ? "\(Int64(v)).0" : "\(v)"
            if dialect == .duckdb { return "CAST(\(text) AS DOUBLE)" }
            return v < 0 || (v == 0 && v.sign == .minus) ? "(-\(text.hasPrefix("-") ? String(text.dropFirst()) : text))" : text
        case .string(let s): return Self.quoted(s)
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .timestamp(let ns, let style):
            if dialect == .duckdb { return "TIMESTAMP '\(DifferentialDataSet.timestampText(ns))'" }
            switch style {
            case .typed: return "TIMESTAMP '\(DifferentialDataSet.timestampText(ns))'"
            case .text: return "'\(DifferentialDataSet.timestampText(ns))'"
            case .compact:
                return "'" + DifferentialDataSet.timestampText(ns).replacingOccurrences(of: " ", with: "T") + "Z'"
            }
        case .interval(let ns, let months, let style):
            let text = Self.intervalText(ns, months: months)
            if dialect == .duckdb { return months == 0 ? "to_microseconds(CAST(\(ns / 1_000) AS BIGINT))" : "INTERVAL '\(text)'" }
            switch style {
            case .typed: return "INTERVAL '\(text)'"
            case .text: return "'\(text)'"
            case .compact: return Self.durationText(ns) ?? "INTERVAL '\(text)'"
            }
        }
    }

    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    static let units: [(Int64, String)] = [
        (86_400_000_000_000, "day"), (3_600_000_000_000, "hour"), (60_000_000_000, "minute"),
        (1_000_000_000, "second"), (1_000, "microsecond"),
    ]

    /// `90 minutes`, `1 hour 30 minutes`, `2 days`, `1 month`: text both dialects read.
    static func intervalText(_ ns: Int64, months: Int64) -> String {
        if months != 0 { return "\(months) month\(months == 1 ? "" : "s")" }
        if ns == 0 { return "0 seconds" }
        var rest = abs(ns)
        var parts: [String] = []
        for (size, name) in units where rest >= size && rest / size > 0 {
            let count = rest / size
            // Whole counts of one or two units read naturally; fall back to seconds.
            parts.append("\(count) \(name)\(count == 1 ? "" : "s")")
            rest -= count * size
        }
        return (ns < 0 ? "-" : "") + parts.joined(separator: " ")
    }

    /// A duration literal (`90m`) when one unit expresses the width exactly.
    static func durationText(_ ns: Int64) -> String? {
        guard ns > 0 else { return nil }
        for (size, unit) in [(604_800_000_000_000 as Int64, "w"), (86_400_000_000_000, "d"), (3_600_000_000_000, "h"),
                             (60_000_000_000, "m"), (1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "us")]
        where ns % size == 0 {
            return "\(ns / size)\(unit)"
        }
        return nil
    }
}

/// Prints expressions of one query in one dialect.
struct SQLPrinter {
    let dialect: Dialect
    /// Qualifies every column reference (`x.host`) when set.
    var qualifier: String?
    /// How Sundial's text spells column names (names resolve case-insensitively unless
    /// quoted).
    var spelling: GeneratedQuery.Spelling = .plain
    /// The GROUP BY keys, printed in place of `.key(i)`.
    var keys: [GeneratedExpr] = []
    /// In the outer query of DuckDB's FILL translation: keys and aggregates are columns.
    var keyNames: [String]?
    var aggregateNames: [GeneratedAggregate: String]?

    func column(_ name: String) -> String {
        let spelled = switch (dialect, spelling) {
        case (.duckdb, _), (.sundial, .quoted): "\"\(name)\""
        case (.sundial, .uppercase): name.uppercased()
        case (.sundial, .plain): name
        }
        return qualifier.map { "\($0).\(spelled)" } ?? spelled
    }

    func typeName(_ t: ValueType) -> String {
        switch t {
        case .double: "DOUBLE"
        case .bigint: "BIGINT"
        case .boolean: "BOOLEAN"
        case .string: dialect == .duckdb ? "VARCHAR" : "STRING"
        case .timestamp: "TIMESTAMP"
        case .interval: "INTERVAL"
        }
    }

    func sql(_ e: GeneratedExpr) -> String {
        let duck = dialect == .duckdb
        switch e {
        case .column(let name, _): return column(name)
        case .literal(let l, _): return l.sql(dialect)
        case .parameter(let n, let l, _): return duck ? l.sql(dialect) : "$\(n)"
        case .negate(let x): return "(- \(sql(x)))"
        case .not(let x): return "(NOT \(sql(x)))"
        case .arithmetic(let op, let a, let b, _):
            if duck && op == "-" && a.type == .timestamp && b.type == .timestamp {
                return "to_microseconds(epoch_us(\(sql(a))) - epoch_us(\(sql(b))))"
            }
            let o = duck && op == "/" && a.type == .bigint && b.type == .bigint ? "//" : op
            return "(\(sql(a)) \(o) \(sql(b)))"
        case .comparison(let op, let a, let b): return "(\(sql(a)) \(op) \(sql(b)))"
        case .logical(let op, let a, let b): return "(\(sql(a)) \(op) \(sql(b)))"
        case .isNull(let x, let negated): return "(\(sql(x)) IS \(negated ? "NOT " : "")NULL)"
        case .inList(let x, let list, let negated):
            return "(\(sql(x)) \(negated ? "NOT " : "")IN (\(list.map(sql).joined(separator: ", "))))"
        case .between(let x, let low, let high, let negated):
            return "(\(sql(x)) \(negated ? "NOT " : "")BETWEEN \(sql(low)) AND \(sql(high)))"
        case .like(let x, let pattern, let negated):
            return "(\(sql(x)) \(negated ? "NOT " : "")LIKE \(GeneratedLiteral.quoted(pattern)))"
        case .regex(let x, let pattern, let negated):
            if duck { return "(\(negated ? "NOT " : "")regexp_matches(\(sql(x)), \(GeneratedLiteral.quoted(pattern))))" }
            return "(\(sql(x)) \(negated ? "!~" : "~") \(GeneratedLiteral.quoted(pattern)))"
        case .searchedCase(let conditions, let results, let otherwise, _):
            let branches = zip(conditions, results).map { "WHEN \(sql($0)) THEN \(sql($1))" }.joined(separator: " ")
            return "CASE \(branches)\(otherwise.map { " ELSE \(sql($0))" } ?? "") END"
        case .simpleCase(let subject, let values, let results, let otherwise, _):
            let branches = zip(values, results).map { "WHEN \(sql($0)) THEN \(sql($1))" }.joined(separator: " ")
            return "CASE \(sql(subject)) \(branches)\(otherwise.map { " ELSE \(sql($0))" } ?? "") END"
        case .cast(let x, let t, let colons):
            if colons && !duck { return "(\(sql(x))::\(typeName(t)))" }
            return "CAST(\(sql(x)) AS \(typeName(t)))"
        case .function(let name, let args, _):
            return function(name, args)
        case .concatenate(let a, let b): return "(\(sql(a)) || \(sql(b)))"
        case .extract(let field, let x):
            guard duck else { return "extract(\(field) FROM \(sql(x)))" }
            switch field {
            case "SECOND": return "(CAST(extract(microseconds FROM \(sql(x))) AS DOUBLE) / 1000000)"
            case "MILLISECONDS": return "(CAST(extract(microseconds FROM \(sql(x))) AS DOUBLE) / 1000)"
            default: return "CAST(extract(\(field.lowercased()) FROM \(sql(x))) AS DOUBLE)"
            }
        case .timeBucket(let width, let time, let origin):
            if duck {
                var args = [width.sql(.duckdb), sql(time)]
                if case .interval(_, let months, _) = width, months != 0 {
                    if let origin { args.append(sql(origin)) }
                } else {
                    args.append(origin.map(sql) ?? "TIMESTAMP '2000-01-03 00:00:00'")
                }
                return "time_bucket(\(args.joined(separator: ", ")))"
            }
            return "time_bucket(\(([width.sql(.sundial), sql(time)] + (origin.map { [sql($0)] } ?? [])).joined(separator: ", ")))"
        case .dateTrunc(let unit, let x):
            guard duck else { return "date_trunc('\(unit)', \(sql(x)))" }
            let width = ["second": "1 second", "minute": "1 minute", "hour": "1 hour", "day": "1 day", "week": "7 days",
                         "month": "1 month", "quarter": "3 months", "year": "1 year"][unit]!
            let origin = ["month", "quarter", "year"].contains(unit) ? "" : ", TIMESTAMP '2000-01-03 00:00:00'"
            return "time_bucket(INTERVAL '\(width)', \(sql(x))\(origin))"
        case .key(let i, _):
            if let keyNames { return keyNames[i] }
            return sql(keys[i])
        case .aggregate(let a):
            if let name = aggregateNames?[a] { return name }
            return aggregate(a)
        }
    }

    func function(_ name: String, _ args: [GeneratedExpr]) -> String {
        let list = args.map(sql).joined(separator: ", ")
        guard dialect == .duckdb else { return "\(name)(\(list))" }
        switch name {
        case "round":
            if args.count == 2, case .literal(.bigint(let digits), _) = args[1] { return "round(\(sql(args[0])), \(digits))" }
            return "round_even(CAST(\(sql(args[0])) AS DOUBLE), 0)"
        case "floor", "ceil", "ceiling":
            return "\(name == "floor" ? "floor" : "ceil")(CAST(\(sql(args[0])) AS DOUBLE))"
        case "substr", "substring": return "substring(\(list))"
        case "char_length": return "length(\(list))"
        default: return "\(name)(\(list))"
        }
    }

    func aggregate(_ a: GeneratedAggregate) -> String {
        let duck = dialect == .duckdb
        let args = a.arguments.map(sql)
        let distinct = a.distinct ? "DISTINCT " : ""
        switch a.kind {
        case .countStar: return "count(*)"
        case .first: return duck ? "arg_min_null(\(args[0]), \(args[1]))" : "first(\(args[0]), \(args[1]))"
        case .last: return duck ? "arg_max_null(\(args[0]), \(args[1]))" : "last(\(args[0]), \(args[1]))"
        case .percentileDisc:
            let f = "\(a.fraction ?? 0.5)"
            return duck ? "quantile_disc(\(args[0]), \(f))" : "percentile_disc(\(args[0]), \(f))"
        case .percentileCont:
            let f = "\(a.fraction ?? 0.5)"
            guard duck else { return "percentile_cont(\(args[0]), \(f))" }
            // PostgreSQL's interpolation, lo + (hi − lo) · fraction, only between two rows;
            // DuckDB's quantile_cont weighs the two ends and differs at infinities.
            let list = "list_sort(list(CAST(\(args[0]) AS DOUBLE)) FILTER (WHERE \(args[0]) IS NOT NULL))"
            let position = "(CAST(\(f) AS DOUBLE) * (count(\(args[0])) - 1))"
            let low = "\(list)[CAST(floor(\(position)) AS BIGINT) + 1]", high = "\(list)[CAST(ceil(\(position)) AS BIGINT) + 1]"
            return "CASE WHEN count(\(args[0])) = 0 THEN NULL WHEN floor(\(position)) = \(position) THEN \(low)"
                + " ELSE \(low) + (\(high) - \(low)) * (\(position) - floor(\(position))) END"
        case .stddev, .variance, .stddevSamp, .varianceSamp, .stddevPop, .variancePop:
            guard duck else { return "\(a.kind == .stddev ? "stddev" : a.kind == .variance ? "variance" : a.kind.rawValue)(\(args[0]))" }
            // PostgreSQL: NaN once an input is NaN or infinite (DuckDB fails, or says 0 for one
            // infinite input).
            let population = a.kind == .stddevPop || a.kind == .variancePop
            let name = a.kind == .stddev ? "stddev_samp" : a.kind == .variance ? "var_samp" : a.kind.rawValue
            let finite = "isfinite(CAST(\(args[0]) AS DOUBLE))"
            return "CASE WHEN count(\(args[0])) < \(population ? 1 : 2) THEN NULL WHEN bool_or(NOT \(finite))"
                + " THEN CAST('nan' AS DOUBLE) ELSE \(name)(\(args[0])) FILTER (WHERE \(finite)) END"
        default: return "\(a.kind.rawValue)(\(distinct)\(args.joined(separator: ", ")))"
        }
    }
}

extension GeneratedQuery {
    static let tableColumns: [(String, ValueType)] = [
        ("time", .timestamp), ("host", .string), ("region", .string), ("env", .string), ("usage", .double),
        ("temp", .double), ("n", .bigint), ("ok", .boolean), ("msg", .string),
    ]

    func printer(_ dialect: Dialect) -> SQLPrinter {
        SQLPrinter(dialect: dialect, qualifier: tableAlias, spelling: spelling, keys: groupKeys ?? [])
    }

    var from: String { "m" + (tableAlias.map { " AS \($0)" } ?? "") }

    func selectList(_ p: SQLPrinter) -> String {
        if star && p.dialect == .sundial { return starQualifier.map { "\($0).*" } ?? "*" }
        if star, let q = starQualifier, q != (tableAlias ?? "m") { return "\(q).*" }  // an error in both
        return select.map { item in p.sql(item.expr) + (item.alias.map { " AS \($0)" } ?? "") }.joined(separator: ", ")
    }

    func distinctClause(_ p: SQLPrinter) -> String {
        switch distinct {
        case .none: ""
        case .rows: "DISTINCT "
        case .on(let items): "DISTINCT ON (\(items.map { p.sql(select[$0].expr) }.joined(separator: ", "))) "
        }
    }

    func orderClause(_ p: SQLPrinter, _ items: [OrderItem]) -> String {
        guard !items.isEmpty else { return "" }
        let list = items.map { item -> String in
            var text: String
            switch item.target {
            case .ordinal(let i): text = "\(i + 1)"
            case .alias(let i): text = select[i].alias!
            case .expression(let e): text = p.sql(e)
            }
            if let d = item.descending { text += d ? " DESC" : " ASC" }
            if p.dialect == .duckdb {
                text += item.effectiveNullsFirst ? " NULLS FIRST" : " NULLS LAST"
            } else if let first = item.nullsFirst {
                text += first ? " NULLS FIRST" : " NULLS LAST"
            }
            return text
        }
        return " ORDER BY " + list.joined(separator: ", ")
    }

    var limitClause: String {
        (limit.map { " LIMIT \($0)" } ?? "") + (offset.map { " OFFSET \($0)" } ?? "")
    }

    func whereClause(_ p: SQLPrinter) -> String {
        conjuncts.isEmpty ? "" : " WHERE " + conjuncts.map(p.sql).joined(separator: " AND ")
    }

    func groupClause(_ p: SQLPrinter) -> String {
        guard let keys = groupKeys, !keys.isEmpty else { return "" }
        let items = zip(keys, keyReferences).map { key, reference -> String in
            switch reference {
            case .expression: p.sql(key)
            case .alias(let i): select[i].alias!
            case .ordinal(let i): "\(i + 1)"
            }
        }
        var text = " GROUP BY " + items.joined(separator: ", ")
        if p.dialect == .sundial, let fill {
            switch fill.strategy {
            case .null: text += " FILL(NULL)"
            case .previous: text += " FILL(PREV)"
            case .linear: text += " FILL(LINEAR)"
            case .value(let v): text += " FILL(\(v == v.rounded() ? String(Int64(v)) : "\(v)"))"
            }
        }
        return text
    }

    /// The query in Sundial's dialect.
    var sundialSQL: String {
        let p = printer(.sundial)
        var sql = "SELECT " + distinctClause(p) + selectList(p) + " FROM " + from + whereClause(p)
        if let latestOn { sql += " LATEST ON time PARTITION BY " + latestOn.joined(separator: ", ") }
        sql += groupClause(p)
        if let having { sql += " HAVING " + p.sql(having) }
        return sql + orderClause(p, orderBy) + limitClause
    }

    /// The query in DuckDB's dialect, with PostgreSQL's semantics.
    var duckDBSQL: String {
        if fill != nil { return duckDBFill }
        let p = printer(.duckdb)
        if let latestOn {
            let q = tableAlias ?? "m"
            var inner = p
            inner.qualifier = q
            let partition = latestOn.map { inner.column($0) }.joined(separator: ", ")
            let order = orderBy.isEmpty
                ? latestOn.map { OrderItem(target: .expression(.column($0, .string)), descending: false, nullsFirst: false) }
                : orderBy
            var outer = p
            outer.qualifier = q
            return "SELECT " + selectList(outer) + " FROM (SELECT *, row_number() OVER (PARTITION BY \(partition) ORDER BY \(inner.column("time")) DESC) AS __rn FROM m AS \(q)"
                + whereClause(inner) + ") AS \(q) WHERE __rn = 1" + orderClause(outer, order) + duckDBLimit
        }
        if let keys = groupKeys, !keys.isEmpty {
            var outer = p
            outer.keyNames = keys.indices.map { "__k\($0)" }
            let computed = keys.enumerated().map { "\(p.sql($1)) AS __k\($0)" }.joined(separator: ", ")
            var sql = "SELECT " + distinctClause(outer) + selectList(outer) + " FROM (SELECT *, \(computed) FROM " + from + whereClause(p)
                + ") AS \(tableAlias ?? "m") GROUP BY " + outer.keyNames!.joined(separator: ", ")
            if let having { sql += " HAVING " + outer.sql(having) }
            return sql + orderClause(outer, orderBy) + duckDBLimit
        }
        var sql = "SELECT " + distinctClause(p) + selectList(p) + " FROM " + from + whereClause(p)
        if let having { sql += " HAVING " + p.sql(having) }
        return sql + orderClause(p, orderBy) + duckDBLimit
    }

    /// DuckDB answers with every row when any LIMIT rows would do (see `Order.some`).
    var duckDBLimit: String { limitsUnorderedRows ? "" : limitClause
    }
}
