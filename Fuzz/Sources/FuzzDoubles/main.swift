// FuzzDoubles: libFuzzer target for the Double codecs.
//
// Input: DecoderInput; selector % 2 picks the codec: 0 GorillaCodec (XOR bit stream),
// 1 DecimalCodec (scaled integers in any IntegerStream layout, plus exceptions).
// Checks (FuzzSupport.CodecCheck): decoding throws StorageError or succeeds without
// trapping or writing past `count`; an output one value short is refused; a decoded
// column re-encodes and decodes back bit for bit (bit patterns: NaN payloads, -0.0).
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
    if input.selector % 2 == 0 {
        CodecCheck.decode(GorillaCodec.self, input.payload, count: input.count)
    } else {
        CodecCheck.decode(DecimalCodec.self, input.payload, count: input.count)
    }
    return 0
}

FuzzDriver.run { fuzzOne($0, $1) }
