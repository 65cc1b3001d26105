// The router: every route of the HTTP API, and the middleware that wraps them all —
// it turns every error into its JSON answer (APIError.swift maps them), counts each
// answer by route, method and status, and logs one line per request at debug level.
import Hummingbird
import Logging
import Sundial

extension HTTPAPI {
    /// The router with every route.
    public func makeRouter() -> Router<SundialRequestContext> {
        let router = Router(context: SundialRequestContext.self)
        router.add(middleware: AnswerMiddleware(metrics: metrics, logger: logger))
        router.get("/ping") { request, context in self.ping(request, context) }
        router.head("/ping") { request, context in self.ping(request, context) }
        router.get("/health") { request, context in self.health(request, context) }
        router.get("/metrics") { request, context in self.prometheus(request, context) }
        router.post("/api/v1/query") { request, context in try await self.query(request, context) }
        router.get("/api/v1/query") { request, context in try await self.query(request, context) }
        router.post("/api/v1/write") { request, context in try await self.write(request, context, flavor: .native) }
        router.post("/write") { request, context in try await self.write(request, context, flavor: .influxV1) }
        router.post("/api/v2/write") { request, context in try await self.write(request, context, flavor: .influxV2) }
        router.get("/query") { request, context in try await self.influxQuery(request, context) }
        router.post("/query") { request, context in try await self.influxQuery(request, context) }
        return router
    }
}

/// Errors to answers, metrics and the per-request log line.
struct AnswerMiddleware: RouterMiddleware {
    typealias Context = SundialRequestContext
    let metrics: ServerMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = try error.response(from: request, context: context)
        } catch let error as HTTPError {
            var answer = APIError(error.status, error.status == .notFound ? "not_found" : "http_error",
                                  error.body ?? error.status.reasonPhrase)
            if error.status == .notFound { answer.message = "no route \(request.method) \(request.uri.path)" }
            response = try answer.response(from: request, context: context)
        } catch {
            logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            response = try APIError(.internalServerError, "internal_error", "internal error").response(from: request, context: context)
        }
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, method: request.method.rawValue, status: response.status.code)
        logger.debug("request", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
                                           "ms": "\(started.duration(to: .now).milliseconds)", "client": "\(context.remoteAddress)"])
        return response
    }
}
