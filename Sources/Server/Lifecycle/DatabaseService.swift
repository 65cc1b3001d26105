// The database as a service of the server's ServiceGroup. It is listed first, so it is
// started first and shut down last: by the time it closes the database (flushing the
// head and syncing the WAL), the HTTP server has stopped accepting and finished its
// in-flight requests.
import Logging
import ServiceLifecycle
import Sundial

/// Keeps the database open until graceful shutdown, then closes it.
struct DatabaseService: Service, CustomStringConvertible {
    let database: Database
    let health: HealthProbe
    let logger: Logger

    var description: String { "Database(\(database.path))" }

    func run() async throws {
        // Returns on graceful shutdown, throws on cancellation: close in both cases.
        try? await gracefulShutdown()
        health.markClosed()
        logger.info("closing the database", metadata: ["path": "\(database.path)"])
        let database = self.database
        // A detached task: closing must finish even when the group was cancelled.
        let closed = await Task.detached { () -> StorageError? in
            do throws(StorageError) { try await database.close() } catch { return error }
            return nil
        }.value
        if let closed {
            logger.error("closing the database failed", metadata: ["error": "\(closed)"])
            throw closed
        }
        logger.info("database closed")
    }
}
