// `sundial stats`: what a database holds and what it costs on disk.
import ArgumentParser
import Sundial
import SundialServer
#if canImport(Glibc)
import Glibc
#endif

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show tables, rows, series, partitions, segments, index and bytes on disk.")

    @Option(name: .long, help: "The data directory.")
    var data: String = "./sundial-data"

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        var configuration = Database.Configuration()
        configuration.maintenanceInterval = nil
        guard PosixFileSystem().exists(data) else { throw ValidationError("no database at \(data)") }
        let db = try await Database.open(at: data, configuration: configuration)
        let stats = db.statistics()
        let indexMemory = db.indexMemoryBytes + stats.registryMemoryBytes
        let diskBytes = directoryBytes(data)
        try await db.close(flush: false)  // read-only: what the WAL replay holds stays in the WAL
        let storedValues = stats.tables.reduce(0) { $0 + $1.fieldValues }
        let perValue = storedValues == 0 ? 0 : Double(diskBytes) / Double(storedValues)
        if json {
            var tables: [String] = []
            for t in stats.tables {
                tables.append("{\"name\":\(JSONValue.quote(t.name)),\"rows\":\(t.rows + t.headRows),\"rows_in_memory\":\(t.headRows),"
                              + "\"series\":\(t.series),\"partitions\":\(t.partitions.count),\"segments\":\(t.segments),"
                              + "\"segment_bytes\":\(t.segmentBytes),\"stored_values\":\(t.fieldValues)}")
            }
            print("{\"tables\":[\(tables.joined(separator: ","))],\"wal_bytes\":\(stats.walBytes),\"disk_bytes\":\(diskBytes),"
                  + "\"bytes_per_stored_value\":\(fixed(perValue, 4)),"
                  + "\"series\":\(stats.series),\"index_disk_bytes\":\(stats.seriesLogBytes),\"index_memory_bytes\":\(indexMemory),\"flushed_lsn\":\(stats.flushedLSN),\"next_lsn\":\(stats.nextLSN)}")
            return
        }
        print(pad("table", 20) + pad("rows", 14, right: true) + pad("series", 10, right: true) + pad("partitions", 12, right: true)
              + pad("segments", 10, right: true) + pad("segment bytes", 16, right: true))
        for t in stats.tables {
            print(pad(t.name, 20) + pad(String(t.rows + t.headRows), 14, right: true) + pad(String(t.series), 10, right: true)
                  + pad(String(t.partitions.count), 12, right: true) + pad(String(t.segments), 10, right: true)
                  + pad(formatBytes(t.segmentBytes), 16, right: true))
        }
        print("")
        print("on disk: \(formatBytes(diskBytes)) (WAL \(formatBytes(stats.walBytes))); "
              + "\(storedValues) stored values, \(fixed(perValue, 3)) bytes per stored value")
        print("index: \(stats.series) series; \(formatBytes(stats.seriesLogBytes)) on disk (series log), "
              + "~\(formatBytes(indexMemory)) in memory (registry and inverted index)")
    }
}

/// Bytes of every file under `path`.
func directoryBytes(_ path: String) -> Int {
    let fs = PosixFileSystem()
    guard let names = try? fs.contentsOfDirectory(path) else { return (try? fs.fileSize(path)) ?? 0 }
    return names.reduce(0) { total, name in
        let child = path + "/" + name
        var info = stat()
        guard lstat(child, &info) == 0 else { return total }
        return total + ((info.st_mode & S_IFMT) == S_IFDIR ? directoryBytes(child) : Int(info.st_size))
    }
}
