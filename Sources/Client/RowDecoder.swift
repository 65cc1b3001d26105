// Decoding result rows into `Decodable` types, as the embedded API's `DecodedRows` does
// (Sources/QueryLang/RowDecoder.swift), over wire values: a property reads the column of
// its coding key. TIMESTAMP and INTERVAL decode as integers (nanoseconds) or as doubles
// (seconds); BIGINT decodes into any integer type that holds it; NULL decodes only into
// an Optional. A mismatch is a `DecodingError` naming the column.
import SundialWire

extension WireValue {
    var isNull: Bool { self == .null }

    var int64Value: Int64? {
        switch self {
        case .bigint(let v), .timestamp(let v), .interval(let v): v
        default: nil
        }
    }
}

struct RowDecoder: Decoder {
    let names: [String]
    let values: [WireValue]
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([WireValue].self, .init(codingPath: codingPath, debugDescription: "rows decode into keyed types (structs)"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        guard values.count == 1 else {
            throw DecodingError.typeMismatch(WireValue.self, .init(codingPath: codingPath, debugDescription: "a single value needs a one-column result"))
        }
        return ValueContainer(value: values[0], codingPath: codingPath)
    }

    func value(for key: any CodingKey) throws -> WireValue {
        guard let i = names.firstIndex(of: key.stringValue) ?? names.firstIndex(where: { $0.lowercased() == key.stringValue.lowercased() }) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "the result has no column \"\(key.stringValue)\" (columns: \(names.joined(separator: ", ")))"))
        }
        return values[i]
    }
}

struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: RowDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { decoder.names.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { (try? decoder.value(for: key)) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try decoder.value(for: key).isNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: ValueDecoder(value: try decoder.value(for: key), codingPath: codingPath + [key]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw DecodingError.typeMismatch(type, .init(codingPath: codingPath + [key], debugDescription: "columns hold scalar values"))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([WireValue].self, .init(codingPath: codingPath + [key], debugDescription: "columns hold scalar values"))
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
}

struct ValueDecoder: Decoder {
    let value: WireValue
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "a column holds a scalar value"))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([WireValue].self, .init(codingPath: codingPath, debugDescription: "a column holds a scalar value"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { ValueContainer(value: value, codingPath: codingPath) }
}

struct ValueContainer: SingleValueDecodingContainer {
    let value: WireValue
    var codingPath: [any CodingKey]

    func mismatch<T>(_ type: T.Type) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "cannot decode \(value.type) value \(value) as \(type)"))
    }

    func decodeNil() -> Bool { value.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .boolean(let b) = value else { throw mismatch(type) }
        return b
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let s) = value else { throw mismatch(type) }
        return s
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case .double(let d): return d
        case .bigint(let i): return Double(i)
        case .timestamp(let t), .interval(let t): return Double(t) / 1e9
        default: throw mismatch(type)
        }
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard let i = value.int64Value, let exact = T(exactly: i) else { throw mismatch(type) }
        return exact
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        return try T(from: ValueDecoder(value: value, codingPath: codingPath))
    }
}
