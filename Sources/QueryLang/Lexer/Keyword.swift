// The words of the dialect. The lexer tags a word with its keyword (matched without
// regard to ASCII case) but keeps the spelling; the parser decides from context whether
// a non-reserved keyword is a keyword or a name, so `time`, `day` or `key` stay usable
// as column names. Only the reserved words below can never be bare names.

/// A word with a meaning in the dialect.
///
/// Keywords are matched without regard to ASCII case. Most are *non-reserved*: they
/// are keywords only where the grammar expects them and names elsewhere (a column may
/// be called `time`, `tag` or `key`). The ``isReserved`` ones must be double-quoted to
/// be used as names (`"order"`).
public enum Keyword: String, Hashable, Sendable, CaseIterable {
    case add = "ADD", all = "ALL", alter = "ALTER", analyze = "ANALYZE", and = "AND"
    case `as` = "AS", asc = "ASC"
    case between = "BETWEEN", bigint = "BIGINT", bool = "BOOL", boolean = "BOOLEAN", by = "BY"
    case `case` = "CASE", cast = "CAST", column = "COLUMN", columns = "COLUMNS", create = "CREATE"
    case day = "DAY", delete = "DELETE", desc = "DESC", describe = "DESCRIBE"
    case distinct = "DISTINCT", double = "DOUBLE", drop = "DROP"
    case `else` = "ELSE", end = "END", except = "EXCEPT", exists = "EXISTS", explain = "EXPLAIN"
    case extract = "EXTRACT"
    case `false` = "FALSE", fill = "FILL", first = "FIRST", float = "FLOAT", from = "FROM"
    case full = "FULL"
    case group = "GROUP"
    case having = "HAVING", hour = "HOUR"
    case `if` = "IF", `in` = "IN", inner = "INNER", insert = "INSERT", int = "INT"
    case integer = "INTEGER", intersect = "INTERSECT", interval = "INTERVAL", into = "INTO"
    case `is` = "IS"
    case join = "JOIN"
    case key = "KEY"
    case last = "LAST", latest = "LATEST", left = "LEFT", like = "LIKE", limit = "LIMIT"
    case linear = "LINEAR"
    case month = "MONTH"
    case none = "NONE", not = "NOT", null = "NULL", nulls = "NULLS"
    case offset = "OFFSET", on = "ON", or = "OR", order = "ORDER", outer = "OUTER"
    case partition = "PARTITION", precision = "PRECISION", prev = "PREV"
    case recursive = "RECURSIVE", retention = "RETENTION", right = "RIGHT"
    case select = "SELECT", set = "SET", show = "SHOW", string = "STRING"
    case table = "TABLE", tables = "TABLES", tag = "TAG", text = "TEXT", then = "THEN"
    case timestamp = "TIMESTAMP", `true` = "TRUE"
    case union = "UNION"
    case values = "VALUES", varchar = "VARCHAR"
    case week = "WEEK", when = "WHEN", `where` = "WHERE", with = "WITH"

    /// Whether the word can only be used as a name when double-quoted.
    ///
    /// These are the words that start or continue a clause or an expression where a
    /// name could also stand (after a select item or a table, an implicit alias).
    public var isReserved: Bool {
        switch self {
        case .all, .and, .as, .asc, .between, .by, .case, .cast, .create, .desc, .distinct,
             .else, .end, .except, .false, .from, .full, .group, .having, .in, .inner,
             .intersect, .into, .is, .join, .latest, .left, .like, .limit, .not, .null,
             .offset, .on, .or, .order, .outer, .right, .select, .then, .true, .union, .when,
             .where, .with:
            true
        default:
            false
        }
    }

    /// The keyword spelled by `word`, ignoring ASCII case, if any.
    public init?(word: some StringProtocol) {
        guard let key = Keyword.packedKey(word.utf8), let keyword = Keyword.byKey[key] else { return nil }
        self = keyword
    }

    /// Keywords are looked up by their capitalized bytes packed into two integers,
    /// so that classifying a word allocates nothing.
    private struct PackedKey: Hashable {
        var low: UInt64 = 0
        var high: UInt64 = 0
    }

    private static func packedKey(_ bytes: some Collection<UInt8>) -> PackedKey? {
        guard bytes.count <= 16 else { return nil }
        var key = PackedKey()
        for (i, byte) in bytes.enumerated() {
            let upper = UInt64(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte)
            if i < 8 { key.low |= upper << (8 * i) } else { key.high |= upper << (8 * (i - 8)) }
        }
        return key
    }

    private static let byKey: [PackedKey: Keyword] = Dictionary(
        uniqueKeysWithValues: allCases.compactMap { keyword in packedKey(keyword.rawValue.utf8).map { ($0, keyword) } })
}
