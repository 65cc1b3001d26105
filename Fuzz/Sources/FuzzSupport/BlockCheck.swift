// FuzzSupport: checks on framed column blocks (ColumnBlock), shared by FuzzBlocks and
// FuzzRoundTrip: a block written by one of ColumnBlock's encoders must open, carry the
// encoding the encoder returned, and decode back to its values bit for bit.

import SundialStorage

/// Block-level round-trip checks.
public enum BlockCheck {
    /// Encodes `values` into a block with `encode` (a ColumnBlock chooser or
    /// `ColumnBlock.write` of one codec), checks the framing, decodes it with `decode`
    /// and traps unless the values come back identical. Returns the block.
    @discardableResult
    public static func roundTrip<Value: BitwiseCopyable>(
        _ values: UnsafeBufferPointer<Value>,
        _ what: @autoclosure () -> String,
        encode: (UnsafeBufferPointer<Value>, inout ByteWriter) -> ColumnEncoding,
        decode: (UnsafeRawBufferPointer, UnsafeMutableBufferPointer<Value>) throws(StorageError) -> Int
    ) -> [UInt8] {
        var writer = ByteWriter(capacity: values.count * 2 + 32)
        let encoding = encode(values, &writer)
        let block = writer.bytes
        let again = GuardedBuffer<Value>(count: values.count)
        do throws(StorageError) {
            try withBytes(block) { raw throws(StorageError) in
                let (header, _) = try ColumnBlock.open(raw)
                guard header.encoding == encoding, header.count == values.count,
                      header.blockLength == raw.count else {
                    fatalError("\(what()): block header \(header) does not match the encoder's \(encoding), "
                               + "\(values.count) values, \(raw.count) bytes")
                }
                let decoded = try decode(raw, again.all)
                guard decoded == values.count else {
                    fatalError("\(what()): \(encoding) block decoded \(decoded) values, expected \(values.count)")
                }
            }
        } catch {
            fatalError("\(what()): cannot decode its own \(encoding) block of \(values.count) values: \(error)")
        }
        again.checkTail("\(what()) (\(encoding) block)")
        expectIdentical(values, again.values, "\(what()) (\(encoding) block)")
        return block
    }

    /// Encodes strings into a block with `ColumnBlock.encodeStrings` and traps unless
    /// `ColumnBlock.decodeStrings` gives back the same UTF-8 bytes. Returns the block.
    @discardableResult
    public static func roundTrip(_ strings: [String], _ what: @autoclosure () -> String) -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        let encoding = ColumnBlock.encodeStrings(strings, into: &writer)
        let block = writer.bytes
        let decoded: [String]
        do throws(StorageError) {
            decoded = try withBytes(block) { raw throws(StorageError) in
                let (header, _) = try ColumnBlock.open(raw)
                guard header.encoding == encoding, header.count == strings.count,
                      header.blockLength == raw.count else {
                    fatalError("\(what()): block header \(header) does not match the encoder's \(encoding)")
                }
                return try ColumnBlock.decodeStrings(raw)
            }
        } catch {
            fatalError("\(what()): cannot decode its own \(encoding) block of \(strings.count) strings: \(error)")
        }
        expectSameStrings(strings, decoded, "\(what()) (\(encoding) block)")
        return block
    }
}

/// Traps unless the two string arrays hold the same UTF-8 bytes (not merely canonically
/// equivalent strings, which is what `String ==` compares).
public func expectSameStrings(_ expected: [String], _ actual: [String], _ what: @autoclosure () -> String) {
    guard expected.count == actual.count else {
        fatalError("\(what()): \(actual.count) strings, expected \(expected.count)")
    }
    for i in expected.indices where !sameUTF8(expected[i], actual[i]) {
        fatalError("\(what()): string \(i) is \(Array(actual[i].utf8)), expected \(Array(expected[i].utf8))")
    }
}

/// Whether two strings hold the same UTF-8 bytes.
public func sameUTF8(_ a: String, _ b: String) -> Bool {
    var a = a
    var b = b
    return a.withUTF8 { x in b.withUTF8 { y in sameBytes(UnsafeRawBufferPointer(x), UnsafeRawBufferPointer(y)) } }
}

/// Traps if `body` returns instead of throwing (a decoder accepted what it must refuse).
public func expectThrows(_ what: @autoclosure () -> String, _ body: () throws(StorageError) -> Void) {
    do throws(StorageError) {
        try body()
    } catch {
        return
    }
    fatalError("\(what()): expected a StorageError, the call succeeded")
}
