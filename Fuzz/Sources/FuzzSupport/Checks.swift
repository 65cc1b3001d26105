// FuzzSupport: the checks every codec target applies.
//
// - Decoders get arbitrary payloads: they must return or throw `StorageError` (their
//   signature allows nothing else), never trap, and never write past `count` values of
//   their output (a sentinel tail after the output catches writes that AddressSanitizer
//   cannot, because they stay inside our own allocation).
// - An output buffer one value too small must be refused with an error.
// - Whatever decodes must survive encode -> decode bit for bit (Doubles compared as bit
//   patterns, so NaN payloads and -0.0 count).
//
// A violated property calls `fatalError`, which libFuzzer reports as a crash and saves
// the input.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SundialStorage

/// An output buffer of `count` values followed by `slack` values of sentinel bytes.
public final class GuardedBuffer<Value: BitwiseCopyable> {
    /// The byte the buffer is filled with before a decoder runs.
    public static var sentinel: UInt8 { 0xA5 }
    /// Values after `count` that must stay untouched.
    public static var slack: Int { 8 }

    public let count: Int
    private let raw: UnsafeMutableRawBufferPointer
    /// All `count + slack` values; decoders receive this whole buffer.
    public let all: UnsafeMutableBufferPointer<Value>

    public init(count: Int) {
        self.count = count
        let stride = MemoryLayout<Value>.stride
        raw = .allocate(byteCount: (count + Self.slack) * stride, alignment: MemoryLayout<Value>.alignment)
        raw.initializeMemory(as: UInt8.self, repeating: Self.sentinel)
        all = raw.bindMemory(to: Value.self)
    }

    deinit { raw.deallocate() }

    /// The first `count` values, as the decoder left them.
    public var values: UnsafeBufferPointer<Value> {
        UnsafeBufferPointer(rebasing: all[0..<count])
    }

    /// Traps if anything after the first `count` values was written.
    public func checkTail(_ what: @autoclosure () -> String) {
        let start = count * MemoryLayout<Value>.stride
        for k in start..<raw.count where raw[k] != Self.sentinel {
            fatalError("\(what()): decoder wrote byte \(k - start) past its \(count) output values")
        }
    }
}

/// Traps unless `actual` holds the same values as `expected`, compared byte for byte.
public func expectIdentical<Value: BitwiseCopyable>(
    _ expected: UnsafeBufferPointer<Value>, _ actual: UnsafeBufferPointer<Value>,
    _ what: @autoclosure () -> String
) {
    guard expected.count == actual.count else {
        fatalError("\(what()): \(actual.count) values, expected \(expected.count)")
    }
    let a = UnsafeRawBufferPointer(expected)
    let b = UnsafeRawBufferPointer(actual)
    guard !sameBytes(a, b) else { return }
    let stride = MemoryLayout<Value>.stride
    for i in 0..<expected.count {
        let x = UnsafeRawBufferPointer(rebasing: a[(i * stride)..<((i + 1) * stride)])
        let y = UnsafeRawBufferPointer(rebasing: b[(i * stride)..<((i + 1) * stride)])
        if !x.elementsEqual(y) {
            fatalError("\(what()): value \(i) of \(expected.count) is \(hex(y)), expected \(hex(x))")
        }
    }
}

/// Whether two buffers hold the same bytes. memcmp is not coverage-instrumented, so
/// comparing large outputs costs the fuzzer little.
public func sameBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    guard a.count > 0, let x = a.baseAddress, let y = b.baseAddress else { return true }
    return memcmp(x, y, a.count) == 0
}

/// `bytes.withUnsafeBytes(body)` keeping `body`'s typed throws (Array's is untyped).
public func withBytes<R>(
    _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(StorageError) -> R
) throws(StorageError) -> R {
    let result = bytes.withUnsafeBytes { raw in Result { () throws(StorageError) in try body(raw) } }
    return try result.get()
}

/// Little-endian bytes as hex, most significant first (a value's natural spelling).
public func hex(_ bytes: UnsafeRawBufferPointer) -> String {
    let digits = Array("0123456789abcdef")
    var text = "0x"
    for byte in bytes.reversed() {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 15)])
    }
    return text
}

/// The decode and round-trip checks for any fixed-width codec.
public enum CodecCheck {
    /// Decodes `payload` as `count` values with `codec` and checks the properties above.
    /// Returns whether the payload decoded.
    @discardableResult
    public static func decode<C: ColumnCodec>(
        _ codec: C.Type, _ payload: UnsafeRawBufferPointer, count: Int
    ) -> Bool where C.Value: BitwiseCopyable {
        let name = "\(C.encoding)"
        // One value too few: must be refused, whatever the payload.
        if count > 0 {
            let small = GuardedBuffer<C.Value>(count: count - 1)
            let short = UnsafeMutableBufferPointer(rebasing: small.all[0..<(count - 1)])
            do throws(StorageError) {
                try C.decode(payload, count: count, into: short)
                fatalError("\(name): decoded \(count) values into an output of \(count - 1)")
            } catch {}
            small.checkTail("\(name) (output too small)")
        }
        let output = GuardedBuffer<C.Value>(count: count)
        do throws(StorageError) {
            try C.decode(payload, count: count, into: output.all)
        } catch {
            output.checkTail("\(name) (failed decode: \(error))")
            return false
        }
        output.checkTail("\(name)")
        roundTrip(codec, output.values, "\(name) re-encoding a decoded payload")
        return true
    }

    /// Encodes `values` with `codec`, decodes the payload and traps unless the result is
    /// identical bit for bit. Returns the payload.
    @discardableResult
    public static func roundTrip<C: ColumnCodec>(
        _ codec: C.Type, _ values: UnsafeBufferPointer<C.Value>, _ what: @autoclosure () -> String
    ) -> [UInt8] where C.Value: BitwiseCopyable {
        var writer = ByteWriter(capacity: values.count * 2 + 16)
        C.encode(values, into: &writer)
        expectDecodes(codec, writer.bytes, to: values, what())
        return writer.bytes
    }

    /// Decodes `payload` with `codec` and traps unless it gives `values` bit for bit.
    public static func expectDecodes<C: ColumnCodec>(
        _ codec: C.Type, _ payload: [UInt8], to values: UnsafeBufferPointer<C.Value>,
        _ what: @autoclosure () -> String
    ) where C.Value: BitwiseCopyable {
        let again = GuardedBuffer<C.Value>(count: values.count)
        do throws(StorageError) {
            try withBytes(payload) { raw throws(StorageError) in
                try C.decode(raw, count: values.count, into: again.all)
            }
        } catch {
            fatalError("\(what()): \(C.encoding) cannot decode its own encoding of \(values.count) values: \(error)")
        }
        again.checkTail("\(what()) (\(C.encoding))")
        expectIdentical(values, again.values, "\(what()) (\(C.encoding))")
    }
}
