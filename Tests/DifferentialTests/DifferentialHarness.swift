// Runs generated queries in Sundial and DuckDB over the same data, judges each pair of
// answers, and shrinks a disagreement to a small query that still shows it.
import Foundation
import Sundial

/// How one query's two answers relate.
enum Verdict: Equatable {
    case agree
    /// Both engines rejected the query (counted, not a failure).
    case bothFailed
    case rowsDiffer
    case sundialFailed(String)
    case duckdbFailed

    var isDisagreement: Bool { self != .agree && self != .bothFailed }
}

struct CaseOutcome {
    var verdict: Verdict
    /// What differs, for a report.
    var detail: String
    /// Rows in Sundial's answer (0 when it failed).
    var rows = 0
}

struct DifferentialHarness {
    let db: Database
    let duckdb: DuckDB
    let tables: [DuckDBTable]
    let directory: String

    func sundialRows(_ sql: String, parameters: [SQLValue] = []) async -> Result<[[Cell]], QueryError> {
        // A trap in Sundial ends the test process: SUNDIAL_DIFF_LOG names a file that
        // gets each query before it runs.
        if let log = ProcessInfo.processInfo.environment["SUNDIAL_DIFF_LOG"] {
            if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
            if let handle = FileHandle(forWritingAtPath: log) {
                handle.seekToEndOfFile()
                handle.write(Data((sql + "\n").utf8))
                try? handle.close()
            }
        }
        do {
            let result = try await db.query(sql, parameters: parameters)
            return .success(try await result.rows().map { $0.map(Cell.init) })
        } catch {
            return .failure(error)
        }
    }

    func judge(sundial: Result<[[Cell]], QueryError>, duckdb: DuckDBResult, order: ResultComparison.Order) -> CaseOutcome {
        switch (sundial, duckdb) {
        case (.failure(let s), .error(let d)):
            return CaseOutcome(verdict: .bothFailed, detail: "Sundial: \(s)\nDuckDB: \(d)")
        case (.failure(let s), .rows(_, let rows)):
            return CaseOutcome(verdict: .sundialFailed(s.message),
                               detail: "Sundial failed: \(s)\nDuckDB returned \(rows.count) rows"
                                   + ResultComparison.sample([], rows.map { $0.map(Cell.init) }))
        case (.success(let rows), .error(let d)):
            return CaseOutcome(verdict: .duckdbFailed, detail: "DuckDB failed: \(d)\nSundial returned \(rows.count) rows")
        case (.success(let s), .rows(_, let d)):
            let difference = ResultComparison.difference(sundial: s, duckdb: d.map { $0.map(Cell.init) }, order: order)
            return CaseOutcome(verdict: difference == nil ? .agree : .rowsDiffer, detail: difference ?? "", rows: s.count)
        }
    }

    /// Runs every query in both engines (DuckDB in one batch).
    func run(_ queries: [GeneratedQuery]) async throws -> [CaseOutcome] {
        let answers = try duckdb.run(tables: tables, queries: queries.map(\.duckDBSQL), in: directory)
        var out: [CaseOutcome] = []
        for (query, answer) in zip(queries, answers) {
            let mine = await sundialRows(query.sundialSQL, parameters: query.parameters)
            out.append(judge(sundial: mine, duckdb: answer, order: query.order))
        }
        return out
    }

    /// Runs hand-written queries: Sundial's text and DuckDB's text side by side.
    func run(pairs: [(sundial: String, duckdb: String, ordered: Bool)]) async throws -> [CaseOutcome] {
        let answers = try duckdb.run(tables: tables, queries: pairs.map(\.duckdb), in: directory)
        var out: [CaseOutcome] = []
        for (pair, answer) in zip(pairs, answers) {
            out.append(judge(sundial: await sundialRows(pair.sundial), duckdb: answer, order: pair.ordered ? .total(keys: nil) : .partial([])))
        }
        return out
    }

    /// The smallest variant of `query` found that disagrees the same way, by greedy
    /// descent over `GeneratedQuery.shrinks` (each round runs its candidates in one batch).
    func minimize(_ query: GeneratedQuery, _ outcome: CaseOutcome) async throws -> (GeneratedQuery, CaseOutcome) {
        var best = (query, outcome)
        for _ in 0..<40 {
            let candidates = Array(best.0.shrinks.prefix(200))
            if candidates.isEmpty { break }
            let outcomes = try await run(candidates)
            guard let i = outcomes.firstIndex(where: { $0.verdict == best.1.verdict }) else { break }
            best = (candidates[i], outcomes[i])
        }
        return best
    }
}
