// `sundial verify`: checks every checksum; exit status 1 names the file and offset of
// any damage.
import ArgumentParser
import Sundial

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum of a database (WAL, manifest, series log, segments).",
        discussion: """
            Opening runs recovery (a torn WAL or series log tail left by a crash is cut, as \
            on any open), then every block of every segment is decoded, the series log is \
            read record by record, and every series of every segment is checked against the \
            series log (same id, table and tags). Nothing is flushed or rewritten. Damage is \
            reported with its file and byte offset and the exit status is 1.
            """)

    @Option(name: .long, help: "The data directory.")
    var data: String = "./sundial-data"

    func run() async throws {
        guard PosixFileSystem().exists(data) else { throw ValidationError("no database at \(data)") }
        var configuration = Database.Configuration()
        configuration.maintenanceInterval = nil
        do {
            let db = try await Database.open(at: data, configuration: configuration)
            try db.verify()
            let stats = db.statistics()
            try await db.close(flush: false)
            let segments = stats.tables.reduce(0) { $0 + $1.segments }
            print("ok: \(segments) segments, \(stats.series) series in the series log and the write-ahead log checked, no damage found")
        } catch {
            printError("damage: \(error)")
            throw ExitCode(1)
        }
    }
}
