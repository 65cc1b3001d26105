// POST/GET /api/v1/query: SQL in, JSON or CSV out, streamed batch by batch.
//
// The statement is parsed first so its role can be checked (a reader may only read),
// then it takes one of `limits.max_concurrent_queries` slots (503 when none is free) and
// runs. The first batch is computed before the status line is sent, so bind errors,
// unknown tables and timeouts of aggregations get their proper status; later batches
// are written as they come, with chunked encoding, and never held whole. An error after
// the first batch ends a JSON answer with an "error" member and aborts a CSV answer (the
// chunked body is not terminated, so the client sees a broken transfer).
import Hummingbird
import NIOCore
import NIOPosix
import Sundial
import SundialServerCore

extension HTTPAPI {
    /// What a query request asks for.
    struct QueryRequest {
        var sql: String
        var parameters: [SQLValue]
        var csv: Bool
    }

    func query(_ request: Request, _ context: SundialRequestContext) async throws -> Response {
        let query = QueryString(request.uri.query)
        let principal = try admit(request, context, query: query)
        let ask = try await readQueryRequest(request, query: query)
        let statement: Statement
        do { statement = try SQLParser.parse(ask.sql) } catch { throw APIError.from(error) }
        if let refusal = Authorization.check(statement, for: principal) { throw APIError.from(refusal) }
        guard let permit = queries.tryAcquire() else {
            metrics.queriesRejected.increment()
            var busy = APIError(.serviceUnavailable, "too_many_queries",
                                "\(queries.limit) queries are running (limits.max_concurrent_queries); retry shortly")
            busy.retryAfter = 1
            throw busy
        }
        let scope = principal.workspace.map { QueryScope(workspace: $0, tenantTag: configuration.tenantTag) } ?? .unrestricted
        let started = ContinuousClock.now
        let timeout = configuration.limits.queryTimeout
        let logger = self.logger, slow = configuration.slowQuery, sql = ask.sql
        @Sendable func failure(_ error: QueryError) -> APIError {
            let elapsed = started.duration(to: .now)
            if elapsed >= slow {
                logger.info("slow query failed", metadata: ["sql": "\(sql)", "ms": "\(elapsed.milliseconds)", "error": "\(error)"])
            }
            return APIError.from(error, timedOut: elapsed >= timeout || error.message.contains("time limit"))
        }
        let result: QueryResult
        do { result = try await database.query(ask.sql, parameters: ask.parameters, scope: scope) } catch { throw failure(error) }
        let cursor = ResultCursor(result, threads: queryThreads)
        let first: Batch?
        do { first = try await cursor.next() } catch { throw failure(error) }

        let columns = result.columns
        let csv = ask.csv && !columns.isEmpty
        let headers: HTTPFields = [.contentType: csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"]
        let log = (logger: logger, slow: configuration.slowQuery, sql: ask.sql, principal: principal.name)
        let metrics = self.metrics
        let rowsAffected = result.rowsAffected
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            _ = permit  // held until the body is written (or dropped)
            var out = ByteBuffer()
            out.writeString(csv ? ResultText.csvHead(columns) : ResultText.jsonHead(columns))
            var rows = 0
            var batch = first
            var failed: APIError?
            while let current = batch {
                for i in 0..<current.count {
                    let row = current.row(i)
                    if csv {
                        out.writeString(ResultText.csvRow(row))
                    } else {
                        if rows > 0 { out.writeStaticString(",") }
                        out.writeString(ResultText.jsonRow(row))
                    }
                    rows += 1
                }
                if out.readableBytes >= 64 << 10 {
                    try await writer.write(out)
                    out.clear()
                }
                do throws(QueryError) {
                    batch = try await cursor.next()
                } catch {
                    failed = failure(error)
                    batch = nil
                }
            }
            let elapsed = started.duration(to: .now)
            metrics.queryDuration.recordNanoseconds(elapsed.nanoseconds)
            if elapsed >= log.slow {
                log.logger.info("slow query", metadata: ["sql": "\(log.sql)", "ms": "\(elapsed.milliseconds)", "rows": "\(rows)",
                                                         "principal": "\(log.principal)"])
            }
            if let failed, csv {
                // Headers are gone: abort the chunked body so the client cannot take a
                // truncated CSV for a whole one.
                try await writer.write(out)
                throw failed
            }
            var stats: [(key: String, value: JSONValue)] = [("rows", .integer(Int64(rows))), ("elapsed_ms", .double(elapsed.milliseconds))]
            if let rowsAffected { stats.append(("rows_affected", .integer(Int64(rowsAffected)))) }
            if !csv {
                out.writeString("],\"stats\":" + JSONValue.object(stats).serialized)
                if let failed {
                    out.writeString(",\"error\":" + JSONValue.object([("code", .string(failed.code)), ("message", .string(failed.message))]).serialized)
                }
                out.writeString("}\n")
            }
            try await writer.write(out)
            try await writer.finish(nil)
        })
    }

    /// The SQL, parameters and format of a query request.
    ///
    /// POST bodies are SQL text, or JSON `{"sql": "...", "params": [...]}` when the
    /// content type is `application/json`, or a form with `sql=` (and `params=`); GET takes
    /// `?sql=` and, optionally, `?params=` as a JSON array (``QueryBody``, SundialServerCore).
    /// CSV on `?format=csv` or `Accept: text/csv`.
    func readQueryRequest(_ request: Request, query: QueryString) async throws(APIError) -> QueryRequest {
        var csv = request.headers[.accept]?.lowercased().contains("text/csv") ?? false
        switch query["format"]?.lowercased() {
        case "csv"?: csv = true
        case "json"?: csv = false
        case nil: break
        case let other?: throw APIError(.badRequest, "bad_request", "format must be json or csv, not \(other)")
        }
        let body = request.method == .get || request.method == .head ? nil : try await readBody(request, decompress: true)
        let decoded: QueryBody
        do throws(QueryBodyError) {
            if let body {
                decoded = try QueryBody.decode(body, contentType: request.headers[.contentType])
            } else {
                decoded = try QueryBody.form(query)
            }
        } catch {
            throw APIError.from(error)
        }
        return QueryRequest(sql: decoded.sql, parameters: decoded.parameters, csv: csv)
    }
}

/// A query result's iterator, advanced on the query threads. Used by one request at a
/// time (the response body writes batches in order), hence `@unchecked Sendable`.
final class ResultCursor: @unchecked Sendable {
    var iterator: QueryResult.AsyncIterator
    let threads: NIOThreadPool

    init(_ result: QueryResult, threads: NIOThreadPool) {
        self.iterator = result.makeAsyncIterator()
        self.threads = threads
    }

    func next() async throws(QueryError) -> Batch? {
        let outcome: Result<Batch?, QueryError>
        do {
            outcome = try await threads.runIfActive { [self] in
                Result { () throws(QueryError) -> Batch? in try iterator.step() }
            }
        } catch {
            throw QueryError(.limitExceeded, "the server is shutting down")
        }
        return try outcome.get()
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled &+ attoseconds / 1_000_000_000
    }
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
