// Fixtures shared by FuzzHTTPBody and MakeSeeds: the input layout (mode byte), the JWT
// secret, clock and configurations, and the tokens signed with that secret. FuzzHTTPBody
// asserts that every token that verifies carries one of these signed heads (random
// bytes cannot forge an HMAC), so the two must agree on them.
import SundialServerCore

public enum HTTPFixtures {
    /// What byte 0 of a FuzzHTTPBody input selects (byte 0 % modes); byte 0 / modes is the variant.
    public enum Mode: UInt8, CaseIterable, Sendable {
        /// `QueryBody.json` and the JSON parser (parse, serialize, parse again).
        case jsonBody = 0
        /// `QueryBody.decode` under a content type picked by the variant.
        case body = 1
        /// `QueryString` and `QueryBody.form` (URL queries and form bodies).
        case form = 2
        /// `GzipInflater` with a small cap picked by the variant, fed whole and in chunks.
        case gzip = 3
        /// `JWTVerifier.verify` and `Base64`.
        case jwt = 4
        /// `Credentials.extract`: Authorization header value, a newline, the URL query.
        case credentials = 5
    }

    public static let modes = UInt8(Mode.allCases.count)

    /// A FuzzHTTPBody input: the mode byte, then the payload.
    public static func input(_ mode: Mode, variant: Int = 0, _ payload: [UInt8]) -> [UInt8] {
        [UInt8(truncatingIfNeeded: Int(mode.rawValue) + Int(modes) * variant)] + payload
    }

    /// Content types for `.body` (variant % count); nil is a request without one.
    public static let contentTypes: [String?] = [
        nil, "text/plain", "application/json", "application/x-www-form-urlencoded",
        "Application/JSON; charset=utf-8", "application/x-www-form-urlencoded; charset=utf-8",
    ]

    /// Output caps for `.gzip` (variant % count).
    public static let gzipLimits = [0, 1, 100, 1000, 4096, 65_536]

    public static let secret = Array("fuzz-secret-0123456789".utf8)
    /// The verifiers' clock (2023-11-14).
    public static let now: Int64 = 1_700_000_000

    /// The configurations every token is checked against: defaults; issuer and audience
    /// required with leeway; expiry optional with a custom workspace claim.
    public static let configurations: [JWTConfiguration] = {
        var plain = JWTConfiguration(secret: secret)
        plain.requireExpiry = true
        var strict = JWTConfiguration(secret: secret, issuer: "sundial-fuzz", audience: "sundial")
        strict.leewaySeconds = 30
        var lax = JWTConfiguration(secret: secret)
        lax.requireExpiry = false
        lax.workspaceClaim = "tenant"
        return [plain, strict, lax]
    }()

    /// Claims signed with `secret` (some valid, some refused after the signature check).
    public static let signedClaims: [(name: String, claims: JSONValue, algorithm: String)] = [
        ("admin", .object([("sub", .string("ops")), ("role", .string("admin")), ("exp", .integer(4_000_000_000)),
                           ("iss", .string("sundial-fuzz")), ("aud", .string("sundial"))]), "HS256"),
        ("reader-workspace", .object([("sub", .string("dash")), ("role", .string("reader")), ("exp", .double(4e9)),
                                      ("workspace", .string("ws_1")), ("tenant", .string("t9")),
                                      ("aud", .array([.string("other"), .string("sundial")])), ("iss", .string("sundial-fuzz"))]), "HS256"),
        ("writer-no-exp", .object([("role", .string("writer")), ("nbf", .integer(1_600_000_000))]), "HS256"),
        ("expired", .object([("role", .string("admin")), ("exp", .integer(1_699_999_990))]), "HS256"),
        ("not-yet-valid", .object([("role", .string("admin")), ("exp", .integer(4_000_000_000)), ("nbf", .integer(1_700_000_020))]), "HS256"),
        ("no-role", .object([("sub", .string("x")), ("exp", .integer(4_000_000_000))]), "HS256"),
        ("bad-role", .object([("role", .string("root")), ("exp", .integer(4_000_000_000))]), "HS256"),
        ("bad-exp", .object([("role", .string("admin")), ("exp", .string("soon"))]), "HS256"),
        ("bad-workspace", .object([("role", .string("admin")), ("exp", .integer(4_000_000_000)), ("workspace", .integer(3))]), "HS256"),
        ("claims-not-object", .array([.string("role")]), "HS256"),
        ("hs512-header", .object([("role", .string("admin")), ("exp", .integer(4_000_000_000))]), "HS512"),
        ("none-header", .object([("role", .string("admin")), ("exp", .integer(4_000_000_000))]), "none"),
    ]

    /// The tokens of `signedClaims`, signed with `secret`.
    public static let signedTokens: [(name: String, token: String)] = signedClaims.map {
        ($0.name, JWTVerifier.sign(claims: $0.claims, secret: secret, algorithm: $0.algorithm))
    }

    /// `header.payload` of every signed token: the only heads that may verify.
    public static let signedHeads: Set<String> = Set(signedTokens.map { head(of: $0.token) })

    /// The signing input of a token (everything before its last '.').
    public static func head(of token: String) -> String {
        guard let dot = token.utf8.lastIndex(of: UInt8(ascii: ".")) else { return token }
        return String(token[..<dot])
    }
}
