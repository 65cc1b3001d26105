// `sundial shell`: an interactive SQL prompt. Statements may span lines and end with `;`.
// Each result prints as a table (or CSV/JSON) followed by its row count and time.
// Backslash commands: \q quit, \? help, \dt tables, \d TABLE columns, \format FORMAT,
// \history. Every statement is appended to ~/.sundial_history (or $SUNDIAL_HISTORY).
import ArgumentParser
import Sundial
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct ShellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "An interactive SQL prompt on a data directory.",
        discussion: """
            Statements end with ';' and may span lines. \\q quits, \\? lists the other \
            commands. Statements are saved to ~/.sundial_history.
            """)

    @Option(name: .long, help: "The data directory (created when missing).")
    var data: String = "./sundial-data"

    @Option(name: .long, help: "Output format: table, csv or json.")
    var format: QueryCommand.Format = .table

    func run() async throws {
        var configuration = Database.Configuration()
        configuration.maintenanceInterval = .seconds(10)
        let db = try await Database.open(at: data, configuration: configuration)
        let interactive = isatty(0) != 0
        let historyPath = getenv("SUNDIAL_HISTORY").map { String(cString: $0) }
            ?? (getenv("HOME").map { String(cString: $0) + "/.sundial_history" } ?? ".sundial_history")
        var format = self.format
        if interactive { print("sundial \(SundialVersion.current) — \(data). End statements with ';'. \\? for help, \\q to quit.") }
        var buffer = ""
        while true {
            if interactive {
                print(buffer.isEmpty ? "sundial> " : "    ...> ", terminator: "")
                fflush(nil)
            }
            guard let line = readLine(strippingNewline: true) else { break }
            let trimmed = line.trimmingWhitespace
            if buffer.isEmpty && trimmed.hasPrefix("\\") {
                let parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
                switch parts[0] {
                case "\\q", "\\quit": try await db.close(); return
                case "\\?", "\\h", "\\help":
                    print("""
                        \\q               quit
                        \\dt              list tables (SHOW TABLES)
                        \\d TABLE         columns of a table (DESCRIBE TABLE)
                        \\format FORMAT   table, csv or json
                        \\history         statements of earlier sessions
                        Anything else is SQL, ending with ';' (docs/sql.md).
                        """)
                case "\\dt": await run("SHOW TABLES", db, format)
                case "\\d":
                    if parts.count > 1 { await run("DESCRIBE \(parts[1])", db, format) } else { await run("SHOW TABLES", db, format) }
                case "\\format":
                    if parts.count > 1, let f = QueryCommand.Format(rawValue: parts[1]) { format = f } else { printError("usage: \\format table|csv|json") }
                case "\\history":
                    if let text = try? PosixFileSystem().readFile(historyPath) { print(String(decoding: text, as: UTF8.self), terminator: "") }
                default: printError("unknown command \(parts[0]); \\? lists the commands")
                }
                continue
            }
            if trimmed.isEmpty && buffer.isEmpty { continue }
            buffer += (buffer.isEmpty ? "" : "\n") + line
            guard Self.complete(buffer) else { continue }
            let statement = buffer
            buffer = ""
            Self.appendHistory(statement, to: historyPath)
            await run(statement, db, format)
        }
        if !buffer.trimmingWhitespace.isEmpty { await run(buffer, db, format) }
        try await db.close()
    }

    func run(_ sql: String, _ db: Database, _ format: QueryCommand.Format) async {
        do {
            print(try await ResultFormat.run(sql, on: db, format: format))
        } catch {
            print("error: \(error)")
            if let line = error.line, let column = error.column {
                // Point at the problem in the statement.
                let lines = sql.split(separator: "\n", omittingEmptySubsequences: false)
                if line - 1 < lines.count {
                    print("  " + lines[line - 1])
                    print("  " + String(repeating: " ", count: max(0, column - 1)) + "^")
                }
            }
        }
    }

    /// Whether the text ends a statement: a `;` outside quotes and comments at its end.
    static func complete(_ text: String) -> Bool {
        var inString = false, inIdentifier = false, inLineComment = false, blockDepth = 0
        var lastSignificant: Character?
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if inLineComment { if c == "\n" { inLineComment = false }; i += 1; continue }
            if blockDepth > 0 {
                if c == "*" && next == "/" { blockDepth -= 1; i += 2; continue }
                if c == "/" && next == "*" { blockDepth += 1; i += 2; continue }
                i += 1; continue
            }
            if inString { if c == "'" { inString = false }; lastSignificant = c; i += 1; continue }
            if inIdentifier { if c == "\"" { inIdentifier = false }; lastSignificant = c; i += 1; continue }
            switch c {
            case "'": inString = true
            case "\"": inIdentifier = true
            case "-" where next == "-": inLineComment = true; i += 2; continue
            case "/" where next == "*": blockDepth += 1; i += 2; continue
            default: break
            }
            if !c.isWhitespace { lastSignificant = c }
            i += 1
        }
        return !inString && !inIdentifier && blockDepth == 0 && lastSignificant == ";"
    }

    static func appendHistory(_ statement: String, to path: String) {
        let fs = PosixFileSystem()
        guard let handle = try? fs.open(path, mode: .readWrite) else { return }
        defer { try? handle.close() }
        let line = Array((statement.replacingNewlines + "\n").utf8)
        if let size = try? handle.size() {
            try? line.withUnsafeBytes { raw in try handle.write(raw, at: size) }
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }

    var replacingNewlines: String { String(map { $0 == "\n" ? " " : $0 }) }
}
