// The text forms of a query result, shared by `sundial query` and the HTTP API so that
// both print the same CSV and JSON. The pieces are per row, so the server can stream a
// result batch by batch without holding it whole:
//   JSON: {"columns":[{"name":…,"type":…},…],"rows":[[…],…] + (server) ,"stats":{…}}
//   CSV:  a header line with the column names, then one line per row (RFC 4180 quoting).
import Sundial
import SundialServerCore

/// CSV and JSON renderings of result columns and rows.
public enum ResultText {
    /// `{"columns":[…],"rows":[` — the JSON up to the first row.
    public static func jsonHead(_ columns: [(name: String, type: SQLType)]) -> String {
        "{\"columns\":[" + columns.map { "{\"name\":\(JSONValue.quote($0.name)),\"type\":\"\($0.type)\"}" }.joined(separator: ",") + "],\"rows\":["
    }

    /// One row as a JSON array.
    public static func jsonRow(_ row: [SQLValue]) -> String {
        "[" + row.map(json).joined(separator: ",") + "]"
    }

    /// The CSV header line (with its newline).
    public static func csvHead(_ columns: [(name: String, type: SQLType)]) -> String {
        columns.map { csv($0.name) }.joined(separator: ",") + "\n"
    }

    /// One row as a CSV line (with its newline); NULL is an empty field.
    public static func csvRow(_ row: [SQLValue]) -> String {
        row.map { $0.isNull ? "" : csv($0.text) }.joined(separator: ",") + "\n"
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    public static func csv(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        var out = "\""
        for c in text { out += c == "\"" ? "\"\"" : String(c) }
        return out + "\""
    }

    /// A value as JSON: numbers and booleans bare, NaN and infinities as strings,
    /// timestamps, intervals and text as strings.
    public static func json(_ v: SQLValue) -> String {
        switch v {
        case .null: "null"
        case .bigint(let x): String(x)
        case .double(let x): x.isFinite ? SQLValue.double(x).description : JSONValue.quote(x.isNaN ? "NaN" : (x < 0 ? "-Infinity" : "Infinity"))
        case .boolean(let b): b ? "true" : "false"
        default: JSONValue.quote(v.text)
        }
    }
}
