// In-process tests of the security parts: digests, JWT verification (table-driven over
// TESTING.md row 16's bad tokens), the authenticator, role rules and the rate limiter.
import Sundial
import SundialServer
import Synchronization
import Testing

@Suite struct HTTPDigestTests {
    @Test func sha256KnownVectors() {
        #expect(Digest.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hmacRFC4231Case2() {
        let mac = Digest.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Digest.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func constantTimeEqual() {
        #expect(Digest.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Digest.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Digest.constantTimeEqual([1, 2, 3], [1, 2]))
    }

    @Test func base64RoundTripsAndRejectsGarbage() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(($0 * 37 + 11) & 255) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decode(Base64.encode(bytes, urlSafe: true)) == bytes)
        }
        #expect(Base64.encode(Array("hello".utf8)) == "aGVsbG8=")
        #expect(Base64.decode("aGV*bG8=") == nil)
        #expect(Base64.decode("a") == nil)
        #expect(Base64.decode("aGVsbG8=x") == nil)
        #expect(Digest.bytes(hex: "0aFf") == [10, 255])
        #expect(Digest.bytes(hex: "0g") == nil)
    }
}

@Suite struct HTTPJWTVerifierTests {
    static let secret = Array("a-test-secret-of-reasonable-length".utf8)
    static let now: Int64 = 1_800_000_000

    static func verifier(issuer: String? = "sundial-tests", audience: String? = "sundial", leeway: Int64 = 0) -> JWTVerifier {
        var c = JWTConfiguration(secret: secret, issuer: issuer, audience: audience)
        c.leewaySeconds = leeway
        return JWTVerifier(c, now: { now })
    }

    static func claims(_ extra: [(String, JSONValue)] = [], dropping: Set<String> = []) -> JSONValue {
        var base: [(String, JSONValue)] = [("sub", .string("svc")), ("role", .string("writer")), ("iss", .string("sundial-tests")),
                                           ("aud", .string("sundial")), ("exp", .integer(now + 60))]
        base.removeAll { b in dropping.contains(b.0) || extra.contains { $0.0 == b.0 } }
        return .object((base + extra).map { (key: $0.0, value: $0.1) })
    }

    static func unsigned(header: String, claims: JSONValue) -> String {
        Base64.encode(Array(header.utf8), urlSafe: true) + "." + Base64.encode(Array(claims.serialized.utf8), urlSafe: true) + "."
    }

    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var token: String
        var expected: AuthError.Code?
        var description: String { name }
    }

    static let cases: [Case] = {
        let good = JWTVerifier.sign(claims: claims(), secret: secret)
        var tampered = Array(good.utf8)
        tampered[tampered.count - 3] = tampered[tampered.count - 3] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let parts = good.split(separator: ".")
        return [
            Case(name: "valid", token: good, expected: nil),
            Case(name: "expired", token: JWTVerifier.sign(claims: claims([("exp", .integer(now - 1))]), secret: secret), expected: .expired),
            Case(name: "expires now", token: JWTVerifier.sign(claims: claims([("exp", .integer(now))]), secret: secret), expected: .expired),
            Case(name: "nbf in the future", token: JWTVerifier.sign(claims: claims([("nbf", .integer(now + 30))]), secret: secret), expected: .notYetValid),
            Case(name: "nbf in the past", token: JWTVerifier.sign(claims: claims([("nbf", .integer(now - 30))]), secret: secret), expected: nil),
            Case(name: "alg none, no signature", token: unsigned(header: #"{"alg":"none","typ":"JWT"}"#, claims: claims()), expected: .invalid),
            Case(name: "alg None", token: unsigned(header: #"{"alg":"None"}"#, claims: claims()) + String(parts[2]), expected: .invalid),
            Case(name: "alg HS512 label", token: JWTVerifier.sign(claims: claims(), secret: secret, algorithm: "HS512"), expected: .invalid),
            Case(name: "alg RS256 label", token: JWTVerifier.sign(claims: claims(), secret: secret, algorithm: "RS256"), expected: .invalid),
            Case(name: "wrong secret", token: JWTVerifier.sign(claims: claims(), secret: Array("another-secret".utf8)), expected: .invalid),
            Case(name: "tampered signature", token: String(decoding: tampered, as: UTF8.self), expected: .invalid),
            Case(name: "claims swapped after signing",
                 token: String(parts[0]) + "." + Base64.encode(Array(claims([("role", .string("admin"))]).serialized.utf8), urlSafe: true) + "." + String(parts[2]),
                 expected: .invalid),
            Case(name: "wrong audience", token: JWTVerifier.sign(claims: claims([("aud", .string("other"))]), secret: secret), expected: .invalid),
            Case(name: "audience in a list", token: JWTVerifier.sign(claims: claims([("aud", .array([.string("x"), .string("sundial")]))]), secret: secret), expected: nil),
            Case(name: "wrong issuer", token: JWTVerifier.sign(claims: claims([("iss", .string("evil"))]), secret: secret), expected: .invalid),
            Case(name: "no exp", token: JWTVerifier.sign(claims: claims(dropping: ["exp"]), secret: secret), expected: .invalid),
            Case(name: "exp not a number", token: JWTVerifier.sign(claims: claims([("exp", .string("tomorrow"))]), secret: secret), expected: .invalid),
            Case(name: "no role", token: JWTVerifier.sign(claims: claims(dropping: ["role"]), secret: secret), expected: .invalid),
            Case(name: "unknown role", token: JWTVerifier.sign(claims: claims([("role", .string("root"))]), secret: secret), expected: .invalid),
            Case(name: "two parts", token: String(parts[0]) + "." + String(parts[1]), expected: .invalid),
            Case(name: "garbage", token: "a.b.c", expected: .invalid),
            Case(name: "empty parts", token: "..", expected: .invalid),
        ]
    }()

    @Test(arguments: cases) func verdict(_ c: Case) {
        switch Self.verifier().verify(c.token) {
        case .success(let principal):
            #expect(c.expected == nil, "\(c.name) was accepted")
            #expect(principal.role == .writer)
            #expect(principal.name == "svc")
        case .failure(let error):
            #expect(error.code == c.expected, "\(c.name): \(error)")
        }
    }

    @Test func leewayAcceptsSlightlyExpired() {
        let token = JWTVerifier.sign(claims: Self.claims([("exp", .integer(Self.now - 5))]), secret: Self.secret)
        #expect((try? Self.verifier(leeway: 10).verify(token).get()) != nil)
        #expect((try? Self.verifier(leeway: 2).verify(token).get()) == nil)
    }

    /// Only the canonical base64url spelling of a signature is accepted: padding, the
    /// standard alphabet and stray low bits decode to the same MAC (FuzzHTTPBody checks it).
    @Test func onlyTheCanonicalSignatureSpelling() throws {
        let good = JWTVerifier.sign(claims: Self.claims(), secret: Self.secret)
        #expect((try? Self.verifier().verify(good).get()) != nil)
        let head = good[..<good.lastIndex(of: ".")!]
        let signature = String(good[good.index(after: good.lastIndex(of: ".")!)...])
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let last = alphabet.firstIndex(of: signature.last!)!
        var respellings = [signature + "=", signature + "==",
                           String(signature.dropLast()) + String(alphabet[last ^ 1])]  // 43 chars: 2 unused bits
        let standard = String(signature.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        if standard != signature { respellings.append(standard) }
        for spelling in respellings {
            #expect(Base64.decode(spelling) == Base64.decode(signature), "\(spelling) is not a respelling")
            let result = Self.verifier().verify(head + "." + spelling)
            #expect(throws: AuthError.self, "\(spelling) was accepted") { try result.get() }
        }
    }

    @Test func workspaceClaim() throws {
        let token = JWTVerifier.sign(claims: Self.claims([("workspace", .string("ws_9")), ("role", .string("reader"))]), secret: Self.secret)
        let principal = try Self.verifier().verify(token).get()
        #expect(principal.workspace == "ws_9")
        #expect(principal.role == .reader)
    }
}

@Suite struct HTTPAuthenticatorTests {
    static let tokens = [
        APIToken(name: "w", hash: Digest.sha256(Array("writer-secret".utf8)), role: .writer),
        APIToken(name: "r", hash: Digest.sha256(Array("reader-secret".utf8)), role: .reader, workspace: "ws_1"),
    ]

    @Test func tokensAreLookedUpByHash() throws {
        let auth = Authenticator(tokens: Self.tokens, jwt: nil)
        #expect(!auth.isOpen)
        #expect(try auth.verify("writer-secret").get() == Principal(name: "w", role: .writer))
        #expect(try auth.verify("reader-secret").get() == Principal(name: "r", role: .reader, workspace: "ws_1"))
        #expect(auth.verify("writer-secreT").failureCode == .invalid)
        #expect(auth.verify(Digest.sha256Hex("writer-secret")).failureCode == .invalid)  // the hash is not the token
        #expect(auth.verify(nil).failureCode == .missing)
        #expect(auth.verify("").failureCode == .missing)
    }

    @Test func openWithoutCredentials() throws {
        let auth = Authenticator(tokens: [], jwt: nil)
        #expect(auth.isOpen)
        #expect(try auth.verify(nil).get().role == .admin)
    }

    @Test func jwtsGoToTheJWTVerifier() {
        let auth = Authenticator(tokens: Self.tokens, jwt: JWTVerifier(JWTConfiguration(secret: Array("k".utf8))))
        let token = JWTVerifier.sign(claims: .object([("role", .string("admin")), ("exp", .integer(JWTVerifier.systemNow() + 60))]),
                                     secret: Array("k".utf8))
        #expect((try? auth.verify(token).get())?.role == .admin)
        #expect(auth.verify(token + "x").failureCode == .invalid)
    }
}

@Suite struct HTTPAuthorizationTests {
    static func statement(_ sql: String) throws -> Statement { try SQLParser.parse(sql) }

    @Test(arguments: [
        ("SELECT 1", Role.reader), ("EXPLAIN SELECT * FROM cpu", .reader), ("SHOW TABLES", .reader),
        ("DESCRIBE cpu", .reader), ("INSERT INTO cpu (time, usage) VALUES (1, 2.0)", .writer),
        ("CREATE TABLE t (time TIMESTAMP, host TAG, v DOUBLE)", .admin), ("DROP TABLE cpu", .admin),
        ("DELETE FROM cpu", .admin), ("ALTER TABLE cpu ADD COLUMN x DOUBLE", .admin),
    ])
    func requiredRoles(_ sql: String, _ role: Role) throws {
        let s = try Self.statement(sql)
        #expect(Authorization.requiredRole(for: s) == role)
        for r in Role.allCases {
            #expect((Authorization.check(s, for: Principal(name: "p", role: r)) == nil) == (r >= role), "\(r) on \(sql)")
        }
    }

    @Test func scopedCredentialsRunConfinedStatementsButNoDDL() throws {
        let admin = Principal(name: "a", role: .admin, workspace: "ws_1")
        #expect(Authorization.check(try Self.statement("SELECT 1"), for: admin) == nil)
        #expect(Authorization.check(try Self.statement("INSERT INTO cpu (time, usage) VALUES (1, 2.0)"), for: admin) == nil)
        #expect(Authorization.check(try Self.statement("DELETE FROM cpu WHERE host = 'a'"), for: admin) == nil)
        for ddl in ["DROP TABLE cpu", "CREATE TABLE t (time TIMESTAMP, workspace_id TAG)", "ALTER TABLE cpu SET RETENTION 1d"] {
            #expect(Authorization.check(try Self.statement(ddl), for: admin)?.code == .forbidden, "\(ddl)")
        }
        #expect(Authorization.check(try Self.statement("DROP TABLE cpu"), for: Principal(name: "b", role: .admin)) == nil)
    }

    @Test func tenantTagOfEveryLine() {
        let mine = Point(measurement: "m", tags: [("workspace_id", "ws_1")], fields: [("v", .double(1))], time: 0)
        let theirs = Point(measurement: "m", tags: [("workspace_id", "ws_2")], fields: [("v", .double(1))], time: 0)
        let none = Point(measurement: "m", tags: [("host", "a")], fields: [("v", .double(1))], time: 0)
        #expect(Authorization.tenantViolation(mine, workspace: "ws_1", tenantTag: "workspace_id") == nil)
        #expect(Authorization.tenantViolation(theirs, workspace: "ws_1", tenantTag: "workspace_id") != nil)
        #expect(Authorization.tenantViolation(none, workspace: "ws_1", tenantTag: "workspace_id") != nil)
        #expect(Authorization.checkWrite(for: Principal(name: "r", role: .reader))?.code == .forbidden)
    }
}

@Suite struct HTTPRateLimiterTests {
    final class FakeClock: Sendable {
        let seconds = Mutex(0.0)
        func advance(_ s: Double) { seconds.withLock { $0 += s } }
        var read: @Sendable () -> Double { { self.seconds.withLock { $0 } } }
    }

    @Test func burstThenRefill() {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 2, burst: 3, clock: clock.read)
        for _ in 0..<3 { #expect(limiter.acquire("k") == .allowed) }
        #expect(limiter.acquire("k") == .limited(retryAfter: 1))
        clock.advance(0.5)  // one token back
        #expect(limiter.acquire("k") == .allowed)
        #expect(limiter.acquire("k") != .allowed)
        clock.advance(100)  // capped at the burst
        for _ in 0..<3 { #expect(limiter.acquire("k") == .allowed) }
        #expect(limiter.acquire("k") != .allowed)
    }

    @Test func keysAreIndependent() {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 1, burst: 1, clock: clock.read)
        #expect(limiter.acquire("a") == .allowed)
        #expect(limiter.acquire("a") != .allowed)
        #expect(limiter.acquire("b") == .allowed)
    }

    @Test func retryAfterRoundsUp() {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 0.1, burst: 1, clock: clock.read)
        #expect(limiter.acquire("k") == .allowed)
        #expect(limiter.acquire("k") == .limited(retryAfter: 10))
        clock.advance(7.5)
        #expect(limiter.acquire("k") == .limited(retryAfter: 3))
    }

    @Test func idleKeysAreEvictedPastTheBound() {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 1, burst: 2, maxKeys: 10, clock: clock.read)
        for i in 0..<10 { _ = limiter.acquire("k\(i)") }
        clock.advance(10)
        _ = limiter.acquire("new")
        #expect(limiter.keyCount <= 10)
    }

    @Test func concurrencyLimiterReleasesOnDrop() {
        let limiter = ConcurrencyLimiter(limit: 2)
        var a: ConcurrencyLimiter.Permit? = limiter.tryAcquire()
        let b = limiter.tryAcquire()
        #expect(a != nil && b != nil)
        #expect(limiter.tryAcquire() == nil)
        a = nil
        #expect(limiter.current == 1)
        #expect(limiter.tryAcquire() != nil)
    }
}

extension Result where Failure == AuthError {
    var failureCode: AuthError.Code? { if case .failure(let e) = self { e.code } else { nil } }
}

@Suite struct HTTPCredentialAndBodyTests {
    @Test func credentials() {
        let none = QueryString(nil)
        let influx = QueryString("u=telegraf&p=s%C3%A9cret")
        #expect(Credentials.extract(authorization: nil, query: influx) == "s\u{e9}cret")
        #expect(Credentials.extract(authorization: nil, query: none) == nil)
        #expect(Credentials.extract(authorization: "Bearer  abc ", query: influx) == "abc")
        #expect(Credentials.extract(authorization: "TOKEN abc", query: none) == "abc")
        #expect(Credentials.extract(authorization: "Basic " + Base64.encode(Array("u:p:w".utf8)), query: none) == "p:w")
        #expect(Credentials.extract(authorization: "Basic bm9jb2xvbg==", query: influx) == "")
        #expect(Credentials.extract(authorization: "Digest abc", query: influx) == "")
        #expect(Credentials.extract(authorization: "Bearer", query: influx) == "")
        #expect(Credentials.extract(authorization: "", query: influx) == "")
        // A credential starting with a combining mark (one Character with the space or
        // colon before it) still splits where the bytes say.
        #expect(Credentials.extract(authorization: "Bearer \u{301}x", query: none) == "\u{301}x")
        #expect(Credentials.extract(authorization: "Basic " + Base64.encode(Array("u:\u{301}x".utf8)), query: none) == "\u{301}x")
    }

    @Test func queryBodies() throws {
        let json = Array(#"{"sql": "SELECT $1, $2, $3, $4, $5", "params": ["a", 1, 2.5, true, null]}"#.utf8)
        let body = try QueryBody.decode(json, contentType: "Application/JSON; charset=utf-8")
        #expect(body == QueryBody(sql: "SELECT $1, $2, $3, $4, $5", parameters: [.string("a"), .bigint(1), .double(2.5), .boolean(true), .null]))
        #expect(try QueryBody.decode(Array("sql=SELECT+1&params=%5B7%5D".utf8), contentType: "application/x-www-form-urlencoded")
                == QueryBody(sql: "SELECT 1", parameters: [.bigint(7)]))
        #expect(try QueryBody.decode(Array("SELECT 1".utf8), contentType: "application/x-www-form-urlencoded") == QueryBody(sql: "SELECT 1"))
        #expect(try QueryBody.decode(Array("SELECT 1".utf8), contentType: nil) == QueryBody(sql: "SELECT 1"))
        for (bytes, type, message) in [
            (Array(#"{"sql": 1}"#.utf8), "application/json", "the JSON body needs a \"sql\" string"),
            (Array(#"{"sql": "x", "p": 1}"#.utf8), "application/json", "unknown member \"p\" (expected sql, params)"),
            (Array(#"{"sql": "x", "params": {}}"#.utf8), "application/json", "params must be an array"),
            (Array(#"{"sql": "x", "params": [[1]]}"#.utf8), "application/json", "params[0] must be a scalar (null, boolean, number or string)"),
            (Array("sql=".utf8), "application/x-www-form-urlencoded", "missing sql= parameter"),
            ([], "text/plain", "empty query body"),
            ([0xFF], "text/plain", "the SQL is not valid UTF-8"),
        ] as [([UInt8], String, String)] {
            #expect(throws: QueryBodyError(message)) { try QueryBody.decode(bytes, contentType: type) }
        }
    }
}
