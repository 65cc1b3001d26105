// The auth matrix of TESTING.md rows 16–17 against a real server: bad tokens get 401,
// roles get 403, a workspace-scoped credential's lines for another workspace are
// rejected while its own are written; and the server refuses to listen beyond loopback
// without credentials.
import Foundation
import Sundial
import SundialServer
import SundialTestSupport
import Testing

@Suite(.serialized) struct HTTPAuthEndToEndTests {
    static let secret = "jwt-secret-for-the-http-tests"
    static let config = """
        {
          "auth": {
            "tokens": [
              {"name": "admin", "sha256": "\(Digest.sha256Hex("admin-token"))", "role": "admin"},
              {"name": "writer", "sha256": "\(Digest.sha256Hex("writer-token"))", "role": "writer"},
              {"name": "reader", "sha256": "\(Digest.sha256Hex("reader-token"))", "role": "reader"},
              {"name": "ws1", "sha256": "\(Digest.sha256Hex("ws1-token"))", "role": "writer", "workspace": "ws_1"}
            ],
            "jwt": {"secret": "\(secret)", "issuer": "tests", "audience": "sundial"}
          }
        }
        """

    static func jwt(_ claims: [(String, JSONValue)], secret: String = secret, algorithm: String = "HS256") -> String {
        let now = JWTVerifier.systemNow()
        var all: [(String, JSONValue)] = [("sub", .string("t")), ("iss", .string("tests")), ("aud", .string("sundial")),
                                          ("role", .string("reader")), ("exp", .integer(now + 300))]
        all.removeAll { c in claims.contains { $0.0 == c.0 } }
        return JWTVerifier.sign(claims: .object((all + claims).map { (key: $0.0, value: $0.1) }), secret: Array(secret.utf8), algorithm: algorithm)
    }

    static func bearer(_ token: String) -> [(String, String)] { [("Authorization", "Bearer " + token)] }

    @Test func badCredentialsAre401() throws {
        let server = try ServerProcessHarness(config: Self.config)
        let client = server.client
        let now = JWTVerifier.systemNow()
        let header = Base64.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8), urlSafe: true)
        let claims = Base64.encode(Array(#"{"role":"admin","exp":\#(now + 300),"iss":"tests","aud":"sundial"}"#.utf8), urlSafe: true)
        let cases: [(String, [(String, String)], String)] = [
            ("missing", [], "unauthorized"),
            ("unknown token", Self.bearer("who-knows"), "unauthorized"),
            ("expired", Self.bearer(Self.jwt([("exp", .integer(now - 10))])), "token_expired"),
            ("nbf in the future", Self.bearer(Self.jwt([("nbf", .integer(now + 3600))])), "token_not_yet_valid"),
            ("alg none", Self.bearer(header + "." + claims + "."), "unauthorized"),
            ("alg HS384", Self.bearer(Self.jwt([], algorithm: "HS384")), "unauthorized"),
            ("wrong signature", Self.bearer(Self.jwt([], secret: "not-the-secret")), "unauthorized"),
            ("wrong audience", Self.bearer(Self.jwt([("aud", .string("elsewhere"))])), "unauthorized"),
            ("wrong issuer", Self.bearer(Self.jwt([("iss", .string("mallory"))])), "unauthorized"),
            ("empty bearer", [("Authorization", "Bearer ")], "unauthorized"),
            ("unknown scheme", [("Authorization", "Digest abc")], "unauthorized"),
        ]
        for (name, headers, code) in cases {
            let answer = try client.query("SHOW TABLES", headers: headers)
            #expect(answer.status == 401, "\(name): \(answer.status) \(answer.text)")
            #expect(answer.errorCode == code, "\(name): \(answer.text)")
            #expect(answer.header("www-authenticate") != nil, "\(name)")
            let write = try client.post("/api/v1/write", "m v=1 1", headers: headers)
            #expect(write.status == 401, "\(name) write")
        }
        // Nothing was written by the refused writes.
        #expect(try client.query("SHOW TABLES", headers: Self.bearer("admin-token")).json?["rows"] == .array([]))
        // A valid JWT gets in.
        #expect(try client.query("SHOW TABLES", headers: Self.bearer(Self.jwt([]))).status == 200)
    }

    @Test func rolesAndWorkspaces() throws {
        let server = try ServerProcessHarness(config: Self.config)
        let client = server.client
        let admin = Self.bearer("admin-token")
        #expect(try client.post("/api/v1/write", "events,workspace_id=ws_0,kind=a n=1i 1", headers: Self.bearer("writer-token")).status == 204)

        // A reader reads but never writes, by line protocol or SQL.
        let reader = Self.bearer("reader-token")
        #expect(try client.query("SELECT count(*) FROM events", headers: reader).status == 200)
        let readerWrite = try client.post("/api/v1/write", "events,workspace_id=ws_0 n=2i 2", headers: reader)
        #expect(readerWrite.status == 403)
        #expect(readerWrite.errorCode == "forbidden")
        #expect(try client.post("/write?db=x", "events,workspace_id=ws_0 n=2i 2", headers: reader).status == 403)
        #expect(try client.query("INSERT INTO events (time, workspace_id, n) VALUES (3, 'ws_0', 3)", headers: reader).status == 403)
        #expect(try client.query("CREATE TABLE r (time TIMESTAMP, v DOUBLE)", headers: Self.bearer(Self.jwt([]))).status == 403)

        // A writer inserts but runs no DDL; an admin does.
        #expect(try client.query("INSERT INTO events (time, workspace_id, kind, n) VALUES (4, 'ws_0', 'b', 4)", headers: Self.bearer("writer-token")).status == 200)
        #expect(try client.query("CREATE TABLE w (time TIMESTAMP, v DOUBLE)", headers: Self.bearer("writer-token")).status == 403)
        #expect(try client.query("CREATE TABLE w (time TIMESTAMP, v DOUBLE)", headers: admin).status == 200)
        #expect(try client.query("CREATE TABLE j (time TIMESTAMP, v DOUBLE)", headers: Self.bearer(Self.jwt([("role", .string("admin"))]))).status == 200)

        // A workspace-scoped writer: its own lines are written, any other workspace's (or none) rejected.
        let scoped = try client.post("/api/v1/write", """
            events,workspace_id=ws_1,kind=a n=10i 10
            events,workspace_id=ws_2,kind=a n=20i 20
            events,kind=a n=30i 30
            events,workspace_id=ws_1,kind=b n=40i 40
            """, headers: Self.bearer("ws1-token"))
        #expect(scoped.status == 400)
        guard case .array(let lines)? = scoped.json?["error"]?["lines"] else { Issue.record("\(scoped.text)"); return }
        #expect(lines.compactMap { $0["line"]?.integer } == [2, 3])
        #expect(scoped.json?["rows_written"] == .integer(2))
        // A scoped JWT is held to the same rule.
        let scopedJWT = Self.bearer(Self.jwt([("role", .string("writer")), ("workspace", .string("ws_1"))]))
        #expect(try client.post("/api/v2/write?bucket=b", "events,workspace_id=ws_3 n=50i 50", headers: scopedJWT).status == 400)
        #expect(try client.post("/api/v2/write?bucket=b", "events,workspace_id=ws_1 n=60i 60", headers: scopedJWT).status == 204)
        // … and its SQL is confined to its workspace: INSERT of another workspace's row is
        // refused, its own goes in; reads never see other workspaces, whatever the WHERE.
        #expect(try client.query("INSERT INTO events (time, workspace_id, n) VALUES (5, 'ws_2', 5)", headers: Self.bearer("ws1-token")).status == 403)
        #expect(try client.query("INSERT INTO events (time, n) VALUES (70, 70)", headers: Self.bearer("ws1-token")).status == 200)
        let mine = try client.query("SELECT workspace_id, n FROM events WHERE workspace_id = 'ws_0' OR n > 0 ORDER BY time",
                                    headers: Self.bearer("ws1-token"))
        #expect(mine.json?["rows"] == .array([
            .array([.string("ws_1"), .integer(10)]), .array([.string("ws_1"), .integer(40)]), .array([.string("ws_1"), .integer(60)]),
            .array([.string("ws_1"), .integer(70)]),
        ]), "\(mine.text)")
        #expect(try client.query("DROP TABLE events", headers: Self.bearer("ws1-token")).status == 403)

        let all = try client.query("SELECT workspace_id, n FROM events ORDER BY time", headers: admin)
        #expect(all.json?["rows"] == .array([
            .array([.string("ws_0"), .integer(1)]), .array([.string("ws_0"), .integer(4)]),
            .array([.string("ws_1"), .integer(10)]), .array([.string("ws_1"), .integer(40)]), .array([.string("ws_1"), .integer(60)]),
            .array([.string("ws_1"), .integer(70)]),
        ]), "\(all.text)")
    }

    @Test func refusesToListenBeyondLoopbackWithoutCredentials() throws {
        let directory = try SundialTestSupportDirectory()
        defer { directory.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServerProcessHarness.executable)
        process.arguments = ["serve", "--data", directory.path + "/data", "--http", "0.0.0.0:0"]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SUNDIAL_") }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains("without credentials"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/data"))  // refused before opening anything

        // An explicit --allow-unauthenticated starts it.
        let open = try ServerProcessHarness(arguments: ["--allow-unauthenticated"])
        #expect(try open.client.get("/ping").status == 204)
        #expect(open.log.contains("NO CREDENTIALS CONFIGURED"))
    }

    @Test func emptySecretIsRefusedAtStartup() throws {
        do {
            _ = try ServerProcessHarness(config: #"{"auth": {"jwt": {"secret": ""}}}"#)
            Issue.record("the server started with an empty JWT secret")
        } catch let error as HarnessError {
            #expect(error.description.contains("empty"), "\(error)")
        }
    }
}

typealias SundialTestSupportDirectory = TemporaryDirectory
