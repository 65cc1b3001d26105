// The random table the differential tests query: `m`, two days of rows from a dozen
// series, loaded identically into Sundial and DuckDB.
//
//   time    TIMESTAMP  unique across the table (so any ORDER BY time is total and
//                      first/last/LATEST ON have no ties); microsecond precision, as
//                      DuckDB's TIMESTAMP; some rows on whole hours and days
//   host, region, env  TAG (STRING in DuckDB); region and env are missing (NULL) in
//                      some series
//   usage   DOUBLE     multiples of 0.25 in [-100, 100] (sums are exact in any order)
//   temp    DOUBLE     multiples of 0.5, and NaN, ±Infinity, -0.0
//   n       BIGINT     [-50, 50]
//   ok      BOOLEAN
//   msg     STRING     a small vocabulary, with '' and LIKE's % and _ in it
// Every field is NULL in about one row in ten. The rows go into Sundial in two writes
// with a flush between them, interleaved in time, so queries read segments and the
// in-memory head together.
import Foundation
import Sundial
import SundialTestSupport
import SundialWorkloads

struct DifferentialDataSet {
    struct Row {
        var time: Int64
        var series: Int
        var usage: Double?
        var temp: Double?
        var n: Int64?
        var ok: Bool?
        var msg: String?
    }

    static let table = "m"
    static let tagNames = ["host", "region", "env"]
    /// 2016-02-28T12:00:00Z: the two days hold a leap day, a Monday (week start) and a
    /// month boundary.
    static let start: Int64 = 1_456_660_800 * 1_000_000_000
    static let span: Int64 = 2 * 86_400 * 1_000_000_000
    static let hosts = ["web-1", "web-2", "web-10", "db_1", "DB-2", "cache"]
    static let regions: [String?] = ["eu-west", "us-east", "ap", nil]
    static let envs: [String?] = ["prod", "test", nil]
    static let messages = ["ok", "warn", "error: disk", "Error: net", "timeout", "a_b", "50%", "", "retry 3"]

    /// Each series' tag values (host, region, env), nil where the tag is missing.
    let series: [[String?]]
    let rows: [Row]

    init(seed: UInt64, rows count: Int) {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        func chance(_ p: Double) -> Bool { rng.nextUnit() < p }

        var series: [[String?]] = []
        var seen = Set<[String?]>()
        while series.count < 12 {
            let tags = [pick(Self.hosts), pick(Self.regions), pick(Self.envs)]
            if seen.insert(tags).inserted { series.append(tags) }
        }
        var times = Set<Int64>()
        var rows: [Row] = []
        while rows.count < count {
            var time: Int64
            if chance(0.05) {
                time = Self.start + Int64(rng.next() % 48) * 3_600_000_000_000  // on the hour
            } else {
                time = Self.start + Int64(rng.next() % 172_800) * 1_000_000_000
                if chance(0.3) { time += Int64(rng.next() % 1_000_000) * 1_000 }  // microseconds
            }
            guard times.insert(time).inserted else { continue }
            var temp: Double? = Double(Int64(rng.next() % 201) - 100) / 2
            if chance(0.04) { temp = pick([Double.nan, .infinity, -.infinity, -0.0]) }
            rows.append(Row(
                time: time,
                series: Int(rng.next() % UInt64(series.count)),
                usage: chance(0.1) ? nil : Double(Int64(rng.next() % 801) - 400) / 4,
                temp: chance(0.1) ? nil : temp,
                n: chance(0.1) ? nil : Int64(rng.next() % 101) - 50,
                ok: chance(0.1) ? nil : chance(0.5),
                msg: chance(0.1) ? nil : pick(Self.messages)))
        }
        self.series = series
        self.rows = rows
    }

    static let fieldColumns = [
        ColumnDefinition(name: "usage", type: .double), ColumnDefinition(name: "temp", type: .double),
        ColumnDefinition(name: "n", type: .bigint), ColumnDefinition(name: "ok", type: .boolean),
        ColumnDefinition(name: "msg", type: .string),
    ]

    /// Creates `m` and writes the rows: half, a flush, the other half.
    func load(into db: Database) async throws {
        try await db.createTable(Self.table, columns: Self.tagNames.map { ColumnDefinition(name: $0, type: .tag) } + Self.fieldColumns)
        let half = rows.indices.filter { $0 % 2 == 0 }.map { rows[$0] }
        let rest = rows.indices.filter { $0 % 2 == 1 }.map { rows[$0] }
        _ = try await db.write(batch(half))
        try await db.flush()
        _ = try await db.write(batch(rest))
    }

    func batch(_ rows: [Row]) -> WriteBatch {
        var groups: [SeriesRows] = []
        for (s, tags) in series.enumerated() {
            let mine = rows.filter { $0.series == s }.sorted { $0.time < $1.time }
            guard !mine.isEmpty else { continue }
            var present: [(key: String, value: String)] = []
            for (key, value) in zip(Self.tagNames, tags) { if let value { present.append((key, value)) } }
            groups.append(SeriesRows(tags: present, timestamps: mine.map(\.time), columns: [
                .double(mine.map { $0.usage ?? 0 }, valid: mine.map { $0.usage != nil }),
                .double(mine.map { $0.temp ?? 0 }, valid: mine.map { $0.temp != nil }),
                .bigint(mine.map { $0.n ?? 0 }, valid: mine.map { $0.n != nil }),
                .boolean(mine.map { $0.ok ?? false }, valid: mine.map { $0.ok != nil }),
                .string(mine.map { $0.msg ?? "" }, valid: mine.map { $0.msg != nil }),
            ]))
        }
        return WriteBatch(table: Self.table, columns: Self.fieldColumns, series: groups)
    }

    /// The table for DuckDB, its rows written to `directory`.
    func duckDBTable(in directory: String) throws -> DuckDBTable {
        var lines = ""
        for row in rows {
            let tags = series[row.series]
            var object: [String: String?] = ["time": Self.timestampText(row.time)]
            for (key, value) in zip(Self.tagNames, tags) { object[key] = value }
            object["usage"] = row.usage.map(Self.doubleText)
            object["temp"] = row.temp.map(Self.doubleText)
            object["n"] = row.n.map { String($0) }
            object["ok"] = row.ok.map { $0 ? "true" : "false" }
            object["msg"] = row.msg
            lines += Self.jsonObject(object) + "\n"
        }
        let path = directory + "/m.jsonl"
        try lines.write(toFile: path, atomically: true, encoding: .utf8)
        let columns = [("time", "TIMESTAMP"), ("host", "VARCHAR"), ("region", "VARCHAR"), ("env", "VARCHAR"),
                       ("usage", "DOUBLE"), ("temp", "DOUBLE"), ("n", "BIGINT"), ("ok", "BOOLEAN"), ("msg", "VARCHAR")]
        return DuckDBTable(name: Self.table, columns: columns.map { DuckDBTable.Column(name: $0.0, type: $0.1) }, data: path)
    }

    static func doubleText(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        return "\(v)"
    }

    /// `YYYY-MM-DD HH:MM:SS.ffffff` (UTC), as both engines read timestamp literals.
    static func timestampText(_ ns: Int64) -> String {
        let seconds = ns / 1_000_000_000
        let micros = (ns % 1_000_000_000) / 1_000
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ v: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
        return "\(pad(c.year!, 4))-\(pad(c.month!, 2))-\(pad(c.day!, 2)) \(pad(c.hour!, 2)):\(pad(c.minute!, 2)):\(pad(c.second!, 2)).\(pad(Int(micros), 6))"
    }

    static func jsonObject(_ object: [String: String?]) -> String {
        let fields = object.keys.sorted().map { key -> String in
            let value = object[key]!.map(jsonString) ?? "null"
            return jsonString(key) + ":" + value
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
