// Who is calling: the role and workspace a verified credential carries. HTTP and the
// wire protocol both ask a `CredentialVerifier`, so both enforce the same rules.

/// What a credential may do. Each role includes the ones below it.
public enum Role: String, Sendable, Hashable, Comparable, CaseIterable {
    /// Queries.
    case reader
    /// Writes and queries.
    case writer
    /// DDL, DELETE and the admin routes, besides writes and queries.
    case admin

    var rank: Int {
        switch self {
        case .reader: 0
        case .writer: 1
        case .admin: 2
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
}

/// A verified caller.
public struct Principal: Sendable, Hashable {
    /// The token's name or the JWT subject (for logs; never the secret).
    public var name: String
    public var role: Role
    /// When set, the caller reads and writes only rows of this workspace.
    public var workspace: String?

    public init(name: String, role: Role, workspace: String? = nil) {
        self.name = name
        self.role = role
        self.workspace = workspace
    }
}

/// Why a credential was refused (HTTP 401, or 403 for `.forbidden`).
public struct AuthError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// No credential was given where one is required.
        case missing
        /// Unknown token, bad signature, malformed or unsupported token.
        case invalid
        /// A JWT past its `exp`.
        case expired
        /// A JWT before its `nbf`.
        case notYetValid
        /// A valid credential without the role or workspace the request needs.
        case forbidden
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// Checks a credential (an API token or a JWT, as sent after `Bearer `/`Token `) and
/// says who it belongs to.
public protocol CredentialVerifier: Sendable {
    /// Whether requests without a credential are let in (as admin, loopback only).
    var isOpen: Bool { get }
    func verify(_ credential: String?) -> Result<Principal, AuthError>
}
