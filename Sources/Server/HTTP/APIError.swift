// Every error the HTTP API answers with, and the one place where errors from the
// engine, the query language, authentication and the limits become status codes:
//
//   400 bad SQL, bad parameters, bad line protocol, malformed request
//   401 missing or invalid credential          403 role or workspace forbids it
//   404 unknown table or route                 413 body, decompressed body or result too large
//   415 unsupported content encoding            429 rate limited (Retry-After)
//   503 query slots full (Retry-After), not ready   504 query timeout
//   500 storage failure
//
// The body is `{"error":{"code","message","line","column"}}` (line and column for SQL
// errors); the InfluxDB routes answer in the shape their clients parse.
import HTTPTypes
import Hummingbird
import Sundial
import SundialServerCore

/// An HTTP error answer.
public struct APIError: Error, Sendable, HTTPResponseError {
    /// How the body is shaped.
    public enum Format: Sendable { case native, influxV1, influxV2 }

    public var status: HTTPResponse.Status
    /// A stable snake_case code (`syntax_error`, `unknown_table`, `timeout`, …).
    public var code: String
    public var message: String
    public var line: Int?
    public var column: Int?
    /// Seconds, for 429 and 503.
    public var retryAfter: Int?
    /// Rejected lines of a write (`line`, `column`, `message`).
    public var lines: [LineProtocolError] = []
    public var rowsWritten: Int?
    public var format: Format = .native
    /// Close the connection after answering (the body was not read).
    public var closeConnection = false

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    // MARK: Mapping

    /// The answer to a query language error. `timedOut` tells a time limit from the
    /// other per-query limits (both are `.limitExceeded`).
    public static func from(_ error: QueryError, timedOut: Bool = false) -> APIError {
        let status: HTTPResponse.Status
        var code = error.code.description.replacingSpaces()
        switch error.code {
        case .unknownTable: status = .notFound
        case .limitExceeded where timedOut:
            status = .gatewayTimeout
            code = "timeout"
        case .limitExceeded: status = .contentTooLarge
        case .storage: status = .internalServerError
        case .permissionDenied: status = .forbidden
        default: status = .badRequest
        }
        var answer = APIError(status, code, error.message)
        answer.line = error.line
        answer.column = error.column
        return answer
    }

    /// The answer to a refused credential: 401, or 403 for `.forbidden`.
    public static func from(_ error: AuthError) -> APIError {
        switch error.code {
        case .forbidden: APIError(.forbidden, "forbidden", error.message)
        case .missing: APIError(.unauthorized, "unauthorized", error.message)
        case .invalid: APIError(.unauthorized, "unauthorized", error.message)
        case .expired: APIError(.unauthorized, "token_expired", error.message)
        case .notYetValid: APIError(.unauthorized, "token_not_yet_valid", error.message)
        }
    }

    /// The answer to a storage failure.
    public static func from(_ error: StorageError) -> APIError {
        error.code == .invalidArgument ? APIError(.badRequest, "invalid_argument", error.message)
                                       : APIError(.internalServerError, "storage_error", error.message)
    }

    /// The answer to a refused compressed body.
    public static func from(_ error: InflateError) -> APIError {
        switch error {
        case .tooLarge(let limit):
            APIError(.contentTooLarge, "decompressed_too_large", "the decompressed body is larger than \(limit) bytes (limits.max_decompressed_bytes)")
        case .corrupt(let why): APIError(.badRequest, "bad_compression", "the gzip body is invalid: \(why)")
        }
    }

    /// The answer to an unreadable query request (bad JSON, missing SQL, bad parameters).
    public static func from(_ error: QueryBodyError) -> APIError {
        APIError(.badRequest, "bad_request", error.message)
    }

    static func bodyTooLarge(_ limit: Int) -> APIError {
        var e = APIError(.contentTooLarge, "body_too_large", "the request body is larger than \(limit) bytes (limits.max_body_bytes)")
        e.closeConnection = true
        return e
    }

    // MARK: Rendering

    /// The JSON body.
    public var body: String {
        switch format {
        case .native:
            var fields: [(String, JSONValue)] = [("code", .string(code)), ("message", .string(message))]
            if let line { fields.append(("line", .integer(Int64(line)))) }
            if let column { fields.append(("column", .integer(Int64(column)))) }
            if !lines.isEmpty {
                fields.append(("lines", .array(lines.map {
                    .object([("line", .integer(Int64($0.line))), ("column", .integer(Int64($0.column))), ("message", .string($0.message))])
                })))
            }
            var top: [(String, JSONValue)] = [("error", .object(fields.map { (key: $0.0, value: $0.1) }))]
            if let rowsWritten { top.append(("rows_written", .integer(Int64(rowsWritten)))) }
            return JSONValue.object(top.map { (key: $0.0, value: $0.1) }).serialized + "\n"
        case .influxV1:
            return JSONValue.object([("error", .string(influxMessage))]).serialized + "\n"
        case .influxV2:
            let influxCode = status == .unauthorized ? "unauthorized" : status == .forbidden ? "forbidden"
                : status == .contentTooLarge ? "request too large" : status == .tooManyRequests ? "too many requests"
                : status.code >= 500 ? "internal error" : "invalid"
            return JSONValue.object([("code", .string(influxCode)), ("message", .string(influxMessage))]).serialized + "\n"
        }
    }

    /// InfluxDB's "partial write" wording, with every rejected line.
    var influxMessage: String {
        guard !lines.isEmpty else { return message }
        return "partial write: " + lines.map { "line \($0.line): \($0.message)" }.joined(separator: "; ")
            + (rowsWritten.map { " (\($0) points written)" } ?? "")
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if closeConnection { headers[.connection] = "close" }
        if status == .unauthorized {
            headers[.wwwAuthenticate] = format == .influxV1 ? "Basic realm=\"sundial\"" : "Bearer realm=\"sundial\""
        }
        if format == .influxV2 || format == .influxV1 {
            // A header value: printable ASCII only, bounded.
            let printable = influxMessage.unicodeScalars.map { (0x20..<0x7F).contains($0.value) ? Character($0) : "?" }
            headers[HTTPField.Name("X-Influxdb-Error")!] = String(printable.prefix(1000))
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

extension String {
    func replacingSpaces() -> String { String(map { $0 == " " ? "_" : $0 }) }
}
