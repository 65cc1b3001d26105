// TLS (TESTING.md row 22: plaintext where TLS is required is refused) and the server's
// logs: slow queries at info with their SQL and time. The TLS test makes a self-signed
// certificate with the openssl command and talks HTTPS with curl; both come with
// Debian's openssl and curl packages.
import Foundation
import SundialServer
import SundialTestSupport
import Testing

@Suite(.serialized) struct HTTPTLSAndLoggingTests {
    static let hasTools = ["/usr/bin/openssl", "/usr/bin/curl"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }

    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: hasTools)) func httpsAnswersAndPlaintextIsRefused() throws {
        let directory = try TemporaryDirectory(prefix: "sundial-tls")
        let cert = directory.path + "/cert.pem", key = directory.path + "/key.pem"
        let made = try Self.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                                     "-days", "1", "-subj", "/CN=127.0.0.1"])
        #expect(made.status == 0)
        let server = try ServerProcessHarness(config: #"{"tls": {"certificate": "\#(cert)", "key": "\#(key)"}}"#, directory: directory)
        let https = try Self.run("/usr/bin/curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:\(server.port)/ping"])
        #expect(https.output == "204")
        let written = try Self.run("/usr/bin/curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "m,t=a v=1 1",
                                                     "https://127.0.0.1:\(server.port)/api/v1/write"])
        #expect(written.output == "204")
        // Plain HTTP to the TLS port gets no HTTP answer.
        #expect(throws: (any Error).self) { _ = try server.client.get("/ping") }
        // Nor does a client that does not trust the certificate.
        let untrusted = try Self.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "https://127.0.0.1:\(server.port)/ping"])
        #expect(untrusted.status != 0)
    }

    @Test func slowQueriesAreLoggedWithTheirText() throws {
        let server = try ServerProcessHarness(config: #"{"slow_query_ms": 1, "log_level": "debug"}"#)
        var body = ""
        for i in 0..<5000 { body += "slow,host=h\(i % 100) v=\(i) \(1_700_000_000 + i)\n" }
        #expect(try server.client.post("/api/v1/write?precision=s", body).status == 204)
        #expect(try server.client.query("SELECT host, avg(v) AS mean_v FROM slow GROUP BY host").status == 200)
        server.stop()
        let log = server.log
        #expect(log.contains("slow query"), "\(log)")
        #expect(log.contains("mean_v"))  // the SQL text
        #expect(log.contains("ms="))
        // One line per request at debug level.
        #expect(log.contains("path=/api/v1/write"))
    }
}
