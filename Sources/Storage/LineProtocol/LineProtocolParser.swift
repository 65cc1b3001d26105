// A parser for the InfluxDB line protocol.
//
//   measurement[,tag=value...] field=value[,field=value...] [timestamp]
//
// Escapes: in measurements `\,` and `\ `; in tag keys, tag values and field keys `\,`,
// `\=` and `\ `; in string values `\"` and `\\`. A backslash before any other byte is
// kept as it is (as InfluxDB does). Lines starting with `#` are comments; blank lines
// are skipped; `\r\n` endings are accepted. A missing timestamp means `defaultTime`.
//
// The parser works on bytes, never traps, and reports every bad line with its line and
// column; the good lines of a batch are delivered all the same.

/// Parses InfluxDB line protocol into ``Point``s.
public struct LineProtocolParser: Sendable {
    /// The unit of timestamps in the input.
    public var precision: TimePrecision
    /// Limits on line, name and point sizes.
    public var limits: LineProtocolLimits

    public init(precision: TimePrecision = .nanoseconds, limits: LineProtocolLimits = LineProtocolLimits()) {
        self.precision = precision
        self.limits = limits
    }

    /// The outcome of parsing a batch.
    public struct Result: Sendable {
        /// The points of the good lines, in input order.
        public var points: [Point]
        /// The 1-based line number of each point.
        public var lines: [Int] = []
        /// One error per rejected line, in input order.
        public var errors: [LineProtocolError]
    }

    /// Parses a whole batch; lines without a timestamp get `defaultTime` (nanoseconds).
    public func parse(_ text: [UInt8], defaultTime: Int64) -> Result {
        text.withUnsafeBytes { parse($0, defaultTime: defaultTime) }
    }

    /// Parses a whole batch from borrowed bytes.
    public func parse(_ bytes: UnsafeRawBufferPointer, defaultTime: Int64) -> Result {
        var result = Result(points: [], errors: [])
        parse(bytes, defaultTime: defaultTime) { point, line in
            result.points.append(point)
            result.lines.append(line)
        } onError: { result.errors.append($0) }
        return result
    }

    /// Parses a batch, calling `onPoint` with each good line's point and line number, and
    /// `onError` for each bad line.
    public func parse(
        _ bytes: UnsafeRawBufferPointer, defaultTime: Int64,
        onPoint: (Point, Int) -> Void, onError: (LineProtocolError) -> Void
    ) {
        var lineNumber = 0
        var start = 0
        let count = bytes.count
        while start < count {
            var end = start
            while end < count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<lineEnd])
            if line.count > limits.maxLineBytes {
                onError(LineProtocolError(line: lineNumber, column: limits.maxLineBytes + 1,
                                          message: "line longer than \(limits.maxLineBytes) bytes"))
            } else {
                var scanner = LineScanner(line: line, lineNumber: lineNumber, parser: self)
                do throws(LineProtocolError) {
                    if let point = try scanner.parsePoint(defaultTime: defaultTime) { onPoint(point, lineNumber) }
                } catch {
                    onError(error)
                }
            }
            start = end + 1
        }
    }
}

/// Parses one line. Positions are byte offsets into the line.
struct LineScanner {
    let line: UnsafeRawBufferPointer
    let lineNumber: Int
    let parser: LineProtocolParser
    var position = 0

    init(line: UnsafeRawBufferPointer, lineNumber: Int, parser: LineProtocolParser) {
        self.line = line
        self.lineNumber = lineNumber
        self.parser = parser
    }

    static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), comma = UInt8(ascii: ",")
    static let equals = UInt8(ascii: "="), backslash = UInt8(ascii: "\\"), quote = UInt8(ascii: "\"")

    func error(_ message: String, at offset: Int? = nil) -> LineProtocolError {
        LineProtocolError(line: lineNumber, column: (offset ?? position) + 1, message: message)
    }

    var atEnd: Bool { position >= line.count }
    var current: UInt8 { line[position] }

    /// Parses the line; nil for blank lines and comments.
    mutating func parsePoint(defaultTime: Int64) throws(LineProtocolError) -> Point? {
        while !atEnd && (current == Self.space || current == Self.tab) { position += 1 }
        if atEnd || current == UInt8(ascii: "#") { return nil }

        let measurementStart = position
        let measurement = try readName(stopAtEquals: false, what: "measurement")
        guard !measurement.isEmpty else { throw error("expected a measurement name", at: measurementStart) }

        var tags: [(key: String, value: String)] = []
        while !atEnd && current == Self.comma {
            position += 1
            let keyStart = position
            let key = try readName(stopAtEquals: true, what: "tag key")
            guard !key.isEmpty else { throw error("expected a tag key after ','", at: keyStart) }
            guard !atEnd && current == Self.equals else { throw error("expected '=' after tag key \"\(key)\"") }
            position += 1
            let valueStart = position
            let value = try readName(stopAtEquals: true, what: "tag value")
            guard !value.isEmpty else { throw error("expected a value for tag \"\(key)\"", at: valueStart) }
            guard key != "time" else { throw error("\"time\" is reserved for the timestamp and cannot be a tag", at: keyStart) }
            guard !tags.contains(where: { $0.key == key }) else { throw error("duplicate tag \"\(key)\"", at: keyStart) }
            guard tags.count < parser.limits.maxTags else { throw error("more than \(parser.limits.maxTags) tags", at: keyStart) }
            tags.append((key, value))
        }

        guard !atEnd, current == Self.space else {
            throw error(atEnd ? "expected fields after the measurement and tags" : "expected ' ' before the fields")
        }
        while !atEnd && current == Self.space { position += 1 }

        var fields: [(key: String, value: FieldValue)] = []
        repeat {
            if !fields.isEmpty { position += 1 }  // the ','
            let keyStart = position
            let key = try readName(stopAtEquals: true, what: "field key")
            guard !key.isEmpty else { throw error("expected a field key", at: keyStart) }
            guard !atEnd && current == Self.equals else { throw error("expected '=' after field key \"\(key)\"") }
            position += 1
            let value = try readFieldValue(key: key)
            guard key != "time" else { throw error("\"time\" is reserved for the timestamp and cannot be a field", at: keyStart) }
            guard !fields.contains(where: { $0.key == key }) else { throw error("duplicate field \"\(key)\"", at: keyStart) }
            guard fields.count < parser.limits.maxFields else { throw error("more than \(parser.limits.maxFields) fields", at: keyStart) }
            fields.append((key, value))
        } while !atEnd && current == Self.comma

        var time = defaultTime
        if !atEnd {
            guard current == Self.space else { throw error("expected ',' or ' ' after a field value") }
            while !atEnd && current == Self.space { position += 1 }
            if !atEnd && current != Self.tab {
                time = try readTimestamp()
            }
            while !atEnd && (current == Self.space || current == Self.tab) { position += 1 }
            guard atEnd else { throw error("unexpected text after the timestamp") }
        }
        return Point(measurement: measurement, tags: tags, fields: fields, time: time)
    }

    /// Reads an escaped name up to an unescaped ',' or ' ' (and '=' when `stopAtEquals`).
    mutating func readName(stopAtEquals: Bool, what: String) throws(LineProtocolError) -> String {
        let start = position
        var hasEscape = false
        while !atEnd {
            let byte = current
            if byte == Self.backslash && position + 1 < line.count {
                let next = line[position + 1]
                if next == Self.comma || next == Self.space || (next == Self.equals && stopAtEquals) || next == Self.backslash {
                    hasEscape = true
                    position += 2
                    continue
                }
            }
            if byte == Self.comma || byte == Self.space || (stopAtEquals && byte == Self.equals) { break }
            if byte == Self.tab || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                throw error("control character in \(what)")
            }
            position += 1
        }
        guard position - start <= parser.limits.maxNameBytes else {
            throw error("\(what) longer than \(parser.limits.maxNameBytes) bytes", at: start)
        }
        let raw = UnsafeRawBufferPointer(rebasing: line[start..<position])
        guard hasEscape else { return try validUTF8(raw, at: start, what: what) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var k = 0
        while k < raw.count {
            if raw[k] == Self.backslash && k + 1 < raw.count {
                let next = raw[k + 1]
                if next == Self.comma || next == Self.space || (next == Self.equals && stopAtEquals) || next == Self.backslash {
                    bytes.append(next)
                    k += 2
                    continue
                }
            }
            bytes.append(raw[k])
            k += 1
        }
        return try validUTF8(bytes, at: start, what: what)
    }

    func validUTF8(_ bytes: [UInt8], at offset: Int, what: String) throws(LineProtocolError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw error("\(what) is not valid UTF-8", at: offset)
        }
        return text
    }

    func validUTF8(_ raw: UnsafeRawBufferPointer, at offset: Int, what: String) throws(LineProtocolError) -> String {
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw error("\(what) is not valid UTF-8", at: offset)
        }
        return text
    }

    mutating func readFieldValue(key: String) throws(LineProtocolError) -> FieldValue {
        let start = position
        guard !atEnd else { throw error("expected a value for field \"\(key)\"") }
        if current == Self.quote { return .string(try readString()) }
        while !atEnd && current != Self.comma && current != Self.space { position += 1 }
        let token = UnsafeRawBufferPointer(rebasing: line[start..<position])
        guard !token.isEmpty else { throw error("expected a value for field \"\(key)\"", at: start) }
        if let bool = Self.boolean(token) { return .bool(bool) }
        let last = token[token.count - 1]
        if last == UInt8(ascii: "i") || last == UInt8(ascii: "u") {
            let digits = UnsafeRawBufferPointer(rebasing: token[0..<(token.count - 1)])
            guard let magnitude = Self.integer(digits) else {
                throw error("invalid integer \"\(String(decoding: token, as: UTF8.self))\" for field \"\(key)\"", at: start)
            }
            if last == UInt8(ascii: "u") {
                guard !magnitude.negative else { throw error("unsigned integer for field \"\(key)\" is negative", at: start) }
                guard magnitude.value <= UInt64(Int64.max) else {
                    throw error("unsigned integer for field \"\(key)\" exceeds the BIGINT range", at: start)
                }
                return .int64(Int64(magnitude.value))
            }
            guard let value = magnitude.int64 else {
                throw error("integer for field \"\(key)\" is out of the 64-bit range", at: start)
            }
            return .int64(value)
        }
        guard let value = Self.float(token) else {
            throw error("invalid value \"\(String(decoding: token.prefix(40), as: UTF8.self))\" for field \"\(key)\": expected a number, a quoted string or a boolean", at: start)
        }
        return .double(value)
    }

    /// Reads a double-quoted string; `\"` and `\\` are escapes, other backslashes stay.
    mutating func readString() throws(LineProtocolError) -> String {
        let open = position
        position += 1
        var bytes: [UInt8] = []
        while true {
            guard !atEnd else { throw error("unterminated string", at: open) }
            let byte = current
            if byte == Self.quote { position += 1; break }
            if byte == Self.backslash && position + 1 < line.count
                && (line[position + 1] == Self.quote || line[position + 1] == Self.backslash) {
                bytes.append(line[position + 1])
                position += 2
                continue
            }
            bytes.append(byte)
            position += 1
        }
        guard !atEnd ? (current == Self.comma || current == Self.space) : true else {
            throw error("expected ',' or ' ' after a string value")
        }
        return try validUTF8(bytes, at: open, what: "string value")
    }

    mutating func readTimestamp() throws(LineProtocolError) -> Int64 {
        let start = position
        while !atEnd && current != Self.space && current != Self.tab { position += 1 }
        let token = UnsafeRawBufferPointer(rebasing: line[start..<position])
        guard let parsed = Self.integer(token), let value = parsed.int64 else {
            throw error("invalid timestamp \"\(String(decoding: token.prefix(40), as: UTF8.self))\": expected an integer", at: start)
        }
        let (scaled, overflow) = value.multipliedReportingOverflow(by: parser.precision.nanoseconds)
        guard !overflow else { throw error("timestamp is out of range for precision \(parser.precision.rawValue)", at: start) }
        return scaled
    }

    static func boolean(_ token: UnsafeRawBufferPointer) -> Bool? {
        switch String(decoding: token, as: UTF8.self) {
        case "t", "T", "true", "True", "TRUE": true
        case "f", "F", "false", "False", "FALSE": false
        default: nil
        }
    }

    /// An optionally signed decimal integer as sign and magnitude; nil on any other byte or overflow.
    static func integer(_ token: UnsafeRawBufferPointer) -> (negative: Bool, value: UInt64, int64: Int64?)? {
        var k = 0
        var negative = false
        if k < token.count && (token[k] == UInt8(ascii: "-") || token[k] == UInt8(ascii: "+")) {
            negative = token[k] == UInt8(ascii: "-")
            k += 1
        }
        guard k < token.count else { return nil }
        var value: UInt64 = 0
        while k < token.count {
            let digit = token[k] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1 && !o2 else { return nil }
            value = sum
            k += 1
        }
        let signed: Int64? = negative
            ? (value <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- value) : nil)
            : (value <= UInt64(Int64.max) ? Int64(value) : nil)
        return (negative, value, signed)
    }

    /// A finite decimal float (digits, optional fraction and exponent); no NaN or infinity.
    static func float(_ token: UnsafeRawBufferPointer) -> Double? {
        var k = 0
        if k < token.count && (token[k] == UInt8(ascii: "-") || token[k] == UInt8(ascii: "+")) { k += 1 }
        var digits = 0
        while k < token.count && token[k] &- UInt8(ascii: "0") < 10 { k += 1; digits += 1 }
        if k < token.count && token[k] == UInt8(ascii: ".") {
            k += 1
            while k < token.count && token[k] &- UInt8(ascii: "0") < 10 { k += 1; digits += 1 }
        }
        guard digits > 0 else { return nil }
        if k < token.count && (token[k] == UInt8(ascii: "e") || token[k] == UInt8(ascii: "E")) {
            k += 1
            if k < token.count && (token[k] == UInt8(ascii: "-") || token[k] == UInt8(ascii: "+")) { k += 1 }
            var exponentDigits = 0
            while k < token.count && token[k] &- UInt8(ascii: "0") < 10 { k += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard k == token.count, let value = Double(String(decoding: token, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}
