// End to end against a real `sundial serve` process: write then query (JSON and CSV),
// every error status, InfluxDB 1.x/2.x writes with real line protocol and gzip, /ping,
// /health and /metrics.
import Foundation
import Sundial
import SundialServer
import Testing

@Suite(.serialized) struct HTTPEndToEndTests {
    static let lines = """
        cpu,host=a,region=eu usage=0.5,cores=4i,up=true 1700000000
        cpu,host=b,region=us usage=1.5,cores=8i,up=false 1700000001
        cpu,host=a,region=eu usage=2.5,cores=4i,up=true 1700000002
        """

    @Test func writeThenQueryJSONAndCSV() throws {
        let server = try ServerProcessHarness()
        let client = server.client
        let write = try client.post("/api/v1/write?precision=s", Self.lines)
        #expect(write.status == 204, "\(write.text)")

        let json = try client.query("SELECT host, usage, cores, up FROM cpu ORDER BY time")
        #expect(json.status == 200)
        #expect(json.header("transfer-encoding")?.lowercased() == "chunked")
        let doc = try #require(json.json, "\(json.text)")
        #expect(doc["columns"] == .array([
            .object([("name", .string("host")), ("type", .string("STRING"))]),
            .object([("name", .string("usage")), ("type", .string("DOUBLE"))]),
            .object([("name", .string("cores")), ("type", .string("BIGINT"))]),
            .object([("name", .string("up")), ("type", .string("BOOLEAN"))]),
        ]))
        #expect(doc["rows"] == .array([
            .array([.string("a"), .double(0.5), .integer(4), .bool(true)]),
            .array([.string("b"), .double(1.5), .integer(8), .bool(false)]),
            .array([.string("a"), .double(2.5), .integer(4), .bool(true)]),
        ]))
        #expect(doc["stats"]?["rows"] == .integer(3))
        #expect(doc["stats"]?["elapsed_ms"]?.number != nil)

        let csv = try client.query("SELECT host, sum(usage) AS total FROM cpu GROUP BY host ORDER BY host", format: "csv")
        #expect(csv.status == 200)
        #expect(csv.header("content-type")?.hasPrefix("text/csv") == true)
        #expect(csv.text == "host,total\na,3.0\nb,1.5\n")
        let accept = try client.query("SELECT count(*) AS n FROM cpu", headers: [("Accept", "text/csv")])
        #expect(accept.text == "n\n3\n")

        let posted = try client.post("/api/v1/query", "SELECT count(*) AS n FROM cpu WHERE host = 'a'", headers: [("Content-Type", "text/plain")])
        #expect(posted.json?["rows"] == .array([.array([.integer(2)])]))
        let withParams = try client.post("/api/v1/query", #"{"sql": "SELECT host FROM cpu WHERE usage > $1 AND host = $2", "params": [1.0, "a"]}"#,
                                         headers: [("Content-Type", "application/json")])
        #expect(withParams.json?["rows"] == .array([.array([.string("a")])]), "\(withParams.text)")
        let form = try client.post("/api/v1/query", "sql=" + HTTPTestClient.formEncode("SELECT host FROM cpu WHERE cores = $1") + "&params=%5B8%5D",
                                   headers: [("Content-Type", "application/x-www-form-urlencoded")])
        #expect(form.json?["rows"] == .array([.array([.string("b")])]), "\(form.text)")
        let getParams = try client.get("/api/v1/query?sql=" + HTTPTestClient.formEncode("SELECT count(*) FROM cpu WHERE host = $1") + "&params=%5B%22a%22%5D")
        #expect(getParams.json?["rows"] == .array([.array([.integer(2)])]), "\(getParams.text)")
    }

    @Test func largeResultsStreamInChunks() throws {
        let server = try ServerProcessHarness()
        let client = server.client
        var body = ""
        for i in 0..<20_000 { body += "big,host=h\(i % 50) v=\(i)i \(1_700_000_000 + i)\n" }
        #expect(try client.post("/api/v1/write?precision=s", body).status == 204)
        let answer = try client.query("SELECT v FROM big")
        #expect(answer.status == 200)
        guard case .array(let rows)? = answer.json?["rows"] else { Issue.record("no rows: \(answer.text.prefix(200))"); return }
        #expect(rows.count == 20_000)
        #expect(rows.compactMap { if case .array(let r) = $0 { r.first?.integer } else { nil } }.reduce(0, +) == Int64(20_000 * 19_999 / 2))
    }

    @Test func errorStatuses() throws {
        let server = try ServerProcessHarness(config: #"{"limits": {"max_body_bytes": 4096, "max_result_rows": 2}}"#)
        let client = server.client
        #expect(try client.post("/api/v1/write", "m,t=x v=1 1").status == 204)

        let syntax = try client.query("SELECT FROM WHERE")
        #expect(syntax.status == 400)
        #expect(syntax.errorCode == "syntax_error")
        #expect(syntax.json?["error"]?["line"] == .integer(1))
        #expect(syntax.json?["error"]?["column"]?.integer != nil)

        let unknown = try client.query("SELECT * FROM missing_table")
        #expect(unknown.status == 404)
        #expect(unknown.errorCode == "unknown_table")

        let column = try client.query("SELECT nope FROM m")
        #expect(column.status == 400)
        #expect(column.errorCode == "unknown_column")

        let partial = try client.post("/api/v1/write", "m,t=y v=2 2\nthis is not line protocol\nm,t=z v=3 3\nm,t=w v=\"text\" 4")
        #expect(partial.status == 400)
        #expect(partial.errorCode == "partial_write")
        let rejected = partial.json?["error"]?["lines"]
        guard case .array(let items)? = rejected else { Issue.record("no lines: \(partial.text)"); return }
        #expect(items.compactMap { $0["line"]?.integer } == [2, 4])
        #expect(partial.json?["rows_written"] == .integer(2))
        #expect(try client.query("SELECT count(*) FROM m").json?["rows"] == .array([.array([.integer(3)])]))

        // A sorted result is complete before its first row: the limit is a status.
        let tooMany = try client.query("SELECT * FROM m ORDER BY time")
        #expect(tooMany.status == 413)
        #expect(tooMany.errorCode == "limit_exceeded")
        // A streamed one passes the limit after rows were sent: the JSON ends with the error.
        let streamed = try client.query("SELECT * FROM m")
        #expect(streamed.status == 200)
        #expect(streamed.json?["error"]?["code"] == .string("limit_exceeded"), "\(streamed.text)")
        guard case .array(let sent)? = streamed.json?["rows"] else { Issue.record("\(streamed.text)"); return }
        #expect(sent.count == 2)
        // CSV cannot carry the error: the chunked body is aborted instead of ending cleanly.
        #expect(throws: (any Error).self) { _ = try client.query("SELECT * FROM m", format: "csv") }

        #expect(try client.post("/api/v1/write?precision=fortnights", "m v=1 1").errorCode == "bad_precision")
        let encoding = try client.send("POST", "/api/v1/write", headers: [("Content-Encoding", "br")], body: Array("m v=1 1".utf8))
        #expect(encoding.status == 415)
        #expect(try client.get("/api/v1/nothing").status == 404)
        #expect(try client.get("/api/v1/query").status == 400)
        #expect(try client.post("/api/v1/query", #"{"sql": 5}"#, headers: [("Content-Type", "application/json")]).status == 400)
        #expect(try client.post("/api/v1/query", #"{"sql": "SELECT $1", "params": [[1]]}"#, headers: [("Content-Type", "application/json")]).status == 400)

        let big = try client.post("/api/v1/write", String(repeating: "m,t=a v=1 1\n", count: 1000))
        #expect(big.status == 413)
        #expect(big.errorCode == "body_too_large")
        // The server is still serving.
        #expect(try client.get("/ping").status == 204)
    }

    @Test func queryTimeoutAnswers504WhileOthersStillAnswer() throws {
        let server = try ServerProcessHarness(config: #"{"limits": {"query_timeout_ms": 1}}"#)
        let client = server.client
        var body = ""
        for i in 0..<30_000 { body += "load,host=h\(i % 3000) v=\(i) \(1_700_000_000 + i)\n" }
        #expect(try client.post("/api/v1/write?precision=s", body).status == 204)
        let slow = try client.query("SELECT host, avg(v), max(v), min(v), count(*) FROM load GROUP BY host ORDER BY host")
        #expect(slow.status == 504, "\(slow.text.prefix(300))")
        #expect(slow.errorCode == "timeout")
        #expect(try client.query("SHOW TABLES").status == 200)
    }

    @Test func influxCompatibleWritesWithGzip() throws {
        let config = """
            {"auth": {"tokens": [{"name": "telegraf", "sha256": "\(Digest.sha256Hex("influx-token"))", "role": "writer"},
                                 {"name": "admin", "sha256": "\(Digest.sha256Hex("admin-token"))", "role": "admin"}]}}
            """
        let server = try ServerProcessHarness(config: config)
        let client = server.client
        let admin = [("Authorization", "Bearer admin-token")]

        // InfluxDB 1.x as Telegraf sends it: CREATE DATABASE, then gzip'd writes with Basic auth.
        let create = try client.post("/query?q=" + HTTPTestClient.formEncode(#"CREATE DATABASE "telegraf""#), "",
                                     headers: [("Authorization", "Basic " + Base64.encode(Array("telegraf:influx-token".utf8)))])
        #expect(create.status == 200)
        let v1 = """
            mem,host=web01 used_percent=23.5,available=8123456i 1700000000000
            disk,host=web01,path=/ free=1000000i,used_percent=12.25 1700000000000
            net,host=web01,interface=eth0 bytes_recv=123i,err_in=0i 1700000000000
            """
        let gz = Gzip.compress(Array(v1.utf8))
        let written = try client.send("POST", "/write?db=telegraf&rp=autogen&precision=ms",
                                      headers: [("Authorization", "Basic " + Base64.encode(Array("telegraf:influx-token".utf8))),
                                                ("Content-Encoding", "gzip"), ("Content-Type", "text/plain; charset=utf-8")], body: gz)
        #expect(written.status == 204, "\(written.text)")
        // The 1.x `u`/`p` parameters.
        #expect(try client.post("/write?db=telegraf&u=telegraf&p=influx-token&precision=s", "mem,host=web02 used_percent=50 1700000001").status == 204)
        let denied = try client.post("/write?db=telegraf&u=telegraf&p=wrong", "mem,host=web02 used_percent=50 1700000001")
        #expect(denied.status == 401)
        #expect(denied.json?["error"]?.string != nil)  // InfluxDB 1.x error shape

        // InfluxDB 2.x: Authorization: Token.
        let v2 = try client.post("/api/v2/write?org=acme&bucket=telegraf&precision=ns",
                                 "cpu,host=web01,cpu=cpu-total usage_idle=97.5,usage_user=1.25 1700000002000000000",
                                 headers: [("Authorization", "Token influx-token")])
        #expect(v2.status == 204, "\(v2.text)")
        let bad = try client.post("/api/v2/write?bucket=b", "cpu usage_idle=", headers: [("Authorization", "Token influx-token")])
        #expect(bad.status == 400)
        #expect(bad.json?["code"] == .string("invalid"))  // InfluxDB 2.x error shape
        #expect(bad.json?["message"]?.string?.contains("line 1") == true)

        let mem = try client.query("SELECT host, used_percent FROM mem ORDER BY time", headers: admin)
        #expect(mem.json?["rows"] == .array([.array([.string("web01"), .double(23.5)]), .array([.string("web02"), .double(50)])]), "\(mem.text)")
        let times = try client.query("SELECT count(*) FROM disk WHERE time = '2023-11-14T22:13:20Z'", headers: admin)
        #expect(times.json?["rows"] == .array([.array([.integer(1)])]), "\(times.text)")
        let cpu = try client.query("SELECT usage_user FROM cpu", headers: admin)
        #expect(cpu.json?["rows"] == .array([.array([.double(1.25)])]))

        for method in ["GET", "HEAD"] {
            let ping = try client.send(method, "/ping")
            #expect(ping.status == 204)
            #expect(ping.header("X-Influxdb-Version") != nil)
        }
    }

    @Test func healthAndMetrics() throws {
        let server = try ServerProcessHarness()
        let client = server.client
        let health = try client.get("/health")
        #expect(health.status == 200)
        #expect(health.json?["status"] == .string("ok"))
        #expect(try client.post("/api/v1/write", "m,t=a v=1 1\nm,t=b v=2 2").status == 204)
        #expect(try client.query("SELECT * FROM nowhere").status == 404)
        let metrics = try client.get("/metrics")
        #expect(metrics.status == 200)
        let text = metrics.text
        #expect(text.contains(#"sundial_http_requests_total{route="/api/v1/write",method="POST",status="204"} 1"#), "\(text)")
        #expect(text.contains(#"sundial_http_requests_total{route="/health",method="GET",status="200"} 1"#))
        #expect(text.contains(#"status="404""#))
        #expect(text.contains("sundial_rows_written_total 2"))
        #expect(text.contains("sundial_wal_bytes"))
        #expect(text.contains("sundial_query_duration_seconds_bucket"))
        #expect(text.contains("sundial_http_open_connections"))
        // The engine's figures: the write above was synced at least once (fsync always).
        let syncs = text.split(separator: "\n").first { $0.hasPrefix("sundial_wal_fsync_seconds_count ") }
        #expect((syncs.flatMap { Int($0.split(separator: " ")[1]) } ?? 0) >= 1, "\(text)")
        #expect(text.contains(#"sundial_wal_fsync_seconds_bucket{le="+Inf"}"#))
        #expect(text.contains("sundial_compactions_total 0"))
        #expect(text.contains("# TYPE sundial_flushes_total counter"))
    }

    @Test func healthIsUnavailableWhenTheDirectoryIsGone() throws {
        let server = try ServerProcessHarness()
        let aside = server.directory.path + "/moved"
        #expect(rename(server.dataPath, aside) == 0)
        let health = try server.client.get("/health")
        #expect(health.status == 503)
        #expect(health.json?["status"] == .string("unavailable"))
        #expect(health.json?["reason"]?.string?.isEmpty == false)
        #expect(rename(aside, server.dataPath) == 0)
        #expect(try server.client.get("/health").status == 200)
    }
}
