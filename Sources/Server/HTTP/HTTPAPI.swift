// The HTTP API's shared state and the steps every API route takes before its own work:
// find the credential (Bearer/Token header, Basic password, or InfluxDB 1.x `u`/`p`
// parameters), verify it, and take a rate-limit token. The routes themselves are in
// HTTPAPI+Query.swift, HTTPAPI+Write.swift and HTTPAPI+Status.swift; the router in
// HTTPAPI+Routes.swift.
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Sundial
import SundialServerCore

/// The HTTP API over one database.
public final class HTTPAPI: Sendable {
    let database: Database
    let configuration: ServerConfiguration
    let verifier: any CredentialVerifier
    let rateLimiter: RateLimiter?
    let queries: ConcurrencyLimiter
    let metrics: ServerMetrics
    let logger: Logger
    /// Threads that run query executors (which compute synchronously), so that a long
    /// query never occupies an event loop or the cooperative pool.
    let queryThreads: NIOThreadPool
    let health: HealthProbe

    public init(database: Database, configuration: ServerConfiguration, verifier: any CredentialVerifier,
                metrics: ServerMetrics, logger: Logger) {
        self.database = database
        self.configuration = configuration
        self.verifier = verifier
        let limits = configuration.limits
        self.rateLimiter = limits.ratePerSecond > 0 ? RateLimiter(rate: limits.ratePerSecond, burst: limits.rateBurst) : nil
        self.queries = ConcurrencyLimiter(limit: limits.maxConcurrentQueries)
        self.metrics = metrics
        self.logger = logger
        self.queryThreads = NIOThreadPool(numberOfThreads: limits.maxConcurrentQueries)
        self.health = HealthProbe(directory: database.path)
    }

    /// Starts the query threads (before the first request).
    public func start() { queryThreads.start() }

    /// Stops the query threads (after the last request).
    public func shutdown() async { try? await queryThreads.shutdownGracefully() }

    // MARK: Authentication and rate limiting

    /// The credential a request carries: `Authorization: Bearer|Token <credential>`, the
    /// password of `Authorization: Basic`, or the `p` query parameter (InfluxDB 1.x);
    /// ``Credentials/extract(authorization:query:)`` in SundialServerCore.
    static func credential(of request: Request, query: QueryString) -> String? {
        Credentials.extract(authorization: request.headers[.authorization], query: query)
    }

    /// The verified caller, after its rate-limit token.
    /// - Throws: 401 for a missing or bad credential, 429 with Retry-After when limited.
    func admit(_ request: Request, _ context: SundialRequestContext, query: QueryString) throws(APIError) -> Principal {
        let principal: Principal
        switch verifier.verify(Self.credential(of: request, query: query)) {
        case .success(let p): principal = p
        case .failure(let error):
            logger.debug("credential refused", metadata: ["reason": "\(error)", "client": "\(context.remoteAddress)"])
            throw APIError.from(error)
        }
        if let rateLimiter {
            // A workspace shares one budget across its tokens; an open server limits per address.
            let key = principal.workspace.map { "w:" + $0 } ?? (verifier.isOpen ? "a:" + context.remoteAddress : "p:" + principal.name)
            if case .limited(let retryAfter) = rateLimiter.acquire(key) {
                metrics.rateLimited.increment()
                var error = APIError(.tooManyRequests, "rate_limited", "too many requests; retry after \(retryAfter) s (limits.rate_per_second)")
                error.retryAfter = retryAfter
                throw error
            }
        }
        return principal
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
