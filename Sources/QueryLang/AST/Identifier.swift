// Names as written. The parser does not fold case: it keeps the spelling and whether
// the name was double-quoted, and leaves name resolution (exact or case-insensitive)
// to the binder, which knows the catalog.

/// A name: a table, column, alias, function or tag key.
public struct Identifier: Hashable, Sendable, CustomStringConvertible {
    /// The name as written, without quotes (`""` inside quotes already undone).
    public var value: String
    /// Whether it was written in double quotes.
    public var isQuoted: Bool
    /// Where it starts.
    @IgnoredInEquality public var location: SourceLocation

    /// Creates a name.
    ///
    /// - Parameters:
    ///   - value: The name, without quotes.
    ///   - isQuoted: Whether it is (to be) written in double quotes.
    ///   - location: Where it starts; ``SourceLocation/unknown`` for names built in code.
    public init(_ value: String, isQuoted: Bool = false, at location: SourceLocation = .unknown) {
        self.value = value
        self.isQuoted = isQuoted
        self.location = location
    }

    /// The name as SQL: bare when it was bare and can be, otherwise double-quoted.
    public var description: String {
        if !isQuoted, Identifier.canBeBare(value) { return value }
        var quoted = "\""
        for character in value {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }

    /// Whether `name` reads back as the same bare word: a letter, `_` or non-ASCII
    /// character first, then also digits, and not a reserved keyword.
    static func canBeBare(_ name: String) -> Bool {
        guard let first = name.utf8.first, !Lexer.isDigit(first) else { return false }
        guard name.utf8.allSatisfy(Lexer.isWordByte) else { return false }
        return Keyword(word: name)?.isReserved != true
    }
}

/// A reference to a column, optionally qualified by a table name or alias (`t.col`).
public struct ColumnReference: Hashable, Sendable, CustomStringConvertible {
    /// The table or alias before the dot, if any.
    public var table: Identifier?
    /// The column.
    public var name: Identifier

    /// Creates a reference.
    public init(table: Identifier? = nil, _ name: Identifier) {
        self.table = table
        self.name = name
    }

    /// Where it starts: at the table name when qualified.
    public var location: SourceLocation { table?.location ?? name.location }

    /// `col` or `table.col`.
    public var description: String {
        if let table { "\(table).\(name)" } else { name.description }
    }
}
