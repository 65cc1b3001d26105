// Where a request's credential is: `Authorization: Bearer|Token <credential>`, the
// password of `Authorization: Basic` (how InfluxDB 1.x clients such as Telegraf send
// their token), or, without an Authorization header, the `p` query parameter (InfluxDB
// 1.x `?u=…&p=…`; the user name is ignored). Pure byte work, so it is fuzzed
// (FuzzHTTPBody); the header is split on bytes, not Characters, so a credential that
// starts with a combining mark is not glued to the space or colon before it.

/// Extraction of the credential a request presents.
public enum Credentials {
    /// The credential of a request.
    /// - Parameters:
    ///   - authorization: the `Authorization` header's value, if any.
    ///   - query: the URL query parameters.
    /// - Returns: the credential; `""` for an Authorization header that carries none (an
    ///   unknown scheme, a malformed Basic value, no space), which verifiers refuse; nil
    ///   when there is neither a header nor a `p` parameter.
    public static func extract(authorization: String?, query: QueryString) -> String? {
        guard let header = authorization else { return query["p"] }
        // Split on the first space after the scheme, byte-wise: a space followed by a
        // combining mark is one Character, and must still separate scheme and credential.
        let bytes = Array(header.utf8)
        let space = UInt8(ascii: " ")
        guard let start = bytes.firstIndex(where: { $0 != space }) else { return "" }
        guard let end = bytes[start...].firstIndex(of: space), end + 1 < bytes.count else { return "" }
        let value = trimmingSpaces(bytes[(end + 1)...])
        switch String(decoding: bytes[start..<end], as: UTF8.self).lowercased() {
        case "bearer", "token": return String(decoding: value, as: UTF8.self)
        case "basic":
            // user-id ":" password (RFC 7617); the user-id cannot contain a colon.
            guard let decoded = Base64.decode(String(decoding: value, as: UTF8.self)),
                  String(validating: decoded, as: UTF8.self) != nil,
                  let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return "" }
            return String(decoding: decoded[(colon + 1)...], as: UTF8.self)
        default: return ""
        }
    }

    /// `bytes` without leading and trailing spaces (U+0020 only).
    static func trimmingSpaces(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = bytes
        while s.first == UInt8(ascii: " ") { s = s.dropFirst() }
        while s.last == UInt8(ascii: " ") { s = s.dropLast() }
        return s
    }
}
