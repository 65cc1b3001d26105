// The one public error type of the query language module.
//
// Modeled on swift-nio's `FileSystemError` (as `StorageError` is): a `Code` over a
// private enum so that the binder, planner and executor can add codes later without
// breaking users, a message that says what was expected and what was found, and where
// in the query text the problem is.

/// An error raised while reading, checking or running a query.
///
/// Front-end errors (``Code-swift.struct/lexical``, ``Code-swift.struct/syntax``,
/// ``Code-swift.struct/tooDeep``) always carry the ``location`` of the offending
/// token or character:
///
/// ```swift
/// do {
///     _ = try SQLParser.parse("SELECT * FROM cpu WHERE")
/// } catch {
///     print(error)  // syntax error at 1:24: expected an expression after "WHERE", found end of input
/// }
/// ```
///
/// Bad input never traps: every malformed, hostile or truncated query is reported as
/// a `QueryError`.
public struct QueryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable, extensible code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Wrapped: Hashable, Sendable {
            case lexical, syntax, tooDeep
        }

        fileprivate var wrapped: Wrapped
        fileprivate init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The text could not be split into tokens: an unterminated string or comment,
        /// a malformed number or duration, an unexpected character, invalid UTF-8.
        public static var lexical: Code { Code(.lexical) }
        /// The tokens do not form a statement of the dialect.
        public static var syntax: Code { Code(.syntax) }
        /// Expressions or subqueries are nested deeper than the parser's limit
        /// (see ``SQLParser/defaultMaxDepth``).
        public static var tooDeep: Code { Code(.tooDeep) }

        public var description: String {
            switch wrapped {
            case .lexical: "lexical error"
            case .syntax: "syntax error"
            case .tooDeep: "nesting too deep"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What failed, in words: what was expected and what was found.
    public var message: String
    /// Where in the query text the problem starts, when known.
    public var location: SourceLocation?

    /// The 1-based line of ``location``, when known.
    public var line: Int? { location?.line }
    /// The 1-based column of ``location`` (in Unicode scalars), when known.
    public var column: Int? { location?.column }

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What was expected and what was found.
    ///   - location: Where in the query text the problem starts.
    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// `"<code> at <line>:<column>: <message>"`.
    public var description: String {
        if let location { "\(code) at \(location): \(message)" } else { "\(code): \(message)" }
    }
}
