// Streaming gzip/deflate decompression with a cap on the output (zlib through the
// CZlib system library). A body is inflated chunk by chunk as it arrives; the moment
// the output would pass the cap the inflater stops, so a compression bomb costs at most
// `limit` bytes of output (the output buffer never reserves more) plus zlib's window and
// a scratch buffer of at most 64 KiB. Not thread safe: one inflater per request.
import CZlib

/// Why a compressed body was refused.
public enum InflateError: Error, Sendable, Hashable {
    /// The decompressed body would be larger than the limit.
    case tooLarge(limit: Int)
    /// The bytes are not valid gzip/zlib data (or end early).
    case corrupt(String)
}

/// Inflates a gzip (or zlib) stream fed in pieces.
public final class GzipInflater {
    private var stream = z_stream()
    private var finished = false
    private let limit: Int
    /// The decompressed bytes so far.
    public private(set) var output: [UInt8] = []

    /// - Parameter limit: the largest decompressed size accepted.
    public init(limit: Int) throws(InflateError) {
        self.limit = limit
        // 15 + 32: zlib detects a gzip or zlib header itself.
        guard sundial_inflateInit2(&stream, 15 + 32) == Z_OK else { throw .corrupt("zlib could not start") }
    }

    deinit { inflateEnd(&stream) }

    /// Inflates the next piece of input.
    public func feed(_ input: UnsafeRawBufferPointer) throws(InflateError) {
        guard !input.isEmpty else { return }
        guard !finished else { throw .corrupt("data after the end of the compressed stream") }
        // The scratch buffer is never larger than the limit needs (one byte past it tells
        // that the output is too large), so a small limit costs small buffers.
        var chunk = [UInt8](repeating: 0, count: limit < 64 << 10 ? max(limit, 0) + 1 : 64 << 10)
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(input.count)
        defer { stream.next_in = nil; stream.avail_in = 0 }
        while stream.avail_in > 0 || !finished {
            let (status, produced) = chunk.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                return (status, out.count - Int(stream.avail_out))
            }
            stream.next_out = nil
            if produced > 0 {
                guard output.count + produced <= limit else { throw .tooLarge(limit: limit) }
                if output.capacity < output.count + produced {
                    // Grow geometrically, but never reserve past the limit.
                    output.reserveCapacity(min(limit, max(2 * output.count, output.count + produced)))
                }
                output += chunk[0..<produced]
            }
            switch status {
            case Z_STREAM_END:
                finished = true
                if stream.avail_in > 0 { throw .corrupt("data after the end of the compressed stream") }
                return
            case Z_OK: if produced == 0 && stream.avail_in == 0 { return }
            case Z_BUF_ERROR: return  // needs more input
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw .corrupt(message)
            }
        }
    }

    /// Inflates the next piece of input.
    public func feed(_ bytes: [UInt8]) throws(InflateError) {
        let outcome = bytes.withUnsafeBytes { b in Result { () throws(InflateError) in try feed(b) } }
        try outcome.get()
    }

    /// Checks that the stream ended where the input did.
    public func finish() throws(InflateError) {
        guard finished else { throw .corrupt("the compressed stream ends early") }
    }

    /// Inflates a whole buffer (for tests and small bodies).
    public static func inflate(_ bytes: [UInt8], limit: Int) throws(InflateError) -> [UInt8] {
        let inflater = try GzipInflater(limit: limit)
        try inflater.feed(bytes)
        try inflater.finish()
        return inflater.output
    }
}

/// Gzip compression (for tests and clients of the server).
public enum Gzip {
    /// `bytes` as one gzip member.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: a gzip header and trailer.
        guard sundial_deflateInit2(&stream, level, 15 + 16) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        var input = bytes
        let produced = input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o -> Int in
                stream.next_in = i.baseAddress
                stream.avail_in = UInt32(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = UInt32(o.count)
                _ = deflate(&stream, Z_FINISH)
                return o.count - Int(stream.avail_out)
            }
        }
        return Array(out[0..<produced])
    }
}
