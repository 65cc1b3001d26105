// Workspace isolation of writes as a property against a per-workspace model (random
// lines for random workspaces, written by random scoped credentials: exactly the lines
// whose tenant tag matches the writer's workspace are stored), connection limits and
// idle timeouts, and the `sundial token` helper.
import Foundation
import Sundial
import SundialServer
import Testing

@Suite(.serialized) struct HTTPIsolationAndConnectionTests {
    /// SplitMix64: a small deterministic generator, so a failure replays from its seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func scopedWritesMatchThePerWorkspaceModel(seed: UInt64) throws {
        let workspaces = ["ws_a", "ws_b", "ws_c"]
        let tokens = workspaces.map { """
            {"name": "\($0)", "sha256": "\(Digest.sha256Hex("token-" + $0))", "role": "writer", "workspace": "\($0)"}
            """ }
        let config = """
            {"auth": {"tokens": [\(tokens.joined(separator: ",")),
                                 {"name": "admin", "sha256": "\(Digest.sha256Hex("admin"))", "role": "admin"}]},
             "limits": {"rate_per_second": 0}}
            """
        let server = try ServerProcessHarness(config: config)
        let client = server.client
        var rng = Generator(state: seed)
        var model: Set<String> = []  // "workspace/n" of every line that must be stored
        var n = 0
        for _ in 0..<12 {
            let writer = workspaces.randomElement(using: &rng)!
            var lines: [String] = []
            var expectRejected: [Int] = []
            for i in 1...Int.random(in: 1...15, using: &rng) {
                n += 1
                // The tenant tag: the writer's, another's, missing, or a near miss.
                let tag: String?
                switch Int.random(in: 0..<5, using: &rng) {
                case 0, 1: tag = writer
                case 2: tag = workspaces.randomElement(using: &rng)!
                case 3: tag = nil
                default: tag = writer + "x"
                }
                let tags = tag.map { ",workspace_id=\($0)" } ?? ""
                lines.append("events\(tags),kind=k\(n % 3) n=\(n)i \(n)")
                if tag == writer { model.insert("\(writer)/\(n)") } else { expectRejected.append(i) }
            }
            let answer = try client.post("/api/v1/write", lines.joined(separator: "\n"), headers: [("Authorization", "Bearer token-" + writer)])
            if expectRejected.isEmpty {
                #expect(answer.status == 204, "\(answer.text)")
            } else {
                #expect(answer.status == 400)
                guard case .array(let rejected)? = answer.json?["error"]?["lines"] else { Issue.record("\(answer.text)"); continue }
                #expect(rejected.compactMap { $0["line"]?.integer.map(Int.init) } == expectRejected)
            }
        }
        let stored = try client.query("SELECT workspace_id, n FROM events", headers: [("Authorization", "Bearer admin")])
        var found: Set<String> = []
        if case .array(let rows)? = stored.json?["rows"] {
            for case .array(let row) in rows { found.insert("\(row[0].string ?? "null")/\(row[1].integer ?? -1)") }
        }
        if model.isEmpty { #expect(stored.status == 404) } else { #expect(found == model, "seed \(seed)") }
    }

    @Test func connectionsBeyondTheLimitAreClosed() async throws {
        let server = try ServerProcessHarness(config: #"{"limits": {"max_connections": 2}}"#)
        let first = try Socket(port: server.port), second = try Socket(port: server.port)
        for socket in [first, second] {
            try socket.send(Array("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            #expect(try socket.readAnswer().status == 204)  // both held open (keep-alive)
        }
        // A third is closed by the server without an answer.
        let third = try Socket(port: server.port, timeoutSeconds: 10)
        try? third.send(Array("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        #expect(throws: (any Error).self) { _ = try third.readAnswer() }
        // Once one closes, a slot frees (as soon as the server has seen the close).
        first.close()
        var served = false
        for _ in 0..<100 where !served {
            served = (try? server.client.get("/ping").status) == 204
            if !served { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(served)
        // Slots are not lost: with both closed, two keep-alive connections fit again.
        second.close()
        var reopened: [Socket] = []
        for _ in 0..<100 where reopened.count < 2 {
            if let socket = try? Socket(port: server.port, timeoutSeconds: 2),
               (try? socket.send(Array("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n".utf8))) != nil,
               (try? socket.readAnswer().status) == 204 {
                reopened.append(socket)
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(reopened.count == 2)
        // … and it is full again.
        #expect(throws: (any Error).self) { _ = try server.client.get("/ping") }
    }

    @Test func idleConnectionsAreClosed() throws {
        let server = try ServerProcessHarness(config: #"{"limits": {"idle_timeout_ms": 300}}"#)
        let socket = try Socket(port: server.port, timeoutSeconds: 10)
        try socket.send(Array("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(try socket.readAnswer().status == 204)
        // The next read returns end of stream once the server closes the idle connection
        // (well before the 10 s receive timeout).
        let started = Date()
        #expect(try socket.fill() == false)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func tokenHelper() throws {
        func sundial(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ServerProcessHarness.executable)
            process.arguments = arguments
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try sundial(["token", "hash", "s3cret"]) == Digest.sha256Hex("s3cret"))
        let generated = try sundial(["token", "generate"]).split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) ?? "" }
        #expect(generated.count == 2)
        #expect(Digest.sha256Hex(generated[0]) == generated[1])
        let jwt = try sundial(["token", "sign", "--secret", "k", "--role", "writer", "--workspace", "ws_1", "--ttl", "60"])
        let principal = try JWTVerifier(JWTConfiguration(secret: Array("k".utf8))).verify(jwt).get()
        #expect(principal == Principal(name: "cli", role: .writer, workspace: "ws_1"))
    }
}
