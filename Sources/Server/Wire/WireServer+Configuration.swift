// The limits and identity of a wire server, in the manner of Hummingbird's
// `ApplicationConfiguration`: a struct with documented defaults and `with(...)` helpers.
import NIOSSL
import SundialWire

extension WireServer {
    /// Where a wire server listens and what it allows.
    public struct Configuration: Sendable {
        /// The address to bind (`127.0.0.1` by default; the caller decides whether a
        /// non-loopback address is allowed without credentials).
        public var host: String = "127.0.0.1"
        /// The port (0: any free port, read back with ``WireServer/port``).
        public var port: Int = 9471
        /// The largest frame payload accepted from a client; a larger frame gets Error
        /// `frame_too_large` and the connection closes. Checked before it is buffered.
        public var maxFrameSize: Int = WireFormat.defaultMaxFrameSize
        /// The most connections served at once; one more gets Error `too_many_connections`.
        public var maxConnections: Int = 1024
        /// Time from accept to Ready; past it the connection gets Error `handshake_timeout`.
        public var handshakeTimeout: Duration = .seconds(10)
        /// Time without a frame in either direction while no request runs; past it the
        /// connection gets Error `idle_timeout`.
        public var idleTimeout: Duration = .seconds(300)
        /// The tag that holds a row's workspace (for workspace-scoped credentials).
        public var tenantTag: String = "workspace_id"
        /// Sent in Welcome.
        public var serverVersion: String = "sundial/0.6"
        /// When set, connections speak TLS (the handshake timeout covers the TLS handshake).
        public var tls: NIOSSLContext?

        public init() {}

        /// A copy with the given changes.
        public func with(host: String? = nil, port: Int? = nil, maxFrameSize: Int? = nil, maxConnections: Int? = nil,
                         handshakeTimeout: Duration? = nil, idleTimeout: Duration? = nil) -> Configuration {
            var copy = self
            if let host { copy.host = host }
            if let port { copy.port = port }
            if let maxFrameSize { copy.maxFrameSize = maxFrameSize }
            if let maxConnections { copy.maxConnections = maxConnections }
            if let handshakeTimeout { copy.handshakeTimeout = handshakeTimeout }
            if let idleTimeout { copy.idleTimeout = idleTimeout }
            return copy
        }
    }
}
