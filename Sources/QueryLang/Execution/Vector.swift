// Column vectors and batches: the unit the executor works on. A vector is one column of
// a batch (a few thousand rows), typed by `SQLType` and stored as `ColumnValues`
// (TIMESTAMP, INTERVAL and the NULL type as 64-bit integers) with an optional validity
// mask. Kernels switch on the storage once per vector and loop over typed arrays.
import SundialStorage

/// One column of a batch.
public struct Vector: Sendable {
    public var type: SQLType
    public var values: ColumnValues

    public init(type: SQLType, values: ColumnValues) {
        self.type = type
        self.values = values
    }

    public var count: Int { values.count }

    /// Whether row `i` holds a value.
    @inlinable public func isValid(_ i: Int) -> Bool { values.validity?[i] ?? true }

    /// A vector of `count` copies of `value`.
    public static func constant(_ value: SQLValue, type: SQLType, count: Int) -> Vector {
        if value.isNull { return Vector(type: type, values: .nulls(type.storage, count: count)) }
        switch value {
        case .double(let v): return Vector(type: type, values: .double([Double](repeating: v, count: count), valid: nil))
        case .bigint(let v):
            if type == .double { return Vector(type: type, values: .double([Double](repeating: Double(v), count: count), valid: nil)) }
            return Vector(type: type, values: .bigint([Int64](repeating: v, count: count), valid: nil))
        case .timestamp(let v), .interval(let v):
            return Vector(type: type, values: .bigint([Int64](repeating: v, count: count), valid: nil))
        case .boolean(let v): return Vector(type: type, values: .boolean([Bool](repeating: v, count: count), valid: nil))
        case .string(let v): return Vector(type: type, values: .string([String](repeating: v, count: count), valid: nil))
        case .null: return Vector(type: type, values: .nulls(type.storage, count: count))
        }
    }

    /// Row `i` as a value.
    public func value(at i: Int) -> SQLValue {
        guard isValid(i) else { return .null }
        switch values {
        case .double(let v, _): return .double(v[i])
        case .bigint(let v, _):
            switch type {
            case .timestamp: return .timestamp(v[i])
            case .interval: return .interval(v[i])
            case .null: return .null
            default: return .bigint(v[i])
            }
        case .boolean(let v, _): return .boolean(v[i])
        case .string(let v, _): return .string(v[i])
        }
    }

    /// Builds a vector from values (NULLs allowed); values must fit `type`.
    public static func build(_ items: [SQLValue], type: SQLType) -> Vector {
        var builder = VectorBuilder(type: type, capacity: items.count)
        for item in items { builder.append(item) }
        return builder.finish()
    }

    /// Whether rows `i` and `j` hold the same value (NULLs equal), compared on the
    /// typed storage without building values.
    @inlinable
    public func rowsEqual(_ i: Int, _ j: Int) -> Bool {
        if let valid = values.validity, valid[i] != valid[j] { return false } else if let valid = values.validity, !valid[i] { return true }
        switch values {
        case .double(let v, _): return v[i] == v[j] || (v[i].isNaN && v[j].isNaN)
        case .bigint(let v, _): return v[i] == v[j]
        case .boolean(let v, _): return v[i] == v[j]
        case .string(let v, _): return v[i] == v[j]
        }
    }

    /// The rows at `indices`, in that order.
    public func gathered(_ indices: [Int]) -> Vector {
        Vector(type: type, values: values.gathered(indices.map { Optional($0) }))
    }
}

/// Appends values one at a time into typed storage.
struct VectorBuilder {
    let type: SQLType
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var bools: [Bool] = []
    private var strings: [String] = []
    private var valid: [Bool] = []
    private var anyNull = false

    init(type: SQLType, capacity: Int = 0) {
        self.type = type
        valid.reserveCapacity(capacity)
        switch type.storage {
        case .double: doubles.reserveCapacity(capacity)
        case .boolean: bools.reserveCapacity(capacity)
        case .string: strings.reserveCapacity(capacity)
        default: ints.reserveCapacity(capacity)
        }
    }

    mutating func append(_ value: SQLValue) {
        let isNull = value.isNull
        valid.append(!isNull)
        if isNull { anyNull = true }
        switch type.storage {
        case .double: doubles.append(isNull ? 0 : (value.doubleValue ?? 0))
        case .boolean:
            if case .boolean(let b) = value { bools.append(b) } else { bools.append(false) }
        case .string:
            if case .string(let s) = value { strings.append(s) } else { strings.append(isNull ? "" : value.text) }
        default: ints.append(value.int64Value ?? 0)
        }
    }

    func finish() -> Vector {
        let mask = anyNull ? valid : nil
        switch type.storage {
        case .double: return Vector(type: type, values: .double(doubles, valid: mask))
        case .boolean: return Vector(type: type, values: .boolean(bools, valid: mask))
        case .string: return Vector(type: type, values: .string(strings, valid: mask))
        default: return Vector(type: type, values: .bigint(ints, valid: mask))
        }
    }
}

/// Rows as columns: the unit that flows between operators.
public struct Batch: Sendable {
    public var columns: [Vector]
    public var count: Int

    public init(columns: [Vector], count: Int) {
        self.columns = columns
        self.count = count
    }

    /// The rows at `indices`.
    public func gathered(_ indices: [Int]) -> Batch {
        Batch(columns: columns.map { $0.gathered(indices) }, count: indices.count)
    }

    /// Row `i` as values.
    public func row(_ i: Int) -> [SQLValue] { columns.map { $0.value(at: i) } }
}
