// `sundial query`: run one SQL statement against a data directory and print the result
// as an aligned table, CSV or JSON.
import ArgumentParser
import Sundial
import SundialServer

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one SQL statement and print the result.",
        discussion: """
            The dialect is in docs/sql.md. Errors name the line and column of the problem \
            and the exit status is 1. Example:
              sundial query --data ./sundial-data "SELECT time_bucket('1 hour', time) AS hour, \
            max(usage_user) FROM cpu WHERE hostname = 'host_1' GROUP BY hour ORDER BY hour"
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @Option(name: .long, help: "The data directory.")
    var data: String = "./sundial-data"

    @Option(name: .long, help: "Output format: table, csv or json.")
    var format: Format = .table

    @Argument(help: "The SQL statement.")
    var sql: String

    func run() async throws {
        guard PosixFileSystem().exists(data) else { throw ValidationError("no database at \(data)") }
        var configuration = Database.Configuration()
        configuration.maintenanceInterval = nil
        let db = try await Database.open(at: data, configuration: configuration)
        do {
            let summary = try await ResultFormat.run(sql, on: db, format: format)
            if format == .table { printError(summary) }
            try await db.close()
        } catch let error as QueryError {
            try? await db.close()
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }
}

enum ResultFormat {
    /// Runs `sql`, prints its result in `format`, and returns the "(N rows, T ms)" line.
    static func run(_ sql: String, on db: Database, format: QueryCommand.Format) async throws(QueryError) -> String {
        let started = ContinuousClock.now
        let result = try await db.query(sql)
        let rows = try await result.rows()
        let elapsed = started.duration(to: .now)
        print(render(columns: result.columns, rows: rows, format: format, rowsAffected: result.rowsAffected), terminator: "")
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return "(\(rows.count) row\(rows.count == 1 ? "" : "s"), \(String((ms * 100).rounded() / 100)) ms)"
    }

    static func render(columns: [(name: String, type: SQLType)], rows: [[SQLValue]], format: QueryCommand.Format, rowsAffected: Int?) -> String {
        if columns.isEmpty { return rowsAffected.map { "OK, \($0) row\($0 == 1 ? "" : "s")\n" } ?? "OK\n" }
        switch format {
        case .csv:
            return ResultText.csvHead(columns) + rows.map(ResultText.csvRow).joined()
        case .json:
            return ResultText.jsonHead(columns) + rows.map(ResultText.jsonRow).joined(separator: ",") + "]}\n"
        case .table:
            let cells = rows.map { $0.map { $0.isNull ? "NULL" : $0.text } }
            var widths = columns.map { $0.name.count }
            for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
            func line(_ values: [String], right: [Bool]) -> String {
                values.enumerated().map { i, v in
                    let padding = String(repeating: " ", count: widths[i] - v.count)
                    return right[i] ? padding + v : v + padding
                }.joined(separator: " | ") + "\n"
            }
            let numeric = columns.map { $0.type.isNumeric }
            var out = line(columns.map(\.name), right: columns.map { _ in false })
            out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-") + "\n"
            for row in cells { out += line(row, right: numeric) }
            return out
        }
    }
}
