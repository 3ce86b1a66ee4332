public import NIOCore
import Synchronization

/// A response as the client sees it: the head at once, the body as it arrives, the trailers last.
public struct HTTP2ClientResponse: Sendable {
    let streamID: Int32
    public let status: Int
    public let headers: [HTTP2HeaderField]
    public let body: HTTP2InboundBody
    let trailersFuture: EventLoopFuture<[HTTP2HeaderField]>

    /// The trailers, once the body has ended (empty when the response had none).
    public func trailers() async throws -> [HTTP2HeaderField] { try await trailersFuture.get() }
}

/// A request on its way: its stream, and the response head to come.
struct StartedRequest: Sendable {
    let streamID: Int32
    let head: EventLoopFuture<HTTP2ClientResponse>
}

/// Why a request did not get a (complete) response, and whether it may be sent again.
public enum HTTP2ClientError: Error, Sendable, Equatable {
    /// The server refused the stream (REFUSED_STREAM): it did no work on it.
    case refused
    /// A GOAWAY excluded the stream, or came before it was sent: the server did no work on it.
    case notProcessed
    /// The stream was reset with this code after the server may have started on it.
    case reset(code: UInt32)
    /// The connection closed before the response ended.
    case connectionClosed
    /// The connection failed underneath HTTP/2 (a TLS handshake, a socket error): the reason.
    case connectionFailed(String)
    /// The peer broke the HTTP/2 protocol.
    case protocolError(String)
    /// The response did not end by the request's deadline; the stream was reset (CANCEL).
    case deadlineExceeded

    /// Safe to send again on a new connection, whatever the request.
    public var isRetryable: Bool {
        switch self {
        case .refused, .notProcessed: true
        default: false
        }
    }
}

/// One client HTTP/2 connection over a NIO channel (plain or TLS; the caller made it), usable from
/// any task. Requests are multiplexed on it until the server sends GOAWAY or it closes.
public final class HTTP2ClientConnection: Sendable {
    public let channel: any Channel
    private let handler: NIOLoopBound<HTTP2ClientConnectionHandler>
    private let usable: UsableFlag

    private init(channel: any Channel, handler: NIOLoopBound<HTTP2ClientConnectionHandler>, usable: UsableFlag) {
        self.channel = channel
        self.handler = handler
        self.usable = usable
    }

    /// Adds the HTTP/2 client to `channel`'s pipeline (after any TLS handler). Call on the
    /// channel's event loop, e.g. from a channel initializer.
    /// `keepaliveInterval`: while requests are open, a PING this often; when two in a row go
    /// unanswered the connection is closed and its requests fail, so a peer that vanished without
    /// a word (a dead host, a half-open connection through a NAT or proxy) does not hold a long call
    /// such as a watch forever. nil: no keepalive.
    public static func configure(_ channel: any Channel, settings: HTTP2Settings = .default,
                                 keepaliveInterval: TimeAmount? = nil) throws -> HTTP2ClientConnection {
        let usable = UsableFlag()
        let handler = try HTTP2ClientConnectionHandler(settings: settings, keepaliveInterval: keepaliveInterval, usable: usable)
        try channel.pipeline.syncOperations.addHandler(handler)
        return HTTP2ClientConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop), usable: usable)
    }

    /// Whether new requests may still be sent: open, and no GOAWAY received. Answered at once.
    public var isUsable: Bool { usable.value && channel.isActive }

    /// Runs one call as a scope: sends the request (body, if any, with END_STREAM), waits for the
    /// response head, and hands it to `handle`. However the scope is left (return, throw,
    /// cancellation), a stream still open is reset and whatever it received that nobody read is
    /// given back to the connection's flow-control window, so an abandoned call holds nothing.
    ///
    /// With a `deadline`, a response not ended by then fails with `deadlineExceeded` (the head, or
    /// the body where it is read) and the stream is reset: a server or proxy that never answers
    /// cannot hold the caller.
    public func withRequest<Result>(headers: [HTTP2HeaderField], body: [UInt8]?, deadline: NIODeadline? = nil,
                                    _ handle: (HTTP2ClientResponse) async throws -> Result) async throws -> Result {
        try Task.checkCancellation()
        let (handler, loop) = (handler, channel.eventLoop)
        let started = try await loop.flatSubmit {
            handler.value.startRequest(headers: headers, body: body, deadline: deadline, on: loop)
        }.get()
        let release = { @Sendable in loop.execute { handler.value.release(started.streamID) } }
        let response: HTTP2ClientResponse
        do {
            response = try await withTaskCancellationHandler {
                try await started.head.get()
            } onCancel: {
                release()
            }
            // Cancelled as the head arrived: the stream is already being reset, and the caller
            // must see the cancellation, not the reset it caused (the body would end in CANCEL).
            try Task.checkCancellation()
        } catch {
            release()
            if Task.isCancelled { throw CancellationError() }
            throw error
        }
        do {
            let result = try await handle(response)
            release()
            return result
        } catch {
            release()
            // Cancelled while the head was arriving, the release may have failed the body first.
            if Task.isCancelled { throw CancellationError() }
            throw error
        }
    }

    /// Closes after what is queued has been sent, and returns once it has closed.
    public func close() async {
        closeSoon()
        try? await channel.closeFuture.get()
    }

    /// Closes after what is queued has been sent, without waiting.
    public func closeSoon() {
        let handler = handler
        channel.eventLoop.execute { handler.value.close() }
    }
}

/// Whether a client connection takes new requests, readable from any task without a hop.
final class UsableFlag: Sendable {
    private let state = Atomic(true)

    var value: Bool { state.load(ordering: .acquiring) }

    func set(_ value: Bool) { state.store(value, ordering: .releasing) }
}
