// The wire-protocol listener as a service of the server's group: it binds when the group
// starts it, and on graceful shutdown stops accepting and closes its connections (a
// request still running is cancelled: a write it interrupts was never acknowledged)
// before the database service closes the database.
import Logging
import ServiceLifecycle
import Sundial
import SundialServerCore

struct WireService: Service {
    let database: Database
    let verifier: any CredentialVerifier
    let configuration: WireServer.Configuration
    let logger: Logger
    /// Called with the bound address (`host:port`).
    let onListening: @Sendable (String) -> Void

    func run() async throws {
        let server = try await WireServer.start(database: database, verifier: verifier, configuration: configuration, logger: logger)
        onListening(HostPort(host: configuration.host, port: server.port).description)
        // Until the group shuts down (or is cancelled).
        try? await gracefulShutdown()
        await server.stop()
    }
}
