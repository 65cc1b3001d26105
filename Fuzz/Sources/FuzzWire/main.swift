// FuzzWire: libFuzzer target for the wire protocol's frame codec (SundialWire).
//
// Input: byte 0 even — the rest is a byte stream for `FrameDecoder` (1 MiB frame limit),
// fed whole and again in chunks whose sizes come from byte 0; odd — the rest drives a
// generator that builds one frame of every field kind (`FrameGenerator`).
// Checks: decoding never traps; whole and chunked feeding give the same frames and the
// same error; every error's offset lies inside the stream (or at its end); every decoded
// frame re-encodes to bytes that decode to the same frame and re-encode identically;
// a generated frame decodes to itself (decode(encode(x)) == x), also byte by byte.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzDriver
import SundialStorage
import SundialWire

/// Decodes `bytes` fed in chunks of the given sizes (cycled); returns the frames and the error.
func decode(_ bytes: UnsafeRawBufferPointer, chunks: [Int]) -> ([Frame], WireError?) {
    var decoder = FrameDecoder(maxFrameSize: 1 << 20)
    var frames: [Frame] = []
    var i = 0
    var k = 0
    do {
        repeat {
            let end = min(bytes.count, i + chunks[k % chunks.count])
            k += 1
            decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[i..<end]))
            i = end
            while let frame = try decoder.next() { frames.append(frame) }
        } while i < bytes.count
        try decoder.finish()
        return (frames, nil)
    } catch {
        guard let offset = error.offset, offset >= 0, offset <= bytes.count else {
            fatalError("error offset outside the stream of \(bytes.count) bytes: \(error)")
        }
        return (frames, error)
    }
}

/// Whether a frame carries a columnar write, whose storage values compare NaN unequal.
func hasWriteBatch(_ frame: Frame) -> Bool {
    if case .write(let w) = frame, case .batch = w.content { return true }
    return false
}

func checkReencodes(_ frame: Frame) {
    let bytes = frame.encoded()
    guard let again = try? Frame.decode(bytes, maxFrameSize: WireFormat.maxFrameSizeLimit) else {
        fatalError("a decoded \(frame.type) frame re-encodes to bytes that do not decode")
    }
    if !hasWriteBatch(frame) && again != frame { fatalError("\(frame.type) frame changed through re-encoding") }
    if again.encoded() != bytes { fatalError("\(frame.type) frame re-encodes differently the second time") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let mode = input[0]
    let rest = UnsafeRawBufferPointer(rebasing: input[1...])
    if mode & 1 == 0 {
        let (frames, error) = decode(rest, chunks: [Int.max])
        let chunked = decode(rest, chunks: [1 + Int(mode >> 1) % 7, 3, 1, 64])
        guard chunked.0 == frames, chunked.1 == error else {
            fatalError("chunked feeding disagrees: \(chunked.0.count) vs \(frames.count) frames, \(String(describing: chunked.1)) vs \(String(describing: error))")
        }
        for frame in frames { checkReencodes(frame) }
    } else {
        var generator = FrameGenerator(rest)
        let frame = generator.frame()
        let bytes = frame.encoded()
        let decoded: Frame
        do { decoded = try Frame.decode(bytes, maxFrameSize: WireFormat.maxFrameSizeLimit) } catch {
            fatalError("a generated \(frame.type) frame does not decode: \(error)")
        }
        if !hasWriteBatch(frame) && decoded != frame { fatalError("decode(encode(x)) != x for a \(frame.type) frame") }
        if decoded.encoded() != bytes { fatalError("a generated \(frame.type) frame re-encodes differently") }
        let (frames, error) = bytes.withUnsafeBytes { decode($0, chunks: [1 + Int(mode >> 1) % 5]) }
        guard error == nil, frames.count == 1, frames[0].encoded() == bytes else {
            fatalError("byte-by-byte feeding of a generated \(frame.type) frame failed: \(String(describing: error))")
        }
    }
    return 0
}

FuzzDriver.run(fuzzOne)
