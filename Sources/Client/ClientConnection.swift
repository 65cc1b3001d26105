// One connection of the client: a task owns the NIO channel (inside `executeThenClose`)
// and performs the commands it is sent — write these bytes, read the next frame — one
// at a time. Reading is pull-based: the socket is read only when a caller asks for the
// next frame, so a slow consumer of a result holds back the server (TCP backpressure)
// instead of buffering the result here.
//
// A connection is used by one request at a time (the pool hands it out); after a
// transport or protocol failure it is `isBroken` and the pool drops it.
import NIOCore
import NIOPosix
import NIOSSL
import SundialStorage
import SundialWire
import Synchronization

final class ClientConnection: Sendable {
    enum Command: Sendable {
        case send([UInt8], CheckedContinuation<Void, any Error>)
        case receive(CheckedContinuation<Frame, any Error>)
    }

    private let commands: AsyncStream<Command>.Continuation
    private let task: Task<Void, Never>
    private let broken = Atomic<Bool>(false)
    /// The server's frame limit (from Welcome).
    let serverMaxFrameSize: Int
    /// Who the server says we are (from Ready).
    let ready: Frame.Ready

    private init(commands: AsyncStream<Command>.Continuation, task: Task<Void, Never>, serverMaxFrameSize: Int, ready: Frame.Ready) {
        self.commands = commands
        self.task = task
        self.serverMaxFrameSize = serverMaxFrameSize
        self.ready = ready
    }

    /// Whether the connection failed and must not be reused.
    var isBroken: Bool { broken.load(ordering: .relaxed) }

    func markBroken() { broken.store(true, ordering: .relaxed) }

    /// Connects and performs Hello → Welcome → Auth → Ready.
    /// - Throws: `Frame.Failure` when the server refuses (`unauthorized`, …), `WireError`
    ///   for protocol failures, NIO's errors when the connection cannot be made.
    static func open(host: String, port: Int, token: String, configuration: SundialClient.Configuration) async throws -> ClientConnection {
        let tls = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        // An IP address is not a valid SNI name: send none then (the certificate is still checked).
        let sni = configuration.serverHostname ?? (host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" } ? nil : host)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.nanoseconds(configuration.connectTimeout.nanoseconds))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: sni))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let (stream, continuation) = AsyncStream.makeStream(of: Command.self)
        let task = Task { await serve(channel, stream, maxFrameSize: configuration.maxFrameSize) }
        let handshake = Handshake(commands: continuation)
        do {
            try await handshake.send(.hello(.init(clientName: configuration.clientName, maxFrameSize: UInt32(configuration.maxFrameSize))))
            let welcome = try await handshake.receive()
            guard case .welcome(let accepted) = welcome else { throw Handshake.unexpected(welcome, "Welcome") }
            try await handshake.send(.auth(.init(token: token)))
            let answer = try await handshake.receive()
            guard case .ready(let ready) = answer else { throw Handshake.unexpected(answer, "Ready") }
            return ClientConnection(commands: continuation, task: task, serverMaxFrameSize: Int(accepted.maxFrameSize), ready: ready)
        } catch {
            continuation.finish()
            task.cancel()
            throw error
        }
    }

    /// The handshake's sends and receives, before the connection object exists.
    private struct Handshake {
        let commands: AsyncStream<Command>.Continuation

        func send(_ frame: Frame) async throws {
            let bytes = frame.encoded()
            try await withCheckedThrowingContinuation { commands.yield(.send(bytes, $0)) }
        }

        func receive() async throws -> Frame {
            try await withCheckedThrowingContinuation { commands.yield(.receive($0)) }
        }

        /// The server's Error frame, or a protocol violation for anything else.
        static func unexpected(_ frame: Frame, _ expected: String) -> any Error {
            if case .error(let failure) = frame { return failure }
            return WireError(.protocolViolation, "expected \(expected), the server sent \(frame.type)")
        }
    }

    /// Sends one frame.
    func send(_ frame: Frame) async throws {
        var writer = ByteWriter(capacity: 64)
        frame.encode(into: &writer)
        let payload = writer.count - WireFormat.headerSize - WireFormat.trailerSize
        guard payload <= serverMaxFrameSize else {
            throw WireError(.frameTooLarge, "a \(frame.type) frame of \(payload) bytes exceeds the server's maximum of \(serverMaxFrameSize)")
        }
        let bytes = writer.bytes
        do {
            try await withCheckedThrowingContinuation { commands.yield(.send(bytes, $0)) }
        } catch {
            markBroken()
            throw error
        }
    }

    /// Receives the next frame. An Error frame for the connection (request id 0) marks
    /// it broken and is thrown.
    func receive() async throws -> Frame {
        let frame: Frame
        do {
            frame = try await withCheckedThrowingContinuation { commands.yield(.receive($0)) }
        } catch {
            markBroken()
            throw error
        }
        if case .error(let failure) = frame, failure.requestID == 0 {
            markBroken()
            throw failure
        }
        return frame
    }

    /// Closes the connection (a command in progress is abandoned).
    func close() {
        markBroken()
        commands.finish()
        task.cancel()
    }

    /// The task that owns the channel.
    private static func serve(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ commands: AsyncStream<Command>, maxFrameSize: Int) async {
        var pending = commands.makeAsyncIterator()
        var failure: (any Error)?
        do {
            try await channel.executeThenClose { inbound, outbound in
                var frames = inbound.makeAsyncIterator()
                var decoder = FrameDecoder(maxFrameSize: maxFrameSize)
                while let command = await pending.next() {
                    switch command {
                    case .send(let bytes, let continuation):
                        if let failure { continuation.resume(throwing: failure); continue }
                        do {
                            try await outbound.write(ByteBuffer(bytes: bytes))
                            continuation.resume()
                        } catch {
                            failure = error
                            continuation.resume(throwing: error)
                        }
                    case .receive(let continuation):
                        if let failure { continuation.resume(throwing: failure); continue }
                        do {
                            while true {
                                if let frame = try decoder.next() {
                                    continuation.resume(returning: frame)
                                    break
                                }
                                guard let buffer = try await frames.next() else {
                                    try decoder.finish()
                                    throw WireError(.closed, "the server closed the connection")
                                }
                                buffer.withUnsafeReadableBytes { decoder.feed($0) }
                            }
                        } catch {
                            failure = error
                            continuation.resume(throwing: error)
                        }
                    }
                }
            }
        } catch {
            failure = failure ?? error
        }
        // Whatever is still queued fails.
        let closed = failure ?? WireError(.closed, "the connection is closed")
        while let command = await pending.next() {
            switch command {
            case .send(_, let continuation): continuation.resume(throwing: closed)
            case .receive(let continuation): continuation.resume(throwing: closed)
            }
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled &+ attoseconds / 1_000_000_000
    }
}
