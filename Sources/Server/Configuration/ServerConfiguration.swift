// The settings of `sundial serve`, resolved from flags, the configuration file, the
// environment and these defaults (in that order of precedence; see
// ConfigurationLoader.swift and docs/server.md, which lists every key).
import Logging
import SundialServerCore

/// Everything `sundial serve` needs to run, with its defaults.
public struct ServerConfiguration: Sendable {
    /// The data directory (`data`).
    public var dataDirectory = "./sundial-data"
    /// The HTTP listen address (`http`).
    public var http = HostPort(host: "127.0.0.1", port: 9470)
    /// The wire-protocol listen address (`wire`; `"off"`: no wire listener).
    public var wire: HostPort? = HostPort(host: "127.0.0.1", port: 9471)
    /// Start without credentials on a non-loopback address (`allow_unauthenticated`).
    public var allowUnauthenticated = false
    /// The log level (`log_level`).
    public var logLevel: Logger.Level = .info
    /// Queries slower than this are logged at info with their text (`slow_query_ms`).
    public var slowQuery: Duration = .milliseconds(1000)
    /// The tag that holds a row's workspace (`tenant_tag`).
    public var tenantTag = "workspace_id"
    /// API tokens (`auth.tokens`).
    public var tokens: [APIToken] = []
    /// JWT settings when a secret is configured (`auth.jwt.*`).
    public var jwt: JWTConfiguration?
    /// Request, query and connection limits (`limits.*`).
    public var limits = Limits()
    /// TLS certificate chain and key, PEM files (`tls.certificate`, `tls.key`).
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// The WAL fsync policy of acknowledged writes (`fsync`: always | none).
    public var fsyncAlways = true

    public init() {}

    /// Whether any credential is configured.
    public var hasCredentials: Bool { !tokens.isEmpty || jwt != nil }

    /// The limits that keep one client from taking the server down.
    public struct Limits: Sendable, Hashable {
        /// Largest request body, compressed as sent (`limits.max_body_bytes`).
        public var maxBodyBytes = 32 << 20
        /// Largest body after gzip decompression (`limits.max_decompressed_bytes`).
        public var maxDecompressedBytes = 128 << 20
        /// Queries running at once; more get 503 (`limits.max_concurrent_queries`).
        public var maxConcurrentQueries = 16
        /// Per-query time limit; past it 504 (`limits.query_timeout_ms`).
        public var queryTimeout: Duration = .seconds(30)
        /// The most result rows a query may return; past it 413 (`limits.max_result_rows`).
        public var maxResultRows = 10_000_000
        /// The most groups an aggregation may hold, a bound on its memory (`limits.max_groups`).
        public var maxGroups = 5_000_000
        /// The most rows a sort or DISTINCT may hold in memory (`limits.max_buffered_rows`).
        public var maxBufferedRows = 50_000_000
        /// Time from accept to a finished wire handshake (`limits.handshake_timeout_ms`).
        public var handshakeTimeout: Duration = .seconds(10)
        /// The memory one query's buffering operators may hold (`limits.query_memory_bytes`).
        public var queryMemoryBytes = 1 << 30
        /// Open HTTP connections at most; more are closed when accepted (`limits.max_connections`).
        public var maxConnections = 4096
        /// Close a connection idle this long (`limits.idle_timeout_ms`).
        public var idleTimeout: Duration = .seconds(120)
        /// Requests per second per workspace, token or address; 0 disables (`limits.rate_per_second`).
        public var ratePerSecond = 1000.0
        /// Requests allowed at once after idling (`limits.rate_burst`).
        public var rateBurst = 2000.0
        /// How long shutdown waits for in-flight requests (`limits.shutdown_timeout_ms`).
        public var shutdownTimeout: Duration = .seconds(15)

        public init() {}
    }
}
