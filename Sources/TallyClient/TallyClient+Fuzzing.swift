public import TallyHTTP2
import NIOCore
import NIOPosix

extension TallyClient {
    /// A client that makes every call on `connection`, which the caller made and configured (the
    /// client fuzz target: a connection on an in-memory channel whose server bytes are the
    /// fuzzer's). It never connects, and `shutdown` leaves the shared event loop group running.
    /// Not for production use: a lost connection is not replaced.
    @_spi(Fuzzing)
    public convenience init(configuration: Configuration, connection: HTTP2ClientConnection) {
        self.init(configuration: configuration, group: .singleton) {
            connection.channel.eventLoop.makeSucceededFuture(connection)
        }
    }
}
