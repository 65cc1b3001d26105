// Converting between the executor's values (`SQLValue`, `Vector`) and the wire's
// (`WireValue`, `WireColumn`). Arrays move without per-value work: a vector's typed
// array and validity mask become the column's.
import SundialQueryLang
import SundialStorage
import SundialWire

extension WireType {
    init(_ type: SQLType) {
        switch type {
        case .bigint: self = .bigint
        case .double: self = .double
        case .boolean: self = .boolean
        case .string: self = .string
        case .timestamp: self = .timestamp
        case .interval: self = .interval
        case .null: self = .null
        }
    }
}

extension SQLValue {
    init(_ value: WireValue) {
        switch value {
        case .null: self = .null
        case .bigint(let v): self = .bigint(v)
        case .double(let v): self = .double(v)
        case .boolean(let v): self = .boolean(v)
        case .string(let v): self = .string(v)
        case .timestamp(let v): self = .timestamp(v)
        case .interval(let v): self = .interval(v)
        }
    }
}

extension WireColumn {
    /// The vector's values as a wire column of `type` (the result schema's type).
    init(_ vector: Vector, type: SQLType) {
        let wireType = WireType(type)
        let valid = vector.values.validity
        switch (vector.values, wireType.storage) {
        case (.bigint(let v, _), .int64): self.init(type: wireType, values: .int64(v), validity: valid)
        case (.double(let v, _), .double): self.init(type: wireType, values: .double(v), validity: valid)
        case (.boolean(let v, _), .boolean): self.init(type: wireType, values: .boolean(v), validity: valid)
        case (.string(let v, _), .string): self.init(type: wireType, values: .string(v), validity: valid)
        default:
            // The executor's storage differs from the declared type (a NULL-typed
            // expression, a BIGINT widened to DOUBLE): convert row by row.
            var items: [WireValue] = []
            items.reserveCapacity(vector.count)
            for i in 0..<vector.count {
                items.append(Self.convert(vector.value(at: i), to: wireType))
            }
            self = WireColumn.build(items, type: wireType)
                ?? WireColumn(type: wireType, values: Self.empty(wireType.storage, vector.count),
                              validity: [Bool](repeating: false, count: vector.count))
        }
    }

    static func convert(_ value: SQLValue, to type: WireType) -> WireValue {
        switch (value, type) {
        case (.null, _): .null
        case (.bigint(let v), .double): .double(Double(v))
        case (.double(let v), .bigint): v.isFinite && v.rounded() == v && abs(v) < 9.2e18 ? .bigint(Int64(v)) : .null
        case (.bigint(let v), .bigint), (.timestamp(let v), .bigint), (.interval(let v), .bigint): .bigint(v)
        case (.bigint(let v), .timestamp), (.timestamp(let v), .timestamp): .timestamp(v)
        case (.bigint(let v), .interval), (.interval(let v), .interval): .interval(v)
        case (.double(let v), .double): .double(v)
        case (.boolean(let v), .boolean): .boolean(v)
        case (.string(let v), .string): .string(v)
        case (_, .string): .string(value.text)
        default: .null
        }
    }

    static func empty(_ storage: Storage, _ count: Int) -> Values {
        switch storage {
        case .int64: .int64([Int64](repeating: 0, count: count))
        case .double: .double([Double](repeating: 0, count: count))
        case .boolean: .boolean([Bool](repeating: false, count: count))
        case .string: .string([String](repeating: "", count: count))
        }
    }
}

extension WireBatch {
    /// A result batch as a wire batch, with the schema's column types.
    init(_ batch: Batch, types: [SQLType]) {
        self.init(columns: zip(batch.columns, types).map { WireColumn($0, type: $1) }, count: batch.count)
    }

    /// An upper bound on the frame payload this batch encodes to (plain layout).
    var plainSizeBound: Int {
        var size = 16
        for column in columns {
            size += 8 + (count + 7) / 8
            switch column.values {
            case .int64, .double: size += 8 * count
            case .boolean: size += (count + 7) / 8
            case .string(let v): for s in v { size += 10 + s.utf8.count }
            }
        }
        return size
    }
}
