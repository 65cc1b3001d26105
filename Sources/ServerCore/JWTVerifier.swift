// JSON Web Tokens signed with HMAC-SHA256 (RFC 7519, RFC 7515). Only `alg: HS256` is
// accepted: `none`, RS*/ES* and everything else are refused before any claim is read,
// so a token cannot choose how it is checked. The signature is compared in constant
// time and must be the canonical base64url spelling of the MAC. Claims: `exp` (required unless configured otherwise), `nbf`, `iss` and `aud`
// (checked when configured), `role` (reader | writer | admin), `workspace` (optional),
// `sub` (the principal's name, for logs).
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// What a JWT must satisfy besides its signature.
public struct JWTConfiguration: Sendable, Hashable {
    /// The HMAC key (UTF-8 bytes of the configured secret); never empty.
    public var secret: [UInt8]
    /// When set, the `iss` claim must equal it.
    public var issuer: String?
    /// When set, the `aud` claim (a string or an array of strings) must contain it.
    public var audience: String?
    /// Seconds of clock skew allowed on `exp` and `nbf`.
    public var leewaySeconds: Int64 = 0
    /// Whether a token without `exp` is refused (default: yes).
    public var requireExpiry = true
    /// The claim that carries the workspace.
    public var workspaceClaim = "workspace"

    public init(secret: [UInt8], issuer: String? = nil, audience: String? = nil) {
        self.secret = secret
        self.issuer = issuer
        self.audience = audience
    }
}

/// Checks HS256 JWTs.
public struct JWTVerifier: Sendable {
    public let configuration: JWTConfiguration
    /// Seconds since the Unix epoch (injectable for tests).
    let now: @Sendable () -> Int64

    public init(_ configuration: JWTConfiguration, now: @escaping @Sendable () -> Int64 = JWTVerifier.systemNow) {
        self.configuration = configuration
        self.now = now
    }

    /// The wall clock, in seconds since the Unix epoch.
    public static let systemNow: @Sendable () -> Int64 = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec)
    }

    /// Whether `credential` looks like a JWT (three dot-separated parts).
    public static func looksLikeJWT(_ credential: String) -> Bool {
        credential.utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2
    }

    /// The principal a token stands for.
    /// - Returns: `.invalid` (malformed, wrong algorithm, bad signature, wrong issuer or
    ///   audience, missing or bad role), `.expired` or `.notYetValid`.
    public func verify(_ token: String) -> Result<Principal, AuthError> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure(AuthError(.invalid, "malformed token")) }
        guard let headerBytes = Base64.decode(parts[0]), let header = try? JSONValue.parse(headerBytes) else {
            return .failure(AuthError(.invalid, "malformed token header"))
        }
        // The algorithm is fixed by the server, never chosen by the token.
        guard header["alg"]?.string == "HS256" else {
            return .failure(AuthError(.invalid, "unsupported token algorithm (only HS256 is accepted)"))
        }
        guard let signature = Base64.decode(parts[2]) else { return .failure(AuthError(.invalid, "malformed token signature")) }
        let signed = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        let expected = Digest.hmacSHA256(key: configuration.secret, message: signed)
        // The signature must also be spelled canonically (base64url, no padding, unused bits
        // zero), so that a signed token has exactly one accepted spelling: `Base64.decode`
        // alone would also take padding, the standard alphabet and stray low bits.
        let canonical = Array(Base64.encode(expected, urlSafe: true).utf8)
        guard Digest.constantTimeEqual(signature, expected), Digest.constantTimeEqual(Array(parts[2].utf8), canonical) else {
            return .failure(AuthError(.invalid, "bad token signature"))
        }

        guard let payloadBytes = Base64.decode(parts[1]), let claims = try? JSONValue.parse(payloadBytes),
              case .object = claims else {
            return .failure(AuthError(.invalid, "malformed token claims"))
        }
        let now = self.now()
        let leeway = configuration.leewaySeconds
        if let exp = claims["exp"] {
            guard let e = exp.number else { return .failure(AuthError(.invalid, "exp is not a number")) }
            if Double(now) >= e + Double(leeway) { return .failure(AuthError(.expired, "token expired")) }
        } else if configuration.requireExpiry {
            return .failure(AuthError(.invalid, "token has no exp"))
        }
        if let nbf = claims["nbf"] {
            guard let n = nbf.number else { return .failure(AuthError(.invalid, "nbf is not a number")) }
            if Double(now) + Double(leeway) < n { return .failure(AuthError(.notYetValid, "token not valid yet")) }
        }
        if let issuer = configuration.issuer, claims["iss"]?.string != issuer {
            return .failure(AuthError(.invalid, "wrong token issuer"))
        }
        if let audience = configuration.audience {
            let ok: Bool
            switch claims["aud"] {
            case .string(let a)?: ok = a == audience
            case .array(let list)?: ok = list.contains(.string(audience))
            default: ok = false
            }
            guard ok else { return .failure(AuthError(.invalid, "wrong token audience")) }
        }
        guard let roleName = claims["role"]?.string, let role = Role(rawValue: roleName) else {
            return .failure(AuthError(.invalid, "token has no valid role (reader, writer or admin)"))
        }
        var workspace: String?
        if let w = claims[configuration.workspaceClaim], w != .null {
            guard let s = w.string, !s.isEmpty else { return .failure(AuthError(.invalid, "workspace claim is not a string")) }
            workspace = s
        }
        return .success(Principal(name: claims["sub"]?.string ?? "jwt", role: role, workspace: workspace))
    }

    /// Signs `claims` as an HS256 JWT (for `sundial token sign` and tests).
    public static func sign(claims: JSONValue, secret: [UInt8], algorithm: String = "HS256") -> String {
        let header = JSONValue.object([("alg", .string(algorithm)), ("typ", .string("JWT"))])
        let head = Base64.encode(Array(header.serialized.utf8), urlSafe: true) + "." + Base64.encode(Array(claims.serialized.utf8), urlSafe: true)
        let signature = Digest.hmacSHA256(key: secret, message: Array(head.utf8))
        return head + "." + Base64.encode(signature, urlSafe: true)
    }
}
