import Testing
@testable import SundialQueryLang

/// Precedence, associativity and the forms of expression, asserted on the tree's shape.
@Suite struct ExpressionTests {
    @Test(arguments: [
        // Arithmetic: * / % over + -, runs of one level are one node.
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 * 2 + 3", "((1 * 2) + 3)"),
        ("1 + 2 - 3 + 4", "(1 + 2 - 3 + 4)"),
        ("a * b / c % d", "(a * b / c % d)"),
        ("(1 + 2) + 3", "((1 + 2) + 3)"),
        ("1 - (2 - 3)", "(1 - (2 - 3))"),
        ("((1))", "1"),
        // Boolean: OR < AND < NOT < comparison.
        ("a OR b AND c", "(a OR (b AND c))"),
        ("a AND b OR c AND d", "((a AND b) OR (c AND d))"),
        ("a OR b OR c", "(a OR b OR c)"),
        ("NOT a AND b", "((NOT a) AND b)"),
        ("NOT a = b", "(NOT (a = b))"),
        ("a = b AND c <> d", "((a = b) AND (c <> d))"),
        ("a != b", "(a <> b)"),
        ("NOT NOT a", "(NOT (NOT a))"),
        ("a AND NOT b AND c", "(a AND (NOT b) AND c)"),
        // Unary and casts: :: over unary over * /.
        ("-a * b", "((- a) * b)"),
        ("-a::int", "(- (:: a BIGINT))"),
        ("(-a)::int", "(:: (- a) BIGINT)"),
        ("a::int::text", "(:: (:: a BIGINT) STRING)"),
        ("a + b::double precision", "(a + (:: b DOUBLE))"),
        ("- - a", "(- (- a))"),
        ("+a - -1", "((+ a) - (- 1))"),
        // PostgreSQL's "other operators" (|| ~ !~) sit between comparison and + -.
        ("a || b = c", "((a || b) = c)"),
        ("a || b + c", "(a || (b + c))"),
        ("a ~ 'x' AND b !~ 'y'", "((a ~ 'x') AND (b !~ 'y'))"),
        ("a || b ~ c", "(a || b ~ c)"),
        // BETWEEN, IN, LIKE bind tighter than comparisons; IS looser.
        ("a LIKE b = c", "((a LIKE b) = c)"),
        ("a = b LIKE c", "(a = (b LIKE c))"),
        ("a = b IS NULL", "((a = b) IS NULL)"),
        ("NOT a IS NULL", "(NOT (a IS NULL))"),
        ("x IS NULL IS NOT NULL", "((x IS NULL) IS NOT NULL)"),
        ("a IS NOT NULL AND b IS NULL", "((a IS NOT NULL) AND (b IS NULL))"),
        ("a BETWEEN 1 + 1 AND 2 * 3 AND c", "((a BETWEEN (1 + 1) (2 * 3)) AND c)"),
        ("a NOT BETWEEN b AND c", "(a NOT BETWEEN b c)"),
        ("a IN (1, 2) OR a NOT IN (3)", "((a IN [1, 2]) OR (a NOT IN [3]))"),
        ("a IN (b = c, (d))", "(a IN [(b = c), d])"),
        ("a NOT LIKE 'x%'", "(a NOT LIKE 'x%')"),
        ("a % 2 = 0", "((a % 2) = 0)"),
        // Primary forms.
        ("CASE WHEN a THEN b ELSE c END + 1", "((CASE [a b] ELSE c) + 1)"),
        ("CASE x WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", "(CASE x [1 'one'] [2 'two'])"),
        ("count(*) + count(DISTINCT a, b)", "(count(*) + count(DISTINCT a, b))"),
        ("f() || g(1, h(2))", "(f() || g(1, h(2)))"),
        (#"t.a + "T"."B c""#, #"(t.a + "T"."B c")"#),
        ("TIMESTAMP '2016-01-01' + INTERVAL '1 day'", "(TIMESTAMP '2016-01-01' + INTERVAL '1 day')"),
        ("timestamp + interval", "(timestamp + interval)"),
        ("extract(year FROM time) = 2016", "((EXTRACT YEAR time) = 2016)"),
        ("EXTRACT('dow' FROM t)", "(EXTRACT DOW t)"),
        ("CAST(a + 1 AS bigint)", "(CAST (a + 1) BIGINT)"),
        ("$1 + $2", "($1 + $2)"),
        ("(SELECT 1) + 1", "({SELECT 1} + 1)"),
        ("a NOT IN (SELECT b FROM t)", "(a NOT IN {SELECT b FROM t})"),
        ("now() - 7d", "(now() - 7d)"),
        ("TRUE AND FALSE OR NULL", "((TRUE AND FALSE) OR NULL)"),
        ("'it''s' || 'x'", "('it''s' || 'x')"),
        ("1e3 * .5 - 2.", "((1e3 * .5) - 2.)"),
    ])
    func shapes(_ sql: String, _ expected: String) throws {
        #expect(try shape(sql) == expected)
    }

    /// Runs of one level do not nest, so a long sum or OR chain is one flat node.
    @Test func runsAreFlat() throws {
        let expr = try SQLParser.parseExpression("a OR b OR c AND d AND e OR f")
        guard case .binary(let first, let terms) = expr.kind else { Issue.record("\(expr)"); return }
        #expect(first == col("a"))
        #expect(terms.map(\.op) == [.or, .or, .or])
        #expect(shape(terms[1].operand) == "(c AND d AND e)")
    }

    @Test func numbersKeepTheirSpelling() throws {
        #expect(try SQLParser.parseExpression("-9223372036854775808").kind
            == .unary(.minus, int("9223372036854775808")))
        #expect(try SQLParser.parseExpression("123456789012345678901234567890").kind
            == .literal(.integer("123456789012345678901234567890")))
    }

    /// Every node records where its first token is.
    @Test func locations() throws {
        let expr = try SQLParser.parseExpression("a +\n  (b * f(c)) :: int")
        #expect(shape(expr) == "(a + (:: (b * f(c)) BIGINT))")
        #expect(expr.location == SourceLocation(line: 1, column: 1, offset: 0))
        guard case .binary(_, let terms) = expr.kind, case .cast(let operand, _, _) = terms[0].operand.kind,
              case .binary(let b, let product) = operand.kind,
              case .function(let call) = product[0].operand.kind,
              case .list(let arguments, _) = call.arguments
        else { Issue.record("\(expr)"); return }
        #expect(terms[0].operand.location == SourceLocation(line: 2, column: 3, offset: 6))  // the "("
        #expect(operand.location == SourceLocation(line: 2, column: 3, offset: 6))
        #expect(b.location == SourceLocation(line: 2, column: 4, offset: 7))
        #expect(product[0].operand.location == SourceLocation(line: 2, column: 8, offset: 11))
        #expect(call.name.location == SourceLocation(line: 2, column: 8, offset: 11))
        #expect(arguments[0].location == SourceLocation(line: 2, column: 10, offset: 13))
        // Operators and CASE branches record where they are too.
        #expect(terms[0].location == SourceLocation(line: 1, column: 3, offset: 2))
        #expect(product[0].location == SourceLocation(line: 2, column: 6, offset: 9))
        let comparison = try SQLParser.parseExpression("x  <= CASE WHEN a THEN b END")
        guard case .binary(_, let compared) = comparison.kind, case .caseWhen(_, let branches, _) = compared[0].operand.kind
        else { Issue.record("\(comparison)"); return }
        #expect(compared[0].location == SourceLocation(line: 1, column: 4, offset: 3))
        #expect(branches[0].location == SourceLocation(line: 1, column: 12, offset: 11))
    }

    /// Locations take no part in equality; everything else does.
    @Test func equalityIgnoresLocationsOnly() throws {
        #expect(try SQLParser.parseExpression("a+b") == SQLParser.parseExpression("  a  +\n b"))
        #expect(try SQLParser.parseExpression("(a)") == col("a"))
        #expect(try SQLParser.parseExpression("a + b") != SQLParser.parseExpression("a - b"))
        #expect(try SQLParser.parseExpression("(a + b) + c") != SQLParser.parseExpression("a + b + c"))
        #expect(try SQLParser.parseExpression("x") != SQLParser.parseExpression("\"x\""))
        #expect(try SQLParser.parseExpression("x") != SQLParser.parseExpression("X"))
        #expect(try SQLParser.parseExpression("CAST(x AS int)") != SQLParser.parseExpression("x::int"))
        #expect(try SQLParser.parseExpression("1.0") != SQLParser.parseExpression("1"))
        let set: Set<Expr> = [try SQLParser.parseExpression("f(x)"), try SQLParser.parseExpression(" f( x )")]
        #expect(set.count == 1)
    }

    /// The printer adds exactly the parentheses a tree built in code needs.
    @Test func printingTreesBuiltInCode() throws {
        let sum = Expr(.binary(col("a"), [Expr.BinaryTerm(.plus, col("b"))]))
        let cases: [(Expr, String)] = [
            (Expr(.binary(sum, [Expr.BinaryTerm(.multiply, col("c"))])), "(a + b) * c"),
            (Expr(.binary(col("c"), [Expr.BinaryTerm(.minus, sum)])), "c - (a + b)"),
            (Expr(.binary(sum, [Expr.BinaryTerm(.plus, col("c"))])), "(a + b) + c"),
            (Expr(.unary(.minus, Expr(.unary(.minus, int("1"))))), "- -1"),
            (Expr(.unary(.minus, Expr(.unary(.not, col("x"))))), "-(NOT x)"),
            (Expr(.unary(.not, Expr(.unary(.not, col("x"))))), "NOT NOT x"),
            (Expr(.cast(Expr(.unary(.minus, col("x"))), .bigint, syntax: .doubleColon)), "(-x)::BIGINT"),
            (Expr(.isNull(Expr(.unary(.not, col("x"))), negated: false)), "(NOT x) IS NULL"),
            (Expr(.binary(Expr(.unary(.not, col("x"))), [Expr.BinaryTerm(.equal, col("y"))])), "(NOT x) = y"),
            (Expr(.like(Expr(.like(col("a"), pattern: col("b"), negated: false)), pattern: col("c"), negated: true)),
             "(a LIKE b) NOT LIKE c"),
            (Expr(.between(col("a"), low: Expr(.binary(col("b"), [Expr.BinaryTerm(.and, col("c"))])), high: col("d"),
                           negated: false)), "a BETWEEN (b AND c) AND d"),
            (Expr(.literal(.string("it's"))), "'it''s'"),
        ]
        for (expr, sql) in cases {
            #expect(expr.description == sql)
            #expect(try SQLParser.parseExpression(sql) == expr, "\(sql)")
        }
        // A name that cannot be bare is quoted (and reads back as a quoted name).
        for name in ["select", "9lives", "with space", "a\"b"] {
            let printed = Identifier(name).description
            #expect(try SQLParser.parseExpression(printed) == col(name).quoted(), "\(printed)")
        }
        #expect(Identifier("time").description == "time")
        #expect(Identifier("naïve").description == "naïve")
    }
}

private extension Expr {
    /// The same column with its name marked quoted.
    func quoted() -> Expr {
        guard case .column(var column) = kind else { return self }
        column.name.isQuoted = true
        return Expr(.column(column))
    }
}
