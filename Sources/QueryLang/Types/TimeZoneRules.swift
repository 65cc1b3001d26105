// Time zones for time_bucket(width, time, 'Europe/Berlin') and date_trunc(unit, time,
// zone): UTC offsets read from the system's TZif files (/usr/share/zoneinfo, RFC 8536),
// version 2+ 64-bit data, with the footer's POSIX rule (`CET-1CEST,M3.5.0,M10.5.0/3`)
// for instants after the last listed transition. Parsed once per zone and cached.
import SundialStorage
import Synchronization

/// The UTC offsets of one time zone.
public struct TimeZoneRules: Sendable {
    public let name: String
    /// Transition instants (seconds since the epoch, ascending) and the offset (seconds
    /// east of UTC) from each one on.
    let transitions: [Int64]
    let offsets: [Int32]
    /// The offset before the first transition.
    let initialOffset: Int32
    let rule: PosixRule?

    static let cache = Mutex<[String: TimeZoneRules]>([:])
    static let directory = "/usr/share/zoneinfo"

    /// The rules of zone `name` ("UTC", "Europe/Berlin", …), or nil when unknown.
    public static func named(_ name: String) -> TimeZoneRules? {
        if let cached = cache.withLock({ $0[name] }) { return cached }
        if name == "UTC" || name == "Etc/UTC" || name == "Z" {
            return TimeZoneRules(name: name, transitions: [], offsets: [], initialOffset: 0, rule: nil)
        }
        // Names are paths below the zone directory: no "..", no absolute paths.
        guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains(".."),
              name.utf8.allSatisfy({ $0 > 32 && $0 < 127 }),
              let bytes = try? PosixFileSystem().readFile(directory + "/" + name),
              let rules = parse(bytes, name: name) else { return nil }
        cache.withLock { $0[name] = rules }
        return rules
    }

    /// Seconds east of UTC at `instant` (seconds since the epoch).
    public func offset(at instant: Int64) -> Int32 {
        if let last = transitions.last, instant >= last, let rule { return rule.offset(at: instant) }
        let low = transitions.sortedUpperBound(instant)
        if low == 0 { return transitions.isEmpty ? (rule?.offset(at: instant) ?? initialOffset) : initialOffset }
        return offsets[low - 1]
    }

    /// The UTC instant (ns) of a local wall-clock time (ns): the offset in force then.
    /// A wall time skipped by a DST jump maps past the jump; a repeated one to its first.
    /// When `preferring` (seconds east of UTC) gives a consistent answer it is used: a
    /// bucket start that occurs twice (the hour repeated in autumn) resolves to the
    /// occurrence with the offset of the instant being bucketed.
    public func utc(fromLocal local: Int64, preferring: Int32? = nil) -> Int64 {
        if let preferring {
            let candidate = local - Int64(preferring) * 1_000_000_000
            if offset(at: TimeFormat.floorDiv(candidate, 1_000_000_000)) == preferring { return candidate }
        }
        let seconds = TimeFormat.floorDiv(local, 1_000_000_000)
        var offset = Int64(self.offset(at: seconds))
        let second = Int64(self.offset(at: seconds - offset))
        if second != offset {
            offset = Int64(self.offset(at: seconds - second)) == second ? second : max(offset, second)
        }
        return local - offset * 1_000_000_000
    }

    /// Local wall-clock time (ns) of a UTC instant (ns).
    public func local(_ utc: Int64) -> Int64 {
        utc + Int64(offset(at: TimeFormat.floorDiv(utc, 1_000_000_000))) * 1_000_000_000
    }

    static func parse(_ bytes: [UInt8], name: String) -> TimeZoneRules? {
        func u32(_ at: Int) -> Int? {
            guard at + 4 <= bytes.count else { return nil }
            return Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        func i64(_ at: Int) -> Int64 {
            var v: UInt64 = 0
            for k in 0..<8 { v = v << 8 | UInt64(bytes[at + k]) }
            return Int64(bitPattern: v)
        }
        guard bytes.count >= 44, bytes[0..<4].elementsEqual("TZif".utf8) else { return nil }
        let version = bytes[4]
        guard let isut1 = u32(20), let isstd1 = u32(24), let leap1 = u32(28), let time1 = u32(32), let type1 = u32(36), let char1 = u32(40) else { return nil }
        // Version 1 block (32-bit), skipped when a 64-bit block follows.
        let v1Size = time1 * 5 + type1 * 6 + char1 + leap1 * 8 + isstd1 + isut1
        guard version >= 0x32 else { return nil }  // '2' and later carry 64-bit data
        let h = 44 + v1Size
        guard bytes.count >= h + 44, bytes[h..<(h + 4)].elementsEqual("TZif".utf8),
              let isut = u32(h + 20), let isstd = u32(h + 24), let leap = u32(h + 28), let timecnt = u32(h + 32),
              let typecnt = u32(h + 36), let charcnt = u32(h + 40), typecnt > 0 else { return nil }
        var p = h + 44
        let dataSize = timecnt * 9 + typecnt * 6 + charcnt + leap * 12 + isstd + isut
        guard bytes.count >= p + dataSize else { return nil }
        var transitions: [Int64] = []
        for k in 0..<timecnt { transitions.append(i64(p + 8 * k)) }
        p += 8 * timecnt
        let indices = (0..<timecnt).map { Int(bytes[p + $0]) }
        p += timecnt
        var typeOffsets: [Int32] = []
        for k in 0..<typecnt {
            guard let raw = u32(p + 6 * k) else { return nil }
            typeOffsets.append(Int32(truncatingIfNeeded: raw))
        }
        p += typecnt * 6 + charcnt + leap * 12 + isstd + isut
        guard indices.allSatisfy({ $0 < typecnt }) else { return nil }
        // Footer: "\n" POSIX-TZ "\n".
        var rule: PosixRule?
        if p < bytes.count, bytes[p] == 10, let end = bytes[(p + 1)...].firstIndex(of: 10) {
            rule = PosixRule(String(decoding: bytes[(p + 1)..<end], as: UTF8.self))
        }
        return TimeZoneRules(name: name, transitions: transitions, offsets: indices.map { typeOffsets[$0] },
                             initialOffset: typeOffsets[0], rule: rule)
    }
}

/// A POSIX TZ rule: `STDoffset[DST[offset],start[/time],end[/time]]` with `Mm.w.d` dates.
struct PosixRule: Sendable {
    let standard: Int32
    let daylight: Int32?
    let start: (month: Int64, week: Int64, day: Int64, time: Int64)?
    let end: (month: Int64, week: Int64, day: Int64, time: Int64)?

    init?(_ text: String) {
        var chars = Array(text)[...]
        func name() -> Bool {
            if chars.first == "<" {
                guard let close = chars.firstIndex(of: ">") else { return false }
                chars = chars[(close + 1)...]
                return true
            }
            let start = chars.startIndex
            while let c = chars.first, c.isLetter { chars.removeFirst() }
            return chars.startIndex > start
        }
        func time() -> Int64? {
            var sign: Int64 = 1
            if chars.first == "-" { sign = -1; chars.removeFirst() } else if chars.first == "+" { chars.removeFirst() }
            var parts: [Int64] = []
            var current: Int64 = 0
            var digits = 0
            while let c = chars.first, c.isNumber || c == ":" {
                chars.removeFirst()
                if c == ":" { parts.append(current); current = 0; digits = 0 } else { current = current * 10 + Int64(c.wholeNumberValue!); digits += 1 }
            }
            guard digits > 0 || !parts.isEmpty else { return nil }
            parts.append(current)
            let seconds = parts[0] * 3600 + (parts.count > 1 ? parts[1] * 60 : 0) + (parts.count > 2 ? parts[2] : 0)
            return sign * seconds
        }
        func date() -> (Int64, Int64, Int64, Int64)? {
            guard chars.first == "M" else { return nil }
            chars.removeFirst()
            let fields = chars.prefix { $0.isNumber || $0 == "." }
            chars = chars[fields.endIndex...]
            let numbers = fields.split(separator: ".").compactMap { Int64(String($0)) }
            guard numbers.count == 3 else { return nil }
            var at: Int64 = 7200
            if chars.first == "/" { chars.removeFirst(); guard let t = time() else { return nil }; at = t }
            return (numbers[0], numbers[1], numbers[2], at)
        }
        guard name(), let std = time() else { return nil }
        standard = Int32(-std)
        guard !chars.isEmpty else { daylight = nil; start = nil; end = nil; return }
        guard name() else { return nil }
        var dst = -std + 3600
        if let c = chars.first, c != ",", let t = time() { dst = -t }
        daylight = Int32(dst)
        guard chars.first == "," else { return nil }
        chars.removeFirst()
        guard let s = date(), chars.first == "," else { return nil }
        chars.removeFirst()
        guard let e = date() else { return nil }
        start = s
        end = e
    }

    /// Seconds since the epoch of local time `time` on day `d` (0 = Sunday) of week `w`
    /// (5 = last) of month `m` of `year`.
    static func transition(_ year: Int64, _ rule: (month: Int64, week: Int64, day: Int64, time: Int64)) -> Int64 {
        let first = TimeFormat.days(year: year, month: rule.month, day: 1)
        let firstWeekday = ((first % 7) + 11) % 7  // 0 = Sunday; 1970-01-01 was a Thursday
        var day = first + (rule.day - firstWeekday + 7) % 7 + (rule.week - 1) * 7
        let length = TimeFormat.daysIn(month: rule.month, year: year)
        while day - first >= length { day -= 7 }
        return day * 86_400 + rule.time
    }

    func offset(at instant: Int64) -> Int32 {
        guard let daylight, let start, let end else { return standard }
        let year = TimeFormat.civil(days: TimeFormat.floorDiv(instant, 86_400)).year
        // Transition times are local: standard time for the start, daylight for the end.
        let begins = Self.transition(year, start) - Int64(standard)
        let ends = Self.transition(year, end) - Int64(daylight)
        let inDaylight = begins < ends ? (instant >= begins && instant < ends) : (instant >= begins || instant < ends)
        return inDaylight ? daylight : standard
    }
}
