// Binding function calls: scalar functions with their argument and result types, and
// aggregate calls (bound against the input columns).

extension Binder {
    static func arguments(_ call: FunctionCall, _ location: SourceLocation) throws(QueryError) -> (args: [Expr], distinct: Bool) {
        switch call.arguments {
        case .star: throw QueryError(.syntax, "\(call.name.value.lowercased())(*) is only valid for count", at: location)
        case .list(let args, let distinct): return (args, distinct)
        }
    }

    static func expectCount(_ name: String, _ args: [Expr], _ range: ClosedRange<Int>, _ location: SourceLocation) throws(QueryError) {
        guard range.contains(args.count) else {
            let wanted = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw QueryError(.type, "\(name)() takes \(wanted) argument\(range.upperBound == 1 ? "" : "s"), not \(args.count)", at: location)
        }
    }

    static func bindFunction(_ call: FunctionCall, _ location: SourceLocation, _ scope: inout BindScope) throws(QueryError) -> BoundExpr {
        let name = call.name.value.lowercased()
        let (args, distinct) = try arguments(call, location)
        guard !distinct else { throw QueryError(.syntax, "DISTINCT is only valid in aggregate functions", at: location) }
        var bound: [BoundExpr] = []
        for a in args { bound.append(try bind(a, &scope)) }
        func numeric(_ i: Int) throws(QueryError) -> BoundExpr {
            let x = bound[i]
            guard x.type.isNumeric || x.type == .null else { throw QueryError(.type, "\(name)() needs a number, not \(x.type)", at: args[i].location) }
            return x
        }
        func string(_ i: Int) throws(QueryError) -> BoundExpr {
            guard bound[i].type == .string || bound[i].type == .null else {
                throw QueryError(.type, "\(name)() needs a string, not \(bound[i].type)", at: args[i].location)
            }
            return bound[i]
        }
        switch name {
        case "now", "current_timestamp":
            try expectCount(name, args, 0...0, location)
            return .literal(.timestamp(scope.now), .timestamp)
        case "abs":
            try expectCount(name, args, 1...1, location)
            let x = bound[0]
            guard x.type.isNumeric || x.type == .interval || x.type == .null else { throw typeError("abs()", x.type, args[0].location) }
            return .function(.abs, [x], x.type)
        // DOUBLE even for a BIGINT argument: PostgreSQL has no integer round/floor/ceil and
        // resolves them to the double precision ones (`floor(n) / 4` divides doubles).
        case "round":
            try expectCount(name, args, 1...2, location)
            let x = try numeric(0)
            if args.count == 2 { return .function(.round, [x, try coerce(bound[1], to: .bigint, args[1].location)], .double) }
            return .function(.round, [x], .double)
        case "floor", "ceil", "ceiling":
            try expectCount(name, args, 1...1, location)
            let x = try numeric(0)
            return .function(name == "floor" ? .floor : .ceil, [x], .double)
        case "ln", "sqrt":
            try expectCount(name, args, 1...1, location)
            return .function(name == "ln" ? .ln : .sqrt, [try numeric(0)], .double)
        case "greatest", "least", "coalesce":
            guard !args.isEmpty else { throw QueryError(.type, "\(name)() needs at least one argument", at: location) }
            let type = try commonType(bound, location)
            let coerced = try zip(bound, args).map { (pair) throws(QueryError) -> BoundExpr in try coerce(pair.0, to: type, pair.1.location) }
            let f: ScalarFunction = name == "greatest" ? .greatest : (name == "least" ? .least : .coalesce)
            return .function(f, coerced, type)
        case "lower", "upper":
            try expectCount(name, args, 1...1, location)
            return .function(name == "lower" ? .lower : .upper, [try string(0)], .string)
        case "length", "char_length":
            try expectCount(name, args, 1...1, location)
            return .function(.length, [try string(0)], .bigint)
        case "substr", "substring":
            try expectCount(name, args, 2...3, location)
            var list = [try string(0)]
            for i in 1..<args.count { list.append(try coerce(bound[i], to: .bigint, args[i].location)) }
            return .function(.substr, list, .string)
        case "concat":
            return .function(.concat, bound, .string)
        case "json_extract":
            try expectCount(name, args, 2...2, location)
            return .function(.jsonExtract, [try string(0), try string(1)], .string)
        case "time_bucket":
            try expectCount(name, args, 2...3, location)
            var width = bound[0]
            if width.type == .string, case .string(let text)? = width.constantValue {
                guard let parsed = TimeFormat.parseInterval(text) else {
                    throw QueryError(.invalidText, "invalid bucket width '\(text)' (expected e.g. '1 hour', '15 minutes', '1 month')", at: args[0].location)
                }
                if parsed.months == 0 { width = .literal(.interval(parsed.nanoseconds), .interval) }
                guard parsed.months == 0 || parsed.nanoseconds == 0 else {
                    throw QueryError(.invalidText, "a bucket width cannot mix months and days", at: args[0].location)
                }
                guard parsed.months > 0 || parsed.nanoseconds > 0 else {
                    throw QueryError(.outOfRange, "a bucket width must be positive", at: args[0].location)
                }
            } else if width.type != .interval {
                throw QueryError(.type, "time_bucket() needs an interval width, not \(width.type)", at: args[0].location)
            }
            var list = [width, try coerce(bound[1], to: .timestamp, args[1].location)]
            if args.count == 3 {
                // A third argument is an origin TIMESTAMP, or a time zone name.
                if case .string(let text)? = bound[2].constantValue, TimeFormat.parseTimestamp(text) == nil {
                    guard TimeZoneRules.named(text) != nil else {
                        throw QueryError(.invalidText, "unknown time zone \"\(text)\" (names as in /usr/share/zoneinfo, e.g. 'Europe/Berlin')", at: args[2].location)
                    }
                    list.append(.literal(.string(text), .string))
                } else {
                    list.append(try coerce(bound[2], to: .timestamp, args[2].location))
                }
            }
            return .function(.timeBucket, list, .timestamp)
        case "date_trunc":
            try expectCount(name, args, 2...3, location)
            guard case .string(let unit)? = bound[0].constantValue else {
                throw QueryError(.type, "date_trunc() needs a constant unit such as 'hour'", at: args[0].location)
            }
            do { _ = try Functions.truncate(0, unit: unit) } catch {  // unknown units now, with a location
                throw QueryError(error.code, error.message, at: args[0].location)
            }
            var list = [bound[0], try coerce(bound[1], to: .timestamp, args[1].location)]
            if args.count == 3 {
                guard case .string(let zone)? = bound[2].constantValue, TimeZoneRules.named(zone) != nil else {
                    throw QueryError(.invalidText, "date_trunc() needs a known time zone name, e.g. 'Europe/Berlin'", at: args[2].location)
                }
                list.append(.literal(.string(zone), .string))
            }
            return .function(.dateTrunc, list, .timestamp)
        default:
            var message = "function \(name)() does not exist"
            let known = ["abs", "round", "floor", "ceil", "ln", "sqrt", "greatest", "least", "coalesce", "lower", "upper",
                         "length", "substr", "concat", "json_extract", "time_bucket", "date_trunc", "now"] + aggregateNames.sorted()
            if let near = nearest(name, known) { message += "; did you mean \(near)()?" }
            throw QueryError(.syntax, message, at: call.name.location)
        }
    }

    static func bindAggregate(_ call: FunctionCall, _ location: SourceLocation, _ scope: inout BindScope) throws(QueryError) -> BoundAggregate {
        let name = call.name.value.lowercased()
        if case .star = call.arguments {
            guard name == "count" else { throw QueryError(.syntax, "\(name)(*) is only valid for count", at: location) }
            return BoundAggregate(kind: .countStar, argument: nil, time: nil, distinct: false, fraction: nil, type: .bigint)
        }
        let (args, distinct) = try arguments(call, location)
        for a in args where containsAggregate(a) {
            throw QueryError(.syntax, "aggregate function calls cannot be nested", at: a.location)
        }
        if distinct && !["count", "sum", "avg", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "min", "max"].contains(name) {
            throw QueryError(.unsupported, "DISTINCT is not supported in \(name)()", at: location)
        }
        var bound: [BoundExpr] = []
        for a in args { bound.append(try bind(a, &scope)) }
        func one() throws(QueryError) -> BoundExpr {
            try expectCount(name, args, 1...1, location)
            return bound[0]
        }
        switch name {
        case "count":
            return BoundAggregate(kind: .count, argument: try one(), time: nil, distinct: distinct, fraction: nil, type: .bigint)
        case "sum", "avg", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop":
            let x = try one()
            guard x.type.isNumeric || x.type == .null || (name == "sum" && x.type == .interval) else {
                throw QueryError(.type, "\(name)() needs a number, not \(x.type)", at: args[0].location)
            }
            let kind: AggregateKind = switch name {
            case "sum": .sum
            case "avg": .avg
            case "stddev", "stddev_samp": .stddev
            case "stddev_pop": .stddevPop
            case "var_pop": .variancePop
            default: .variance
            }
            let type: SQLType = kind == .sum ? (x.type == .null ? .double : x.type) : .double
            return BoundAggregate(kind: kind, argument: x, time: nil, distinct: distinct, fraction: nil, type: type)
        case "min", "max":
            let x = try one()
            return BoundAggregate(kind: name == "min" ? .min : .max, argument: x, time: nil, distinct: false, fraction: nil, type: x.type)
        case "first", "last":
            try expectCount(name, args, 2...2, location)
            let time = try coerce(bound[1], to: .timestamp, args[1].location)
            return BoundAggregate(kind: name == "first" ? .first : .last, argument: bound[0], time: time, distinct: false, fraction: nil, type: bound[0].type)
        case "approx_count_distinct":
            return BoundAggregate(kind: .approxCountDistinct, argument: try one(), time: nil, distinct: false, fraction: nil, type: .bigint)
        case "approx_percentile":
            try expectCount(name, args, 2...2, location)
            guard let fraction = bound[1].constantValue?.doubleValue, (0...1).contains(fraction) else {
                throw QueryError(.outOfRange, "approx_percentile() needs a constant fraction between 0 and 1", at: args[1].location)
            }
            guard bound[0].type.isNumeric || bound[0].type == .null else {
                throw QueryError(.type, "approx_percentile() needs a number, not \(bound[0].type)", at: args[0].location)
            }
            return BoundAggregate(kind: .approxPercentile, argument: bound[0], time: nil, distinct: false, fraction: fraction, type: .double)
        case "percentile_disc", "percentile_cont":
            try expectCount(name, args, 2...2, location)
            guard let fraction = bound[1].constantValue?.doubleValue, (0...1).contains(fraction) else {
                throw QueryError(.outOfRange, "\(name)() needs a constant fraction between 0 and 1", at: args[1].location)
            }
            let x = bound[0]
            guard x.type.isNumeric || x.type == .timestamp || x.type == .null else {
                throw QueryError(.type, "\(name)() needs a number or a timestamp, not \(x.type)", at: args[0].location)
            }
            let type: SQLType = name == "percentile_disc" ? x.type : (x.type == .timestamp ? .timestamp : .double)
            return BoundAggregate(kind: name == "percentile_disc" ? .percentileDisc : .percentileCont, argument: x, time: nil,
                                  distinct: false, fraction: fraction, type: type)
        default:
            throw QueryError(.syntax, "function \(name)() does not exist", at: location)
        }
    }
}
