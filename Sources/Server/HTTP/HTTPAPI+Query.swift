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
///
/// Each hop to a query thread reads ahead: it steps the executor until
/// ``readAheadRows`` rows (or ``readAheadSteps`` steps) are buffered, or the result ends
/// or fails. A small result (a dashboard's answer) so takes one hop instead of two (its
/// batch, then the end): on two cores the thread hops, not the query, were most of a
/// small query's time. A large result still takes one hop per large batch.
final class ResultCursor: @unchecked Sendable {
    static let readAheadRows = 4096
    static let readAheadSteps = 64

    var iterator: QueryResult.AsyncIterator
    let threads: NIOThreadPool
    /// Batches read ahead and not yet returned (from `readIndex` on); then the end or a failure.
    private var ready: [Batch] = []
    private var readIndex = 0
    private var ended = false
    private var failure: QueryError?

    init(_ result: QueryResult, threads: NIOThreadPool) {
        self.iterator = result.makeAsyncIterator()
        self.threads = threads
    }

    func next() async throws(QueryError) -> Batch? {
        if readIndex == ready.count, !ended, failure == nil {
            ready.removeAll(keepingCapacity: true)
            readIndex = 0
            do {
                try await threads.runIfActive { [self] in readAhead() }
            } catch {
                throw QueryError(.limitExceeded, "the server is shutting down")
            }
        }
        if readIndex < ready.count {
            defer { readIndex += 1 }
            return ready[readIndex]
        }
        if let failure {
            self.failure = nil
            ended = true
            throw failure
        }
        return nil
    }

    /// On a query thread: steps until enough rows are buffered, or the end or a failure.
    private func readAhead() {
        var rows = 0
        for _ in 0..<Self.readAheadSteps where rows < Self.readAheadRows {
            do throws(QueryError) {
                guard let batch = try iterator.step() else {
                    ended = true
                    return
                }
                ready.append(batch)
                rows += batch.count
            } catch {
                failure = error
                return
            }
        }
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
