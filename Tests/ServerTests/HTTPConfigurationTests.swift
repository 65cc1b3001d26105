// In-process tests of configuration loading (precedence, validation), listen addresses,
// JSON parsing and the capped gzip inflater.
import Sundial
import SundialServer
import Testing

@Suite struct HTTPConfigurationTests {
    static func load(flags: [String: JSONValue] = [:], file: String? = nil, env: [String: String] = [:]) throws(ConfigurationError) -> ServerConfiguration {
        try ConfigurationLoader.load(flags: flags, fileContents: file.map { Array($0.utf8) }, environment: env)
    }

    static func refusal(flags: [String: JSONValue] = [:], file: String? = nil, env: [String: String] = [:]) -> String? {
        do { _ = try load(flags: flags, file: file, env: env); return nil } catch { return error.description }
    }

    @Test func defaults() throws {
        let c = try Self.load()
        #expect(c.dataDirectory == "./sundial-data")
        #expect(c.http == HostPort(host: "127.0.0.1", port: 9470))
        #expect(c.wire == HostPort(host: "127.0.0.1", port: 9471))
        #expect(!c.hasCredentials)
        #expect(c.tenantTag == "workspace_id")
        #expect(c.limits.maxBodyBytes == 32 << 20)
    }

    @Test func flagsOverFileOverEnvironment() throws {
        let env = ["SUNDIAL_HTTP": "127.0.0.1:1000", "SUNDIAL_DATA": "/env", "SUNDIAL_LIMITS_MAX_BODY_BYTES": "111",
                   "SUNDIAL_LIMITS_QUERY_TIMEOUT_MS": "250", "OTHER": "x"]
        let file = #"{"http": "127.0.0.1:2000", "limits": {"max_body_bytes": 222}}"#
        let c = try Self.load(flags: ["http": .string("127.0.0.1:3000")], file: file, env: env)
        #expect(c.http.port == 3000)  // flag
        #expect(c.limits.maxBodyBytes == 222)  // file over environment
        #expect(c.dataDirectory == "/env")  // environment over default
        #expect(c.limits.queryTimeout == .milliseconds(250))
    }

    @Test func tokensAndJWT() throws {
        let hash = Digest.sha256Hex("t0ken")
        let file = """
            {"auth": {"tokens": [{"name": "ci", "sha256": "\(hash)", "role": "writer", "workspace": "ws_1"}],
                      "jwt": {"secret": "k3y", "issuer": "me", "audience": "you", "leeway_seconds": 5}}}
            """
        let c = try Self.load(file: file)
        #expect(c.tokens == [APIToken(name: "ci", hash: Digest.sha256(Array("t0ken".utf8)), role: .writer, workspace: "ws_1")])
        #expect(c.jwt?.secret == Array("k3y".utf8))
        #expect(c.jwt?.issuer == "me")
        #expect(c.jwt?.leewaySeconds == 5)
        #expect(c.hasCredentials)
    }

    @Test func refusals() {
        #expect(Self.refusal(file: #"{"auth": {"jwt": {"secret": ""}}}"#)?.contains("empty") == true)
        #expect(Self.refusal(env: ["SUNDIAL_AUTH_JWT_SECRET": ""])?.contains("empty") == true)
        #expect(Self.refusal(file: #"{"auth": {"tokens": [{"token": "plain", "role": "admin"}]}}"#)?.contains("SHA-256") == true)
        #expect(Self.refusal(file: #"{"auth": {"tokens": [{"sha256": "abc", "role": "admin"}]}}"#)?.contains("64 hex") == true)
        #expect(Self.refusal(file: #"{"auth": {"tokens": [{"sha256": "\#(Digest.sha256Hex("x"))", "role": "root"}]}}"#) != nil)
        #expect(Self.refusal(file: #"{"htpp": "127.0.0.1:1"}"#)?.contains("unknown key") == true)
        #expect(Self.refusal(file: #"{"http": "nowhere"}"#)?.contains("HOST:PORT") == true)
        #expect(Self.refusal(file: #"{"limits": {"max_body_bytes": -1}}"#) != nil)
        #expect(Self.refusal(file: #"{"limits": {"max_body_bytes": "big"}}"#) != nil)
        #expect(Self.refusal(file: #"{"tls": {"certificate": "/c.pem"}}"#)?.contains("both") == true)
        #expect(Self.refusal(file: "{") != nil)
        #expect(Self.refusal(env: ["SUNDIAL_LIMITS_MAX_CONNECTIONS": "many"]) != nil)
        #expect(Self.refusal(flags: ["nope": .bool(true)]) != nil)
    }

    @Test func nonLoopbackNeedsCredentials() throws {
        var c = ServerConfiguration()
        c.http = HostPort(host: "0.0.0.0", port: 1)
        #expect(throws: ConfigurationError.self) { try ServerProcess(configuration: c, logger: .init(label: "t")) }
        c.allowUnauthenticated = true
        _ = try ServerProcess(configuration: c, logger: .init(label: "t"))
        c.allowUnauthenticated = false
        c.tokens = [APIToken(name: "a", hash: Digest.sha256([1]), role: .admin)]
        _ = try ServerProcess(configuration: c, logger: .init(label: "t"))
    }

    @Test(arguments: [("127.0.0.1:9470", true), ("127.1.2.3:1", true), ("localhost:80", true), ("[::1]:9", true),
                      ("0.0.0.0:9470", false), ("10.0.0.1:1", false), ("[::]:9", false), ("example.com:80", false)])
    func loopback(_ text: String, _ loopback: Bool) throws {
        let address = try #require(HostPort(text))
        #expect(address.isLoopback == loopback)
    }

    @Test func badAddresses() {
        for text in ["", "host", ":80", "h:", "h:70000", "h:-1", "::1:80", "[::1]80"] { #expect(HostPort(text) == nil, "\(text)") }
    }
}

@Suite struct HTTPJSONAndGzipTests {
    @Test func jsonValues() throws {
        let v = try JSONValue.parse(#" {"a": [1, -2.5, true, null, "x\u00e9\n"], "b": {"c": 9223372036854775807}} "#)
        #expect(v["a"] == .array([.integer(1), .double(-2.5), .bool(true), .null, .string("xé\n")]))
        #expect(v["b"]?["c"] == .integer(Int64.max))
        #expect(try JSONValue.parse(v.serialized) == v)
    }

    @Test func jsonRefusals() {
        for text in ["", "{", "[1,]", #"{"a":1,"a":2}"#, "01x", "\"\u{01}\"", "[1] 2", "nul", #""\ud800""#,
                     String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            #expect(throws: JSONError.self, "\(text)") { try JSONValue.parse(text) }
        }
    }

    @Test func gzipRoundTripAndCap() throws {
        let text = Array(String(repeating: "cpu,host=a usage=1.5 1700000000\n", count: 2000).utf8)
        let packed = Gzip.compress(text)
        #expect(packed.count < text.count / 10)
        #expect(try GzipInflater.inflate(packed, limit: text.count) == text)
        do {
            _ = try GzipInflater.inflate(packed, limit: text.count - 1)
            Issue.record("the cap was not enforced")
        } catch {
            #expect(error == .tooLarge(limit: text.count - 1))
        }
    }

    @Test func gzipInPieces() throws {
        let text = Array((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let packed = Gzip.compress(text)
        let inflater = try GzipInflater(limit: 1 << 20)
        var at = 0
        while at < packed.count {
            let end = min(packed.count, at + 997)
            try inflater.feed(Array(packed[at..<end]))
            at = end
        }
        try inflater.finish()
        #expect(inflater.output == text)
    }

    @Test func gzipCorruptAndTruncated() {
        let packed = Gzip.compress(Array("hello hello hello".utf8))
        var bad = packed
        bad[12] ^= 0xFF
        for input in [bad, Array(packed.prefix(packed.count - 4)), Array("not gzip at all".utf8), packed + [1, 2, 3]] {
            do {
                _ = try GzipInflater.inflate(input, limit: 1000)
                Issue.record("accepted a damaged stream")
            } catch {
                if case .corrupt = error {} else { Issue.record("wrong error \(error)") }
            }
        }
    }
}
