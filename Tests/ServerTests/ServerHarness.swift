// A wire server over a temporary database, on 127.0.0.1 and a port the system picks,
// stopped (and its directory removed) when the test body returns or throws.
import Foundation
import NIOCore
import NIOPosix
import Sundial
import SundialClient
import SundialServer
import SundialTestSupport
import SundialWire

/// Tokens of the test verifier and whom they stand for.
struct TestVerifier: CredentialVerifier {
    static let principals: [String: Principal] = [
        "admin-token": Principal(name: "root", role: .admin),
        "writer-token": Principal(name: "ingest", role: .writer),
        "reader-token": Principal(name: "dashboard", role: .reader),
        "ws1-token": Principal(name: "tenant-1", role: .writer, workspace: "ws1"),
    ]

    var isOpen: Bool { false }

    func verify(_ credential: String?) -> Result<Principal, AuthError> {
        guard let credential else { return .failure(AuthError(.missing, "a token is required")) }
        guard let principal = Self.principals[credential] else { return .failure(AuthError(.invalid, "unknown token")) }
        return .success(principal)
    }
}

struct ServerHarness {
    let server: WireServer
    let database: Database

    var port: Int { server.port }

    /// Runs `body` against a fresh server; always stops it and removes its data.
    static func with<T>(_ configure: (inout WireServer.Configuration) -> Void = { _ in },
                        _ body: (ServerHarness) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory(prefix: "sundial-wire")
        defer { directory.remove() }
        let database = try await Database.open(at: directory.path)
        var configuration = WireServer.Configuration().with(host: "127.0.0.1", port: 0)
        configure(&configuration)
        let server: WireServer
        do {
            server = try await WireServer.start(database: database, verifier: TestVerifier(), configuration: configuration)
        } catch {
            try? await database.close()
            throw error
        }
        let harness = ServerHarness(server: server, database: database)
        do {
            let result = try await body(harness)
            await server.stop()
            try await database.close()
            return result
        } catch {
            await server.stop()
            try? await database.close()
            throw error
        }
    }

    func client(_ token: String, maxConnections: Int = 4) async throws -> SundialClient {
        var configuration = SundialClient.Configuration()
        configuration.maxConnections = maxConnections
        return try await SundialClient.connect(host: "127.0.0.1", port: port, token: token, configuration: configuration)
    }
}

/// A bare TCP peer: sends bytes as given and reads frames until the server closes.
enum RawPeer {
    /// What the server sent, and whether it closed the connection.
    struct Answer {
        var frames: [Frame]
        var closed: Bool
        var error: WireError?
    }

    static func exchange(port: Int, send bytes: [UInt8]) async throws -> Answer {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            if !bytes.isEmpty { try await outbound.write(ByteBuffer(bytes: bytes)) }
            var decoder = FrameDecoder()
            var answer = Answer(frames: [], closed: false)
            do {
                for try await buffer in inbound {
                    buffer.withUnsafeReadableBytes { decoder.feed($0) }
                    while let frame = try decoder.next() { answer.frames.append(frame) }
                }
                answer.closed = true
            } catch let error as WireError {
                answer.error = error
            } catch {
                answer.closed = true   // reset by peer also means closed
            }
            return answer
        }
    }

    /// Hello and Auth frames with `token`.
    static func handshake(_ token: String) -> [UInt8] {
        Frame.hello(.init(clientName: "raw")).encoded() + Frame.auth(.init(token: token)).encoded()
    }
}
