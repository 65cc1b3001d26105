// json_extract(text, '$.a.b[0]'): the value at a path of a JSON text field, without
// building a document. Strings come back unescaped, other scalars as their JSON text,
// objects and arrays as their JSON text; a missing path or malformed JSON gives NULL.
// Nesting is walked iteratively, so a deeply nested document cannot exhaust the stack.

enum JSONPath {
    enum Step: Equatable { case key(String), index(Int) }

    static func parse(_ path: String) -> [Step]? {
        let chars = Array(path)
        guard chars.first == "$" else { return nil }
        var i = 1
        var steps: [Step] = []
        while i < chars.count {
            if chars[i] == "." {
                i += 1
                var name = ""
                while i < chars.count, chars[i] != ".", chars[i] != "[" { name.append(chars[i]); i += 1 }
                guard !name.isEmpty else { return nil }
                steps.append(.key(name))
            } else if chars[i] == "[" {
                i += 1
                var digits = ""
                while i < chars.count, chars[i] != "]" { digits.append(chars[i]); i += 1 }
                guard i < chars.count, let n = Int(digits), n >= 0 else { return nil }
                i += 1
                steps.append(.index(n))
            } else {
                return nil
            }
        }
        return steps
    }

    static func extract(_ json: String, path: String) -> SQLValue {
        guard let steps = parse(path) else { return .null }
        let b = Array(json.utf8)
        var i = 0
        for step in steps {
            skip(b, &i)
            switch step {
            case .key(let name):
                guard i < b.count, b[i] == UInt8(ascii: "{") else { return .null }
                i += 1
                var found = false
                while true {
                    skip(b, &i)
                    guard i < b.count, b[i] == UInt8(ascii: "\"") else { return .null }
                    guard let key = string(b, &i) else { return .null }
                    skip(b, &i)
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { return .null }
                    i += 1
                    skip(b, &i)
                    if key == name { found = true; break }
                    guard skipValue(b, &i) else { return .null }
                    skip(b, &i)
                    guard i < b.count, b[i] == UInt8(ascii: ",") else { return .null }
                    i += 1
                }
                guard found else { return .null }
            case .index(let n):
                guard i < b.count, b[i] == UInt8(ascii: "[") else { return .null }
                i += 1
                for _ in 0..<n {
                    skip(b, &i)
                    guard skipValue(b, &i) else { return .null }
                    skip(b, &i)
                    guard i < b.count, b[i] == UInt8(ascii: ",") else { return .null }
                    i += 1
                }
                skip(b, &i)
                guard i < b.count, b[i] != UInt8(ascii: "]") else { return .null }
            }
        }
        skip(b, &i)
        guard i < b.count else { return .null }
        if b[i] == UInt8(ascii: "\"") { return string(b, &i).map { .string($0) } ?? .null }
        let start = i
        guard skipValue(b, &i) else { return .null }
        let text = String(decoding: b[start..<i], as: UTF8.self)
        return text == "null" ? .null : .string(text)
    }

    static func skip(_ b: [UInt8], _ i: inout Int) {
        while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 }
    }

    /// Reads a string starting at its opening quote; nil when malformed.
    static func string(_ b: [UInt8], _ i: inout Int) -> String? {
        i += 1
        var out: [UInt8] = []
        while i < b.count {
            let c = b[i]
            i += 1
            if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\") {
                guard i < b.count else { return nil }
                let e = b[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    guard i + 4 <= b.count, let code = UInt32(String(decoding: b[i..<(i + 4)], as: UTF8.self), radix: 16) else { return nil }
                    i += 4
                    out += Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8)
                default: out.append(e)
                }
            } else {
                out.append(c)
            }
        }
        return nil
    }

    /// Skips one value (iteratively through nesting); false when malformed.
    static func skipValue(_ b: [UInt8], _ i: inout Int) -> Bool {
        var depth = 0
        repeat {
            skip(b, &i)
            guard i < b.count else { return false }
            switch b[i] {
            case UInt8(ascii: "\""): guard string(b, &i) != nil else { return false }
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1; i += 1; continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { return false }
                depth -= 1; i += 1
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                guard depth > 0 else { return false }
                i += 1; continue
            default:
                let start = i
                while i < b.count, !",}] \t\r\n:".utf8.contains(b[i]) { i += 1 }
                guard i > start else { return false }
            }
        } while depth > 0
        return true
    }
}
