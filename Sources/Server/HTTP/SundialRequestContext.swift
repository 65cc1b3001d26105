// The per-request context: Hummingbird's core storage plus the caller's address (the
// rate-limit key of unauthenticated callers).
import Hummingbird
import NIOCore

/// The request context of the Sundial HTTP API.
public struct SundialRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's IP address ("unknown" when the channel has none).
    public let remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
