// `sundial serve`: the services of one server process composed in a ServiceGroup —
// the database, then the HTTP API (Hummingbird) — and their graceful shutdown on SIGTERM
// or SIGINT: the HTTP server stops accepting and finishes in-flight requests (bounded by
// `limits.shutdown_timeout_ms`, after which they are cancelled), then the database is
// closed. The wire-protocol listener joins the group as another service.
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Sundial
import SundialServerCore
import SundialWire
import Synchronization

/// A configured server, ready to run.
public struct ServerProcess: Sendable {
    public let configuration: ServerConfiguration
    let logger: Logger

    /// Checks the configuration against the security rules.
    /// - Throws: ``ConfigurationError`` when the HTTP address is reachable from other
    ///   machines and no credential is configured (unless `allow_unauthenticated`).
    public init(configuration: ServerConfiguration, logger: Logger) throws(ConfigurationError) {
        for address in [configuration.http] + (configuration.wire.map { [$0] } ?? [])
        where !configuration.hasCredentials && !address.isLoopback && !configuration.allowUnauthenticated {
            throw ConfigurationError("refusing to listen on \(address) without credentials: configure auth.tokens or "
                                     + "auth.jwt.secret, listen on a loopback address, or pass --allow-unauthenticated")
        }
        self.configuration = configuration
        self.logger = logger
    }

    /// Sends every logger of the process to standard error at `level` (once per process).
    /// Lines carry the level, the label and the metadata as `key=value`.
    public static func bootstrapLogging(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "sundial.server")
    }

    /// The database settings the server opens with.
    var databaseConfiguration: DatabaseConfiguration {
        var c = DatabaseConfiguration()
        c.fsync = configuration.fsyncAlways ? .always : .none
        c.queryLimits.timeout = configuration.limits.queryTimeout
        c.queryLimits.maxResultRows = configuration.limits.maxResultRows
        c.queryLimits.maxGroups = configuration.limits.maxGroups
        c.queryLimits.maxBufferedRows = configuration.limits.maxBufferedRows
        c.queryLimits.maxMemoryBytes = configuration.limits.queryMemoryBytes
        return c
    }

    /// Opens the database and serves until SIGTERM or SIGINT.
    ///
    /// - Parameters:
    ///   - metrics: where requests are counted (``ServerMetrics/bootstrapPrometheus()``).
    ///   - onListening: called with the URL of the HTTP address actually bound
    ///     (`http://127.0.0.1:9470`, or `https://…` with TLS; the port is chosen by the
    ///     system when configured as 0).
    ///   - onWireListening: called with the wire protocol's bound address (`127.0.0.1:9471`)
    ///     when `wire` is not off.
    ///   - services: more services over the same database and credentials; they start
    ///     after the database and stop before it, alongside HTTP and the wire listener.
    public func run(metrics: ServerMetrics,
                    services: @Sendable (Database, any CredentialVerifier) throws -> [any Service] = { _, _ in [] },
                    onListening: @escaping @Sendable (String) -> Void = { _ in },
                    onWireListening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        let configuration = self.configuration
        let logger = self.logger
        if !configuration.hasCredentials {
            logger.warning("NO CREDENTIALS CONFIGURED: the server is open, every request is an admin (configure auth.tokens or auth.jwt.secret before exposing it)",
                           metadata: ["http": "\(configuration.http)"])
        }
        let database = try await Database.open(at: configuration.dataDirectory, configuration: databaseConfiguration,
                                               logger: logger)
        let verifier = Authenticator(tokens: configuration.tokens, jwt: configuration.jwt.map { JWTVerifier($0) })
        let api = HTTPAPI(database: database, configuration: configuration, verifier: verifier, metrics: metrics, logger: logger)
        api.start()

        let limits = configuration.limits
        let gate = ConnectionGate(maximum: limits.maxConnections, metrics: metrics)
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [gate.makeHandler()],
                                               idleTimeout: .nanoseconds(limits.idleTimeout.nanoseconds))
        var server = HTTPServerBuilder.http1(configuration: http1)
        var tls: TLSConfiguration?
        if let certificate = configuration.tlsCertificate, let key = configuration.tlsKey {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain,
                                                           privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            server = try .tls(server, tlsConfiguration: tls!)
        }
        let scheme = configuration.tlsCertificate == nil ? "http" : "https"
        let application = Application(
            router: api.makeRouter(),
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.http.host, port: configuration.http.port),
                serverName: "Sundial/\(SundialVersion.current)"),
            onServerRunning: { channel in
                let bound = HostPort(host: configuration.http.host, port: channel.localAddress?.port ?? configuration.http.port)
                logger.info("listening", metadata: ["http": "\(scheme)://\(bound)", "data": "\(configuration.dataDirectory)",
                                                    "auth": "\(configuration.hasCredentials ? "on" : "OFF")"])
                onListening("\(scheme)://\(bound)")
            },
            logger: logger)

        var extra = try services(database, verifier).map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        if let address = configuration.wire {
            var wire = WireServer.Configuration()
            wire.host = address.host
            wire.port = address.port
            wire.maxConnections = limits.maxConnections
            wire.idleTimeout = limits.idleTimeout
            wire.handshakeTimeout = limits.handshakeTimeout
            wire.maxFrameSize = min(limits.maxBodyBytes, WireFormat.maxFrameSizeLimit)
            wire.tenantTag = configuration.tenantTag
            wire.tls = try tls.map { try NIOSSLContext(configuration: $0) }
            extra.append(.init(service: WireService(database: database, verifier: verifier, configuration: wire, logger: logger,
                                                    onListening: onWireListening)))
        }
        var group = ServiceGroupConfiguration(
            services: [.init(service: DatabaseService(database: database, health: api.health, logger: logger))] + extra
                + [.init(service: application)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        group.maximumGracefulShutdownDuration = limits.shutdownTimeout
        do {
            try await ServiceGroup(configuration: group).run()
        } catch {
            await api.shutdown()
            throw error
        }
        await api.shutdown()
    }
}

/// Caps open HTTP connections: a connection past `maximum` is closed as soon as it is
/// accepted (the client sees the connection end rather than waiting without bound), and
/// the count is reported as `sundial_http_open_connections`. One handler per connection,
/// all sharing one gate; a connection is counted once when its handler is added and
/// released exactly once when it closes, so a slot can never leak. (Hummingbird's
/// accept-pausing `AvailableConnectionsDelegate` was tried first and lost a slot when a
/// queued connection was accepted and closed while the server was full.)
final class ConnectionGate: Sendable {
    let maximum: Int
    let metrics: ServerMetrics
    let open = Atomic<Int>(0)

    init(maximum: Int, metrics: ServerMetrics) {
        self.maximum = maximum
        self.metrics = metrics
    }

    /// The handler for one new connection.
    func makeHandler() -> Handler { Handler(gate: self) }

    final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        let gate: ConnectionGate
        var counted = false

        init(gate: ConnectionGate) { self.gate = gate }

        func handlerAdded(context: ChannelHandlerContext) {
            counted = true
            let now = gate.open.wrappingAdd(1, ordering: .relaxed).newValue
            gate.metrics.connection(+1)
            if now > gate.maximum { context.close(promise: nil) }
        }

        /// The slot is given back as soon as the socket is closed (channelInactive comes
        /// right after, handlerRemoved a little later); whichever comes first counts.
        func channelInactive(context: ChannelHandlerContext) {
            release()
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) { release() }

        func release() {
            guard counted else { return }
            counted = false
            gate.open.wrappingSubtract(1, ordering: .relaxed)
            gate.metrics.connection(-1)
        }
    }
}
