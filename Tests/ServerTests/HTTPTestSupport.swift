// Helpers for the end-to-end HTTP tests: a real `sundial serve` process on a port the
// system picks (the server prints the address it bound on its first stdout line), and a
// small blocking HTTP/1.1 client over a socket — small enough to send what real clients
// never do (a huge Content-Length with no body, an endless chunked body).
import Foundation
import SundialServer
import SundialTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A `sundial serve` child process; `stop()` (or the test's end) terminates it.
final class ServerProcessHarness: @unchecked Sendable {
    let process = Process()
    let directory: TemporaryDirectory
    let port: Int
    let stderrPath: String

    /// The `sundial` executable next to the test bundle (`swift test` builds it), or `$SUNDIAL_BIN`.
    static var executable: String {
        if let bin = ProcessInfo.processInfo.environment["SUNDIAL_BIN"] { return bin }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("sundial").path
    }

    /// Starts a server on `127.0.0.1:0` with `config` as its JSON configuration file.
    init(config: String? = nil, arguments: [String] = [], directory: TemporaryDirectory? = nil,
         environment: [String: String] = [:]) throws {
        let directory = try directory ?? TemporaryDirectory(prefix: "sundial-http")
        self.directory = directory
        var args = ["serve", "--data", directory.path + "/data", "--http", "127.0.0.1:0"]
            + (arguments.contains("--wire") ? [] : ["--wire", "127.0.0.1:0"]) + arguments
        if let config {
            let path = directory.path + "/server.json"
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            args += ["--config", path]
        }
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw HarnessError("no sundial executable at \(Self.executable): run `swift build --product sundial` or set SUNDIAL_BIN")
        }
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = args
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SUNDIAL_") }
        env.merge(environment) { _, new in new }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        stderrPath = directory.path + "/server.log"
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
        // Stdout names the bound addresses: "sundial serving http://127.0.0.1:PORT (…)" and,
        // unless the wire listener is off, "sundial wire protocol on 127.0.0.1:PORT".
        let wantsWire = !(arguments.firstIndex(of: "--wire").map { arguments[$0 + 1] == "off" } ?? false)
        var output = Data()
        let reader = out.fileHandleForReading
        let deadline = Date().addingTimeInterval(60)
        func port(after marker: String) -> Int? {
            let text = String(decoding: output, as: UTF8.self)
            guard let line = text.split(separator: "\n").first(where: { $0.contains(marker) }),
                  let range = line.range(of: "127.0.0.1:") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        while (port(after: "serving") == nil || (wantsWire && port(after: "wire protocol") == nil)) && Date() < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        guard let http = port(after: "serving"), !wantsWire || port(after: "wire protocol") != nil else {
            process.terminate()
            throw HarnessError("the server did not start: \(String(decoding: output, as: UTF8.self)) \(Self.log(at: stderrPath))")
        }
        self.port = http
        self.wirePort = wantsWire ? port(after: "wire protocol") : nil
    }

    /// The wire protocol's port (nil when started with `--wire off`).
    let wirePort: Int?

    static func log(at path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    var log: String { Self.log(at: stderrPath) }
    var dataPath: String { directory.path + "/data" }

    /// A client for this server.
    var client: HTTPTestClient { HTTPTestClient(port: port) }

    /// `init` for async tests: the process is started and its first lines awaited on a
    /// thread of its own (see `stopAsync`).
    static func launch(config: String? = nil) async throws -> ServerProcessHarness {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try ServerProcessHarness(config: config) }) }
        }
    }

    /// `stop` for async tests: waits on a thread of its own, so the test runner's shared
    /// threads (which other tests' async clients need) are never blocked while the server
    /// drains.
    @discardableResult
    func stopAsync(signal: Int32 = SIGTERM, timeout: TimeInterval = 30) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.stop(signal: signal, timeout: timeout)) }
        }
    }

    /// Sends SIGTERM and waits (bounded) for the process to exit; returns its status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 30) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        directory.remove()
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// An HTTP answer.
struct HTTPAnswer {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers[name.lowercased()] }
    /// The body parsed as JSON.
    var json: JSONValue? { try? JSONValue.parse(body) }
    /// `error.code` of a JSON error body.
    var errorCode: String? { json?["error"]?["code"]?.string }
}

/// A blocking HTTP/1.1 client; one connection per request.
struct HTTPTestClient: Sendable {
    let port: Int

    /// Sends a request and reads the whole answer.
    func send(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil) throws -> HTTPAnswer {
        let socket = try Socket(port: port)
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body, !headers.contains(where: { $0.0.lowercased() == "content-length" || $0.0.lowercased() == "transfer-encoding" }) {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try socket.send(Array(head.utf8) + (body ?? []))
        return try socket.readAnswer(method: method)
    }

    func post(_ target: String, _ body: String, headers: [(String, String)] = []) throws -> HTTPAnswer {
        try send("POST", target, headers: headers, body: Array(body.utf8))
    }

    func get(_ target: String, headers: [(String, String)] = []) throws -> HTTPAnswer {
        try send("GET", target, headers: headers)
    }

    /// A GET of /api/v1/query with the SQL form-encoded.
    func query(_ sql: String, format: String? = nil, headers: [(String, String)] = []) throws -> HTTPAnswer {
        var target = "/api/v1/query?sql=" + Self.formEncode(sql)
        if let format { target += "&format=" + format }
        return try get(target, headers: headers)
    }

    static func formEncode(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "*"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: " "): out += "+"
            default: out += String(format: "%%%02X", b)
            }
        }
        return out
    }
}

/// A blocking TCP connection to 127.0.0.1 with a receive timeout.
final class Socket {
    private(set) var fd: Int32
    var buffered: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 30) throws {
        fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(errno)") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw HarnessError("connect to port \(port) failed: errno \(errno)")
        }
    }

    deinit { close() }

    /// Closes the connection (idempotent).
    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw HarnessError("send failed: errno \(errno)") }
            sent += n
        }
    }

    /// Reads more bytes into the buffer; false at end of stream.
    func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw HarnessError("recv failed: errno \(errno)") }
            if n == 0 { return false }
            buffered += chunk[0..<n]
            return true
        }
    }

    func readLine() throws -> String {
        while true {
            if let i = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffered[..<i]
                buffered.removeFirst(i + 1)
                return String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
            }
            guard try fill() else { throw HarnessError("connection closed inside a line") }
        }
    }

    func readBytes(_ count: Int) throws -> [UInt8] {
        while buffered.count < count { guard try fill() else { throw HarnessError("connection closed inside the body") } }
        let out = Array(buffered[..<count])
        buffered.removeFirst(count)
        return out
    }

    /// Reads a status line, headers and body (Content-Length, chunked, or to the end).
    func readAnswer(method: String = "GET") throws -> HTTPAnswer {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw HarnessError("bad status line: \(statusLine)") }
        var headers: [String: String] = [:]
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        var body: [UInt8] = []
        if method == "HEAD" || status == 204 || status == 304 {
            // no body
        } else if let length = headers["content-length"].flatMap(Int.init) {
            body = try readBytes(length)
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                let sizeLine = try readLine()
                guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw HarnessError("bad chunk size \(sizeLine)") }
                if size == 0 { _ = try readLine(); break }
                body += try readBytes(size)
                _ = try readLine()
            }
        } else {
            while try fill() {}
            body = buffered
            buffered = []
        }
        return HTTPAnswer(status: status, headers: headers, body: body)
    }
}
