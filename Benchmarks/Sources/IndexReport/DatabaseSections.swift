// Sections 4–5 of IndexReport: a real database on disk — the series log and the time to
// open at N series, then one host's rows of TSBS cpu-only through the index and without it.
import BenchmarkSupport
import Sundial
import SundialIndex
import SundialStorage
import SundialWorkloads

/// Settings shared by the on-disk sections: no fsync (the figures are about the index,
/// not the disk), no background maintenance, and room for every series.
func configuration(series: Int) -> Database.Configuration {
    var configuration = Database.Configuration()
    configuration.fsync = .none
    configuration.maintenanceInterval = nil
    configuration.storage.maxSeriesPerTable = max(configuration.storage.maxSeriesPerTable, series)
    return configuration
}

/// Section 4: N series (one row each) written, flushed and closed; the series log's size;
/// the time to open (the engine alone: registry load; the database: plus the TagIndex).
func diskSection(_ tags: [Tags], directory: String, rounds: Int) async throws -> [Row] {
    let n = tags.count
    let settings = configuration(series: n)
    let columns = [ColumnDefinition(name: "value", type: .double)]
    let time = TSBSDevops.defaultStart
    var rows: [Row] = []

    let db = try await Database.open(at: directory, configuration: settings)
    var writeTime = 0.0
    let chunk = 10_000
    for start in stride(from: 0, to: n, by: chunk) {
        let series = (start..<min(n, start + chunk)).map {
            SeriesRows(tags: tags[$0], timestamps: [time], columns: [.double([Double($0)], valid: nil)])
        }
        let batch = WriteBatch(table: "idx", columns: columns, series: series)
        writeTime += try await timed {
            let outcome = try await db.write(batch)
            precondition(outcome.rejected.isEmpty && outcome.rowsWritten == series.count)
        }
    }
    let flushTime = try await timed { try await db.flush() }
    let statistics = db.statistics()
    precondition(statistics.series == n)
    try await db.close()
    let diskBytes = directoryBytes(directory)
    rows.append(Row(operation: "write N new series (1 row each, batches of 10,000)", figure: rate(n, writeTime) + " series/s",
                    note: "`Database.write(WriteBatch)`, fsync none; flush \(duration(flushTime))"))
    rows.append(Row(operation: "series log (`SERIES`) on disk", figure: fixed(Double(statistics.seriesLogBytes) / Double(n), 1) + " bytes/series",
                    note: "\(grouped(statistics.seriesLogBytes)) bytes; whole directory \(fixed(Double(diskBytes) / Double(n), 1)) bytes/series"))
    rows.append(Row(operation: "registry in memory (`statistics().registryMemoryBytes / n`)",
                    figure: fixed(Double(statistics.registryMemoryBytes) / Double(n), 1) + " bytes/series", note: "estimate"))

    // The engine alone: manifest, segments, series log → registry, WAL (empty).
    var storage = StorageOptions()
    storage.wal.fsync = .none
    storage.maxSeriesPerTable = settings.storage.maxSeriesPerTable
    var engineOpen = Double.infinity
    for _ in 0..<rounds {
        var opened: StorageEngine?
        engineOpen = min(engineOpen, try timed { opened = try StorageEngine.open(directory: directory, options: storage).0 })
        try await opened?.close(flush: false)
    }
    // The database: the engine, then the TagIndex built from every registration.
    var databaseOpen = Double.infinity
    var reopened: Database?
    for round in 0..<rounds {
        databaseOpen = min(databaseOpen, try await timed { reopened = try await Database.open(at: directory, configuration: settings) })
        if round < rounds - 1 { try await reopened?.close() }
    }
    guard let db = reopened else { return rows }
    rows.append(Row(operation: "open: `StorageEngine.open` (registry load)", figure: duration(engineOpen),
                    note: "best of \(rounds); warm page cache"))
    rows.append(Row(operation: "open: `Database.open` (registry load + TagIndex build)", figure: duration(databaseOpen),
                    note: "best of \(rounds); TagIndex share ≈ \(duration(max(0, databaseOpen - engineOpen)))"))
    // Read after the open built the index: before any query, a database that has just
    // written its series reports an index that has not caught up with them.
    rows.append(Row(operation: "tag index in memory (`indexMemoryBytes / n`, after open)",
                    figure: fixed(Double(db.indexMemoryBytes) / Double(n), 1) + " bytes/series", note: "estimate"))

    // The facade's own figures (catalog lookup, index update check, lock, ids decoded).
    var rng = SplitMix64(seed: 11)
    let hosts = (0..<1000).map { _ in [TagPredicate("hostname", .equal("host_\(rng.next() % UInt64(n))"))] }
    var q = 0
    var found = 0
    let seriesLatency = latency {
        found = (try? db.series(of: "idx", where: hosts[q % hosts.count]))?.count ?? 0
        q += 1
    }
    precondition(found == 1)
    var values: [String] = []
    let valuesLatency = latency { values = db.tagValues(of: "idx", key: "hostname", prefix: "host_12", limit: 100) }
    var count = 0
    let countLatency = latency { count = db.seriesCount(of: "idx") }
    precondition(!values.isEmpty && count == n)
    rows.append(Row(operation: "`Database.series(of:where: hostname = h)`", figure: duration(seriesLatency), note: "mean over 1,000 hosts"))
    rows.append(Row(operation: "`Database.tagValues(hostname, prefix: \"host_12\", limit: 100)`", figure: duration(valuesLatency), note: ""))
    rows.append(Row(operation: "`Database.seriesCount`", figure: duration(countLatency), note: ""))
    try await db.close()
    return rows
}

/// One host's rows: timestamps and the ten fields.
struct HostRows: Equatable {
    var times: [Int64] = []
    var fields = [[Double]](repeating: [], count: TSBSDevops.fieldNames.count)

    mutating func append(_ batch: SeriesBatch) {
        times += batch.times
        for (c, column) in batch.columns.enumerated() {
            guard case .double(let values, _) = column else { preconditionFailure("field \(batch.columnNames[c]) is not double") }
            fields[c] += values
        }
    }
}

/// Section 5: TSBS devops cpu-only written and flushed; one host's rows through the index
/// (`where: hostname = h`) and by a full scan filtered in the loop.
func scanSection(hosts: Int, points: Int, directory: String, rounds: Int) async throws -> [Row] {
    let generator = TSBSDevops(hosts: hosts)
    let fields = TSBSDevops.fieldNames.map { ColumnDefinition(name: $0, type: .double) }
    let tags = generator.hosts.map { host in zip(TSBSDevops.tagKeys, host.tags).map { (key: $0, value: $1) } }
    let db = try await Database.open(at: directory, configuration: configuration(series: hosts))
    var stream = generator.stream()
    let window = 360
    let writeTime = try await timed {
        while stream.position < points {
            let chunk = stream.next(min(window, points - stream.position))
            let series = (0..<hosts).map { h in
                SeriesRows(tags: tags[h], timestamps: chunk[h].timestamps, columns: chunk[h].fields.map { .double($0, valid: nil) })
            }
            try await db.write(WriteBatch(table: "cpu", columns: fields, series: series))
        }
        try await db.flush()
    }
    let segments = db.statistics().tables.first { $0.name == "cpu" }?.segments ?? 0

    let host = "host_\(min(17, hosts - 1))"
    let names = TSBSDevops.fieldNames
    var indexed = HostRows()
    var indexedTime = Double.infinity
    for _ in 0..<rounds {
        var answer = HostRows()
        indexedTime = min(indexedTime, try await timed {
            for try await batch in try db.scan(table: "cpu", columns: names, where: [TagPredicate("hostname", .equal(host))]) {
                answer.append(batch)
            }
        })
        indexed = answer
    }
    var full = HostRows()
    var fullTime = Double.infinity
    for _ in 0..<rounds {
        var answer = HostRows()
        fullTime = min(fullTime, try await timed {
            for try await batch in try db.scan(table: "cpu", columns: names)
            where batch.tags.first(where: { $0.key == "hostname" })?.value == host {
                answer.append(batch)
            }
        })
        full = answer
    }
    try await db.close()
    precondition(indexed.times.count == points, "the indexed scan returned \(indexed.times.count) rows, expected \(points)")
    precondition(indexed == full, "the indexed scan and the filtered full scan disagree")

    return [
        Row(operation: "write + flush (\(grouped(hosts)) hosts × \(grouped(points)) points)",
            figure: fixed(Double(hosts * points * fields.count) / writeTime / 1e6, 2) + " M values/s",
            note: "\(segments) segments after flush; not compacted"),
        Row(operation: "scan `where: hostname = \(host)` (index)", figure: fixed(indexedTime * 1000, 2) + " ms",
            note: "\(grouped(indexed.times.count)) rows × 10 fields; best of \(rounds)"),
        Row(operation: "full scan, filtered by hostname in the loop", figure: fixed(fullTime * 1000, 2) + " ms",
            note: "\(grouped(hosts * points)) rows read; best of \(rounds)"),
        Row(operation: "speed-up of the index", figure: fixed(fullTime / indexedTime, 1) + "× faster", note: "same rows (checked)"),
    ]
}
