// Decoding result rows into `Decodable` types, as the embedded API's `DecodedRows` does,
// over wire values: SundialStorage's ResultRowDecoder, through `ResultCell`.
import SundialStorage
import SundialWire

extension WireValue: ResultCell {
    public var isNullCell: Bool { self == .null }
    public var boolCell: Bool? { if case .boolean(let b) = self { b } else { nil } }
    public var stringCell: String? { if case .string(let s) = self { s } else { nil } }
    public var int64Cell: Int64? {
        switch self {
        case .bigint(let v), .timestamp(let v), .interval(let v): v
        default: nil
        }
    }
    public var doubleCell: Double? {
        switch self {
        case .double(let d): d
        case .bigint(let i): Double(i)
        case .timestamp(let t), .interval(let t): Double(t) / 1e9
        default: nil
        }
    }
    public var typeName: String { "\(type)" }
}

