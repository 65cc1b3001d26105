// GET/HEAD /ping (InfluxDB's liveness check), GET /health and GET /metrics. None needs
// a credential: they reveal no rows, and load balancers and Prometheus call them bare.
import HTTPTypes
import Hummingbird
import Sundial
import SundialServerCore
import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension HTTPAPI {
    /// 204 with the headers InfluxDB clients look for.
    func ping(_ request: Request, _ context: SundialRequestContext) -> Response {
        Response(status: .noContent, headers: [
            HTTPField.Name("X-Influxdb-Version")!: "1.8.10",
            HTTPField.Name("X-Influxdb-Build")!: "OSS",
            HTTPField.Name("X-Sundial-Version")!: SundialVersion.current,
        ])
    }

    /// 200 `{"status":"ok"}` when the database is open and its directory takes a synced
    /// write; 503 `{"status":"unavailable","reason":…}` otherwise.
    func health(_ request: Request, _ context: SundialRequestContext) -> Response {
        let problem = health.isOpen ? health.probe() : "the database is closed"
        let body: JSONValue = problem.map { .object([("status", .string("unavailable")), ("reason", .string($0))]) }
            ?? .object([("status", .string("ok"))])
        return Response(status: problem == nil ? .ok : .serviceUnavailable,
                        headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: body.serialized + "\n")))
    }

    /// Prometheus text format 0.0.4.
    func prometheus(_ request: Request, _ context: SundialRequestContext) -> Response {
        let text = metrics.exposition(database: database, queriesRunning: queries.current)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
    }
}

/// Whether the data directory can take a durable write: creates a small probe file,
/// writes it, fsyncs it and removes it. Thread safe; probes run one at a time.
final class HealthProbe: Sendable {
    let path: String
    let available = Atomic<Bool>(true)
    let lock = Mutex(())

    init(directory: String) { self.path = directory + "/.health-probe" }

    var isOpen: Bool { available.load(ordering: .acquiring) }

    /// Marks the database closed (shutdown has begun).
    func markClosed() { available.store(false, ordering: .releasing) }

    /// nil when a write and fsync in the data directory succeed, else what failed.
    func probe() -> String? {
        lock.withLock { _ in
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return "cannot create a file in the data directory: \(Self.errorText())" }
            defer { close(fd); unlink(path) }
            let bytes: [UInt8] = Array("sundial health probe\n".utf8)
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == bytes.count else { return "cannot write in the data directory: \(Self.errorText())" }
            guard fsync(fd) == 0 else { return "fsync failed in the data directory: \(Self.errorText())" }
            return nil
        }
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}
