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
            case unknownTable, unknownColumn, type, unsupported
            case divisionByZero, outOfRange, invalidText, limitExceeded, storage, permissionDenied
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

        /// A table the query names does not exist.
        public static var unknownTable: Code { Code(.unknownTable) }
        /// A column the query names does not exist (or is ambiguous).
        public static var unknownColumn: Code { Code(.unknownColumn) }
        /// Operand or argument types do not fit the operator or function.
        public static var type: Code { Code(.type) }
        /// A construct the dialect parses but this version does not run.
        public static var unsupported: Code { Code(.unsupported) }
        /// Division or modulo by zero.
        public static var divisionByZero: Code { Code(.divisionByZero) }
        /// A value does not fit its type (BIGINT overflow, a bad fraction).
        public static var outOfRange: Code { Code(.outOfRange) }
        /// Text that should be a timestamp, interval, number or boolean is not.
        public static var invalidText: Code { Code(.invalidText) }
        /// A per-query limit (time, memory, result rows) was reached.
        public static var limitExceeded: Code { Code(.limitExceeded) }
        /// The storage engine failed (its error is in the message).
        public static var storage: Code { Code(.storage) }
        /// A workspace-scoped statement tried to write rows of another workspace (or to
        /// create a table it could not see).
        public static var permissionDenied: Code { Code(.permissionDenied) }

        public var description: String {
            switch wrapped {
            case .lexical: "lexical error"
            case .syntax: "syntax error"
            case .tooDeep: "nesting too deep"
            case .unknownTable: "unknown table"
            case .unknownColumn: "unknown column"
            case .type: "type error"
            case .unsupported: "not supported"
            case .divisionByZero: "division by zero"
            case .outOfRange: "out of range"
            case .invalidText: "invalid text"
            case .limitExceeded: "limit exceeded"
            case .storage: "storage error"
            case .permissionDenied: "permission denied"
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
