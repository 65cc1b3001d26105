// FuzzTagIDs: libFuzzer target for the UInt32 tag dictionary id codecs.
//
// Input: DecoderInput; selector % 2 picks the codec: 0 TagIDBitPackedCodec,
// 1 TagIDRunLengthCodec (decoded values outside UInt32 must be rejected).
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
    if input.selector % 2 == 0 {
        CodecCheck.decode(TagIDBitPackedCodec.self, input.payload, count: input.count)
    } else {
        CodecCheck.decode(TagIDRunLengthCodec.self, input.payload, count: input.count)
    }
    return 0
}

FuzzDriver.run { fuzzOne($0, $1) }
