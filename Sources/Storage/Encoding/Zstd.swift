// Thin wrapper over libzstd (the CZstd system library) for the string codec and the
// zstd stage of the integer codecs.
//
// Contexts are pooled so a block costs no context allocation. Decompression always
// targets a caller-sized buffer whose size comes from our own header; the frame's
// declared content size must equal it, so a hostile frame cannot make us allocate.
import CZstd
import Synchronization

enum Zstd {
    /// The compression level used for column blocks (zstd's default trade-off).
    static let level: Int32 = 3

    /// A zstd context; each is used by one thread at a time (taken from and returned to a pool).
    private struct Context: @unchecked Sendable { let pointer: OpaquePointer }
    private static let compressionContexts = Mutex<[Context]>([])
    private static let decompressionContexts = Mutex<[Context]>([])
    private static let poolLimit = 16

    /// Appends one zstd frame holding `source` to `writer`; returns the frame's size.
    static func compress(_ source: UnsafeRawBufferPointer, into writer: inout ByteWriter) -> Int {
        let bound = ZSTD_compressBound(source.count)
        let context = compressionContexts.withLock { $0.popLast()?.pointer } ?? ZSTD_createCCtx()
        defer {
            if let context {
                let kept = compressionContexts.withLock { pool in
                    guard pool.count < poolLimit else { return false }
                    pool.append(Context(pointer: context))
                    return true
                }
                if !kept { ZSTD_freeCCtx(context) }
            }
        }
        let start = writer.count
        var written = 0
        writer.writeZeroed(count: bound) { dst in
            let result = ZSTD_compressCCtx(context, dst.baseAddress, bound,
                                           source.baseAddress, source.count, level)
            // Compressing into a buffer of ZSTD_compressBound bytes cannot fail but for
            // memory exhaustion; that is a programmer-visible invariant, not input.
            precondition(ZSTD_isError(result) == 0, "zstd compression failed")
            written = result
        }
        writer.bytes.removeLast(writer.count - start - written)
        return written
    }

    /// Decompresses the single frame `source` into exactly `destination.count` bytes.
    /// - Throws: `.compression` when the frame is invalid or its size differs.
    static func decompress(
        _ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer,
        errorOffset: Int
    ) throws(StorageError) {
        let declared = ZSTD_getFrameContentSize(source.baseAddress, source.count)
        // ZSTD_CONTENTSIZE_UNKNOWN / _ERROR are UInt64.max and UInt64.max - 1.
        guard declared < UInt64.max - 1 else {
            throw StorageError(.compression, "zstd frame header is invalid or has no content size",
                               offset: errorOffset)
        }
        guard declared == UInt64(destination.count) else {
            throw StorageError(.compression,
                               "zstd frame holds \(declared) bytes, the block declares \(destination.count)",
                               offset: errorOffset)
        }
        if destination.count == 0 && source.count == 0 { return }
        let context = decompressionContexts.withLock { $0.popLast()?.pointer } ?? ZSTD_createDCtx()
        defer {
            if let context {
                let kept = decompressionContexts.withLock { pool in
                    guard pool.count < poolLimit else { return false }
                    pool.append(Context(pointer: context))
                    return true
                }
                if !kept { ZSTD_freeDCtx(context) }
            }
        }
        guard context != nil else {
            throw StorageError(.compression, "zstd could not allocate a context", offset: errorOffset)
        }
        let result = ZSTD_decompressDCtx(context, destination.baseAddress, destination.count,
                                         source.baseAddress, source.count)
        if ZSTD_isError(result) != 0 {
            let name = String(cString: ZSTD_getErrorName(result))
            throw StorageError(.compression, "zstd: \(name)", offset: errorOffset)
        }
        guard result == destination.count else {
            throw StorageError(.compression,
                               "zstd produced \(result) bytes, expected \(destination.count)",
                               offset: errorOffset)
        }
    }
}
