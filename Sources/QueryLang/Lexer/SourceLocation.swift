// Positions in query text, as the lexer counts them.
//
// The lexer works on UTF-8 bytes, so the exact position is a byte offset; people read
// line:column. Columns count Unicode scalars (UTF-8 lead bytes), so "é" is one column
// and a tab is one column, as in most SQL engines' messages.

/// A position in query text: 1-based line and column, and 0-based byte offset.
///
/// Every token and every syntax tree node records the location of its first
/// character. Lines are separated by `\n` (a `\r` before it is an ordinary character);
/// columns count Unicode scalars from the start of the line.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in Unicode scalars.
    public var column: Int
    /// The 0-based offset in the UTF-8 bytes of the query.
    public var offset: Int

    /// Creates a location.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// The first character of a text.
    public static let start = SourceLocation(line: 1, column: 1, offset: 0)

    /// The location given to syntax tree nodes built in code rather than parsed (0:0).
    public static let unknown = SourceLocation(line: 0, column: 0, offset: 0)

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool { a.offset < b.offset }

    /// `"line:column"`.
    public var description: String { "\(line):\(column)" }
}
