// A regular expression matcher whose cost is bounded: the pattern compiles to a Thompson
// NFA and matching simulates all states at once (a Pike VM without captures), so matching
// a string of n characters against a program of m instructions takes O(n · m) time and
// O(m) memory, whatever the pattern. No backtracking: `(a+)+b` on a long run of `a`s is
// as cheap as any other pattern. Patterns and programs have size limits.
//
// Syntax (RE2 subset): literals, `.`, `[abc]`, `[a-z]`, `[^…]`, `\d \D \w \W \s \S`,
// escapes `\. \\ \* …`, groups `( )` and `(?: )`, `|`, `*`, `+`, `?`, `{n}`, `{n,}`,
// `{n,m}`, anchors `^` and `$`. Tag matchers match the whole value (as Prometheus does):
// use `fullMatch`; `firstMatch`-style search is `contains`.

/// Why a pattern was rejected.
public struct RegexError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based character position in the pattern.
    public var position: Int
    public var message: String
    public var description: String { "regular expression, position \(position): \(message)" }
}

/// A compiled, bounded-cost regular expression. Two regexes are equal when their
/// patterns are.
public struct BoundedRegex: Sendable, Hashable {
    public static func == (a: BoundedRegex, b: BoundedRegex) -> Bool { a.pattern == b.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    /// The longest accepted pattern, in characters.
    public static let maxPatternLength = 1024
    /// The most NFA instructions a pattern may compile to (repetition counts expand).
    public static let maxProgramSize = 20_000

    enum Instruction: Sendable {
        case char(Character)
        case any
        case set([ClosedRange<Character>], negated: Bool)
        case split(Int, Int)
        case jump(Int)
        case lineStart
        case lineEnd
        case match
    }

    let program: [Instruction]
    public let pattern: String

    /// Compiles `pattern`.
    /// - Throws: `RegexError` with the position of the problem, or when a limit is exceeded.
    public init(_ pattern: String) throws(RegexError) {
        guard pattern.count <= Self.maxPatternLength else {
            throw RegexError(position: Self.maxPatternLength + 1, message: "pattern longer than \(Self.maxPatternLength) characters")
        }
        var parser = RegexParser(Array(pattern))
        let node = try parser.parseAlternation()
        guard parser.atEnd else { throw RegexError(position: parser.index + 1, message: "unbalanced ')'") }
        var compiler = RegexCompiler()
        try compiler.emit(node)
        compiler.program.append(.match)
        self.program = compiler.program
        self.pattern = pattern
    }

    /// Characters every full match starts with (empty when the pattern has no literal
    /// start, or has an alternation). The index narrows a regex over sorted tag values to
    /// those with this prefix before running the automaton.
    public var literalPrefix: String {
        guard !pattern.contains("|") else { return "" }
        var prefix: [Character] = []
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if "*?{".contains(c) { if !prefix.isEmpty { prefix.removeLast() }; break }
            if ".^$()[]+}".contains(c) { break }
            if c == "\\" {
                guard i + 1 < chars.count, !(chars[i + 1].isLetter || chars[i + 1].isNumber) else { break }
                // An escaped character is literal unless a quantifier follows it.
                if i + 2 < chars.count, "*?{".contains(chars[i + 2]) { break }
                prefix.append(chars[i + 1])
                i += 2
                continue
            }
            prefix.append(c)
            i += 1
        }
        return String(prefix)
    }

    /// Whether the whole of `text` matches.
    public func fullMatch(_ text: String) -> Bool { run(Array(text), anchored: true) }

    /// Whether some part of `text` matches.
    public func contains(_ text: String) -> Bool { run(Array(text), anchored: false) }

    func run(_ text: [Character], anchored: Bool) -> Bool {
        var current = StateSet(size: program.count)
        var next = StateSet(size: program.count)
        add(0, at: 0, text.count, to: &current)
        for (position, character) in text.enumerated() {
            if !anchored { add(0, at: position, text.count, to: &current) }
            if !anchored && current.containsMatch(program) { return true }
            next.clear()
            for pc in current.members {
                switch program[pc] {
                case .char(let c) where c == character: add(pc + 1, at: position + 1, text.count, to: &next)
                case .any where character != "\n": add(pc + 1, at: position + 1, text.count, to: &next)
                case .set(let ranges, let negated) where ranges.contains(where: { $0.contains(character) }) != negated:
                    add(pc + 1, at: position + 1, text.count, to: &next)
                default: break
                }
            }
            swap(&current, &next)
            if current.members.isEmpty && anchored { return false }
        }
        if !anchored { add(0, at: text.count, text.count, to: &current) }
        return current.containsMatch(program)
    }

    /// Adds `pc` and everything reachable from it without consuming a character.
    func add(_ pc: Int, at position: Int, _ length: Int, to set: inout StateSet) {
        var stack = [pc]
        while let top = stack.popLast() {
            guard set.insert(top) else { continue }
            switch program[top] {
            case .split(let a, let b): stack.append(b); stack.append(a)
            case .jump(let target): stack.append(target)
            case .lineStart: if position == 0 { stack.append(top + 1) }
            case .lineEnd: if position == length { stack.append(top + 1) }
            default: break
            }
        }
    }
}

/// A sparse set of program counters (insertion order kept, O(1) membership).
struct StateSet {
    var members: [Int] = []
    var seen: [Bool]

    init(size: Int) { seen = [Bool](repeating: false, count: size) }

    mutating func insert(_ pc: Int) -> Bool {
        if seen[pc] { return false }
        seen[pc] = true
        members.append(pc)
        return true
    }

    mutating func clear() {
        for pc in members { seen[pc] = false }
        members.removeAll(keepingCapacity: true)
    }

    func containsMatch(_ program: [BoundedRegex.Instruction]) -> Bool {
        members.contains { if case .match = program[$0] { return true } else { return false } }
    }
}

indirect enum RegexNode {
    case char(Character)
    case any
    case set([ClosedRange<Character>], negated: Bool)
    case concat([RegexNode])
    case alternation([RegexNode])
    case repeat_(RegexNode, min: Int, max: Int?)
    case lineStart, lineEnd
    case empty
}

struct RegexParser {
    let chars: [Character]
    var index = 0
    var depth = 0

    init(_ chars: [Character]) { self.chars = chars }

    var atEnd: Bool { index >= chars.count }
    func error(_ message: String) -> RegexError { RegexError(position: index + 1, message: message) }

    mutating func parseAlternation() throws(RegexError) -> RegexNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 100 else { throw error("groups nested deeper than 100") }
        var branches = [try parseConcat()]
        while !atEnd && chars[index] == "|" {
            index += 1
            branches.append(try parseConcat())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func parseConcat() throws(RegexError) -> RegexNode {
        var items: [RegexNode] = []
        while !atEnd && chars[index] != "|" && chars[index] != ")" {
            var atom = try parseAtom()
            while !atEnd, let quantifier = try parseQuantifier() {
                atom = .repeat_(atom, min: quantifier.min, max: quantifier.max)
            }
            items.append(atom)
        }
        return items.isEmpty ? .empty : (items.count == 1 ? items[0] : .concat(items))
    }

    mutating func parseQuantifier() throws(RegexError) -> (min: Int, max: Int?)? {
        switch chars[index] {
        case "*": index += 1; return (0, nil)
        case "+": index += 1; return (1, nil)
        case "?": index += 1; return (0, 1)
        case "{":
            let start = index
            index += 1
            func number() -> Int? {
                var digits = ""
                while index < chars.count, chars[index].isASCII, chars[index].isNumber { digits.append(chars[index]); index += 1 }
                return digits.isEmpty ? nil : Int(digits.prefix(6))
            }
            guard let low = number() else { index = start; return nil }
            var high: Int? = low
            if index < chars.count && chars[index] == "," {
                index += 1
                high = number()
            }
            guard index < chars.count && chars[index] == "}" else { throw error("expected '}' to close a repetition") }
            index += 1
            if let high, high < low { throw RegexError(position: start + 1, message: "repetition {\(low),\(high)} has max below min") }
            guard low <= 1000 && (high ?? 0) <= 1000 else { throw RegexError(position: start + 1, message: "repetition count above 1000") }
            return (low, high)
        default:
            return nil
        }
    }

    mutating func parseAtom() throws(RegexError) -> RegexNode {
        let c = chars[index]
        index += 1
        switch c {
        case ".": return .any
        case "^": return .lineStart
        case "$": return .lineEnd
        case "(":
            if index + 1 < chars.count && chars[index] == "?" && chars[index + 1] == ":" { index += 2 }
            let inner = try parseAlternation()
            guard !atEnd && chars[index] == ")" else { throw error("expected ')'") }
            index += 1
            return inner
        case "[": return try parseSet()
        case "\\": return try parseEscape()
        case "*", "+", "?": throw RegexError(position: index, message: "'\(c)' has nothing to repeat")
        default: return .char(c)
        }
    }

    static let digit: [ClosedRange<Character>] = ["0"..."9"]
    static let word: [ClosedRange<Character>] = ["a"..."z", "A"..."Z", "0"..."9", "_"..."_"]
    static let space: [ClosedRange<Character>] = [" "..." ", "\t"..."\t", "\n"..."\n", "\r"..."\r", "\u{0B}"..."\u{0C}"]

    mutating func parseEscape() throws(RegexError) -> RegexNode {
        guard !atEnd else { throw error("pattern ends with '\\'") }
        let c = chars[index]
        index += 1
        switch c {
        case "d": return .set(Self.digit, negated: false)
        case "D": return .set(Self.digit, negated: true)
        case "w": return .set(Self.word, negated: false)
        case "W": return .set(Self.word, negated: true)
        case "s": return .set(Self.space, negated: false)
        case "S": return .set(Self.space, negated: true)
        case "n": return .char("\n")
        case "t": return .char("\t")
        default:
            guard !(c.isLetter || c.isNumber) else { throw RegexError(position: index, message: "unsupported escape '\\\(c)'") }
            return .char(c)
        }
    }

    mutating func parseSet() throws(RegexError) -> RegexNode {
        var negated = false
        if !atEnd && chars[index] == "^" { negated = true; index += 1 }
        var ranges: [ClosedRange<Character>] = []
        var first = true
        while true {
            guard !atEnd else { throw error("expected ']' to close a character class") }
            var c = chars[index]
            if c == "]" && !first { index += 1; break }
            first = false
            index += 1
            if c == "\\" {
                guard !atEnd else { throw error("pattern ends with '\\'") }
                let e = chars[index]
                index += 1
                switch e {
                case "d": ranges += Self.digit; continue
                case "w": ranges += Self.word; continue
                case "s": ranges += Self.space; continue
                case "n": c = "\n"
                case "t": c = "\t"
                default: c = e
                }
            }
            if index + 1 < chars.count && chars[index] == "-" && chars[index + 1] != "]" {
                let high = chars[index + 1]
                index += 2
                guard c <= high else { throw RegexError(position: index - 2, message: "range \(c)-\(high) is reversed") }
                ranges.append(c...high)
            } else {
                ranges.append(c...c)
            }
        }
        return .set(ranges, negated: negated)
    }
}

struct RegexCompiler {
    var program: [BoundedRegex.Instruction] = []

    mutating func append(_ instruction: BoundedRegex.Instruction) throws(RegexError) {
        guard program.count < BoundedRegex.maxProgramSize else {
            throw RegexError(position: 1, message: "pattern compiles to more than \(BoundedRegex.maxProgramSize) instructions")
        }
        program.append(instruction)
    }

    mutating func emit(_ node: RegexNode) throws(RegexError) {
        switch node {
        case .empty: break
        case .char(let c): try append(.char(c))
        case .any: try append(.any)
        case .set(let ranges, let negated): try append(.set(ranges, negated: negated))
        case .lineStart: try append(.lineStart)
        case .lineEnd: try append(.lineEnd)
        case .concat(let items): for item in items { try emit(item) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (i, branch) in branches.enumerated() {
                if i < branches.count - 1 {
                    let split = program.count
                    try append(.split(split + 1, 0))
                    try emit(branch)
                    jumps.append(program.count)
                    try append(.jump(0))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try emit(branch)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repeat_(let inner, let min, let max):
            for _ in 0..<min { try emit(inner) }
            if let max {
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(program.count)
                    try append(.split(0, 0))
                    try emit(inner)
                }
                for split in splits { program[split] = .split(split + 1, program.count) }
            } else {
                let loop = program.count
                try append(.split(0, 0))
                try emit(inner)
                try append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        }
    }
}
