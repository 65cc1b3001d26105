// TESTING.md row 1: a writer process killed with SIGKILL at random moments. After every
// kill the database is reopened and checked against the writer's ledger of acknowledged
// batches: each acknowledged batch is present whole, an unacknowledged batch is all or
// nothing, and nothing is duplicated or invented.
//
// 60 cycles by default; the soak run is
//   SUNDIAL_KILL_CYCLES=1000 swift test --filter KillNineTests
import Foundation
import Testing
import SundialTestSupport
import Sundial

@Suite struct KillNineTests {
    static var sundialBinary: String? {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: exe).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("sundial").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    static func readLedger(_ path: String) -> [Int] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        // The last line may be cut by the kill: only whole lines count.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last != "" { lines.removeLast() }
        return lines.compactMap { Int($0) }
    }

    @Test func ledgerHoldsAcrossRandomKills() async throws {
        let binary = try #require(Self.sundialBinary, "the sundial executable must be built next to the tests")
        let cycles = Int(ProcessInfo.processInfo.environment["SUNDIAL_KILL_CYCLES"] ?? "") ?? 60
        let directory = try TemporaryDirectory(prefix: "sundial-kill9")
        defer { directory.remove() }
        let data = directory.path + "/data"
        let ledger = directory.path + "/ledger"
        var generator = SystemRandomNumberGenerator()
        var next = 1
        // Batches that were durable at a kill but never acknowledged (allowed: each was
        // the one in flight, and is whole).
        var unacknowledgedSurvivors = Set<Int>()
        for cycle in 0..<cycles {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["crash-writer", "--data", data, "--ledger", ledger, "--start", String(next),
                                 "--flush-every", String(7 + cycle % 13)]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(for: .milliseconds(Int.random(in: 30...250, using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            var configuration = Database.Configuration()
            configuration.maintenanceInterval = nil
            let db = try await Database.open(at: data, configuration: configuration)
            let acknowledged = Self.readLedger(ledger)
            var found: [Int: [Int64]] = [:]
            if db.tables.contains(where: { $0.name == "ledger" }) {
                for try await batch in try db.scan(table: "ledger") {
                    guard case .bigint(let values, nil) = batch.columns[0] else {
                        Issue.record("unexpected column shape")
                        continue
                    }
                    for (time, value) in zip(batch.times, values) { found[Int(value), default: []].append(time) }
                }
            }
            for n in acknowledged {
                let expected = (0..<CrashWriterCommand.rows(n)).map { Int64(n * 16 + $0) }
                #expect(found[n]?.sorted() == expected, "cycle \(cycle): acknowledged batch \(n) is missing or partial")
            }
            let acknowledgedSet = Set(acknowledged)
            let inFlight = max(acknowledged.max() ?? 0, next - 1) + 1
            for (n, times) in found where !acknowledgedSet.contains(n) && !unacknowledgedSurvivors.contains(n) {
                // Only the batch in flight at this kill may appear unacknowledged, and whole.
                #expect(n == inFlight, "cycle \(cycle): batch \(n) was never written (in flight: \(inFlight))")
                #expect(times.sorted() == (0..<CrashWriterCommand.rows(n)).map { Int64(n * 16 + $0) }, "cycle \(cycle): batch \(n) is partial")
                unacknowledgedSurvivors.insert(n)
            }
            next = max(acknowledged.max() ?? 0, found.keys.max() ?? 0) + 1
            try await db.close()
        }
        #expect(next > cycles, "the writer made progress")
    }
}

/// The crash writer's batch shape, mirrored from Sources/CLI/CrashWriterCommand.swift.
enum CrashWriterCommand {
    static func rows(_ n: Int) -> Int { 1 + n % 5 }
}
