import Testing
@testable import SundialQueryLang

/// Print-and-reparse: every statement prints as SQL that parses to an equal tree, and
/// printing that tree again gives the same text.
@Suite struct RoundTripTests {
    static let statements: [String] = [
        // Select lists, aliases, wildcards, DISTINCT.
        "SELECT 1",
        "SELECT * FROM cpu",
        "SELECT cpu.* FROM cpu",
        "SELECT c.*, c.usage_user FROM cpu AS c",
        "SELECT usage_user AS u, usage_system s FROM cpu c",
        "SELECT DISTINCT host FROM cpu",
        "SELECT DISTINCT ON (host) host, time, usage_user FROM cpu ORDER BY host, time DESC",
        "SELECT DISTINCT ON (host, region) * FROM cpu",
        "SELECT count(*) FROM cpu",
        "SELECT count(DISTINCT host) FROM cpu",
        "SELECT count(*), avg(usage_user), min(usage_user), max(usage_user) FROM cpu WHERE host = 'host_1'",
        "SELECT now()",
        "select lower_case, MiXeD FrOm t wHeRe x = 1",
        "SELECT time, day, key, tag, hour, week, month, tables, columns, values, retention, partition, fill, first FROM t",
        "SELECT timestamp, interval, extract FROM t",
        #"SELECT "Quoted Col", "with ""quotes""", t."Mixed" FROM "My Table" t"#,
        #"SELECT "select", "from" FROM "order""#,
        "SELECT 'é', \"naïve\", ünïcode FROM t",
        // Literals.
        "SELECT 1.5, .5, 1e3, 1.5E-3, 2., 0, 007 FROM t",
        "SELECT 'it''s', '', 'multi\nline', 'tab\there' FROM t",
        "SELECT TRUE, FALSE, NULL",
        "SELECT 9223372036854775807, -9223372036854775808, 123456789012345678901234567890",
        "SELECT * FROM cpu WHERE time > TIMESTAMP '2016-01-01 01:38:42' AND time < now() - INTERVAL '7 days'",
        "SELECT * FROM cpu WHERE time > now() - 7d AND time < now() - 1h + 30m - 10s + 500ms - 1w + 5us + 3ns",
        "SELECT * FROM cpu WHERE host = $1 AND usage > $2 LIMIT $3",
        // Operators and precedence.
        "SELECT a + b * c - d / e % f FROM t",
        "SELECT (a + b) * c, a - (b - c), (a + b) + c, a + (b + c) FROM t",
        "SELECT -a, +b, - -c, -(-d), NOT NOT x, -(a + b), -(NOT x) FROM t",
        "SELECT a % 2 = 0, a * -1, -a::BIGINT, (-a)::BIGINT FROM t",
        "SELECT * FROM cpu WHERE a = 1 AND b <> 2 AND c != 3 AND d < 4 AND e <= 5 AND f > 6 AND g >= 7",
        "SELECT * FROM cpu WHERE a = 1 OR b = 2 AND NOT c = 3",
        "SELECT * FROM cpu WHERE (a = 1 OR b = 2) AND c = 3",
        "SELECT * FROM cpu WHERE NOT (a = 1 OR b = 2)",
        "SELECT * FROM cpu WHERE a = 1 AND (b = 2 OR (c = 3 AND (d = 4 OR e = 5)))",
        "SELECT a = b IS NULL, (a IS NULL) = TRUE, NOT a IS NULL, (NOT a) IS NULL FROM t",
        "SELECT a LIKE b = c, a = (b LIKE c), (a < b) = (c < d), (a = b) = c FROM t",
        "SELECT x IN (1, 2) = TRUE, (x BETWEEN 1 AND 2) IS NULL, (x LIKE 'a') LIKE 'b' FROM t",
        "SELECT ((1 + 2)) * (3), ((a)) FROM t",
        "SELECT 'a' || 'b' || host, a || b = c, (a = b) || c FROM cpu",
        "SELECT * FROM cpu WHERE host ~ '^host_[0-9]+$' AND host !~ 'x' AND (host ~ 'a') = TRUE",
        // IN, BETWEEN, LIKE, IS.
        "SELECT * FROM cpu WHERE host IN ('a', 'b', 'c')",
        "SELECT * FROM cpu WHERE host NOT IN ('a')",
        "SELECT * FROM cpu WHERE host IN (SELECT host FROM hosts WHERE region = 'eu')",
        "SELECT * FROM cpu WHERE host NOT IN (WITH h AS (SELECT 1 AS x) SELECT x FROM h)",
        "SELECT x FROM t WHERE x IN ((SELECT 1), 2, (3 + 4))",
        "SELECT * FROM cpu WHERE usage BETWEEN 10 AND 20",
        "SELECT * FROM cpu WHERE usage NOT BETWEEN 10 + 1 AND 20 * 2 AND host = 'a'",
        "SELECT * FROM cpu WHERE usage BETWEEN (a AND b) AND (c OR d)",
        "SELECT * FROM cpu WHERE host LIKE 'host_%' AND host NOT LIKE '%9'",
        "SELECT * FROM cpu WHERE msg IS NULL OR msg IS NOT NULL OR msg IS NULL IS NULL",
        // CASE, CAST, EXTRACT, calls.
        "SELECT CASE WHEN usage > 90 THEN 'high' WHEN usage > 50 THEN 'mid' ELSE 'low' END AS level FROM cpu",
        "SELECT CASE host WHEN 'a' THEN 1 WHEN 'b' THEN 2 END FROM cpu",
        "SELECT CASE WHEN a THEN CASE WHEN b THEN 1 END END + 1 FROM t",
        "SELECT CAST(usage AS BIGINT), usage::INT, n::DOUBLE PRECISION, x::FLOAT, CAST(b AS BOOL), s::TEXT, v::VARCHAR FROM t",
        "SELECT t::TIMESTAMP, h::TAG, i::INTERVAL, CAST(q AS STRING), CAST(q AS BOOLEAN), CAST(q AS INTEGER) FROM t",
        "SELECT extract(year FROM time), EXTRACT(epoch FROM time), extract('dow' FROM time) FROM cpu",
        "SELECT f(g(h(1)), 2), f(), \"My Func\"(x) FROM t",
        "SELECT sum(usage) / count(*) AS mean, percentile(duration_ms, 0.95) FROM events",
        "SELECT a.b FROM a",
        // Subqueries and WITH.
        "SELECT (SELECT max(usage) FROM cpu) AS peak",
        "SELECT * FROM (SELECT host, avg(usage) AS u FROM cpu GROUP BY host) AS sub WHERE u > 50",
        "SELECT * FROM (SELECT 1) s",
        "SELECT * FROM (WITH a AS (SELECT 1 AS x) SELECT x FROM a)",
        "WITH a AS (SELECT 1 AS x), b AS (SELECT x FROM a) SELECT * FROM b",
        // GROUP BY, FILL, HAVING, ORDER BY, LIMIT, OFFSET, LATEST ON.
        "SELECT host, avg(usage) FROM cpu GROUP BY host HAVING avg(usage) > 50",
        "SELECT time_bucket(1h, time) AS hour, avg(usage) FROM cpu GROUP BY hour FILL(NULL)",
        "SELECT time_bucket(1h, time) AS hour, avg(usage) FROM cpu GROUP BY hour FILL(PREV)",
        "SELECT time_bucket(1h, time) AS hour, avg(usage) FROM cpu GROUP BY hour FILL(LINEAR)",
        "SELECT time_bucket(1h, time) AS hour, avg(usage) FROM cpu GROUP BY hour FILL(0)",
        "SELECT time_bucket(1h, time) AS hour, avg(usage) FROM cpu GROUP BY hour, host FILL(-1.5) HAVING count(*) > 0",
        "SELECT host, usage FROM cpu GROUP BY 1, 2 ORDER BY 2 DESC, 1",
        "SELECT * FROM cpu ORDER BY time DESC NULLS LAST, host ASC NULLS FIRST, usage NULLS LAST",
        "SELECT * FROM cpu LIMIT 10 OFFSET 20",
        "SELECT * FROM cpu OFFSET 5",
        "SELECT * FROM cpu WHERE region = 'eu' LATEST ON time PARTITION BY host, region",
        "SELECT * FROM cpu c LATEST ON c.time PARTITION BY c.host",
        "SELECT a FROM t -- a comment\n WHERE /* block /* nested */ */ a = 1",
        "SELECT COUNT(*) AS n FROM cpu WHERE time >= $1 AND time < $2 GROUP BY host ORDER BY n DESC LIMIT 5",
        // The example in DESIGN.md.
        """
        SELECT time_bucket('1h', time) AS hour, event_type,
               count(*), avg(duration_ms), percentile(duration_ms, 0.95)
        FROM events
        WHERE workspace_id = 'ws_1' AND time >= now() - INTERVAL '7 days'
        GROUP BY hour, event_type
        ORDER BY hour
        LIMIT 1000;
        """,
        // Table definition, metadata and data statements.
        "CREATE TABLE cpu (time TIMESTAMP, host TAG, usage DOUBLE, n BIGINT, ok BOOLEAN, msg STRING)",
        "CREATE TABLE IF NOT EXISTS cpu (time TIMESTAMP, host TAG) PARTITION BY DAY RETENTION 30d",
        "CREATE TABLE m (time TIMESTAMP, v DOUBLE PRECISION, i INT, j INTEGER, b BOOL, s TEXT, f FLOAT, vc VARCHAR) PARTITION BY HOUR",
        "CREATE TABLE w (time TIMESTAMP) PARTITION BY WEEK",
        "CREATE TABLE \"Weird Name\" (\"time\" TIMESTAMP, \"select\" TAG) PARTITION BY MONTH RETENTION 1w",
        "CREATE TABLE r (time TIMESTAMP) RETENTION 12h",
        "DROP TABLE cpu",
        "DROP TABLE IF EXISTS cpu",
        "ALTER TABLE cpu ADD COLUMN region TAG",
        "ALTER TABLE cpu ADD idle DOUBLE",
        "ALTER TABLE cpu SET RETENTION 90d",
        "ALTER TABLE cpu SET RETENTION NONE",
        "SHOW TABLES",
        "SHOW COLUMNS FROM cpu",
        "DESCRIBE cpu",
        "SHOW TAG VALUES FROM cpu WITH KEY = host",
        "SHOW TAG VALUES FROM cpu WITH KEY = \"Host\"",
        "INSERT INTO cpu (time, host, usage) VALUES (TIMESTAMP '2016-01-01 00:00:00', 'a', 1.5), (now(), 'b', -2)",
        "INSERT INTO cpu VALUES (1, 'a', NULL)",
        "INSERT INTO cpu (time) VALUES ($1), ($2)",
        "DELETE FROM cpu WHERE time < now() - 30d",
        "DELETE FROM cpu",
        "EXPLAIN SELECT * FROM cpu",
        "EXPLAIN ANALYZE WITH a AS (SELECT 1 AS x) SELECT x FROM a",
    ]

    @Test(arguments: statements + TSBSQueries.all.map(\.sql))
    func printAndReparse(_ sql: String) throws {
        let first = try SQLParser.parse(sql)
        let printed = first.description
        let second = try SQLParser.parse(printed)
        #expect(second == first, "printed as: \(printed)")
        #expect(second.description == printed)
    }

    @Test func theTableIsLargeEnough() {
        #expect(Self.statements.count >= 80)
    }

    /// A whole script prints back statement by statement.
    @Test func script() throws {
        let statements = try SQLParser.parseScript(Self.statements.joined(separator: ";\n"))
        #expect(statements.count == Self.statements.count)
        let printed = statements.map(\.description).joined(separator: "; ")
        #expect(try SQLParser.parseScript(printed) == statements)
    }

    /// What the printer writes for a few statements, so its style is pinned down.
    @Test(arguments: [
        ("select  a,b  from t where a!=1 and not b", "SELECT a, b FROM t WHERE a <> 1 AND NOT b"),
        ("SELECT a b FROM t x", "SELECT a AS b FROM t AS x"),
        ("SELECT (a + b) * c", "SELECT (a + b) * c"),
        ("SELECT ((a)) + ((b * c))", "SELECT a + b * c"),
        ("SELECT - - 1, -(-1)", "SELECT - -1, - -1"),
        ("SELECT x::double precision", "SELECT x::DOUBLE"),
        ("select count( * ), count(distinct h)", "SELECT count(*), count(DISTINCT h)"),
        ("DESCRIBE t", "SHOW COLUMNS FROM t"),
        ("alter table t add c tag", "ALTER TABLE t ADD COLUMN c TAG"),
        ("SELECT * FROM t OFFSET 1 LIMIT 2;", "SELECT * FROM t LIMIT 2 OFFSET 1"),
        ("SELECT 'it''s' || \"a\"\"b\"", "SELECT 'it''s' || \"a\"\"b\""),
        ("select case when a then 1 else 2 end", "SELECT CASE WHEN a THEN 1 ELSE 2 END"),
    ])
    func printedForm(_ sql: String, _ expected: String) throws {
        #expect(try SQLParser.parse(sql).description == expected)
    }
}
