// The SQL and parameters of a query request's body or URL query, decoded without the
// HTTP layer (so the fuzz package can reach it without NIO): bare SQL text, JSON
// `{"sql": "...", "params": [...]}`, or a form with `sql=` and optional `params=` (a JSON
// array). Parameters become SQL values: null, booleans, integers (BIGINT), other numbers
// (DOUBLE) and strings. `SundialServer` answers a ``QueryBodyError`` with 400 bad_request.
import SundialQueryLang

/// Why a query request's SQL or parameters could not be read (HTTP 400 `bad_request`).
public struct QueryBodyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The SQL text and parameters of a query request.
public struct QueryBody: Sendable, Hashable {
    public var sql: String
    public var parameters: [SQLValue]

    public init(sql: String, parameters: [SQLValue] = []) {
        self.sql = sql
        self.parameters = parameters
    }

    /// A POST body: a form when the content type is `application/x-www-form-urlencoded` and
    /// the body starts with `sql=` (`curl --data-urlencode sql=…`; `curl --data 'SELECT …'`
    /// posts bare SQL with the same content type, and SQL never starts with "sql="), JSON
    /// when it is `application/json`, otherwise UTF-8 SQL text.
    /// - Parameter contentType: the Content-Type header (nil: `text/plain`), any case.
    public static func decode(_ body: [UInt8], contentType: String?) throws(QueryBodyError) -> QueryBody {
        let contentType = contentType?.lowercased() ?? "text/plain"
        if contentType.hasPrefix("application/x-www-form-urlencoded"), body.starts(with: Array("sql=".utf8)) {
            return try form(QueryString(String(decoding: body, as: UTF8.self)))
        }
        if contentType.hasPrefix("application/json") { return try json(body) }
        guard let sql = String(validating: body, as: UTF8.self) else { throw QueryBodyError("the SQL is not valid UTF-8") }
        guard !sql.isEmpty else { throw QueryBodyError("empty query body") }
        return QueryBody(sql: sql)
    }

    /// A JSON body: an object with a `sql` string and optionally a `params` array, nothing else.
    public static func json(_ body: [UInt8]) throws(QueryBodyError) -> QueryBody {
        let document: JSONValue
        do { document = try JSONValue.parse(body) } catch { throw QueryBodyError("\(error)") }
        guard let sql = document["sql"]?.string else { throw QueryBodyError("the JSON body needs a \"sql\" string") }
        if case .object(let members) = document {
            for (name, _) in members where name != "sql" && name != "params" {
                throw QueryBodyError("unknown member \"\(name)\" (expected sql, params)")
            }
        }
        return QueryBody(sql: sql, parameters: try parameters(document["params"] ?? .array([])))
    }

    /// `sql=` and optional `params=` (a JSON array) from a URL query or a form body.
    public static func form(_ form: QueryString) throws(QueryBodyError) -> QueryBody {
        guard let sql = form["sql"], !sql.isEmpty else { throw QueryBodyError("missing sql= parameter") }
        var parameters: [SQLValue] = []
        if let text = form["params"] {
            let value: JSONValue
            do { value = try JSONValue.parse(text) } catch { throw QueryBodyError("params: \(error)") }
            parameters = try Self.parameters(value)
        }
        return QueryBody(sql: sql, parameters: parameters)
    }

    /// JSON parameters as SQL values: null, booleans, integers (BIGINT), other numbers
    /// (DOUBLE) and strings.
    public static func parameters(_ value: JSONValue) throws(QueryBodyError) -> [SQLValue] {
        guard case .array(let items) = value else { throw QueryBodyError("params must be an array") }
        var out: [SQLValue] = []
        for (i, item) in items.enumerated() {
            switch item {
            case .null: out.append(.null)
            case .bool(let b): out.append(.boolean(b))
            case .integer(let n): out.append(.bigint(n))
            case .double(let d): out.append(.double(d))
            case .string(let s): out.append(.string(s))
            case .array, .object: throw QueryBodyError("params[\(i)] must be a scalar (null, boolean, number or string)")
            }
        }
        return out
    }
}
