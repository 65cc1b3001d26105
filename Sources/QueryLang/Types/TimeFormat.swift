// Timestamps and intervals as text, without Foundation: RFC 3339 / SQL timestamp
// literals in and out (UTC, nanosecond precision), and PostgreSQL-style interval text
// ('7 days', '1 hour 30 minutes', '90 seconds', '1.5h'). Civil-date arithmetic follows
// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).

enum TimeFormat {
    static let nanosPerSecond: Int64 = 1_000_000_000
    static let nanosPerDay: Int64 = 86_400 * 1_000_000_000

    /// Days since 1970-01-01 of a civil date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    static func civil(days z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// `2016-01-01T01:38:42Z`, with a fraction only when there is one.
    static func rfc3339(_ nanos: Int64) -> String {
        let day = floorDiv(nanos, nanosPerDay)
        let within = nanos - day * nanosPerDay
        let (y, m, d) = civil(days: day)
        let seconds = within / nanosPerSecond
        let fraction = within % nanosPerSecond
        var text = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(seconds / 3600, 2) + ":"
            + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        if fraction != 0 {
            var digits = pad(fraction, 9)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }

    /// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][ ][Z|±HH[:MM]]`; nil when malformed.
    static func parseTimestamp(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        var i = 0
        func number(_ digits: Int) -> Int64? {
            guard i + digits <= b.count else { return nil }
            var v: Int64 = 0
            for k in i..<(i + digits) {
                guard b[k] >= 48 && b[k] <= 57 else { return nil }
                v = v * 10 + Int64(b[k] - 48)
            }
            i += digits
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var nanos: Int64 = 0
        if i < b.count && (b[i] == 32 || b[i] == 84 || b[i] == 116) {
            i += 1
            guard let hour = number(2), expect(58), let minute = number(2), hour < 24, minute < 60 else { return nil }
            var second: Int64 = 0
            if expect(58) {
                guard let s = number(2), s < 60 else { return nil }
                second = s
                if expect(46) {
                    var fraction: Int64 = 0
                    var digits = 0
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        if digits < 9 { fraction = fraction * 10 + Int64(b[i] - 48); digits += 1 }
                        i += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<9 { fraction *= 10 }
                    nanos += fraction
                }
            }
            nanos += (hour * 3600 + minute * 60 + second) * nanosPerSecond
            // A zone may follow a space, as TSBS and PostgreSQL write it: `… 01:38:42.000000 +0000`.
            if i + 1 < b.count, b[i] == 32, b[i + 1] == 43 || b[i + 1] == 45 || b[i + 1] == 90 { i += 1 }
        }
        // "2016-01-01 00:30:00.000000 +0000" (TSBS, PostgreSQL output): a space before the offset.
        if i + 1 < b.count, b[i] == 32, b[i + 1] == 43 || b[i + 1] == 45 || b[i + 1] == 90 { i += 1 }
        if i < b.count {
            if b[i] == 90 || b[i] == 122 {
                i += 1
            } else if b[i] == 43 || b[i] == 45 {
                let sign: Int64 = b[i] == 45 ? -1 : 1
                i += 1
                guard let h = number(2) else { return nil }
                var m: Int64 = 0
                if expect(58) { guard let mm = number(2) else { return nil }; m = mm } else if let mm = number(2) { m = mm }
                nanos -= sign * (h * 3600 + m * 60) * nanosPerSecond
            } else {
                return nil
            }
        }
        guard i == b.count else { return nil }
        let (total, overflow) = days(year: year, month: month, day: day).multipliedReportingOverflow(by: nanosPerDay)
        guard !overflow else { return nil }
        let (result, overflow2) = total.addingReportingOverflow(nanos)
        return overflow2 ? nil : result
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// A calendar or fixed interval: months (calendar) plus nanoseconds (fixed).
    struct Interval: Hashable, Sendable {
        var months: Int64 = 0
        var nanoseconds: Int64 = 0
    }

    /// Parses interval text: one or more `<number> <unit>` pairs (`'1 hour 30 minutes'`,
    /// `'7 days'`, `'1.5 h'`, `'10s'`). Units: ns, us, ms, s/sec/second(s),
    /// m/min/minute(s), h/hour(s), d/day(s), w/week(s), mon/month(s), y/year(s).
    static func parseInterval(_ text: String) -> Interval? {
        let b = Array(text.lowercased().utf8)
        var i = 0
        var result = Interval()
        var sawOne = false
        func skipSpaces() { while i < b.count && b[i] == 32 { i += 1 } }
        skipSpaces()
        while i < b.count {
            var negative = false
            if b[i] == 45 { negative = true; i += 1 } else if b[i] == 43 { i += 1 }
            let start = i
            while i < b.count, (b[i] >= 48 && b[i] <= 57) || b[i] == 46 { i += 1 }
            guard i > start, let value = Double(String(decoding: b[start..<i], as: UTF8.self)) else { return nil }
            skipSpaces()
            let unitStart = i
            while i < b.count, b[i] >= 97, b[i] <= 122 { i += 1 }
            let unit = String(decoding: b[unitStart..<i], as: UTF8.self)
            let signed = negative ? -value : value
            switch unit {
            case "mon", "mons", "month", "months":
                guard signed == signed.rounded() else { return nil }
                result.months += Int64(signed)
            case "y", "yr", "yrs", "year", "years":
                guard signed == signed.rounded() else { return nil }
                result.months += Int64(signed) * 12
            default:
                guard let scale = fixedUnit(unit) else { return nil }
                let nanos = (signed * Double(scale)).rounded()
                guard abs(nanos) < 9.2e18 else { return nil }
                result.nanoseconds += Int64(nanos)
            }
            sawOne = true
            skipSpaces()
        }
        return sawOne ? result : nil
    }

    static func fixedUnit(_ unit: String) -> Int64? {
        switch unit {
        case "ns", "nanosecond", "nanoseconds": 1
        case "us", "microsecond", "microseconds": 1_000
        case "ms", "millisecond", "milliseconds": 1_000_000
        case "s", "sec", "secs", "second", "seconds": nanosPerSecond
        case "m", "min", "mins", "minute", "minutes": 60 * nanosPerSecond
        case "h", "hr", "hrs", "hour", "hours": 3600 * nanosPerSecond
        case "d", "day", "days": nanosPerDay
        case "w", "week", "weeks": 7 * nanosPerDay
        default: nil
        }
    }

    /// `1 day 02:03:04.5` style text of a fixed interval (PostgreSQL's output form).
    static func interval(_ nanos: Int64) -> String {
        let negative = nanos < 0
        let magnitude = nanos.magnitude
        let days = magnitude / UInt64(nanosPerDay)
        let rest = magnitude % UInt64(nanosPerDay)
        let seconds = rest / UInt64(nanosPerSecond)
        let fraction = rest % UInt64(nanosPerSecond)
        var text = negative ? "-" : ""
        if days > 0 { text += "\(days) day" + (days == 1 ? "" : "s") + (rest > 0 ? " " : "") }
        if rest > 0 || days == 0 {
            text += pad(Int64(seconds / 3600), 2) + ":" + pad(Int64(seconds / 60 % 60), 2) + ":" + pad(Int64(seconds % 60), 2)
            if fraction > 0 {
                var digits = pad(Int64(fraction), 9)
                while digits.hasSuffix("0") { digits.removeLast() }
                text += "." + digits
            }
        }
        return text
    }
}
