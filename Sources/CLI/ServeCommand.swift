// `sundial serve`: the HTTP API and the wire protocol over one data directory.
import ArgumentParser
import Sundial
import SundialServer
#if canImport(Glibc)
import Glibc
#endif

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a database over HTTP (InfluxDB-compatible writes, SQL queries, /metrics, /health) and the wire protocol.",
        discussion: """
            Settings come from these flags, then the --config file (JSON), then SUNDIAL_* \
            environment variables, then defaults; every key is in docs/server.md. Without \
            credentials the server only listens on loopback unless --allow-unauthenticated. \
            SIGTERM or SIGINT drains in-flight requests and closes the database. The HTTP \
            API is described in docs/http.md, the wire protocol in docs/formats/wire.md.
            """)

    @Option(name: .long, help: "The data directory (default ./sundial-data).")
    var data: String?

    @Option(name: .long, help: "HTTP listen address HOST:PORT (default 127.0.0.1:9470; port 0 picks a free one).")
    var http: String?

    @Option(name: .long, help: "Wire-protocol listen address HOST:PORT (default 127.0.0.1:9471; 0 picks a free port; off: none).")
    var wire: String?

    @Option(name: .long, help: "A JSON configuration file (see docs/server.md).")
    var config: String?

    @Flag(name: .long, help: "Allow listening beyond loopback without credentials.")
    var allowUnauthenticated = false

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    func run() async throws {
        var flags: [String: JSONValue] = [:]
        if let data { flags["data"] = .string(data) }
        if let http { flags["http"] = .string(http) }
        if let wire { flags["wire"] = .string(wire) }
        if allowUnauthenticated { flags["allow_unauthenticated"] = .bool(true) }
        if let logLevel { flags["log_level"] = .string(logLevel) }
        let configuration: ServerConfiguration
        let server: ServerProcess
        do {
            let fileContents = try config.map { path throws(ConfigurationError) in try ConfigurationLoader.readFile(path) }
            configuration = try ConfigurationLoader.load(flags: flags, fileContents: fileContents, environment: Self.environment())
            let logger = ServerProcess.bootstrapLogging(level: configuration.logLevel)
            server = try ServerProcess(configuration: configuration, logger: logger)
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        let metrics = ServerMetrics.bootstrapPrometheus()
        try await server.run(metrics: metrics, onListening: { url in
            print("sundial serving \(url) (data \(configuration.dataDirectory))")
            fflush(nil)  // every output stream: a parent reading our stdout sees the line now
        }, onWireListening: { address in
            print("sundial wire protocol on \(address)")
            fflush(nil)
        })
    }

    static func environment() -> [String: String] {
        var out: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if text.hasPrefix("SUNDIAL_"), let eq = text.firstIndex(of: "=") {
                out[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            entry += 1
        }
        return out
    }
}
