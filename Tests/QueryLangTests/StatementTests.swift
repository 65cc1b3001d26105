import Testing
@testable import SundialQueryLang

/// What each statement and clause parses to, compared with trees built in code
/// (locations are ignored by equality and asserted separately).
@Suite struct StatementTests {
    let cpu = Identifier("cpu")

    @Test func queryClauses() throws {
        let q = try query("""
            WITH recent AS (SELECT * FROM cpu WHERE time > now() - 1h)
            SELECT DISTINCT ON (host) host, r.usage AS u, count(*) n, r.*
            FROM recent AS r
            WHERE usage > 90
            LATEST ON time PARTITION BY host, r.region
            GROUP BY host, 2 FILL(-1.5)
            HAVING count(*) > 1
            ORDER BY host DESC NULLS LAST, u
            LIMIT 10 OFFSET 5
            """)
        #expect(q.with.map(\.name.value) == ["recent"])
        #expect(q.with[0].query.from == Query.TableReference(.table(cpu)))
        #expect(q.distinct == .on([col("host")]))
        #expect(q.projection.map(\.kind) == [
            .expression(col("host"), alias: nil),
            .expression(col("usage", "r"), alias: Identifier("u")),
            .expression(Expr(.function(FunctionCall(Identifier("count"), .star))), alias: Identifier("n")),
            .qualifiedWildcard(Identifier("r")),
        ])
        #expect(q.from == Query.TableReference(.table(Identifier("recent")), alias: Identifier("r")))
        #expect(q.where.map(shape) == "(usage > 90)")
        #expect(q.latestOn == Query.LatestOn(
            time: ColumnReference(Identifier("time")),
            partitionBy: [ColumnReference(Identifier("host")), ColumnReference(table: Identifier("r"), Identifier("region"))]))
        #expect(q.groupBy == Query.GroupBy([col("host"), int("2")], fill: Query.Fill(.value("-1.5"))))
        #expect(q.having.map(shape) == "(count(*) > 1)")
        #expect(q.orderBy == [
            Query.OrderItem(col("host"), .descending, nulls: .last),
            Query.OrderItem(col("u")),
        ])
        #expect(q.limit == int("10"))
        #expect(q.offset == int("5"))
    }

    @Test func clauseLocations() throws {
        let q = try query("SELECT a,\n  b AS c\nFROM t\nWHERE a > 1\nGROUP BY a FILL(PREV)\nORDER BY a")
        #expect(q.location == SourceLocation(line: 1, column: 1, offset: 0))
        #expect(q.projection[1].location == SourceLocation(line: 2, column: 3, offset: 12))
        guard case .expression(_, let alias?) = q.projection[1].kind else { Issue.record("alias"); return }
        #expect(alias.location == SourceLocation(line: 2, column: 8, offset: 17))
        #expect(q.from?.location == SourceLocation(line: 3, column: 6, offset: 24))
        #expect(q.where?.location == SourceLocation(line: 4, column: 7, offset: 32))
        #expect(q.groupBy?.location == SourceLocation(line: 5, column: 1, offset: 38))
        #expect(q.groupBy?.fill?.location == SourceLocation(line: 5, column: 12, offset: 49))
        #expect(q.orderBy[0].location == SourceLocation(line: 6, column: 10, offset: 69))
    }

    @Test func fillStrategies() throws {
        let fills = try ["NULL", "PREV", "LINEAR", "0", "+2", "-1e3"].map { text in
            try query("SELECT a FROM t GROUP BY a FILL(\(text))").groupBy?.fill?.strategy
        }
        #expect(fills == [.null, .previous, .linear, .value("0"), .value("2"), .value("-1e3")])
    }

    @Test func limitAndOffsetInEitherOrder() throws {
        let a = try query("SELECT * FROM t LIMIT 1 OFFSET 2")
        let b = try query("SELECT * FROM t OFFSET 2 LIMIT 1")
        #expect(a == b)
        #expect(try query("SELECT * FROM t OFFSET $1").offset == Expr(.parameter(1)))
    }

    @Test func selectWithoutFromAndSubqueries() throws {
        let q = try query("SELECT (SELECT max(x) FROM t) AS m, 1 FROM (SELECT 1 AS x) s")
        guard case .expression(let m, _) = q.projection[0].kind, case .subquery(let inner) = m.kind else {
            Issue.record("\(q)"); return
        }
        #expect(inner.from == Query.TableReference(.table(Identifier("t"))))
        guard case .subquery(let source)? = q.from?.source else { Issue.record("\(q)"); return }
        #expect(source.from == nil)
        #expect(q.from?.alias == Identifier("s"))
    }

    @Test func nonReservedKeywordsAreNames() throws {
        let q = try query("SELECT time, day, key, tag, values, fill, first, timestamp, interval FROM tables")
        #expect(q.projection.count == 9)
        #expect(q.from == Query.TableReference(.table(Identifier("tables"))))
        #expect(try query("SELECT \"select\" FROM \"from\" \"where\"").from?.alias == Identifier("where", isQuoted: true))
    }

    @Test func createTable() throws {
        let statement = try SQLParser.parse("""
            CREATE TABLE IF NOT EXISTS cpu (time TIMESTAMP, host TAG, usage DOUBLE PRECISION, n INT,
                ok BOOL, msg TEXT, f FLOAT, v VARCHAR, i INTEGER, b BOOLEAN, s STRING, big BIGINT)
            PARTITION BY DAY RETENTION 30d
            """)
        let types: [DataType] = [.timestamp, .tag, .double, .bigint, .boolean, .string, .double, .string, .bigint,
                                 .boolean, .string, .bigint]
        let names = ["time", "host", "usage", "n", "ok", "msg", "f", "v", "i", "b", "s", "big"]
        #expect(statement == .createTable(CreateTable(
            cpu, ifNotExists: true,
            columns: zip(names, types).map { ColumnDeclaration(Identifier($0), $1) },
            partitionBy: .day, retention: DurationLiteral(30, .days))))
        guard case .createTable(let create) = statement else { return }
        #expect(create.columns[1].location == SourceLocation(line: 1, column: 49, offset: 48))
        #expect(create.retention?.location == SourceLocation(line: 3, column: 28, offset: 203))
    }

    @Test(arguments: PartitionInterval.allCases)
    func partitionIntervals(_ interval: PartitionInterval) throws {
        let statement = try SQLParser.parse("CREATE TABLE t (time TIMESTAMP) PARTITION BY \(interval.rawValue.lowercased())")
        guard case .createTable(let create) = statement else { Issue.record("\(statement)"); return }
        #expect(create.partitionBy == interval)
    }

    @Test func otherStatements() throws {
        let cases: [(String, Statement)] = [
            ("DROP TABLE cpu", .dropTable(DropTable(cpu))),
            ("drop table if exists cpu;", .dropTable(DropTable(cpu, ifExists: true))),
            ("ALTER TABLE cpu ADD COLUMN region TAG",
             .alterTable(AlterTable(cpu, .addColumn(ColumnDeclaration(Identifier("region"), .tag))))),
            ("ALTER TABLE cpu ADD idle DOUBLE",
             .alterTable(AlterTable(cpu, .addColumn(ColumnDeclaration(Identifier("idle"), .double))))),
            ("ALTER TABLE cpu SET RETENTION 90d", .alterTable(AlterTable(cpu, .setRetention(DurationLiteral(90, .days))))),
            ("ALTER TABLE cpu SET RETENTION NONE", .alterTable(AlterTable(cpu, .setRetention(nil)))),
            ("SHOW TABLES", .showTables(ShowTables())),
            ("SHOW COLUMNS FROM cpu", .showColumns(ShowColumns(cpu))),
            ("DESCRIBE cpu", .showColumns(ShowColumns(cpu))),
            ("SHOW TAG VALUES FROM cpu WITH KEY = host", .showTagValues(ShowTagValues(cpu, key: Identifier("host")))),
            ("INSERT INTO cpu (time, host) VALUES (1, 'a'), (2, 'b')",
             .insert(Insert(cpu, columns: [Identifier("time"), Identifier("host")],
                            rows: [[int("1"), Expr(.literal(.string("a")))], [int("2"), Expr(.literal(.string("b")))]]))),
            ("INSERT INTO cpu VALUES (NULL)", .insert(Insert(cpu, rows: [[Expr(.literal(.null))]]))),
            ("DELETE FROM cpu", .delete(Delete(cpu))),
            ("DELETE FROM cpu WHERE host = 'a'",
             .delete(Delete(cpu, where: Expr(.binary(col("host"), [Expr.BinaryTerm(.equal, Expr(.literal(.string("a"))))]))))),
            ("EXPLAIN SELECT 1", .explain(Explain(Query(projection: [.expression(int("1"))])))),
            ("EXPLAIN ANALYZE SELECT 1", .explain(Explain(analyze: true, Query(projection: [.expression(int("1"))])))),
        ]
        for (sql, expected) in cases {
            #expect(try SQLParser.parse(sql) == expected, "\(sql)")
        }
    }

    @Test func statementLocations() throws {
        let statements = try SQLParser.parseScript("SHOW TABLES;\n  DESCRIBE cpu; -- x\n\n INSERT INTO t VALUES (1)")
        #expect(statements.map(\.location) == [
            SourceLocation(line: 1, column: 1, offset: 0),
            SourceLocation(line: 2, column: 3, offset: 15),
            SourceLocation(line: 4, column: 2, offset: 36),
        ])
    }

    @Test func scripts() throws {
        #expect(try SQLParser.parseScript("").isEmpty)
        #expect(try SQLParser.parseScript(" ;; -- nothing\n /* here */ ;").isEmpty)
        let statements = try SQLParser.parseScript("CREATE TABLE t (time TIMESTAMP);;INSERT INTO t VALUES (1); SELECT * FROM t")
        #expect(statements.count == 3)
        #expect(try SQLParser.parse("SELECT 1;;") == SQLParser.parse("SELECT 1"))
        #expect(try SQLParser.parseScript(utf8: Array("SELECT 1; SELECT 2".utf8)).count == 2)
        #expect(try SQLParser.parse(utf8: Array("SELECT 'ü'".utf8)) == SQLParser.parse("SELECT 'ü'"))
    }
}
