// Body bombs and floods (TESTING.md rows 19 and 21) against a real server: a huge
// Content-Length is refused before the body is read, an endless chunked body once it
// passes the limit, a gzip bomb once its output passes the decompressed limit, and a
// flood from one token gets 429 with Retry-After while the server keeps serving.
import Foundation
import Sundial
import SundialServer
import Testing

@Suite(.serialized) struct HTTPLimitsEndToEndTests {
    static let config = """
        {"limits": {"max_body_bytes": 1048576, "max_decompressed_bytes": 2097152}}
        """

    @Test func hugeContentLengthIsRefusedBeforeReading() throws {
        let server = try ServerProcessHarness(config: Self.config)
        let socket = try Socket(port: server.port, timeoutSeconds: 10)
        // Announce 100 GB and send none of it: the answer must come without the body.
        try socket.send(Array("POST /api/v1/write HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000\r\n\r\n".utf8))
        let answer = try socket.readAnswer()
        #expect(answer.status == 413)
        #expect(answer.errorCode == "body_too_large")
        #expect(try server.client.get("/ping").status == 204)
    }

    @Test func endlessChunkedBodyIsCutAtTheLimit() throws {
        let server = try ServerProcessHarness(config: Self.config)
        let socket = try Socket(port: server.port, timeoutSeconds: 10)
        try socket.send(Array("POST /api/v1/write HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8))
        let line = Array(String(repeating: "m,t=a v=1 1\n", count: 5461).utf8)  // 65,532 bytes
        let chunk = Array((String(line.count, radix: 16) + "\r\n").utf8) + line + Array("\r\n".utf8)
        // One chunk past 1 MiB and no terminating chunk: the server must answer anyway.
        for _ in 0..<17 { try socket.send(chunk) }
        let answer = try socket.readAnswer()
        #expect(answer.status == 413)
        #expect(answer.errorCode == "body_too_large")
        #expect(try server.client.query("SHOW TABLES").json?["rows"] == .array([]))  // nothing written
    }

    @Test func gzipBombIsCutAtTheDecompressedLimit() throws {
        let server = try ServerProcessHarness(config: Self.config)
        // 64 MiB of line protocol in about 100 KB.
        let bomb = Gzip.compress(Array(String(repeating: "m,t=a v=1 1\n", count: 64 << 20 / 12).utf8), level: 9)
        #expect(bomb.count < 1 << 20)
        let answer = try server.client.send("POST", "/api/v1/write", headers: [("Content-Encoding", "gzip")], body: bomb)
        #expect(answer.status == 413)
        #expect(answer.errorCode == "decompressed_too_large")
        let garbage = try server.client.send("POST", "/api/v1/write", headers: [("Content-Encoding", "gzip")], body: Array("not gzip".utf8))
        #expect(garbage.status == 400)
        #expect(try server.client.query("SHOW TABLES").json?["rows"] == .array([]))
    }

    @Test func aQueryPastItsMemoryLimitGets413AndTheServerGoesOn() throws {
        let server = try ServerProcessHarness(config: #"{"limits": {"query_memory_bytes": 65536}}"#)
        var body = ""
        for i in 0..<5000 { body += "mem,host=h\(i) v=\(i) \(1_700_000_000 + i)\n" }
        #expect(try server.client.post("/api/v1/write?precision=s", body).status == 204)
        let big = try server.client.query("SELECT host, percentile_cont(v, 0.5) FROM mem GROUP BY host")
        #expect(big.status == 413, "\(big.text)")
        #expect(big.json?["error"]?["message"]?.string?.contains("memory") == true, "\(big.text)")
        #expect(try server.client.query("SELECT count(*) FROM mem").status == 200)
    }

    @Test func floodGets429WithRetryAfter() throws {
        let config = """
            {"auth": {"tokens": [{"name": "busy", "sha256": "\(Digest.sha256Hex("busy-token"))", "role": "writer"},
                                 {"name": "calm", "sha256": "\(Digest.sha256Hex("calm-token"))", "role": "reader"}]},
             "limits": {"rate_per_second": 1, "rate_burst": 5}}
            """
        let server = try ServerProcessHarness(config: config)
        let client = server.client
        var statuses: [Int] = []
        var retryAfter: [String] = []
        for i in 0..<30 {
            let answer = try client.post("/api/v1/write", "flood,i=\(i) v=1 \(i)", headers: [("Authorization", "Bearer busy-token")])
            statuses.append(answer.status)
            if answer.status == 429 {
                retryAfter.append(answer.header("retry-after") ?? "")
                #expect(answer.errorCode == "rate_limited")
            }
        }
        #expect(statuses.prefix(5).allSatisfy { $0 == 204 }, "\(statuses)")
        #expect(statuses.filter { $0 == 429 }.count >= 20, "\(statuses)")
        #expect(retryAfter.allSatisfy { (Int($0) ?? 0) >= 1 }, "\(retryAfter)")
        // Another token has its own budget; unauthenticated routes are not limited.
        #expect(try client.query("SELECT count(*) FROM flood", headers: [("Authorization", "Bearer calm-token")]).status == 200)
        #expect(try client.get("/ping").status == 204)
        #expect(try client.get("/metrics").text.contains("sundial_rate_limited_total"))
    }
}

@Suite struct HTTPQuerySlotTests {
    /// A client that stops reading a large result keeps its query slot (the response
    /// writer waits on the socket); with one slot, the next query gets 503 with
    /// Retry-After, and gets its answer once the first client goes away.
    @Test func queriesBeyondTheSlotsGet503() async throws {
        let server = try ServerProcessHarness(config: #"{"limits": {"max_concurrent_queries": 1}}"#)
        let client = server.client
        for part in 0..<4 {
            var body = ""
            body.reserveCapacity(3 << 20)
            for i in 0..<50_000 {
                let n = part * 50_000 + i
                body += "wide,host=h\(n % 100) a=\(n),b=\(n * 3),note=\"padding padding padding\" \(1_700_000_000_000 + n)\n"
            }
            #expect(try client.post("/api/v1/write?precision=ms", body).status == 204)
        }
        // Ask for ~40 MB of JSON and read only the status line.
        let greedy = try Socket(port: server.port)
        try greedy.send(Array("GET /api/v1/query?sql=SELECT+*+FROM+wide HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(try greedy.readLine().hasPrefix("HTTP/1.1 200"))
        var busy: HTTPAnswer?
        for _ in 0..<100 {
            let answer = try client.query("SHOW TABLES")
            if answer.status == 503 { busy = answer; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let refused = try #require(busy, "no 503 while the only slot was held")
        #expect(refused.errorCode == "too_many_queries")
        #expect(refused.header("retry-after") == "1")
        #expect(try client.get("/metrics").text.contains("sundial_queries_rejected_total"))
        greedy.close()
        // Once the greedy client is gone its slot comes back.
        var answered = false
        for _ in 0..<200 where !answered {
            answered = (try? client.query("SHOW TABLES").status) == 200
            if !answered { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(answered)
    }
}
