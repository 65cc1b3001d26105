// End to end: a WireServer in-process over a temporary database, SundialClient on
// loopback. Known gotcha: `await #expect(throws:)` around async calls can crash the
// 6.3.1 compiler, so expected errors are caught with do/catch.
import Sundial
import SundialClient
import SundialServer
import SundialStorage
import SundialWire
import Testing

/// Runs `body`, which must throw a `Frame.Failure` with `code`; returns it.
@discardableResult
func expectFailure(_ code: Frame.Failure.Code, sourceLocation: Testing.SourceLocation = #_sourceLocation,
                   _ body: () async throws -> Void) async -> Frame.Failure? {
    do {
        try await body()
        Issue.record("expected Error \(code.rawValue), the request succeeded", sourceLocation: sourceLocation)
    } catch let failure as Frame.Failure {
        #expect(failure.code == code, "\(failure)", sourceLocation: sourceLocation)
        return failure
    } catch {
        Issue.record("expected Error \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

@Suite struct WireServerTests {
    struct CPURow: Decodable, Equatable {
        var host: String
        var usage: Double
        var time: Int64
        var note: String?
    }

    @Test func writeThenQuery() async throws {
        try await ServerHarness.with { harness in
            let client = try await harness.client("writer-token")
            let ack = try await client.write(lineProtocol: """
                cpu,host=a usage=0.5 1000
                cpu,host=b usage=1.5,note="hi" 2000
                cpu,host=a usage=2.5 3000
                cpu,host=a usage=oops 4000
                """)
            #expect(ack.rowsWritten == 3)
            #expect(ack.lsn > 0)
            #expect(ack.rejected.map(\.line) == [4])

            let rows = try await client.query("SELECT host, usage, time, note FROM cpu ORDER BY time")
            #expect(rows.columns.map(\.name) == ["host", "usage", "time", "note"])
            #expect(rows.columns.map(\.type) == [.string, .double, .timestamp, .string])
            var decoded: [CPURow] = []
            for try await row in rows.decode(CPURow.self) { decoded.append(row) }
            #expect(decoded == [CPURow(host: "a", usage: 0.5, time: 1000), CPURow(host: "b", usage: 1.5, time: 2000, note: "hi"),
                                CPURow(host: "a", usage: 2.5, time: 3000)])
            #expect(await rows.completion?.rows == 3)

            let filtered = try await client.query("SELECT count(*) AS n, sum(usage) AS s FROM cpu WHERE host = $1 AND usage > $2",
                                                  parameters: [.string("a"), .double(1)]).rows()
            #expect(filtered == [[.bigint(1), .double(2.5)]])
            await client.close()
        }
    }

    @Test func columnarWriteAndLargeStreamedResult() async throws {
        try await ServerHarness.with { harness in
            let client = try await harness.client("writer-token")
            let rows = 50_000
            let batch = WriteBatch(table: "m", columns: [ColumnDefinition(name: "v", type: .bigint)],
                                   series: [SeriesRows(tags: [("host", "h")], timestamps: (0..<rows).map { Int64($0) * 1_000_000_000 },
                                                       columns: [.bigint((0..<rows).map { Int64($0) }, valid: nil)])])
            let ack = try await client.write(batch)
            #expect(ack.rowsWritten == UInt64(rows))
            var total = 0
            var sum: Int64 = 0
            var batches = 0
            let result = try await client.query("SELECT v FROM m")
            for try await b in result {
                batches += 1
                total += b.count
                guard case .int64(let values) = b.columns[0].values else { Issue.record("v is not BIGINT"); break }
                sum += values.reduce(0, +)
            }
            #expect(total == rows)
            #expect(sum == Int64(rows) * Int64(rows - 1) / 2)
            #expect(batches > 1, "the result streams in several batches")
            #expect(await result.completion?.rows == UInt64(rows))
            await client.close()
        }
    }

    @Test func batchesAreSplitToTheClientsFrameLimit() async throws {
        try await ServerHarness.with { harness in
            let lines = (0..<5_000).map { "log,host=h\($0 % 3) msg=\"event number \($0) of the day\" \($0)" }.joined(separator: "\n")
            try await harness.database.write(lineProtocol: lines)
            var configuration = SundialClient.Configuration()
            configuration.maxFrameSize = 4096   // its decoder refuses anything larger
            let client = try await SundialClient.connect(host: "127.0.0.1", port: harness.port, token: "reader-token",
                                                         configuration: configuration)
            var batches = 0
            var messages: Set<String> = []
            for try await batch in try await client.query("SELECT msg FROM log") {
                batches += 1
                guard case .string(let values) = batch.columns[0].values else { Issue.record("msg is not a string"); break }
                messages.formUnion(values)
            }
            #expect(messages.count == 5_000)
            #expect(batches >= 5_000 * 28 / 4096, "\(batches) batches")
            await client.close()
        }
    }

    @Test func queryErrorsKeepTheConnectionUsable() async throws {
        try await ServerHarness.with { harness in
            try await harness.database.write(lineProtocol: "cpu,host=a usage=1 1")
            let client = try await harness.client("reader-token", maxConnections: 1)
            let syntax = await expectFailure(.syntax) { _ = try await client.query("SELECT FROM WHERE") }
            #expect(syntax?.line == 1)
            #expect((syntax?.column ?? 0) > 1)
            let unknown = await expectFailure(.unknownName) { _ = try await client.query("SELECT x FROM nowhere") }
            #expect(unknown?.column == 15)
            await expectFailure(.syntax) { _ = try await client.query("SELECT $1 FROM cpu", parameters: []) }
            await expectFailure(.unsupported) { _ = try await client.query("SELECT 1") }
            #expect(try await client.query("SELECT usage + $1 AS u FROM cpu", parameters: [.double(1)]).rows() == [[.double(2)]])
            try await client.ping()
            #expect(await client.openConnectionCount == 1)
            #expect(harness.server.connectionCount == 1)
            await client.close()
        }
    }

    @Test func badTokensAreRefused() async throws {
        try await ServerHarness.with { harness in
            for token in ["nope", ""] {
                await expectFailure(.unauthorized) { _ = try await harness.client(token) }
            }
            // Raw: the refusal is an Error for the connection, then the server closes.
            let answer = try await RawPeer.exchange(port: harness.port, send: RawPeer.handshake("wrong"))
            #expect(answer.frames.count == 2)
            guard case .error(let failure) = answer.frames.last else { Issue.record("no Error frame"); return }
            #expect(failure.code == .unauthorized)
            #expect(failure.requestID == 0)
            #expect(answer.closed)
        }
    }

    @Test func rolesLimitWhatAClientMayDo() async throws {
        try await ServerHarness.with { harness in
            let writer = try await harness.client("writer-token")
            _ = try await writer.write(lineProtocol: "cpu,host=a usage=1 1")
            let reader = try await harness.client("reader-token", maxConnections: 1)
            await expectFailure(.forbidden) { _ = try await reader.write(lineProtocol: "cpu,host=a usage=2 2") }
            await expectFailure(.forbidden) { _ = try await reader.query("INSERT INTO cpu (time, host, usage) VALUES (3, 'a', 3)") }
            await expectFailure(.forbidden) { _ = try await reader.query("CREATE TABLE t (time TIMESTAMP, x DOUBLE)") }
            await expectFailure(.forbidden) { _ = try await writer.query("CREATE TABLE t (time TIMESTAMP, x DOUBLE)") }
            #expect(try await writer.query("INSERT INTO cpu (time, host, usage) VALUES (3, 'a', 3)").rows() == [])
            let admin = try await harness.client("admin-token")
            _ = try await admin.query("CREATE TABLE t (time TIMESTAMP, x DOUBLE)").rows()
            // The reader's refused requests wrote nothing and left its connection usable.
            #expect(try await reader.query("SELECT count(*) FROM cpu").rows() == [[.bigint(2)]])
            #expect(harness.database.tables.map(\.name).contains("t"))
            for client in [writer, reader, admin] { await client.close() }
        }
    }

    @Test func workspaceWritesMustCarryTheirWorkspace() async throws {
        try await ServerHarness.with { harness in
            let tenant = try await harness.client("ws1-token")
            #expect(try await tenant.whoAmI().workspace == "ws1")
            let ack = try await tenant.write(lineProtocol: """
                ev,workspace_id=ws1 n=1i 1
                ev,workspace_id=ws2 n=2i 2
                ev n=3i 3
                ev,workspace_id=ws1,kind=x n=4i 4
                """)
            #expect(ack.rowsWritten == 2)
            #expect(ack.rejected.map(\.line) == [2, 3])
            let foreign = WriteBatch(table: "ev", columns: [ColumnDefinition(name: "n", type: .bigint)], series: [
                SeriesRows(tags: [("workspace_id", "ws2")], timestamps: [5], columns: [.bigint([5], valid: nil)]),
                SeriesRows(tags: [("workspace_id", "ws1")], timestamps: [6], columns: [.bigint([6], valid: nil)]),
            ])
            let batchAck = try await tenant.write(foreign)
            #expect(batchAck.rowsWritten == 1)
            #expect(batchAck.rejected.map(\.line) == [1])
            // INSERT is confined too: another workspace's row is refused, the tenant's own goes in.
            await expectFailure(.forbidden) { _ = try await tenant.query("INSERT INTO ev (time, workspace_id, n) VALUES (7, 'ws2', 7)") }
            _ = try await tenant.query("INSERT INTO ev (time, n) VALUES (8, 8)").rows()
            #expect(try await tenant.query("SHOW TAG VALUES FROM ev WITH KEY = workspace_id").rows() == [[.string("ws1")]])
            try await harness.database.write(lineProtocol: "ev,workspace_id=ws2 n=9i 9")
            #expect(try await tenant.query("SELECT n FROM ev WHERE workspace_id = 'ws2' OR n > 0 ORDER BY n").rows()
                    == [[.bigint(1)], [.bigint(4)], [.bigint(6)], [.bigint(8)]], "a tenant reads its workspace only")
            let admin = try await harness.client("admin-token")
            let rows = try await admin.query("SELECT workspace_id, n FROM ev ORDER BY n").rows()
            #expect(rows == [[.string("ws1"), .bigint(1)], [.string("ws1"), .bigint(4)], [.string("ws1"), .bigint(6)],
                             [.string("ws1"), .bigint(8)], [.string("ws2"), .bigint(9)]])
            await tenant.close()
            await admin.close()
        }
    }

    @Test func oversizeFrameGetsAnErrorAndTheConnectionCloses() async throws {
        try await ServerHarness.with({ $0.maxFrameSize = 4096 }) { harness in
            // A frame header claiming 1 GiB, after a valid handshake; nothing else is sent.
            let bomb: [UInt8] = [0x00, 0x00, 0x00, 0x40, FrameType.write.rawValue]
            let answer = try await RawPeer.exchange(port: harness.port, send: RawPeer.handshake("writer-token") + bomb)
            #expect(answer.frames.count == 3)   // Welcome, Ready, Error
            guard case .error(let failure) = answer.frames.last else { Issue.record("no Error frame: \(answer.frames)"); return }
            #expect(failure.code == .frameTooLarge)
            #expect(answer.closed)

            // The client refuses to send a frame over the server's limit and stays usable.
            let client = try await harness.client("writer-token", maxConnections: 1)
            do {
                _ = try await client.write(lineProtocol: String(repeating: "cpu,host=a usage=1 1\n", count: 400))
                Issue.record("an oversize write was sent")
            } catch let error as WireError {
                #expect(error.code == .frameTooLarge)
            }
            try await client.ping()
            #expect(try await client.write(lineProtocol: "cpu,host=a usage=1 1").rowsWritten == 1)
            await client.close()
        }
    }

    @Test func framesOutOfTurnAndGarbageCloseTheConnection() async throws {
        try await ServerHarness.with { harness in
            let early = try await RawPeer.exchange(port: harness.port, send: Frame.query(.init(requestID: 1, sql: "SELECT 1")).encoded())
            guard case .error(let violation)? = early.frames.first else { Issue.record("no Error frame"); return }
            #expect(violation.code == .protocolViolation)
            #expect(early.closed)

            var damaged = RawPeer.handshake("reader-token") + Frame.query(.init(requestID: 1, sql: "SELECT 1")).encoded()
            damaged[damaged.count - 1] ^= 0xFF
            let corrupt = try await RawPeer.exchange(port: harness.port, send: damaged)
            guard case .error(let bad)? = corrupt.frames.last else { Issue.record("no Error frame"); return }
            #expect(bad.code == .badFrame)
            #expect(bad.message.contains("checksum"))
            #expect(corrupt.closed)

            let version = try await RawPeer.exchange(port: harness.port, send: Frame.hello(.init(minVersion: 7, maxVersion: 9, clientName: "future")).encoded())
            guard case .error(let unsupported)? = version.frames.first else { Issue.record("no Error frame"); return }
            #expect(unsupported.code == .unsupportedVersion)
        }
    }

    @Test func silentPeersHitTheHandshakeTimeout() async throws {
        try await ServerHarness.with({ $0.handshakeTimeout = .milliseconds(300) }) { harness in
            // Says nothing: the server gives up after the handshake timeout.
            let silent = try await RawPeer.exchange(port: harness.port, send: [])
            guard case .error(let timeout)? = silent.frames.first else { Issue.record("no Error frame"); return }
            #expect(timeout.code == .handshakeTimeout)
            #expect(silent.closed)
        }
    }

    @Test func connectionsPastTheCapAreRefused() async throws {
        // The default handshake timeout: a real client's handshake on a loaded machine fits.
        try await ServerHarness.with({ $0.maxConnections = 1 }) { harness in
            let client = try await harness.client("reader-token", maxConnections: 1)
            let second = try await RawPeer.exchange(port: harness.port, send: RawPeer.handshake("reader-token"))
            guard case .error(let full)? = second.frames.first else { Issue.record("no Error frame"); return }
            #expect(full.code == .tooManyConnections)
            #expect(second.closed)
            try await client.ping()
            await client.close()
        }
    }

    @Test func idleConnectionsAreClosed() async throws {
        try await ServerHarness.with({ $0.idleTimeout = .milliseconds(200) }) { harness in
            let answer = try await RawPeer.exchange(port: harness.port, send: RawPeer.handshake("reader-token"))
            #expect(answer.frames.map(\.type) == [.welcome, .ready, .error])
            guard case .error(let idle)? = answer.frames.last else { return }
            #expect(idle.code == .idleTimeout)
            #expect(answer.closed)
        }
    }

    @Test func cancelALongQuery() async throws {
        try await ServerHarness.with { harness in
            let client = try await harness.client("writer-token", maxConnections: 1)
            // ~30 MB of text that zstd cannot shrink much (random printable characters): far
            // more than the socket buffers hold, so the server is still producing (held back
            // by backpressure) when the Cancel arrives.
            let alphabet = Array((33...126).map { UInt8($0) }.filter { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            for chunk in 0..<12 {
                var text: [UInt8] = []
                text.reserveCapacity(10_000 * 280)
                for i in 0..<10_000 {
                    text += Array("big,host=h\(i % 10) note=\"".utf8)
                    for _ in 0..<250 {
                        state ^= state << 13; state ^= state >> 7; state ^= state << 17
                        text.append(alphabet[Int(state % UInt64(alphabet.count))])
                    }
                    text += Array("\" \(chunk * 10_000 + i)\n".utf8)
                }
                #expect(try await client.write(lineProtocol: String(decoding: text, as: UTF8.self)).rowsWritten == 10_000)
            }
            let rows = try await client.query("SELECT note FROM big")
            var iterator = rows.makeAsyncIterator()
            let first = try await iterator.next()
            #expect((first?.count ?? 0) > 0)
            #expect(try await rows.cancel())
            #expect(await rows.completion == nil)
            // The same (only) connection answers the next requests.
            try await client.ping()
            #expect(try await client.query("SELECT count(*) FROM big").rows() == [[.bigint(120_000)]])
            #expect(await client.openConnectionCount == 1)
            await client.close()
        }
    }

    @Test func aResultDroppedUnreadGivesItsConnectionBack() async throws {
        try await ServerHarness.with { harness in
            let client = try await harness.client("writer-token", maxConnections: 1)
            let lines = (0..<20_000).map { "m,host=h v=\($0)i \($0)" }.joined(separator: "\n")
            _ = try await client.write(lineProtocol: lines)
            do {
                let rows = try await client.query("SELECT v FROM m")
                _ = rows.columns
            }
            // With one connection, this waits until the dropped result was drained.
            #expect(try await client.query("SELECT count(*) FROM m").rows() == [[.bigint(20_000)]])
            await client.close()
        }
    }
}
