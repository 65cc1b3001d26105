// Resolving `ServerConfiguration` from four layers: defaults < environment variables
// (`SUNDIAL_` + the key's path in upper case with `_` for `.`, e.g.
// `SUNDIAL_LIMITS_MAX_BODY_BYTES`) < the JSON configuration file < command-line flags.
// Every key is declared once in `ConfigurationLoader.keys`, with its type; an unknown
// key, a value of the wrong type, an empty JWT secret or a token given in plain text is
// a `ConfigurationError` at startup, never a silent default.

import Logging
#if canImport(Glibc)
import Glibc
#else
import Darwin
import SundialServerCore
#endif

/// A setting that cannot be used, with the key and where it came from.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Builds a ``ServerConfiguration`` from flags, a file and the environment.
public enum ConfigurationLoader {
    /// A configuration key: its dotted path, its value type and how it applies.
    struct Key: Sendable {
        enum Kind: String, Sendable { case string, integer, number, boolean, address, milliseconds, level, tokens }
        let path: String
        let kind: Kind
        let apply: @Sendable (inout ServerConfiguration, JSONValue, inout JWTDraft) throws -> Void

        var environmentName: String { "SUNDIAL_" + path.uppercased().replacingDots() }
    }

    /// JWT keys collected before the `JWTConfiguration` is built (it needs the secret).
    struct JWTDraft {
        var secret: String?
        var issuer: String?
        var audience: String?
        var leeway: Int64?
        var requireExpiry: Bool?
        var workspaceClaim: String?
    }

    static let keys: [Key] = [
        Key(path: "data", kind: .string) { c, v, _ in c.dataDirectory = try string(v, "data") },
        Key(path: "http", kind: .address) { c, v, _ in c.http = try address(v, "http") },
        Key(path: "wire", kind: .address) { c, v, _ in
            // "off" turns the wire-protocol listener off.
            if case .string(let text) = v, text.lowercased() == "off" { c.wire = nil } else { c.wire = try address(v, "wire") }
        },
        Key(path: "allow_unauthenticated", kind: .boolean) { c, v, _ in c.allowUnauthenticated = try boolean(v, "allow_unauthenticated") },
        Key(path: "log_level", kind: .level) { c, v, _ in
            let s = try string(v, "log_level")
            guard let level = Logger.Level(rawValue: s.lowercased()) else {
                throw ConfigurationError("log_level: \"\(s)\" is not one of trace, debug, info, notice, warning, error, critical")
            }
            c.logLevel = level
        },
        Key(path: "slow_query_ms", kind: .milliseconds) { c, v, _ in c.slowQuery = try milliseconds(v, "slow_query_ms") },
        Key(path: "tenant_tag", kind: .string) { c, v, _ in
            c.tenantTag = try string(v, "tenant_tag")
            if c.tenantTag.isEmpty { throw ConfigurationError("tenant_tag must not be empty") }
        },
        Key(path: "fsync", kind: .string) { c, v, _ in
            switch try string(v, "fsync") {
            case "always": c.fsyncAlways = true
            case "none": c.fsyncAlways = false
            case let other: throw ConfigurationError("fsync: \"\(other)\" is not always or none")
            }
        },
        Key(path: "auth.tokens", kind: .tokens) { c, v, _ in c.tokens = try tokens(v) },
        Key(path: "auth.jwt.secret", kind: .string) { _, v, j in j.secret = try string(v, "auth.jwt.secret") },
        Key(path: "auth.jwt.issuer", kind: .string) { _, v, j in j.issuer = try string(v, "auth.jwt.issuer") },
        Key(path: "auth.jwt.audience", kind: .string) { _, v, j in j.audience = try string(v, "auth.jwt.audience") },
        Key(path: "auth.jwt.leeway_seconds", kind: .integer) { _, v, j in j.leeway = Int64(try integer(v, "auth.jwt.leeway_seconds", min: 0)) },
        Key(path: "auth.jwt.require_exp", kind: .boolean) { _, v, j in j.requireExpiry = try boolean(v, "auth.jwt.require_exp") },
        Key(path: "auth.jwt.workspace_claim", kind: .string) { _, v, j in j.workspaceClaim = try string(v, "auth.jwt.workspace_claim") },
        Key(path: "limits.max_body_bytes", kind: .integer) { c, v, _ in c.limits.maxBodyBytes = try integer(v, "limits.max_body_bytes", min: 1) },
        Key(path: "limits.max_decompressed_bytes", kind: .integer) { c, v, _ in
            c.limits.maxDecompressedBytes = try integer(v, "limits.max_decompressed_bytes", min: 1)
        },
        Key(path: "limits.max_concurrent_queries", kind: .integer) { c, v, _ in
            c.limits.maxConcurrentQueries = try integer(v, "limits.max_concurrent_queries", min: 1)
        },
        Key(path: "limits.query_timeout_ms", kind: .milliseconds) { c, v, _ in c.limits.queryTimeout = try milliseconds(v, "limits.query_timeout_ms") },
        Key(path: "limits.max_result_rows", kind: .integer) { c, v, _ in c.limits.maxResultRows = try integer(v, "limits.max_result_rows", min: 1) },
        Key(path: "limits.max_groups", kind: .integer) { c, v, _ in c.limits.maxGroups = try integer(v, "limits.max_groups", min: 1) },
        Key(path: "limits.handshake_timeout_ms", kind: .milliseconds) { c, v, _ in
            c.limits.handshakeTimeout = try milliseconds(v, "limits.handshake_timeout_ms")
        },
        Key(path: "limits.query_memory_bytes", kind: .integer) { c, v, _ in
            c.limits.queryMemoryBytes = try integer(v, "limits.query_memory_bytes", min: 1)
        },
        Key(path: "limits.max_buffered_rows", kind: .integer) { c, v, _ in
            c.limits.maxBufferedRows = try integer(v, "limits.max_buffered_rows", min: 1)
        },
        Key(path: "limits.max_connections", kind: .integer) { c, v, _ in c.limits.maxConnections = try integer(v, "limits.max_connections", min: 1) },
        Key(path: "limits.idle_timeout_ms", kind: .milliseconds) { c, v, _ in c.limits.idleTimeout = try milliseconds(v, "limits.idle_timeout_ms") },
        Key(path: "limits.rate_per_second", kind: .number) { c, v, _ in c.limits.ratePerSecond = try number(v, "limits.rate_per_second") },
        Key(path: "limits.rate_burst", kind: .number) { c, v, _ in c.limits.rateBurst = max(1, try number(v, "limits.rate_burst")) },
        Key(path: "limits.shutdown_timeout_ms", kind: .milliseconds) { c, v, _ in
            c.limits.shutdownTimeout = try milliseconds(v, "limits.shutdown_timeout_ms")
        },
        Key(path: "tls.certificate", kind: .string) { c, v, _ in c.tlsCertificate = try string(v, "tls.certificate") },
        Key(path: "tls.key", kind: .string) { c, v, _ in c.tlsKey = try string(v, "tls.key") },
    ]

    /// Every key's path and environment variable (for `docs/server.md` and `--help`).
    public static var keyPaths: [(path: String, environment: String)] { keys.map { ($0.path, $0.environmentName) } }

    /// Resolves the configuration.
    ///
    /// - Parameters:
    ///   - flags: values given on the command line, by key path.
    ///   - fileContents: the JSON configuration file's bytes, when one is given.
    ///   - environment: the process environment (only `SUNDIAL_*` names are read).
    /// - Throws: ``ConfigurationError`` naming the key and the problem.
    public static func load(flags: [String: JSONValue], fileContents: [UInt8]?,
                            environment: [String: String]) throws(ConfigurationError) -> ServerConfiguration {
        var merged: [String: JSONValue] = [:]
        for key in keys {
            if let raw = environment[key.environmentName] { merged[key.path] = try environmentValue(raw, key) }
        }
        if let fileContents {
            let document: JSONValue
            do { document = try JSONValue.parse(fileContents) } catch { throw ConfigurationError("configuration file: \(error)") }
            guard case .object = document else { throw ConfigurationError("configuration file: the top level must be an object") }
            var flat: [String: JSONValue] = [:]
            try flatten(document, prefix: "", into: &flat)
            merged.merge(flat) { _, file in file }
        }
        for (path, value) in flags {
            guard keys.contains(where: { $0.path == path }) else { throw ConfigurationError("unknown setting \"\(path)\"") }
            merged[path] = value
        }

        var configuration = ServerConfiguration()
        var draft = JWTDraft()
        for key in keys {
            guard let value = merged[key.path] else { continue }
            do { try key.apply(&configuration, value, &draft) } catch let error as ConfigurationError { throw error } catch {
                throw ConfigurationError("\(key.path): \(error)")
            }
        }
        if let secret = draft.secret {
            guard !secret.isEmpty else { throw ConfigurationError("auth.jwt.secret is empty: refuse to verify tokens with an empty key") }
            var jwt = JWTConfiguration(secret: Array(secret.utf8), issuer: draft.issuer, audience: draft.audience)
            if let leeway = draft.leeway { jwt.leewaySeconds = leeway }
            if let require = draft.requireExpiry { jwt.requireExpiry = require }
            if let claim = draft.workspaceClaim { jwt.workspaceClaim = claim }
            configuration.jwt = jwt
        } else if draft.issuer != nil || draft.audience != nil {
            throw ConfigurationError("auth.jwt.issuer/audience are set but auth.jwt.secret is not")
        }
        if (configuration.tlsCertificate == nil) != (configuration.tlsKey == nil) {
            throw ConfigurationError("TLS needs both tls.certificate and tls.key")
        }
        return configuration
    }

    /// The bytes of a configuration file (at most 16 MiB).
    public static func readFile(_ path: String) throws(ConfigurationError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ConfigurationError("cannot open the configuration file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ConfigurationError("cannot read the configuration file \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { return out }
            out += chunk[0..<n]
            guard out.count <= 16 << 20 else { throw ConfigurationError("the configuration file \(path) is larger than 16 MiB") }
        }
    }

    static func flatten(_ value: JSONValue, prefix: String, into flat: inout [String: JSONValue]) throws(ConfigurationError) {
        guard case .object(let members) = value else { return }
        for (name, member) in members {
            let path = prefix.isEmpty ? name : prefix + "." + name
            if keys.contains(where: { $0.path == path }) {
                flat[path] = member
            } else if case .object = member, keys.contains(where: { $0.path.hasPrefix(path + ".") }) {
                try flatten(member, prefix: path, into: &flat)
            } else if path == "auth.token" || path.hasSuffix(".token") {
                throw ConfigurationError("configuration file: \(path): tokens are stored as SHA-256 hashes (auth.tokens[].sha256; see `sundial token hash`)")
            } else {
                throw ConfigurationError("configuration file: unknown key \"\(path)\"")
            }
        }
    }

    static func environmentValue(_ raw: String, _ key: Key) throws(ConfigurationError) -> JSONValue {
        switch key.kind {
        case .string, .address, .level: return .string(raw)
        case .integer, .milliseconds:
            guard let i = Int64(raw) else { throw ConfigurationError("\(key.environmentName): \"\(raw)\" is not an integer") }
            return .integer(i)
        case .number:
            guard let d = Double(raw) else { throw ConfigurationError("\(key.environmentName): \"\(raw)\" is not a number") }
            return .double(d)
        case .boolean:
            switch raw.lowercased() {
            case "1", "true", "yes", "on": return .bool(true)
            case "0", "false", "no", "off", "": return .bool(false)
            default: throw ConfigurationError("\(key.environmentName): \"\(raw)\" is not true or false")
            }
        case .tokens:
            do { return try JSONValue.parse(raw) } catch { throw ConfigurationError("\(key.environmentName): \(error)") }
        }
    }

    // MARK: Typed values

    static func string(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> String {
        guard let s = v.string else { throw ConfigurationError("\(path) must be a string") }
        return s
    }

    static func boolean(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> Bool {
        guard let b = v.bool else { throw ConfigurationError("\(path) must be true or false") }
        return b
    }

    static func integer(_ v: JSONValue, _ path: String, min: Int) throws(ConfigurationError) -> Int {
        guard let i = v.integer, i >= min, i <= Int64(Int.max) else { throw ConfigurationError("\(path) must be an integer ≥ \(min)") }
        return Int(i)
    }

    static func number(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> Double {
        guard let d = v.number, d >= 0, d.isFinite else { throw ConfigurationError("\(path) must be a number ≥ 0") }
        return d
    }

    static func milliseconds(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> Duration {
        .milliseconds(try integer(v, path, min: 1))
    }

    static func address(_ v: JSONValue, _ path: String) throws(ConfigurationError) -> HostPort {
        let s = try string(v, path)
        guard let a = HostPort(s) else { throw ConfigurationError("\(path): \"\(s)\" is not HOST:PORT") }
        return a
    }

    static func tokens(_ v: JSONValue) throws(ConfigurationError) -> [APIToken] {
        guard case .array(let items) = v else { throw ConfigurationError("auth.tokens must be an array of {name, sha256, role, workspace}") }
        var out: [APIToken] = []
        for (i, item) in items.enumerated() {
            let at = "auth.tokens[\(i)]"
            guard case .object(let members) = item else { throw ConfigurationError("\(at) must be an object") }
            for (name, _) in members where !["name", "sha256", "role", "workspace"].contains(name) {
                throw ConfigurationError(name == "token" || name == "secret"
                    ? "\(at).\(name): tokens are stored as SHA-256 hashes (sha256; see `sundial token hash`), never in plain text"
                    : "\(at): unknown key \"\(name)\"")
            }
            guard let hex = item["sha256"]?.string, hex.utf8.count == 64, let hash = Digest.bytes(hex: hex) else {
                throw ConfigurationError("\(at).sha256 must be 64 hex digits (`sundial token hash`)")
            }
            guard let roleName = item["role"]?.string, let role = Role(rawValue: roleName) else {
                throw ConfigurationError("\(at).role must be reader, writer or admin")
            }
            let workspace = item["workspace"]?.string
            if let w = workspace, w.isEmpty { throw ConfigurationError("\(at).workspace must not be empty") }
            out.append(APIToken(name: item["name"]?.string ?? "token\(i)", hash: hash, role: role, workspace: workspace))
        }
        return out
    }
}

extension String {
    func replacingDots() -> String { String(map { $0 == "." ? "_" : $0 }) }
}
