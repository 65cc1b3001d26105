// The wire protocol server: a SwiftNIO TCP listener whose connections each run a
// `WireConnection` (Hello → Auth → requests) over a `Database`.
//
// Thread safety: `WireServer` is Sendable; its mutable state (the accept task, the
// connection count) sits behind a Mutex and an Atomic. Each connection is served by one
// structured task; stopping the server cancels them all and waits for them.
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Sundial
import SundialServerCore
import SundialWire
import Synchronization

/// Serves the wire protocol (docs/formats/wire.md) over TCP.
///
/// ```swift
/// let server = try await WireServer.start(database: db, verifier: verifier,
///                                         configuration: .init().with(host: "127.0.0.1", port: 0))
/// print("listening on", server.port)
/// …
/// await server.stop()
/// ```
public final class WireServer: Sendable {
    /// The port the server listens on (the bound one when configured with port 0).
    public let port: Int
    public let configuration: Configuration
    let database: Database
    let verifier: any CredentialVerifier
    let logger: Logger
    let connections = Atomic<Int>(0)
    private let serverChannel: Channel
    private let acceptTask = Mutex<Task<Void, Never>?>(nil)

    private init(port: Int, configuration: Configuration, database: Database, verifier: any CredentialVerifier,
                 logger: Logger, serverChannel: Channel) {
        self.port = port
        self.configuration = configuration
        self.database = database
        self.verifier = verifier
        self.logger = logger
        self.serverChannel = serverChannel
    }

    /// Binds the listener and starts serving.
    ///
    /// - Parameters:
    ///   - database: what queries and writes go to.
    ///   - verifier: checks each connection's Auth token.
    ///   - configuration: address and limits.
    /// - Throws: when the address cannot be bound.
    public static func start(database: Database, verifier: any CredentialVerifier,
                             configuration: Configuration = Configuration(),
                             logger: Logger = Logger(label: "sundial.wire")) async throws -> WireServer {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // With TLS, the frames travel inside it; a client speaking plain frames
                    // fails the TLS handshake and is disconnected.
                    if let tls = configuration.tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = listener.channel.localAddress?.port ?? configuration.port
        let server = WireServer(port: port, configuration: configuration, database: database, verifier: verifier,
                                logger: logger, serverChannel: listener.channel)
        let task = Task { await server.accept(listener) }
        server.acceptTask.withLock { $0 = task }
        logger.info("wire protocol listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        return server
    }

    private func accept(_ listener: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>) async {
        await withDiscardingTaskGroup { group in
            do {
                try await listener.executeThenClose { inbound in
                    for try await channel in inbound {
                        group.addTask { await self.serve(channel) }
                    }
                }
            } catch {
                if !Task.isCancelled { logger.error("wire listener failed", metadata: ["error": "\(error)"]) }
            }
            // The listener is closed: stop the connections too.
            group.cancelAll()
        }
    }

    private func serve(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let count = connections.add(1, ordering: .relaxed).newValue
        defer { connections.subtract(1, ordering: .relaxed) }
        let connection = WireConnection(server: self)
        if count > configuration.maxConnections {
            await connection.refuse(channel, Frame.Failure(requestID: 0, code: .tooManyConnections,
                                                           message: "the server holds \(configuration.maxConnections) connections"))
            return
        }
        await connection.run(channel)
    }

    /// The number of open connections.
    public var connectionCount: Int { connections.load(ordering: .relaxed) }

    /// Stops accepting, closes every connection (running requests are cancelled) and
    /// returns when all are gone.
    public func stop() async {
        try? await serverChannel.close()
        let task = acceptTask.withLock { $0 }
        task?.cancel()
        await task?.value
    }
}
