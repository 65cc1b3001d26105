// Graceful shutdown loses no acknowledged write: writers keep a ledger of every write
// the server answered 204 to; SIGTERM arrives while writes are in flight; after the
// process exits, the database is opened in process and every acknowledged row must be
// there.
import Foundation
import Sundial
import SundialServer
import Synchronization
import Testing

@Suite struct HTTPShutdownTests {
    /// What the writer threads share.
    final class Ledger: Sendable {
        let acknowledged = Mutex<[(writer: Int, seq: Int)]>([])
        let batches = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
    }

    @Test func sigtermWhileWritingKeepsEveryAcknowledgedWrite() async throws {
        let server = try await ServerProcessHarness.launch()
        let port = server.port
        let ledger = Ledger()
        let writers = 4
        // Writers are threads, not tasks: their socket calls block.
        for w in 0..<writers {
            Thread.detachNewThread {
                let client = HTTPTestClient(port: port)
                var seq = 0
                while seq < 5000 {  // until the server stops answering (bounded)
                    let lines = (0..<10).map { "ledger,writer=w\(w) seq=\(seq * 10 + $0)i \(1_700_000_000_000 + seq * 10 + $0)" }
                    guard let answer = try? client.post("/api/v1/write?precision=ms", lines.joined(separator: "\n")) else { break }
                    if answer.status == 204 {
                        ledger.acknowledged.withLock { l in for k in 0..<10 { l.append((w, seq * 10 + k)) } }
                        ledger.batches.add(1, ordering: .relaxed)
                    } else if answer.status >= 500 {
                        break
                    }
                    seq += 1
                }
                ledger.finished.add(1, ordering: .relaxed)
            }
        }
        // SIGTERM once writes are flowing, while they still are.
        while ledger.batches.load(ordering: .relaxed) < 40 { try await Task.sleep(for: .milliseconds(5)) }
        let status = await server.stopAsync(signal: SIGTERM, timeout: 60)
        while ledger.finished.load(ordering: .relaxed) < writers { try await Task.sleep(for: .milliseconds(10)) }
        #expect(status == 0, "\(server.log)")
        #expect(server.log.contains("database closed"), "\(server.log)")

        let acknowledged = ledger.acknowledged.withLock { $0 }
        #expect(acknowledged.count >= 400)
        let db = try await Database.open(at: server.dataPath)
        let rows = try await db.query("SELECT writer, seq FROM ledger").rows()
        try await db.close()
        var stored = Set<String>()
        for row in rows { stored.insert("\(row[0].text)/\(row[1].text)") }
        let missing = acknowledged.filter { !stored.contains("w\($0.writer)/\($0.seq)") }
        #expect(missing.isEmpty, "\(missing.count) acknowledged rows missing after shutdown")
        #expect(rows.count == stored.count)  // nothing duplicated
    }
}
