// One client connection of the wire server: the handshake state machine, the reader that
// decodes frames as they arrive, the worker that runs requests one at a time, and the
// watchdog for the handshake and idle timeouts.
//
// Three child tasks share the connection: the reader (answers Ping and Cancel at once,
// queues Query and Write), the worker (runs queued requests in order, each in a task that
// Cancel can cancel) and the watchdog. The first of reader and watchdog to finish ends
// the connection: the others are cancelled and the channel closes. Shared state sits in
// one Mutex; frames go out through the channel's async writer, whose `write` suspends
// while the socket cannot take more (that is the backpressure of streamed results).
import Logging
import NIOCore
import Sundial
import SundialServerCore
import SundialWire
import Synchronization

typealias Outbound = NIOAsyncChannelOutboundWriter<ByteBuffer>

final class WireConnection: Sendable {
    enum Phase: Sendable {
        case awaitingHello
        case awaitingAuth
        case ready(Principal)
    }

    struct State: Sendable {
        var phase = Phase.awaitingHello
        /// The client's frame limit (from Hello): result batches are split to fit.
        var clientMaxFrameSize = WireFormat.defaultMaxFrameSize
        var lastActivity = ContinuousClock.now
        /// The request running now, which Cancel cancels.
        var running: (id: UInt32, task: Task<Frame?, Never>)?
        /// Requests cancelled before they started.
        var cancelled: Set<UInt32> = []
    }

    let server: WireServer
    let state = Mutex(State())
    let connectedAt = ContinuousClock.now

    init(server: WireServer) {
        self.server = server
    }

    var configuration: WireServer.Configuration { server.configuration }
    var logger: Logger { server.logger }

    func touch() { state.withLock { $0.lastActivity = .now } }

    /// Sends one frame (suspends while the socket is full).
    func send(_ frame: Frame, _ outbound: Outbound) async throws {
        var writer = ByteWriter(capacity: 64)
        frame.encode(into: &writer)
        try await outbound.write(ByteBuffer(bytes: writer.bytes))
        touch()
    }

    /// Answers a connection the server will not serve, and closes it.
    func refuse(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ failure: Frame.Failure) async {
        try? await channel.executeThenClose { _, outbound in
            try await self.send(.error(failure), outbound)
        }
    }

    /// Serves the connection until the peer leaves, a fatal error, a timeout or cancellation.
    func run(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        do {
            try await channel.executeThenClose { inbound, outbound in
                let (requests, sink) = AsyncStream.makeStream(of: Frame.self)
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        await self.read(inbound, outbound, sink)
                        sink.finish()
                    }
                    group.addTask { await self.watch(outbound) }
                    group.addTask { await self.work(requests, outbound) }
                    _ = await group.next()
                    group.cancelAll()
                    sink.finish()
                }
            }
        } catch {
            logger.debug("wire connection ended", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Reading

    /// Decodes frames as bytes arrive; returns when the connection should close.
    func read(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, _ outbound: Outbound,
              _ sink: AsyncStream<Frame>.Continuation) async {
        var decoder = FrameDecoder(maxFrameSize: configuration.maxFrameSize)
        do {
            for try await buffer in inbound {
                touch()
                buffer.withUnsafeReadableBytes { decoder.feed($0) }
                while let frame = try decoder.next() {
                    if let failure = try await handle(frame, outbound, sink) {
                        try? await send(.error(failure), outbound)
                        return
                    }
                }
            }
        } catch let error as WireError {
            logger.debug("bad frame from a wire client", metadata: ["error": "\(error)"])
            try? await send(.error(.from(error)), outbound)
        } catch {
            logger.debug("wire connection read failed", metadata: ["error": "\(error)"])
        }
    }

    /// Handles one frame; returns the Error to send before closing, or nil to go on.
    func handle(_ frame: Frame, _ outbound: Outbound, _ sink: AsyncStream<Frame>.Continuation) async throws -> Frame.Failure? {
        let phase = state.withLock { $0.phase }
        switch (phase, frame) {
        case (_, .ping(let ping)):
            try await send(.pong(ping), outbound)
        case (_, .pong):
            break
        case (.awaitingHello, .hello(let hello)):
            let version = min(hello.maxVersion, WireFormat.protocolVersion)
            guard version >= max(hello.minVersion, WireFormat.minimumProtocolVersion), hello.minVersion <= hello.maxVersion else {
                return Frame.Failure(requestID: 0, code: .unsupportedVersion,
                                     message: "the client speaks versions \(hello.minVersion)...\(hello.maxVersion), the server \(WireFormat.minimumProtocolVersion)...\(WireFormat.protocolVersion)")
            }
            state.withLock {
                $0.phase = .awaitingAuth
                $0.clientMaxFrameSize = max(1024, min(Int(hello.maxFrameSize), WireFormat.maxFrameSizeLimit))
            }
            try await send(.welcome(.init(version: version, serverVersion: configuration.serverVersion,
                                          maxFrameSize: UInt32(configuration.maxFrameSize))), outbound)
        case (.awaitingAuth, .auth(let auth)):
            let verified: Result<Principal, AuthError> = auth.token.isEmpty && server.verifier.isOpen
                ? .success(Principal(name: "anonymous", role: .admin))
                : server.verifier.verify(auth.token.isEmpty ? nil : auth.token)
            switch verified {
            case .success(let principal):
                state.withLock { $0.phase = .ready(principal) }
                try await send(.ready(.init(principal: principal.name, role: principal.role.rawValue, workspace: principal.workspace)), outbound)
            case .failure(let error):
                logger.info("wire client refused", metadata: ["reason": "\(error)"])
                return .from(error)
            }
        case (.ready, .query), (.ready, .write):
            sink.yield(frame)
        case (.ready, .cancel(let cancel)):
            state.withLock { state in
                if let running = state.running, running.id == cancel.requestID {
                    running.task.cancel()
                } else {
                    if state.cancelled.count >= 1024 { state.cancelled.removeAll() }
                    state.cancelled.insert(cancel.requestID)
                }
            }
        default:
            return Frame.Failure(requestID: 0, code: .protocolViolation, message: "a \(frame.type) frame is not expected \(Self.describe(phase))")
        }
        return nil
    }

    static func describe(_ phase: Phase) -> String {
        switch phase {
        case .awaitingHello: "before Hello"
        case .awaitingAuth: "before Auth"
        case .ready: "from a client"
        }
    }

    // MARK: Working

    /// Runs queued requests one at a time.
    func work(_ requests: AsyncStream<Frame>, _ outbound: Outbound) async {
        for await frame in requests {
            guard !Task.isCancelled, case .ready(let principal) = state.withLock({ $0.phase }) else { return }
            let id = frame.requestID ?? 0
            if state.withLock({ $0.cancelled.remove(id) != nil }) {
                try? await send(.error(.init(requestID: id, code: .cancelled, message: "the request was cancelled")), outbound)
                continue
            }
            let task = Task { await self.execute(frame, principal: principal, outbound) }
            state.withLock { $0.running = (id, task) }
            let final = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
            state.withLock { $0.running = nil; $0.lastActivity = .now }
            // The last frame goes out from here, not from the cancelled request's task.
            if let final, !Task.isCancelled {
                do { try await send(final, outbound) } catch { return }
            }
        }
    }

    /// Runs one request; returns its last frame (Complete, Ack or Error).
    func execute(_ frame: Frame, principal: Principal, _ outbound: Outbound) async -> Frame? {
        switch frame {
        case .query(let query): await runQuery(query, principal: principal, outbound)
        case .write(let write): await runWrite(write, principal: principal)
        default: nil
        }
    }

    // MARK: Timeouts

    /// Returns (after sending the Error) when the handshake or idle timeout passes.
    func watch(_ outbound: Outbound) async {
        while !Task.isCancelled {
            let (deadline, failure): (ContinuousClock.Instant, Frame.Failure) = state.withLock { state in
                if case .ready = state.phase {
                    // A running request is activity: look again after a full idle period.
                    let from = state.running == nil ? state.lastActivity : ContinuousClock.now
                    return (from + configuration.idleTimeout,
                            Frame.Failure(requestID: 0, code: .idleTimeout, message: "no request for \(configuration.idleTimeout)"))
                }
                return (connectedAt + configuration.handshakeTimeout,
                        Frame.Failure(requestID: 0, code: .handshakeTimeout, message: "the handshake did not finish within \(configuration.handshakeTimeout)"))
            }
            if ContinuousClock.now >= deadline {
                logger.debug("wire connection timed out", metadata: ["reason": "\(failure.code.rawValue)"])
                try? await send(.error(failure), outbound)
                return
            }
            do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
        }
    }
}
