// `sundial crash-writer`: the writer half of the kill -9 durability test (TESTING.md row
// 1). It writes numbered batches forever and, after each write returns, appends the
// batch number to a ledger file. The test kills it at a random moment, reopens the
// database and checks the ledger. Hidden from help: it is a test tool.
import ArgumentParser
import Sundial
#if canImport(Glibc)
import Glibc
#endif

struct CrashWriterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-writer", abstract: "Write numbered batches and log acknowledgements (for crash tests).",
        shouldDisplay: false)

    @Option(name: .long) var data: String
    @Option(name: .long) var ledger: String
    @Option(name: .long, help: "The first batch number.") var start: Int = 1
    @Option(name: .long, help: "Flush every N batches (0: never).") var flushEvery: Int = 0
    @Option(name: .long, help: "Stop after this many seconds even if never killed.") var maxSeconds: Int = 60

    /// Batch `n` holds `rows(n)` rows of series `w`, at times n * 16 + k, each with value n.
    static func rows(_ n: Int) -> Int { 1 + n % 5 }

    func run() async throws {
        let ledgerFD = open(ledger, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard ledgerFD >= 0 else { throw ValidationError("cannot open \(ledger)") }
        var configuration = Database.Configuration()
        configuration.maintenanceInterval = nil
        configuration.flushRows = 200
        let db = try await Database.open(at: data, configuration: configuration)
        // Stop by ourselves: when the test that started us is gone (we were re-parented),
        // or after `maxSeconds`, so a crashed test run never leaves a writer behind.
        let parent = getppid()
        let deadline = ContinuousClock.now + .seconds(maxSeconds)
        var n = start
        while getppid() == parent && ContinuousClock.now < deadline {
            let count = Self.rows(n)
            let times = (0..<count).map { Int64(n * 16 + $0) }
            let batch = WriteBatch(table: "ledger", columns: [ColumnDefinition(name: "n", type: .bigint)],
                                   series: [SeriesRows(tags: [("writer", "w")], timestamps: times,
                                                       columns: [.bigint(Array(repeating: Int64(n), count: count), valid: nil)])])
            try await db.write(batch)
            var line = "\(n)\n"
            line.withUTF8 { _ = write(ledgerFD, $0.baseAddress, $0.count) }
            if flushEvery > 0 && n % flushEvery == 0 { try await db.flush() }
            n += 1
        }
        try await db.close()
    }
}
