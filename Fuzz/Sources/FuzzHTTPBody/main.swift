// FuzzHTTPBody: libFuzzer target for the HTTP API's request-body and credential parsers
// (SundialServerCore; the line protocol body has its own target, FuzzLineProtocol).
//
// Input: byte 0 % 6 picks the parser, byte 0 / 6 is a variant (content type, gzip cap,
// chunking), the rest is the payload (layout and fixtures: FuzzHTTPSupport/HTTPFixtures).
//   0 JSON query body: `JSONValue.parse` — a parsed value serializes to JSON that parses to
//     the same value (non-finite doubles become null), errors point inside the input;
//     `QueryBody.json` — a decoded body re-encoded as {"sql","params"} decodes to itself.
//   1 `QueryBody.decode` under a content type: agrees with `json` / `form` / UTF-8 text.
//   2 URL query / form body: `QueryString` re-encoded with every byte escaped parses to the
//     same parameters; `QueryBody.form` re-encoded as a form decodes to itself, also as a
//     POSTed form body.
//   3 gzip: `GzipInflater` with a small cap, fed whole and in chunks: both agree; output
//     within the cap and its buffer never reserved past it; past the cap it throws
//     `tooLarge` (checked against a 256 KiB inflate); inflated output re-compresses and
//     inflates back, and one byte less of cap refuses it.
//   4 JWT: `JWTVerifier.verify` against fixed secret, clock and three configurations never
//     traps, and a token that verifies is exactly a fixture token signed with the secret
//     (random bytes cannot carry a valid HMAC, and no other spelling of a signature is
//     accepted); `Base64` round trips every part.
//   5 credentials: `Credentials.extract` (even variant: Authorization value, newline, URL
//     query; odd: no header, the URL query): no header means the `p` parameter; Basic and
//     Bearer spellings of the result give it back.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FuzzDriver
import FuzzHTTPSupport
import SundialQueryLang
import SundialServerCore

func fail(_ message: @autoclosure () -> String) -> Never { fatalError(message()) }

// MARK: JSON

/// `value` as it reads back after serialization: non-finite doubles are written as null.
func normalized(_ value: JSONValue) -> JSONValue {
    switch value {
    case .double(let d) where !d.isFinite: .null
    case .array(let items): .array(items.map(normalized))
    case .object(let members): .object(members.map { (key: $0.key, value: normalized($0.value)) })
    default: value
    }
}

func checkJSON(_ bytes: [UInt8]) {
    let value: JSONValue
    do { value = try JSONValue.parse(bytes) } catch {
        guard error.offset >= 0, error.offset <= bytes.count else { fail("JSON error offset \(error.offset) outside \(bytes.count) bytes") }
        return
    }
    let text = value.serialized
    let again: JSONValue
    do { again = try JSONValue.parse(text) } catch { fail("serialized JSON does not parse: \(error) in \(text)") }
    guard again == normalized(value) else { fail("JSON changed through serialization: \(text)") }
    guard again.serialized == text else { fail("JSON serializes differently the second time: \(text)") }
}

/// A SQL parameter as the JSON a client sends.
func json(_ value: SQLValue) -> JSONValue {
    switch value {
    case .null: .null
    case .boolean(let b): .bool(b)
    case .bigint(let n): .integer(n)
    case .double(let d): .double(d)
    case .string(let s): .string(s)
    case .timestamp, .interval: fail("a JSON parameter became \(value)")
    }
}

/// What `parameters` must read back after `json`: non-finite doubles are written as null.
func normalized(_ parameters: [SQLValue]) -> [SQLValue] {
    parameters.map { if case .double(let d) = $0, !d.isFinite { .null } else { $0 } }
}

func checkQueryJSON(_ bytes: [UInt8]) {
    checkJSON(bytes)
    let body: QueryBody
    do { body = try QueryBody.json(bytes) } catch {
        guard !error.message.isEmpty else { fail("empty QueryBodyError") }
        return
    }
    let document = JSONValue.object([("sql", .string(body.sql)), ("params", .array(body.parameters.map(json)))])
    let again: QueryBody
    do { again = try QueryBody.json(Array(document.serialized.utf8)) } catch {
        fail("a re-encoded query body does not decode: \(error)")
    }
    guard again.sql == body.sql, again.parameters == normalized(body.parameters) else {
        fail("a query body changed through re-encoding")
    }
}

// MARK: Bodies and forms

func checkBody(_ bytes: [UInt8], variant: Int) {
    let contentType = HTTPFixtures.contentTypes[variant % HTTPFixtures.contentTypes.count]
    let outcome = Result { () throws(QueryBodyError) in try QueryBody.decode(bytes, contentType: contentType) }
    let lowered = contentType?.lowercased() ?? "text/plain"
    let expected: Result<QueryBody, QueryBodyError>
    if lowered.hasPrefix("application/x-www-form-urlencoded"), bytes.starts(with: Array("sql=".utf8)) {
        expected = Result { () throws(QueryBodyError) in try QueryBody.form(QueryString(String(decoding: bytes, as: UTF8.self))) }
    } else if lowered.hasPrefix("application/json") {
        expected = Result { () throws(QueryBodyError) in try QueryBody.json(bytes) }
    } else if let text = String(validating: bytes, as: UTF8.self) {
        expected = text.isEmpty ? .failure(QueryBodyError("empty query body")) : .success(QueryBody(sql: text))
    } else {
        expected = .failure(QueryBodyError("the SQL is not valid UTF-8"))
    }
    guard outcome == expected else { fail("QueryBody.decode disagrees with its parts under \(contentType ?? "no content type")") }
    if case .success(let body) = outcome, body.sql.isEmpty { fail("an empty SQL text was accepted") }
}

/// Every byte of `text` escaped as %XX (upper- or lowercase hex by `upper`).
func escaped(_ text: String, upper: Bool) -> String {
    let digits = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
    var out: [UInt8] = []
    for b in text.utf8 { out += [UInt8(ascii: "%"), digits[Int(b >> 4)], digits[Int(b & 15)]] }
    return String(decoding: out, as: UTF8.self)
}

func checkForm(_ bytes: [UInt8], variant: Int) {
    let text = String(decoding: bytes, as: UTF8.self)
    let query = QueryString(text)
    let upper = variant & 1 == 0
    let reencoded = query.values.map { escaped($0.key, upper: upper) + "=" + escaped($0.value, upper: upper) }.joined(separator: "&")
    guard QueryString(reencoded).values == query.values else { fail("a query string changed through re-encoding") }

    let body: QueryBody
    do { body = try QueryBody.form(query) } catch {
        if let sql = query["sql"], !sql.isEmpty, query["params"] == nil { fail("a form with sql= and no params= was refused: \(error)") }
        return
    }
    guard body.sql == query["sql"], !body.sql.isEmpty else { fail("form sql differs from sql=") }
    var form = "sql=" + escaped(body.sql, upper: upper)
    if !body.parameters.isEmpty || variant & 2 != 0 {
        form += "&params=" + escaped(JSONValue.array(body.parameters.map(json)).serialized, upper: upper)
    }
    let expected = QueryBody(sql: body.sql, parameters: normalized(body.parameters))
    guard (try? QueryBody.form(QueryString(form))) == expected else { fail("a form query changed through re-encoding") }
    guard (try? QueryBody.decode(Array(form.utf8), contentType: "application/x-www-form-urlencoded")) == expected else {
        fail("a re-encoded form body decodes differently")
    }
}

// MARK: Gzip

/// The reserved output buffer may exceed the cap only by malloc's rounding.
let capacitySlack = 64

enum Inflated: Equatable {
    case output([UInt8])
    case tooLarge
    case corrupt
}

func inflate(_ bytes: UnsafeRawBufferPointer, limit: Int, chunks: [Int]) -> Inflated {
    let inflater: GzipInflater
    do { inflater = try GzipInflater(limit: limit) } catch { fail("GzipInflater(limit: \(limit)) threw \(error)") }
    func checkCapacity() {
        guard inflater.output.count <= limit else { fail("inflated \(inflater.output.count) bytes past the cap \(limit)") }
        guard inflater.output.capacity <= max(limit, 0) + capacitySlack else {
            fail("the output buffer reserved \(inflater.output.capacity) bytes for a cap of \(limit)")
        }
    }
    var i = 0
    var k = 0
    do throws(InflateError) {
        while i < bytes.count {
            let end = min(bytes.count, i + chunks[k % chunks.count])
            k += 1
            try inflater.feed(UnsafeRawBufferPointer(rebasing: bytes[i..<end]))
            checkCapacity()
            i = end
        }
        try inflater.finish()
    } catch {
        checkCapacity()
        switch error {
        case .tooLarge(let l):
            guard l == limit else { fail("tooLarge reports limit \(l), not \(limit)") }
            return .tooLarge
        case .corrupt(let why):
            guard !why.isEmpty else { fail("corrupt without a reason") }
            return .corrupt
        }
    }
    checkCapacity()
    return .output(inflater.output)
}

let bigLimit = 256 << 10

func checkGzip(_ bytes: UnsafeRawBufferPointer, variant: Int) {
    let limit = HTTPFixtures.gzipLimits[variant % HTTPFixtures.gzipLimits.count]
    let whole = inflate(bytes, limit: limit, chunks: [Int.max])
    let chunked = inflate(bytes, limit: limit, chunks: [1 + (variant / 6) % 7, 13, 1, 512])
    guard whole == chunked else { fail("gzip fed whole (\(whole)) and in chunks (\(chunked)) disagree at cap \(limit)") }
    let big = inflate(bytes, limit: bigLimit, chunks: [4096])
    switch (big, whole) {
    case (.output(let all), _) where all.count <= limit:
        guard whole == big else { fail("\(all.count) bytes inflate under a \(bigLimit) cap but not under \(limit)") }
    case (.output, _), (.tooLarge, _):
        guard whole == .tooLarge else { fail("an output past the cap \(limit) did not throw tooLarge: \(whole)") }
    case (.corrupt, _):
        // Corrupt data: the small cap either stops first or sees the same corruption.
        guard whole == .corrupt || whole == .tooLarge else { fail("corrupt under the big cap, \(whole) under \(limit)") }
    }
    guard case .output(let output) = whole, !output.isEmpty else { return }
    let packed = Gzip.compress(output, level: Int32(variant % 10))
    guard (try? GzipInflater.inflate(packed, limit: output.count)) == output else { fail("gzip re-compression does not round trip") }
    do {
        _ = try GzipInflater.inflate(packed, limit: output.count - 1)
        fail("\(output.count) bytes inflated under a cap of \(output.count - 1)")
    } catch {
        guard error == .tooLarge(limit: output.count - 1) else { fail("one byte past the cap threw \(error)") }
    }
}

// MARK: JWT and credentials

let verifiers = HTTPFixtures.configurations.map { JWTVerifier($0, now: { HTTPFixtures.now }) }
let signedTokens = Set(HTTPFixtures.signedTokens.map(\.token))

func checkJWT(_ bytes: [UInt8]) {
    let token = String(decoding: bytes, as: UTF8.self)
    _ = JWTVerifier.looksLikeJWT(token)
    for verifier in verifiers {
        switch verifier.verify(token) {
        case .success(let principal):
            guard HTTPFixtures.signedHeads.contains(HTTPFixtures.head(of: token)) else {
                fail("a token not signed with the secret verified as \(principal)")
            }
            // Exactly a fixture token: no other spelling of its signature is accepted.
            guard signedTokens.contains(token) else { fail("a re-spelled fixture token verified as \(principal)") }
        case .failure(let error):
            guard !error.message.isEmpty, error.code != .forbidden, error.code != .missing else { fail("odd refusal \(error)") }
        }
    }
    for part in token.split(separator: ".", maxSplits: 4, omittingEmptySubsequences: false) {
        guard let decoded = Base64.decode(part) else { continue }
        for urlSafe in [true, false] {
            guard Base64.decode(Base64.encode(decoded, urlSafe: urlSafe)) == decoded else { fail("Base64 does not round trip") }
        }
    }
}

func checkCredentials(_ bytes: [UInt8], variant: Int) {
    // Odd variant: no Authorization header, the payload is the URL query. Even: the header
    // value, then after the first newline (if any) the URL query.
    let newline = variant & 1 == 1 ? nil : bytes.firstIndex(of: 0x0A)
    let header: String? = variant & 1 == 1 ? nil : String(decoding: bytes[..<(newline ?? bytes.endIndex)], as: UTF8.self)
    let queryText: String? = variant & 1 == 1 ? String(decoding: bytes, as: UTF8.self)
        : newline.map { String(decoding: bytes[($0 + 1)...], as: UTF8.self) }
    let query = QueryString(queryText)
    let credential = Credentials.extract(authorization: header, query: query)
    if header == nil {
        guard credential == query["p"] else { fail("without a header the credential is not p=") }
    } else if credential == nil {
        fail("an Authorization header gave no credential at all")
    }
    guard let credential else { return }
    let basic = "Basic " + Base64.encode(Array(("user:" + credential).utf8))
    guard Credentials.extract(authorization: basic, query: query) == credential else { fail("Basic spelling does not round trip") }
    if !credential.isEmpty, credential.utf8.first != UInt8(ascii: " "), credential.utf8.last != UInt8(ascii: " ") {
        for scheme in ["Bearer ", "token ", "BEARER   "] {
            guard Credentials.extract(authorization: scheme + credential, query: query) == credential else {
                fail("\(scheme)spelling does not round trip")
            }
        }
    }
}

// MARK: Entry

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let mode = HTTPFixtures.Mode(rawValue: input[0] % HTTPFixtures.modes)!
    let variant = Int(input[0] / HTTPFixtures.modes)
    let rest = UnsafeRawBufferPointer(rebasing: input[1...])
    switch mode {
    case .jsonBody: checkQueryJSON(Array(rest))
    case .body: checkBody(Array(rest), variant: variant)
    case .form: checkForm(Array(rest), variant: variant)
    case .gzip: checkGzip(rest, variant: variant)
    case .jwt: checkJWT(Array(rest))
    case .credentials: checkCredentials(Array(rest), variant: variant)
    }
    return 0
}

FuzzDriver.run(fuzzOne)
