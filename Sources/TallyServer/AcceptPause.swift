import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Stops accepting for a moment when accept(2) fails for want of descriptors (EMFILE, ENFILE) or
/// memory (ENOBUFS, ENOMEM), instead of trying again at once, forever.
///
/// SwiftNIO's `AcceptBackoffHandler`, which the async `ServerBootstrap` installs, is meant to do
/// this but on Linux does not: a failed accept leaves the listening channel's read pending, so the
/// socket stays in epoll's read set, epoll reports the waiting connection again at once, and the
/// backoff never gets its turn. Measured with `ulimit -n 64` and six connections waiting: 9,500
/// failed accept4 calls a second and more than half a core, doing nothing. Turning `autoRead` off
/// takes the socket out of the read set; it goes back in after `pause`. The connections that
/// arrive meanwhile wait in the kernel's accept queue, and those tallyd has are served on.
///
/// Added first to the listening channel's pipeline, so it sees the error before NIO's handler
/// (which swallows it). It does not free descriptors or refuse anyone (`ConnectionAdmission` keeps
/// the connection limit below the descriptor limit, so this is the last line, not the first).
final class AcceptPause: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    static let recoverable: Set<CInt> = [EMFILE, ENFILE, ENOBUFS, ENOMEM]

    let pause: TimeAmount
    private let logger: Logger
    private let onPause: @Sendable () -> Void
    private var resume: Scheduled<Void>?
    /// Pauses since the last accepted connection; logged when the streak begins and ends.
    private var streak = 0

    init(pause: TimeAmount = .milliseconds(250), logger: Logger, onPause: @escaping @Sendable () -> Void = {}) {
        self.pause = pause
        self.logger = logger
        self.onPause = onPause
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? IOError, Self.recoverable.contains(error.errnoCode), resume == nil,
           let options = context.channel.syncOptions, (try? options.getOption(.autoRead)) == true {
            try? options.setOption(.autoRead, value: false)
            if streak == 0 {
                logger.warning("cannot accept connections: accepting again every \(pause)", metadata: ["error": "\(error)"])
            }
            streak += 1
            onPause()
            resume = context.eventLoop.assumeIsolated().scheduleTask(in: pause) { [self] in
                resume = nil
                try? context.channel.syncOptions?.setOption(.autoRead, value: true)
            }
        }
        context.fireErrorCaught(error)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if streak > 0 {
            logger.notice("accepting connections again", metadata: ["pauses": "\(streak)"])
            streak = 0
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        resume?.cancel()
        resume = nil
        context.fireChannelInactive()
    }
}
