// Reading a request body within the limits: a declared Content-Length past
// `limits.max_body_bytes` is refused before a byte is read, a streamed (chunked) body is
// counted as it arrives and refused the moment it passes the limit, and a gzip body is
// inflated as it arrives with its output capped at `limits.max_decompressed_bytes`.
import Hummingbird
import NIOCore
import SundialServerCore

extension HTTPAPI {
    /// The body's bytes, decompressed when `Content-Encoding: gzip` (and `decompress`).
    /// - Throws: 413 past a limit, 415 for an unsupported encoding, 400 for a broken gzip stream.
    func readBody(_ request: Request, decompress: Bool) async throws(APIError) -> [UInt8] {
        let limit = configuration.limits.maxBodyBytes
        if let declared = request.headers[.contentLength] {
            guard let length = Int(declared), length >= 0 else { throw APIError(.badRequest, "bad_request", "bad Content-Length") }
            if length > limit { throw APIError.bodyTooLarge(limit) }
        }
        var inflater: GzipInflater?
        switch request.headers[.contentEncoding]?.lowercased().trimmingSpaces() {
        case nil, "identity"?, ""?: break
        case ("gzip"?), ("x-gzip"?), ("deflate"?):
            guard decompress else { throw APIError(.unsupportedMediaType, "unsupported_encoding", "this route takes no compressed body") }
            do { inflater = try GzipInflater(limit: configuration.limits.maxDecompressedBytes) } catch { throw APIError.from(error) }
        case let other?:
            throw APIError(.unsupportedMediaType, "unsupported_encoding", "Content-Encoding \(other) is not supported (use gzip or none)")
        }
        var raw: [UInt8] = []
        var received = 0
        do {
            for try await buffer in request.body {
                received += buffer.readableBytes
                if received > limit { throw APIError.bodyTooLarge(limit) }
                if let inflater {
                    let outcome = buffer.withUnsafeReadableBytes { bytes in Result { () throws(InflateError) in try inflater.feed(bytes) } }
                    try outcome.get()
                } else {
                    raw.append(contentsOf: buffer.readableBytesView)
                }
            }
        } catch let error as APIError {
            throw error
        } catch let error as InflateError {
            var answer = APIError.from(error)
            answer.closeConnection = true
            throw answer
        } catch {
            throw APIError(.badRequest, "bad_request", "the request body could not be read: \(error)")
        }
        guard let inflater else { return raw }
        do { try inflater.finish() } catch { throw APIError.from(error) }
        return inflater.output
    }
}
