// The server's `CredentialVerifier`: API tokens from the configuration (kept as SHA-256
// hashes only; a presented token is hashed and compared in constant time against every
// configured hash, so neither the match nor its position shows in the timing) and HS256
// JWTs. With neither configured the server is open: every request is an admin.
import SundialServerCore

/// An API token as the configuration holds it: its name, the SHA-256 of its secret, and
/// what it may do.
public struct APIToken: Sendable, Hashable {
    /// A label for logs (never the secret).
    public var name: String
    /// SHA-256 of the token (32 bytes).
    public var hash: [UInt8]
    public var role: Role
    /// When set, the token reads and writes only rows of this workspace.
    public var workspace: String?

    public init(name: String, hash: [UInt8], role: Role, workspace: String? = nil) {
        self.name = name
        self.hash = hash
        self.role = role
        self.workspace = workspace
    }
}

/// Verifies API tokens and JWTs.
public struct Authenticator: CredentialVerifier {
    public let tokens: [APIToken]
    public let jwt: JWTVerifier?

    public init(tokens: [APIToken], jwt: JWTVerifier?) {
        self.tokens = tokens
        self.jwt = jwt
    }

    /// Open when no credential of any kind is configured.
    public var isOpen: Bool { tokens.isEmpty && jwt == nil }

    public func verify(_ credential: String?) -> Result<Principal, AuthError> {
        guard let credential, !credential.isEmpty else {
            return isOpen ? .success(Principal(name: "anonymous", role: .admin))
                          : .failure(AuthError(.missing, "a credential is required (Authorization: Bearer <token>)"))
        }
        if isOpen { return .success(Principal(name: "anonymous", role: .admin)) }
        if let jwt, JWTVerifier.looksLikeJWT(credential) { return jwt.verify(credential) }
        let presented = Digest.sha256(Array(credential.utf8))
        var found: APIToken?
        for token in tokens where Digest.constantTimeEqual(token.hash, presented) && found == nil { found = token }
        guard let token = found else { return .failure(AuthError(.invalid, "unknown token")) }
        return .success(Principal(name: token.name, role: token.role, workspace: token.workspace))
    }
}
