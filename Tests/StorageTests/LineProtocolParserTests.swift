import Testing
@testable import SundialStorage

@Suite struct LineProtocolParserTests {
    static let now: Int64 = 1_700_000_000_000_000_000

    func parse(_ text: String, precision: TimePrecision = .nanoseconds) -> LineProtocolParser.Result {
        LineProtocolParser(precision: precision).parse(Array(text.utf8), defaultTime: Self.now)
    }

    func point(_ text: String) throws -> Point {
        let result = parse(text)
        #expect(result.errors.isEmpty, "\(result.errors)")
        return try #require(result.points.first)
    }

    @Test func fullLine() throws {
        let p = try point("cpu,host=a,region=eu usage=1.5,count=3i,ok=true,msg=\"hi\" 1465839830100400200")
        #expect(p.measurement == "cpu")
        #expect(p.tags.map(\.key) == ["host", "region"])
        #expect(p.tags.map(\.value) == ["a", "eu"])
        #expect(p.fields.map(\.key) == ["usage", "count", "ok", "msg"])
        #expect(p.fields.map(\.value) == [.double(1.5), .int64(3), .bool(true), .string("hi")])
        #expect(p.time == 1_465_839_830_100_400_200)
    }

    @Test func missingTimestampMeansNow() throws {
        #expect(try point("m v=1").time == Self.now)
        #expect(try point("m v=1   ").time == Self.now)
    }

    @Test(arguments: [
        ("1", 1.0), ("-1", -1.0), ("1.5", 1.5), ("-0.25", -0.25), (".5", 0.5), ("1.", 1.0),
        ("1e3", 1000.0), ("1.5E-2", 0.015), ("+4", 4.0), ("-0", -0.0), ("123456789012345678901234567890", 1.2345678901234568e29),
    ])
    func floats(_ text: String, _ expected: Double) throws {
        let value = try point("m v=\(text)").fields[0].value
        guard case .double(let d) = value else { Issue.record("\(value)"); return }
        #expect(d.bitPattern == expected.bitPattern)
    }

    @Test func integers() throws {
        #expect(try point("m v=9223372036854775807i").fields[0].value == .int64(.max))
        #expect(try point("m v=-9223372036854775808i").fields[0].value == .int64(.min))
        #expect(try point("m v=42u").fields[0].value == .int64(42))
        #expect(try point("m v=9223372036854775807u").fields[0].value == .int64(.max))
    }

    @Test(arguments: ["t", "T", "true", "True", "TRUE"])
    func trueSpellings(_ text: String) throws {
        #expect(try point("m v=\(text)").fields[0].value == .bool(true))
    }

    @Test(arguments: ["f", "F", "false", "False", "FALSE"])
    func falseSpellings(_ text: String) throws {
        #expect(try point("m v=\(text)").fields[0].value == .bool(false))
    }

    @Test func escaping() throws {
        let p = try point(#"my\ meas\,ure,tag\ key\,x\=y=tag\ val\=1\,2 field\ key\=z="a \"quoted\" \\ str\ing",n=1 5"#)
        #expect(p.measurement == "my meas,ure")
        #expect(p.tags[0].key == "tag key,x=y")
        #expect(p.tags[0].value == "tag val=1,2")
        #expect(p.fields[0].key == "field key=z")
        #expect(p.fields[0].value == .string(#"a "quoted" \ str\ing"#))
        #expect(p.time == 5)
        // '=' needs no escape in a measurement; other backslashes stay.
        #expect(try point(#"a=b\x v=1"#).measurement == #"a=b\x"#)
        #expect(try point("m s=\"with, comma and space=\" 1").fields[0].value == .string("with, comma and space="))
    }

    @Test func precisions() throws {
        for precision in TimePrecision.allCases {
            let result = parse("m v=1 17", precision: precision)
            #expect(result.points.first?.time == 17 * precision.nanoseconds)
        }
        let overflow = parse("m v=1 9223372036854775807", precision: .seconds)
        #expect(overflow.errors.first?.message.contains("out of range") == true)
        #expect(try point("m v=1 -1000").time == -1000)
    }

    @Test func commentsBlankLinesAndCRLF() {
        let result = parse("# comment\n\n  \nm v=1 1\r\n   # indented comment\nm v=2 2\n")
        #expect(result.errors.isEmpty)
        #expect(result.points.map(\.time) == [1, 2])
    }

    @Test func unicode() throws {
        let p = try point("température,ville=Zürich valeur=21.5,note=\"très bien 🙂\" 1")
        #expect(p.measurement == "température")
        #expect(p.tags[0].value == "Zürich")
        #expect(p.fields[1].value == .string("très bien 🙂"))
    }

    /// Bad lines: each is rejected with its message and column; the batch keeps good lines.
    @Test(arguments: [
        ("m", 2, "expected fields"),
        ("m,", 3, "expected a tag key"),
        ("m,t v=1", 4, "expected '=' after tag key"),
        ("m,t= v=1", 5, "expected a value for tag"),
        ("m,t=a,t=b v=1", 7, "duplicate tag"),
        ("m,time=a v=1", 3, "reserved"),
        ("m v", 4, "expected '=' after field key"),
        ("m v=", 5, "expected a value"),
        ("m v=1,v=2", 7, "duplicate field"),
        ("m time=1", 3, "reserved"),
        ("m v=abc", 5, "invalid value \"abc\""),
        ("m v=nan", 5, "invalid value"),
        ("m v=inf", 5, "invalid value"),
        ("m v=1e", 5, "invalid value"),
        ("m v=9223372036854775808i", 5, "out of the 64-bit range"),
        ("m v=-1u", 5, "negative"),
        ("m v=9223372036854775808u", 5, "exceeds the BIGINT range"),
        ("m v=12x3i", 5, "invalid integer"),
        ("m v=\"open", 5, "unterminated string"),
        ("m v=\"a\"b", 8, "after a string value"),
        ("m v=1 12a", 7, "invalid timestamp"),
        ("m v=1 1 2", 9, "unexpected text after the timestamp"),
        (" ,t=a v=1", 2, "expected a measurement"),
        ("m v=1,", 7, "expected a field key"),
        ("m,t=a", 6, "expected fields"),
        ("m\tv=1", 2, "control character"),
    ])
    func badLines(_ text: String, _ column: Int, _ message: String) {
        let result = parse("ok v=1 1\n\(text)\nok v=2 2")
        #expect(result.points.map(\.time) == [1, 2], "good lines are kept")
        #expect(result.errors.count == 1)
        let error = result.errors.first
        #expect(error?.line == 2)
        #expect(error?.column == column, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func invalidUTF8IsRejected() {
        var bytes = Array("m,t=".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(" v=1 1".utf8)
        let result = LineProtocolParser().parse(bytes, defaultTime: 0)
        #expect(result.points.isEmpty)
        #expect(result.errors.first?.message.contains("UTF-8") == true)
    }

    @Test func limits() {
        var limits = LineProtocolLimits()
        limits.maxLineBytes = 20
        limits.maxTags = 1
        let parser = LineProtocolParser(limits: limits)
        let long = parser.parse(Array("m v=1 1\nm,tag=aaaaaaaaaaaaaaaaaaaa v=1".utf8), defaultTime: 0)
        #expect(long.points.count == 1)
        #expect(long.errors.first?.message.contains("longer than 20") == true)
        let tags = parser.parse(Array("m,a=1,b=2 v=1".utf8), defaultTime: 0)
        #expect(tags.errors.first?.message.contains("more than 1 tags") == true)
    }

    @Test func everyErrorCarriesAPositionInsideTheLine() {
        // Arbitrary mutations of a valid line: the parser never traps, and every error
        // points inside the line (or one past its end).
        let base = Array(#"cpu,host=a\ b,r=eu u=1.5,c=3i,s="x\"y",b=t 1465839830100400200"#.utf8)
        var seed: UInt64 = 1
        for _ in 0..<3000 {
            var bytes = base
            for _ in 0..<3 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                let index = Int(seed >> 33) % bytes.count
                let choices: [UInt8] = Array(" ,=\\\"i.-eu0t\n".utf8) + [0xFF]
                bytes[index] = choices[Int(seed >> 20) % choices.count]
            }
            let result = LineProtocolParser().parse(bytes, defaultTime: 0)
            for error in result.errors {
                #expect(error.column >= 1 && error.column <= bytes.count + 1)
            }
        }
    }
}
