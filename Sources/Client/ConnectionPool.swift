// A small pool of connections to one server: requests lease a connection, use it alone
// and give it back; at most `maxConnections` are open, further requests wait for one.
// Broken connections are closed and replaced on demand.
import SundialWire

actor ConnectionPool {
    let host: String
    let port: Int
    let token: String
    let configuration: SundialClient.Configuration
    private var idle: [ClientConnection] = []
    private var open = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var closed = false

    init(host: String, port: Int, token: String, configuration: SundialClient.Configuration) {
        self.host = host
        self.port = port
        self.token = token
        self.configuration = configuration
    }

    /// A connection for one request; give it back with ``release(_:)``.
    func acquire() async throws -> ClientConnection {
        while true {
            guard !closed else { throw WireError(.closed, "the client is closed") }
            if let connection = idle.popLast() {
                if connection.isBroken { open -= 1; connection.close(); continue }
                return connection
            }
            if open < configuration.maxConnections {
                open += 1
                do {
                    return try await ClientConnection.open(host: host, port: port, token: token, configuration: configuration)
                } catch {
                    open -= 1
                    wakeOne()
                    throw error
                }
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    /// Returns a connection after its request finished (closing it when broken).
    func release(_ connection: ClientConnection) {
        if connection.isBroken || closed {
            open -= 1
            connection.close()
        } else {
            idle.append(connection)
        }
        wakeOne()
    }

    private func wakeOne() {
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }

    /// Closes the idle connections; leased ones close when given back.
    func close() {
        closed = true
        for connection in idle { connection.close() }
        open -= idle.count
        idle.removeAll()
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }

    /// Connections open now (idle and leased).
    var openCount: Int { open }
}
