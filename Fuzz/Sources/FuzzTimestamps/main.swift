// FuzzTimestamps: libFuzzer target for TimestampCodec.decode (delta-of-delta Int64).
//
// Input: DecoderInput (selector byte, unused here | UInt16 LE count | payload).
// Checks (FuzzSupport.CodecCheck): decoding throws StorageError or succeeds without
// trapping or writing past `count`; an output one value short is refused; a decoded
// column re-encodes and decodes back bit for bit.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzDriver
import FuzzSupport
import SundialStorage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = DecoderInput(data, size)
    CodecCheck.decode(TimestampCodec.self, input.payload, count: input.count)
    return 0
}

FuzzDriver.run { fuzzOne($0, $1) }
