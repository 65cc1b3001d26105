// Differential testing of Sundial's SQL against DuckDB, with PostgreSQL's semantics as
// the reference (the DuckDB text is a translation wherever DuckDB differs; see
// GeneratedQuery+SQL.swift).
//
// A deterministic random table (DifferentialDataSet) is loaded into both engines;
// random queries (QueryGenerator) run in both; answers must agree (ResultComparison):
// in order when ORDER BY fixes it, else as multisets; doubles within 1e-9 (relative,
// absolute below 1); NULL equal to NULL. A disagreement is shrunk to a small query and
// reported with both texts and the differing rows.
//
// DuckDB comes from its Python package: Scripts/install-deps installs it (a virtual
// environment in ~/.cache/sundial/duckdb-venv); without it these tests fail and say so.
//
//   swift test --filter DifferentialTests                            # 300 cases, as CI
//   SUNDIAL_DIFF_CASES=20000 swift test --filter DifferentialTests   # a long run
//   SUNDIAL_DIFF_SEED=7 SUNDIAL_DIFF_CASES=5000 swift test --filter DifferentialTests
//
// Each case's query derives from the seed and its number alone, so a reported case
// reruns with the same SUNDIAL_DIFF_SEED (and SUNDIAL_DIFF_FIRST=<case> to start there).
// SUNDIAL_DIFF_VERBOSE=1 prints the queries both engines reject; SUNDIAL_DIFF_LOG=<file>
// gets each query before Sundial runs it (a trap ends the process). To look at one
// query by hand, over the same data, with both answers printed in full:
//
//   SUNDIAL_DIFF_SQL="SELECT …" SUNDIAL_DIFF_DUCKDB_SQL="SELECT …" \
//     swift test --skip-build --filter DifferentialTests/handWrittenQuery
import Foundation
import Sundial
import SundialTestSupport
import Testing

@Suite(.serialized) struct DifferentialTests {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var cases: Int { environment["SUNDIAL_DIFF_CASES"].flatMap(Int.init) ?? 300 }
    static var first: Int { environment["SUNDIAL_DIFF_FIRST"].flatMap(Int.init) ?? 0 }
    static var seed: UInt64 { environment["SUNDIAL_DIFF_SEED"].flatMap(UInt64.init) ?? 20_160_228 }
    /// Queries per DuckDB batch (one Python process each).
    static let batch = 2_000

    static func configuration(_ fs: FaultInjectingFileSystem) -> Database.Configuration {
        var configuration = Database.Configuration()
        configuration.fileSystem = fs
        configuration.maintenanceInterval = nil
        return configuration
    }

    /// Opens Sundial on an in-memory file system and DuckDB, both holding `data`.
    static func harness(_ data: DifferentialDataSet, in directory: TemporaryDirectory) async throws -> DifferentialHarness {
        let duckdb = try DuckDB.locate()
        let db = try await Database.open(at: "/data", configuration: configuration(FaultInjectingFileSystem()))
        try await data.load(into: db)
        return DifferentialHarness(db: db, duckdb: duckdb, tables: [try data.duckDBTable(in: directory.path)], directory: directory.path)
    }

    /// Runs SUNDIAL_DIFF_SQL in Sundial and SUNDIAL_DIFF_DUCKDB_SQL in DuckDB over the
    /// random table and prints both answers (skipped without them).
    @Test(.enabled(if: environment["SUNDIAL_DIFF_SQL"] != nil && environment["SUNDIAL_DIFF_DUCKDB_SQL"] != nil))
    func handWrittenQuery() async throws {
        let directory = try TemporaryDirectory(prefix: "sundial-differential")
        defer { directory.remove() }
        let harness = try await Self.harness(DifferentialDataSet(seed: Self.seed, rows: 2_000), in: directory)
        let sql = Self.environment["SUNDIAL_DIFF_SQL"]!, duckdbSQL = Self.environment["SUNDIAL_DIFF_DUCKDB_SQL"]!
        switch await harness.sundialRows(sql) {
        case .success(let rows): print("Sundial: \(rows.count) rows\n" + rows.map(ResultComparison.render).joined(separator: "\n"))
        case .failure(let error): print("Sundial failed: \(error)")
        }
        switch try harness.duckdb.run(tables: harness.tables, queries: [duckdbSQL], in: directory.path)[0] {
        case .rows(_, let rows): print("DuckDB: \(rows.count) rows\n" + rows.map { ResultComparison.render($0.map(Cell.init)) }.joined(separator: "\n"))
        case .error(let error): print("DuckDB failed: \(error)")
        }
        try await harness.db.close()
    }

    @Test func randomQueriesAgreeWithDuckDB() async throws {
        let started = ContinuousClock.now
        let directory = try TemporaryDirectory(prefix: "sundial-differential")
        defer { directory.remove() }
        let data = DifferentialDataSet(seed: Self.seed, rows: 2_000)
        let harness: DifferentialHarness
        do { harness = try await Self.harness(data, in: directory) } catch let error as DuckDBError {
            Issue.record(Comment(rawValue: error.description))
            return
        }
        var agreed = 0, bothFailed = 0, disagreed = 0
        var kinds: [String: (cases: Int, nonEmpty: Int)] = [:]
        let verbose = Self.environment["SUNDIAL_DIFF_VERBOSE"] != nil
        var start = Self.first
        let end = Self.first + Self.cases
        while start < end {
            let numbers = Array(start..<min(end, start + Self.batch))
            let queries = numbers.map { number in
                var generator = QueryGenerator(seed: Self.seed &+ UInt64(number) &* 0x9E37_79B9_7F4A_7C15, data: data)
                return generator.query()
            }
            let outcomes = try await harness.run(queries)
            for (number, (query, outcome)) in zip(numbers, zip(queries, outcomes)) {
                kinds[query.kind, default: (0, 0)].cases += 1
                if outcome.rows > 0 { kinds[query.kind, default: (0, 0)].nonEmpty += 1 }
                switch outcome.verdict {
                case .agree: agreed += 1
                case .bothFailed:
                    bothFailed += 1
                    if verbose { print("case \(number), rejected by both: \(query.sundialSQL)\n\(outcome.detail)") }
                default:
                    disagreed += 1
                    guard disagreed <= 10 else { continue }  // minimizing costs; report the first few
                    let (small, smallOutcome) = try await harness.minimize(query, outcome)
                    Issue.record(Comment(rawValue: """
                        case \(number) (SUNDIAL_DIFF_SEED=\(Self.seed) SUNDIAL_DIFF_FIRST=\(number) SUNDIAL_DIFF_CASES=1): \
                        Sundial and DuckDB disagree
                        minimized Sundial: \(small.sundialSQL)
                        minimized DuckDB:  \(small.duckDBSQL)
                        \(smallOutcome.detail)
                        original Sundial:  \(query.sundialSQL)
                        """))
                }
            }
            start += numbers.count
        }
        try await harness.db.close()
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        let version = harness.duckdb.version == DuckDB.pinnedVersion ? "" : ", not the pinned \(DuckDB.pinnedVersion)"
        print("differential: \(Self.cases) cases from \(Self.first) (seed \(Self.seed), DuckDB \(harness.duckdb.version)\(version)): "
              + "\(agreed) agreed, \(bothFailed) rejected by both, \(disagreed) disagreed, in \(Int(seconds)) s; "
              + kinds.keys.sorted().map { "\($0): \(kinds[$0]!.cases) (\(kinds[$0]!.nonEmpty) with rows)" }.joined(separator: ", "))
        // A generator that mostly writes invalid queries tests nothing.
        #expect(bothFailed * 20 <= Self.cases, "\(bothFailed) of \(Self.cases) queries failed in both engines")
    }
}
