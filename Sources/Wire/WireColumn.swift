// Result rows as columns, the way the executor holds them: one typed array per column
// and an optional validity mask (nil: every row has a value). Rows without a value keep
// a placeholder (0, false, "") in the array, so the arrays always have `count` entries.

/// One column of a result batch.
///
/// Equality compares doubles by bit pattern (NaN equals NaN, -0.0 differs from 0.0) and
/// treats an all-true validity mask like none: two columns are equal when they carry the
/// same values.
public struct WireColumn: Sendable, Hashable {
    /// How the values of a type are stored.
    public enum Storage: Sendable, Hashable {
        case int64, double, boolean, string
    }

    /// The values, one per row.
    public enum Values: Sendable, Hashable {
        case int64([Int64])
        case double([Double])
        case boolean([Bool])
        case string([String])

        public var count: Int {
            switch self {
            case .int64(let v): v.count
            case .double(let v): v.count
            case .boolean(let v): v.count
            case .string(let v): v.count
            }
        }

        public var storage: Storage {
            switch self {
            case .int64: .int64
            case .double: .double
            case .boolean: .boolean
            case .string: .string
            }
        }

        public static func == (a: Values, b: Values) -> Bool {
            switch (a, b) {
            case (.int64(let x), .int64(let y)): x == y
            case (.double(let x), .double(let y)): x.elementsEqual(y) { $0.bitPattern == $1.bitPattern }
            case (.boolean(let x), .boolean(let y)): x == y
            case (.string(let x), .string(let y)): x == y
            default: false
            }
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(count)
            switch self {
            case .int64(let v): hasher.combine(v)
            case .double(let v): for x in v { hasher.combine(x.bitPattern) }
            case .boolean(let v): hasher.combine(v)
            case .string(let v): hasher.combine(v)
            }
        }
    }

    /// The SQL type of the column.
    public let type: WireType
    /// The values (placeholders where a row has none).
    public let values: Values
    /// Whether each row has a value; nil when every row does.
    public let validity: [Bool]?

    /// A column of `type` holding `values`.
    ///
    /// - Precondition: `values` has the storage of `type` (``WireType/storage``), and
    ///   `validity`, when given, has one entry per value.
    public init(type: WireType, values: Values, validity: [Bool]? = nil) {
        precondition(values.storage == type.storage, "\(type) values are stored as \(type.storage), not \(values.storage)")
        precondition(validity.map { $0.count == values.count } ?? true, "one validity entry per value")
        self.type = type
        self.values = values
        self.validity = validity.flatMap { $0.contains(false) ? $0 : nil }
    }

    /// The number of rows.
    public var count: Int { values.count }

    /// Whether row `i` holds a value.
    @inlinable public func isValid(_ i: Int) -> Bool { validity?[i] ?? true }

    /// Row `i` as a value.
    public func value(at i: Int) -> WireValue {
        guard isValid(i) else { return .null }
        switch values {
        case .int64(let v):
            switch type {
            case .timestamp: return .timestamp(v[i])
            case .interval: return .interval(v[i])
            case .null: return .null
            default: return .bigint(v[i])
            }
        case .double(let v): return .double(v[i])
        case .boolean(let v): return .boolean(v[i])
        case .string(let v): return .string(v[i])
        }
    }

    /// Rows `range` of the column.
    public func slice(_ range: Range<Int>) -> WireColumn {
        let valid = validity.map { Array($0[range]) }
        switch values {
        case .int64(let v): return WireColumn(type: type, values: .int64(Array(v[range])), validity: valid)
        case .double(let v): return WireColumn(type: type, values: .double(Array(v[range])), validity: valid)
        case .boolean(let v): return WireColumn(type: type, values: .boolean(Array(v[range])), validity: valid)
        case .string(let v): return WireColumn(type: type, values: .string(Array(v[range])), validity: valid)
        }
    }

    /// A column built from values, each of which must be NULL or of `type`.
    /// - Returns: nil when a value does not fit `type`.
    public static func build(_ items: [WireValue], type: WireType) -> WireColumn? {
        var valid = [Bool](repeating: true, count: items.count)
        for (i, item) in items.enumerated() where item == .null { valid[i] = false }
        func pick<T>(_ extract: (WireValue) -> T?, _ placeholder: T) -> [T]? {
            var out: [T] = []
            out.reserveCapacity(items.count)
            for item in items {
                if item == .null { out.append(placeholder); continue }
                guard let v = extract(item) else { return nil }
                out.append(v)
            }
            return out
        }
        let values: Values?
        switch type {
        case .null: values = items.allSatisfy { $0 == .null } ? .int64([Int64](repeating: 0, count: items.count)) : nil
        case .bigint: values = pick({ if case .bigint(let v) = $0 { v } else { nil } }, 0).map(Values.int64)
        case .timestamp: values = pick({ if case .timestamp(let v) = $0 { v } else { nil } }, 0).map(Values.int64)
        case .interval: values = pick({ if case .interval(let v) = $0 { v } else { nil } }, 0).map(Values.int64)
        case .double: values = pick({ if case .double(let v) = $0 { v } else { nil } }, 0).map(Values.double)
        case .boolean: values = pick({ if case .boolean(let v) = $0 { v } else { nil } }, false).map(Values.boolean)
        case .string: values = pick({ if case .string(let v) = $0 { v } else { nil } }, "").map(Values.string)
        }
        return values.map { WireColumn(type: type, values: $0, validity: valid) }
    }
}

/// Rows as columns: what one ResultBatch frame carries.
public struct WireBatch: Sendable, Hashable {
    /// The columns, in the order of the result schema; each has ``count`` rows.
    public let columns: [WireColumn]
    /// The number of rows.
    public let count: Int

    /// - Precondition: every column has `count` rows.
    public init(columns: [WireColumn], count: Int) {
        precondition(columns.allSatisfy { $0.count == count }, "every column has \(count) rows")
        self.columns = columns
        self.count = count
    }

    /// Row `i` as values.
    public func row(_ i: Int) -> [WireValue] { columns.map { $0.value(at: i) } }

    /// Rows `range` of the batch.
    public func slice(_ range: Range<Int>) -> WireBatch {
        WireBatch(columns: columns.map { $0.slice(range) }, count: range.count)
    }
}
