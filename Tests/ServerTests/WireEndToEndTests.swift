// The wire protocol as `sundial serve` runs it: one process serving HTTP and the wire
// protocol over one database with the same credentials; TLS on the wire port when a
// certificate is configured (TESTING.md row 22); SIGTERM while wire writes are in flight
// loses no acknowledged write.
import Foundation
import NIOSSL
import Sundial
import SundialClient
import SundialServer
import SundialTestSupport
import SundialWire
import Synchronization
import Testing

@Suite struct WireEndToEndTests {
    static let tokens = """
        {"limits": {"handshake_timeout_ms": 60000}, "auth": {"tokens": [
          {"name": "writer", "sha256": "\(Digest.sha256Hex("writer-token"))", "role": "writer"},
          {"name": "reader", "sha256": "\(Digest.sha256Hex("reader-token"))", "role": "reader"},
          {"name": "ws1", "sha256": "\(Digest.sha256Hex("ws1-token"))", "role": "writer", "workspace": "ws1"}
        ]}}
        """

    /// Connects to the serve process; a failure carries the server's log.
    static func connect(_ server: ServerProcessHarness, _ token: String = "",
                        _ configuration: SundialClient.Configuration = .init()) async throws -> SundialClient {
        do {
            return try await SundialClient.connect(host: "127.0.0.1", port: server.wirePort ?? 0, token: token, configuration: configuration)
        } catch {
            throw HarnessError("connecting to the wire port failed: \(error); server log:\n\(server.log)")
        }
    }

    @Test func serveSpeaksHTTPAndTheWireProtocolOverOneDatabase() async throws {
        let server = try await ServerProcessHarness.launch(config: Self.tokens)
        let port = try #require(server.wirePort)
        let writer = try await Self.connect(server, "writer-token")
        let ack = try await writer.write(lineProtocol: "cpu,host=a usage=1 1700000000000000000\ncpu,host=b usage=2 1700000000000000000")
        #expect(ack.rowsWritten == 2)
        // Written over the wire, read over HTTP, and the other way round.
        let answer = try server.client.query("SELECT host, usage FROM cpu ORDER BY host", headers: [("Authorization", "Bearer reader-token")])
        #expect(answer.status == 200)
        #expect(answer.text.contains("[\"a\",1.0]") && answer.text.contains("[\"b\",2.0]"), "\(answer.text)")
        let posted = try server.client.post("/api/v1/write", "cpu,host=c usage=3 1700000000000000000",
                                            headers: [("Authorization", "Bearer writer-token")])
        #expect(posted.status == 204)
        let reader = try await Self.connect(server, "reader-token")
        #expect(try await reader.query("SELECT count(*) FROM cpu").rows() == [[.bigint(3)]])
        // The same credentials and roles as HTTP.
        await expectFailure(.forbidden) { _ = try await reader.write(lineProtocol: "cpu,host=d usage=4 1") }
        do {
            _ = try await SundialClient.connect(host: "127.0.0.1", port: port, token: "wrong")
            Issue.record("a bad token must be refused")
        } catch let failure as Frame.Failure {
            #expect(failure.code == .unauthorized)
        }
        // A workspace credential reads its workspace only.
        let tenant = try await Self.connect(server, "ws1-token")
        _ = try await tenant.write(lineProtocol: "ev,workspace_id=ws1 n=1i 1\nev,workspace_id=ws2 n=2i 2")
        #expect(try await writer.write(lineProtocol: "ev,workspace_id=ws2 n=3i 3").rowsWritten == 1)
        #expect(try await tenant.query("SELECT n FROM ev").rows() == [[.bigint(1)]])
        for client in [writer, reader, tenant] { await client.close() }
        #expect(await server.stopAsync() == 0)
    }

    @Test(.enabled(if: HTTPTLSAndLoggingTests.hasTools)) func wireSpeaksTLSWhenConfiguredAndRefusesPlainFrames() async throws {
        let directory = try TemporaryDirectory(prefix: "sundial-wire-tls")
        let cert = directory.path + "/cert.pem", key = directory.path + "/key.pem"
        let made = try HTTPTLSAndLoggingTests.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                                                                      "-out", cert, "-days", "1", "-subj", "/CN=localhost"])
        #expect(made.status == 0)
        // A generous handshake timeout: a parallel test run can keep this process's client
        // tasks waiting for seconds.
        let server = try ServerProcessHarness(config: #"{"limits": {"handshake_timeout_ms": 60000}, "tls": {"certificate": "\#(cert)", "key": "\#(key)"}}"#,
                                              directory: directory)
        let port = try #require(server.wirePort)
        var configuration = SundialClient.Configuration()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(cert))
        configuration.tls = tls
        configuration.serverHostname = "localhost"
        let client = try await Self.connect(server, "", configuration)
        _ = try await client.write(lineProtocol: "m,t=a v=1 1")
        #expect(try await client.query("SELECT count(*) FROM m").rows() == [[.bigint(1)]])
        await client.close()
        // Plain frames to the TLS port get no answer but a closed connection.
        var plain = SundialClient.Configuration()
        plain.connectTimeout = .seconds(5)
        do {
            _ = try await SundialClient.connect(host: "127.0.0.1", port: port, configuration: plain)
            Issue.record("a plaintext client must be refused by a TLS wire port")
        } catch {}
        // Nor does a client that does not trust the certificate get through.
        var untrusted = SundialClient.Configuration()
        untrusted.tls = TLSConfiguration.makeClientConfiguration()
        untrusted.serverHostname = "localhost"
        do {
            _ = try await SundialClient.connect(host: "127.0.0.1", port: port, configuration: untrusted)
            Issue.record("an untrusted certificate must fail the handshake")
        } catch {}
        #expect(await server.stopAsync() == 0)
    }

    @Test func sigtermWhileWritingOverTheWireKeepsEveryAcknowledgedWrite() async throws {
        let server = try await ServerProcessHarness.launch()
        let port = try #require(server.wirePort)
        final class Ledger: Sendable {
            let acknowledged = Mutex<[Int]>([])
            let batches = Atomic<Int>(0)
        }
        let ledgerBox = Ledger()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<4 {
                group.addTask {
                    guard let client = try? await SundialClient.connect(host: "127.0.0.1", port: port) else { return }
                    for seq in 0..<5000 {
                        let base = (w * 5000 + seq) * 10
                        let lines = (0..<10).map { "ledger,writer=w\(w) seq=\(base + $0)i \(1_700_000_000_000 + base + $0)" }
                        guard let ack = try? await client.write(lineProtocol: lines.joined(separator: "\n"), precision: .milliseconds),
                              ack.rowsWritten == 10 else { break }
                        ledgerBox.acknowledged.withLock { $0 += (0..<10).map { base + $0 } }
                        ledgerBox.batches.add(1, ordering: .relaxed)
                    }
                    await client.close()
                }
            }
            group.addTask {
                while ledgerBox.batches.load(ordering: .relaxed) < 40 { try await Task.sleep(for: .milliseconds(5)) }
                #expect(await server.stopAsync(signal: SIGTERM, timeout: 60) == 0, "\(server.log)")
            }
            try await group.waitForAll()
        }
        let ledger = ledgerBox.acknowledged.withLock { $0 }
        #expect(ledger.count >= 400)
        let db = try await Database.open(at: server.dataPath)
        let rows = try await db.query("SELECT seq FROM ledger").rows()
        try await db.close()
        let stored = Set(rows.compactMap { row -> Int? in if case .bigint(let v) = row[0] { Int(v) } else { nil } })
        let missing = ledger.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) acknowledged rows missing after shutdown")
        #expect(rows.count == stored.count)
    }
}
