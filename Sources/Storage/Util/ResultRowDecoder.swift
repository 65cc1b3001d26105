// Decoding result rows into `Decodable` types, as PostgresNIO and GRDB do: a property
// reads the column of its coding key (exact name first, then case-insensitively).
// TIMESTAMP and INTERVAL decode as integers (nanoseconds) or as doubles (seconds); BIGINT
// decodes into any integer type that holds it; NULL decodes only into an Optional. A
// mismatch is a `DecodingError` naming the column. One decoder serves the embedded API
// (`SQLValue` rows) and the wire client (`WireValue` rows) through `ResultCell`.

/// A value of a result row, as a row decoder reads it.
public protocol ResultCell: Sendable, CustomStringConvertible {
    var isNullCell: Bool { get }
    var boolCell: Bool? { get }
    var stringCell: String? { get }
    /// BIGINT, TIMESTAMP and INTERVAL values (nanoseconds for the last two).
    var int64Cell: Int64? { get }
    /// DOUBLE and BIGINT values, and TIMESTAMP and INTERVAL in seconds.
    var doubleCell: Double? { get }
    /// The type's name, for error messages.
    var typeName: String { get }
}

/// Decodes one result row (`values`, named by `names`) as a `Decodable` type.
public struct ResultRowDecoder<Cell: ResultCell>: Decoder {
    let names: [String]
    let values: [Cell]
    public var codingPath: [any CodingKey] = []
    public var userInfo: [CodingUserInfoKey: Any] { [:] }

    public init(names: [String], values: [Cell]) {
        self.names = names
        self.values = values
    }

    public func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer<Key, Cell>(decoder: self))
    }

    public func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Cell].self, .init(codingPath: codingPath, debugDescription: "rows decode into keyed types (structs)"))
    }

    public func singleValueContainer() throws -> any SingleValueDecodingContainer {
        guard values.count == 1 else {
            throw DecodingError.typeMismatch(Cell.self, .init(codingPath: codingPath, debugDescription: "a single value needs a one-column result"))
        }
        return CellContainer(value: values[0], codingPath: codingPath)
    }

    func value(for key: any CodingKey) throws -> Cell {
        guard let i = names.firstIndex(of: key.stringValue) ?? names.firstIndex(where: { $0.lowercased() == key.stringValue.lowercased() }) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "the result has no column \"\(key.stringValue)\" (columns: \(names.joined(separator: ", ")))"))
        }
        return values[i]
    }
}

struct RowContainer<Key: CodingKey, Cell: ResultCell>: KeyedDecodingContainerProtocol {
    let decoder: ResultRowDecoder<Cell>
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { decoder.names.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { (try? decoder.value(for: key)) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try decoder.value(for: key).isNullCell }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: CellDecoder(value: try decoder.value(for: key), codingPath: codingPath + [key]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw DecodingError.typeMismatch(type, .init(codingPath: codingPath + [key], debugDescription: "columns hold scalar values"))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Cell].self, .init(codingPath: codingPath + [key], debugDescription: "columns hold scalar values"))
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
}

struct CellDecoder<Cell: ResultCell>: Decoder {
    let value: Cell
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "a column holds a scalar value"))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Cell].self, .init(codingPath: codingPath, debugDescription: "a column holds a scalar value"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { CellContainer(value: value, codingPath: codingPath) }
}

struct CellContainer<Cell: ResultCell>: SingleValueDecodingContainer {
    let value: Cell
    var codingPath: [any CodingKey]

    func mismatch<T>(_ type: T.Type) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "cannot decode \(value.typeName) value \(value) as \(type)"))
    }

    func decodeNil() -> Bool { value.isNullCell }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let b = value.boolCell else { throw mismatch(type) }
        return b
    }

    func decode(_ type: String.Type) throws -> String {
        guard let s = value.stringCell else { throw mismatch(type) }
        return s
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard let d = value.doubleCell else { throw mismatch(type) }
        return d
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard let i = value.int64Cell, let exact = T(exactly: i) else { throw mismatch(type) }
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
        try T(from: CellDecoder(value: value, codingPath: codingPath))
    }
}
