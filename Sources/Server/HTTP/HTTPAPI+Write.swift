// Line protocol writes: POST /api/v1/write, and InfluxDB's POST /write (1.x) and
// POST /api/v2/write (2.x) so that Telegraf and Influx client libraries write unchanged.
//
// Good lines are written and bad ones reported, as InfluxDB does: 204 when every line
// was written, 400 listing every rejected line (number, column, reason) otherwise. A
// workspace-scoped credential's lines must carry its workspace in the tenant tag; any
// other line is rejected (the rest are written).
import Hummingbird
import Sundial
import SundialServerCore

extension HTTPAPI {
    /// Which API a write came through (it shapes the error body).
    enum WriteFlavor { case native, influxV1, influxV2 }

    func write(_ request: Request, _ context: SundialRequestContext, flavor: WriteFlavor) async throws -> Response {
        do {
            return try await writeLines(request, context, flavor: flavor)
        } catch var error {
            switch flavor {
            case .native: break
            case .influxV1: error.format = .influxV1
            case .influxV2: error.format = .influxV2
            }
            throw error
        }
    }

    func writeLines(_ request: Request, _ context: SundialRequestContext, flavor: WriteFlavor) async throws(APIError) -> Response {
        let query = QueryString(request.uri.query)
        let principal = try admit(request, context, query: query)
        if let refusal = Authorization.checkWrite(for: principal) { throw APIError.from(refusal) }
        let precision = try Self.precision(query["precision"])
        let body = try await readBody(request, decompress: true)

        var admit: (@Sendable (Point) -> String?)?
        if let workspace = principal.workspace {
            let tag = configuration.tenantTag
            admit = { point in Authorization.tenantViolation(point, workspace: workspace, tenantTag: tag) }
        }
        let started = ContinuousClock.now
        let result: Database.WriteResult
        do {
            result = try await database.write(lineProtocolBytes: body, precision: precision, admit: admit)
        } catch {
            logger.error("write failed", metadata: ["error": "\(error)"])
            throw APIError.from(error)
        }
        metrics.writeDuration.recordNanoseconds(started.duration(to: .now).nanoseconds)
        metrics.rowsWritten.increment(by: result.rowsWritten)
        if result.errors.isEmpty { return Response(status: .noContent) }
        metrics.linesRejected.increment(by: result.errors.count)
        let count = result.errors.count
        var error = APIError(.badRequest, "partial_write",
                             "\(count) line\(count == 1 ? " was" : "s were") rejected; \(result.rowsWritten) row\(result.rowsWritten == 1 ? "" : "s") written")
        error.lines = result.errors
        error.rowsWritten = result.rowsWritten
        if let first = result.errors.first {
            error.line = first.line
            error.column = first.column
        }
        throw error
    }

    /// The timestamp unit of `?precision=` (InfluxDB 1.x and 2.x spellings).
    static func precision(_ text: String?) throws(APIError) -> TimePrecision {
        switch text {
        case nil, ""?, "n"?, "ns"?: return .nanoseconds
        case "u"?, "us"?, "µ"?: return .microseconds
        case "ms"?: return .milliseconds
        case "s"?: return .seconds
        case let other?:
            throw APIError(.badRequest, "bad_precision", "precision \(other) is not one of ns, us, ms, s")
        }
    }

    // MARK: InfluxDB 1.x /query

    /// InfluxDB 1.x `/query`, enough for agents that create their database first
    /// (Telegraf sends `CREATE DATABASE "telegraf"`): that statement succeeds (Sundial has
    /// one database per process); anything else is refused with a pointer to /api/v1/query.
    func influxQuery(_ request: Request, _ context: SundialRequestContext) async throws -> Response {
        do {
            var query = QueryString(request.uri.query)
            _ = try admit(request, context, query: query)
            if request.method == .post, request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
                let body = try await readBody(request, decompress: false)
                query = QueryString(String(decoding: body, as: UTF8.self))
            }
            let q = (query["q"] ?? "").trimmingSpaces().uppercased()
            guard q.hasPrefix("CREATE DATABASE") else {
                throw APIError(.badRequest, "unsupported", "only CREATE DATABASE is supported on /query; send SQL to /api/v1/query")
            }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"results\":[{\"statement_id\":0}]}\n")))
        } catch var error as APIError {
            error.format = .influxV1
            throw error
        }
    }
}
