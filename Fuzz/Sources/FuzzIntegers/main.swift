// FuzzIntegers: libFuzzer target for the four Int64 field codecs.
//
// Input: DecoderInput; selector % 4 picks the codec:
//   0 Int64FrameOfReferenceCodec, 1 Int64DeltaCodec, 2 Int64RunLengthCodec,
//   3 Int64DeltaZstdCodec (its zstd frame is decompressed into the output's tail).
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
    switch input.selector % 4 {
    case 0: CodecCheck.decode(Int64FrameOfReferenceCodec.self, input.payload, count: input.count)
    case 1: CodecCheck.decode(Int64DeltaCodec.self, input.payload, count: input.count)
    case 2: CodecCheck.decode(Int64RunLengthCodec.self, input.payload, count: input.count)
    default: CodecCheck.decode(Int64DeltaZstdCodec.self, input.payload, count: input.count)
    }
    return 0
}

FuzzDriver.run { fuzzOne($0, $1) }
