// `sundial token`: make API tokens and their SHA-256 hashes for the configuration file,
// and sign JWTs (for scripts and tests; production JWTs come from the identity provider).
import ArgumentParser
import Sundial
import SundialServer

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Make API tokens, hash them for the configuration, sign JWTs.",
        subcommands: [Generate.self, Hash.self, Sign.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new random token (32 bytes, base64url) and its SHA-256 for auth.tokens[].sha256.")

        func run() throws {
            let token = Digest.randomToken()
            print("token:  \(token)")
            print("sha256: \(Digest.sha256Hex(token))")
        }
    }

    struct Hash: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the SHA-256 (hex) of a token, as auth.tokens[].sha256 stores it.",
            discussion: "Reads the token from standard input when it is not given (keeps it out of the shell history).")

        @Argument(help: "The token.")
        var token: String?

        func run() throws {
            guard let token = token ?? readLine(strippingNewline: true), !token.isEmpty else {
                throw ValidationError("no token given")
            }
            print(Digest.sha256Hex(token))
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign an HS256 JWT with the server's auth.jwt.secret.")

        @Option(name: .long, help: "The HMAC secret (or SUNDIAL_AUTH_JWT_SECRET).")
        var secret: String?
        @Option(name: .long, help: "reader, writer or admin.")
        var role: String
        @Option(name: .long, help: "Confine the token to one workspace.")
        var workspace: String?
        @Option(name: .long, help: "The subject (a name for logs).")
        var subject = "cli"
        @Option(name: .long, help: "Seconds until it expires.")
        var ttl: Int = 3600
        @Option(name: .long, help: "The iss claim.")
        var issuer: String?
        @Option(name: .long, help: "The aud claim.")
        var audience: String?

        func run() throws {
            guard let secret = secret ?? ServeCommand.environment()["SUNDIAL_AUTH_JWT_SECRET"], !secret.isEmpty else {
                throw ValidationError("give --secret or set SUNDIAL_AUTH_JWT_SECRET")
            }
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be reader, writer or admin") }
            let now = JWTVerifier.systemNow()
            var claims: [(key: String, value: JSONValue)] = [("sub", .string(subject)), ("role", .string(role)),
                                                             ("iat", .integer(now)), ("exp", .integer(now + Int64(ttl)))]
            if let workspace { claims.append(("workspace", .string(workspace))) }
            if let issuer { claims.append(("iss", .string(issuer))) }
            if let audience { claims.append(("aud", .string(audience))) }
            print(JWTVerifier.sign(claims: .object(claims), secret: Array(secret.utf8)))
        }
    }
}
