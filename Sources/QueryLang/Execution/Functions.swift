// Scalar functions, value by value, plus a typed loop for the hot one: time_bucket with
// a fixed width over a TIMESTAMP column. Buckets are aligned to TimescaleDB's default
// origin, Monday 2000-01-03 00:00 UTC (so week buckets start on Mondays); widths that
// divide a day give the same buckets as aligning to the Unix epoch.
import SundialStorage

enum Functions {
    /// TimescaleDB's default time_bucket origin: 2000-01-03T00:00:00Z.
    static let defaultOrigin: Int64 = 946_857_600 * 1_000_000_000

    static func bucket(_ t: Int64, width: Int64, origin: Int64) -> Int64 {
        let offset = t &- origin
        return origin &+ TimeFormat.floorDiv(offset, width) &* width
    }

    /// Months since 2000-01 of a timestamp's UTC date, and back.
    static func monthIndex(_ t: Int64) -> Int64 {
        let (y, m, _) = TimeFormat.civil(days: TimeFormat.floorDiv(t, TimeFormat.nanosPerDay))
        return (y - 2000) * 12 + (m - 1)
    }

    static func startOfMonth(_ index: Int64) -> Int64 {
        let year = 2000 + TimeFormat.floorDiv(index, 12)
        let month = index - TimeFormat.floorDiv(index, 12) * 12 + 1
        return TimeFormat.days(year: year, month: month, day: 1) * TimeFormat.nanosPerDay
    }

    static func fastTimeBucket(_ args: [Vector], _ n: Int) -> Vector? {
        guard args.count == 2, args[0].type == .interval, args[1].type == .timestamp,
              case .bigint(let widths, nil) = args[0].values, let width = widths.first, width > 0,
              case .bigint(let times, let valid) = args[1].values else { return nil }
        // Times mostly ascend (a series batch): the current bucket's bounds are checked
        // first, and a division is paid only when a time leaves them.
        let out = [Int64](unsafeUninitializedCapacity: n) { out, initialized in
            times.withUnsafeBufferPointer { t in
                var low: Int64 = 1, high: Int64 = 0
                for i in 0..<n {
                    let x = t[i]
                    if x < low || x >= high {
                        let b = bucket(x, width: width, origin: defaultOrigin)
                        out[i] = b
                        // Cached only when the bucket holds x (no wraparound at the extremes).
                        let (end, overflow) = b.addingReportingOverflow(width)
                        (low, high) = b <= x ? (b, overflow ? .max : end) : (1, 0)
                        continue
                    }
                    out[i] = low
                }
            }
            initialized = n
        }
        return Vector(type: .timestamp, values: .bigint(out, valid: valid))
    }

    /// Interval text or value as (months, nanoseconds).
    static func width(_ v: SQLValue) throws(QueryError) -> TimeFormat.Interval {
        switch v {
        case .interval(let d): return TimeFormat.Interval(months: 0, nanoseconds: d)
        case .string(let s):
            guard let i = TimeFormat.parseInterval(s) else { throw QueryError(.invalidText, "invalid bucket width: \"\(s)\"") }
            return i
        default: throw QueryError(.type, "a bucket width must be an INTERVAL or interval text, not \(v.type)")
        }
    }

    static func call(_ f: ScalarFunction, _ a: [SQLValue], _ type: SQLType, _ context: EvaluationContext) throws(QueryError) -> SQLValue {
        switch f {
        case .now: return .timestamp(context.now)
        case .coalesce: return try Scalar.cast(a.first { !$0.isNull } ?? .null, to: type)
        case .greatest, .least:
            var best: SQLValue = .null
            for v in a where !v.isNull {
                let cast = try Scalar.cast(v, to: type)
                if best.isNull { best = cast; continue }
                if let c = SQLValue.compare(cast, best), f == .greatest ? c > 0 : c < 0 { best = cast }
            }
            return best
        case .concat: return .string(a.filter { !$0.isNull }.map(\.text).joined())
        default: break
        }
        if a.contains(where: \.isNull) { return .null }
        switch f {
        case .abs:
            switch a[0] {
            case .bigint(let x):
                guard x != .min else { throw QueryError(.outOfRange, "BIGINT out of range") }
                return .bigint(Swift.abs(x))
            case .interval(let x): return .interval(Swift.abs(x))
            default: return .double(Swift.abs(a[0].doubleValue ?? 0))
            }
        case .round:
            let x = a[0].doubleValue ?? 0
            // round(x): half to even, as PostgreSQL rounds float8 (rint); round(x, n): half away
            // from zero, as it rounds numerics (it has no round(float8, int)).
            if a.count == 1 { return .double(x.rounded(.toNearestOrEven)) }
            let scale = pow10(Int(a[1].int64Value ?? 0))
            return .double((x * scale).rounded(.toNearestOrAwayFromZero) / scale)
        case .floor: return .double((a[0].doubleValue ?? 0).rounded(.down))
        case .ceil: return .double((a[0].doubleValue ?? 0).rounded(.up))
        case .ln:
            // NaN passes (its logarithm is NaN), as in PostgreSQL.
            let x = a[0].doubleValue ?? 0
            guard x != 0 else { throw QueryError(.outOfRange, "cannot take logarithm of zero") }
            guard !(x < 0) else { throw QueryError(.outOfRange, "cannot take logarithm of a negative number") }
            return .double(Foundationless.log(x))
        case .sqrt:
            let x = a[0].doubleValue ?? 0
            guard !(x < 0) else { throw QueryError(.outOfRange, "cannot take square root of a negative number") }
            return .double(x.squareRoot())
        case .lower: return .string(a[0].text.lowercased())
        case .upper: return .string(a[0].text.uppercased())
        case .length: return .bigint(Int64(a[0].text.count))
        case .substr:
            let chars = Array(a[0].text)
            let start = Int(a[1].int64Value ?? 1)
            let length = a.count > 2 ? Int(a[2].int64Value ?? 0) : Int.max / 2
            guard length >= 0 else { throw QueryError(.outOfRange, "negative substring length not allowed") }
            let from = max(start, 1) - 1
            let to = min(chars.count, max(start - 1 + min(length, Int.max / 4), 0))
            return .string(from < to ? String(chars[from..<to]) : "")
        case .timeBucket:
            let w = try width(a[0])
            guard case .timestamp(let t) = a[1] else { throw QueryError(.type, "time_bucket needs a TIMESTAMP, not \(a[1].type)") }
            if a.count > 2, case .string(let zoneName) = a[2] {
                // Buckets of local wall-clock time, returned as the UTC instant they start.
                guard let zone = TimeZoneRules.named(zoneName) else { throw QueryError(.invalidText, "unknown time zone \"\(zoneName)\"") }
                var local = a
                local[1] = .timestamp(zone.local(t))
                local.removeLast()
                guard case .timestamp(let bucket) = try call(.timeBucket, local, type, context) else { return .null }
                return .timestamp(zone.utc(fromLocal: bucket, preferring: zone.offset(at: TimeFormat.floorDiv(t, 1_000_000_000))))
            }
            if w.months > 0 {
                guard w.nanoseconds == 0 else { throw QueryError(.invalidText, "a bucket width cannot mix months and days") }
                let index = TimeFormat.floorDiv(monthIndex(t), w.months) * w.months
                return .timestamp(startOfMonth(index))
            }
            guard w.nanoseconds > 0 else { throw QueryError(.outOfRange, "a bucket width must be positive") }
            var origin = defaultOrigin
            if a.count > 2 {
                guard case .timestamp(let o) = a[2] else {
                    throw QueryError(.unsupported, "time_bucket's third argument must be an origin TIMESTAMP (time zones are not supported yet)")
                }
                origin = o
            }
            return .timestamp(bucket(t, width: w.nanoseconds, origin: origin))
        case .dateTrunc:
            guard case .timestamp(let t) = a[1] else { throw QueryError(.type, "date_trunc needs a TIMESTAMP, not \(a[1].type)") }
            if a.count > 2 {
                guard let zone = TimeZoneRules.named(a[2].text) else { throw QueryError(.invalidText, "unknown time zone \"\(a[2].text)\"") }
                return .timestamp(zone.utc(fromLocal: try truncate(zone.local(t), unit: a[0].text),
                                           preferring: zone.offset(at: TimeFormat.floorDiv(t, 1_000_000_000))))
            }
            return .timestamp(try truncate(t, unit: a[0].text))
        case .extract:
            guard case .timestamp(let t) = a[1] else { throw QueryError(.type, "extract needs a TIMESTAMP, not \(a[1].type)") }
            return try extract(a[0].text, t)
        case .jsonExtract:
            return JSONPath.extract(a[0].text, path: a[1].text)
        default:
            throw QueryError(.unsupported, "function \(f.rawValue) is not supported here")
        }
    }

    static func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<Swift.min(Swift.abs(n), 30) { r *= 10 }
        return n >= 0 ? r : 1 / r
    }

    static func truncate(_ t: Int64, unit: String) throws(QueryError) -> Int64 {
        let day = TimeFormat.nanosPerDay
        switch unit.lowercased() {
        case "microsecond", "microseconds": return TimeFormat.floorDiv(t, 1_000) * 1_000
        case "millisecond", "milliseconds": return TimeFormat.floorDiv(t, 1_000_000) * 1_000_000
        case "second", "seconds": return TimeFormat.floorDiv(t, 1_000_000_000) * 1_000_000_000
        case "minute", "minutes": return TimeFormat.floorDiv(t, 60_000_000_000) * 60_000_000_000
        case "hour", "hours": return TimeFormat.floorDiv(t, 3_600_000_000_000) * 3_600_000_000_000
        case "day", "days": return TimeFormat.floorDiv(t, day) * day
        case "week", "weeks": return bucket(t, width: 7 * day, origin: defaultOrigin)
        case "month", "months": return startOfMonth(monthIndex(t))
        case "quarter": return startOfMonth(TimeFormat.floorDiv(monthIndex(t), 3) * 3)
        case "year", "years": return startOfMonth(TimeFormat.floorDiv(monthIndex(t), 12) * 12)
        default: throw QueryError(.invalidText, "unknown date_trunc unit \"\(unit)\"")
        }
    }

    static func extract(_ field: String, _ t: Int64) throws(QueryError) -> SQLValue {
        let days = TimeFormat.floorDiv(t, TimeFormat.nanosPerDay)
        let within = t - days * TimeFormat.nanosPerDay
        let (y, m, d) = TimeFormat.civil(days: days)
        switch field.uppercased() {
        case "YEAR": return .double(Double(y))
        case "MONTH": return .double(Double(m))
        case "DAY": return .double(Double(d))
        case "HOUR": return .double(Double(within / 3_600_000_000_000))
        case "MINUTE": return .double(Double(within / 60_000_000_000 % 60))
        case "SECOND": return .double(Double(within % 60_000_000_000) / 1e9)
        case "MILLISECONDS": return .double(Double(within % 60_000_000_000) / 1e6)
        case "MICROSECONDS": return .double(Double(within % 60_000_000_000) / 1e3)
        case "EPOCH": return .double(Double(TimeFormat.floorDiv(t, 1_000_000_000)) + Double(t - TimeFormat.floorDiv(t, 1_000_000_000) * 1_000_000_000) / 1e9)
        case "DOW": return .double(Double(((days % 7) + 11) % 7))  // 1970-01-01 was a Thursday (4)
        case "ISODOW": let dow = ((days % 7) + 11) % 7; return .double(Double(dow == 0 ? 7 : dow))
        case "DOY": return .double(Double(days - TimeFormat.days(year: y, month: 1, day: 1) + 1))
        case "QUARTER": return .double(Double((m - 1) / 3 + 1))
        case "DECADE": return .double(Double(TimeFormat.floorDiv(y, 10)))
        case "CENTURY": return .double(Double(y > 0 ? (y + 99) / 100 : -((-y) / 100 + 1)))
        case "MILLENNIUM": return .double(Double(y > 0 ? (y + 999) / 1000 : -((-y) / 1000 + 1)))
        case "WEEK":
            // ISO week: the week (Monday first) holding the year's first Thursday is week 1.
            let dow = (((days % 7) + 11) % 7 + 6) % 7  // Monday = 0
            let thursday = days - dow + 3
            let (ty, _, _) = TimeFormat.civil(days: thursday)
            return .double(Double((thursday - TimeFormat.days(year: ty, month: 1, day: 1)) / 7 + 1))
        case "ISOYEAR":
            let dow = (((days % 7) + 11) % 7 + 6) % 7
            return .double(Double(TimeFormat.civil(days: days - dow + 3).year))
        default: throw QueryError(.invalidText, "unknown extract field \"\(field)\"")
        }
    }
}

/// Natural logarithm without Foundation (Glibc's log).
enum Foundationless {
    static func log(_ x: Double) -> Double {
        #if canImport(Glibc)
        return Glibc.log(x)
        #else
        return Darwin.log(x)
        #endif
    }

    static func pow(_ x: Double, _ y: Double) -> Double {
        #if canImport(Glibc)
        return Glibc.pow(x, y)
        #else
        return Darwin.pow(x, y)
        #endif
    }
}
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
