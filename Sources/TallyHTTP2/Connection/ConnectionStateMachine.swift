import NIOCore

/// The life of one HTTP/2 connection, in either role, with no I/O: events in, one small decision
/// out. The connection handlers turn decisions into frames, timers and closes; nghttp2 keeps the
/// streams' protocol state, this keeps the connection's.
///
/// ```
/// active ──drain──▶ quiescing ──PING ack: final GOAWAY, no streams left──▶ lingering ──▶ closed
///   │  ╲──idle timeout, peer closed, protocol error──────────────────────▶ ╱
///   ╰──peer GOAWAY (client: no new calls) ─▶ quiescing ─no streams─────▶ ╱
/// ```
/// Graceful shutdown follows RFC 9113 §6.8: a first GOAWAY with the largest stream id and a PING;
/// the PING's acknowledgement proves the peer has seen the GOAWAY, so every stream it opened
/// before has arrived, and the final GOAWAY can name the last one truthfully. Lingering is the
/// tail of every close: our output is finished and shut, input is read and dropped, the socket
/// closes when the peer closes or a timer fires (see `HTTP2ConnectionCore`).
struct ConnectionStateMachine {
    struct Configuration: Sendable, Equatable {
        /// No open stream for this long: GOAWAY and close. nil: never.
        var idleTimeout: TimeAmount?
        /// While streams are open, a PING this often; two unanswered and the peer is gone. nil: none.
        var keepaliveInterval: TimeAmount?
        /// How long a lingering connection waits for the peer to close after our output is shut.
        var lingerTimeout: TimeAmount = .seconds(2)
        /// The longest a close may take in all, whatever the peer does.
        var closeCap: TimeAmount = .seconds(30)
    }

    enum State: Equatable {
        case active(openStreams: Int)
        /// No new streams: `finalGoawaySent` once the second GOAWAY is out (always true when the
        /// peer started it by sending GOAWAY itself).
        case quiescing(openStreams: Int, finalGoawaySent: Bool)
        case lingering(outputClosed: Bool)
        case closed
    }

    /// PING payloads: the drain's is told apart from the keepalive's.
    static let keepalivePing: UInt64 = 0x7461_6C6C_796B_6101
    static let drainPing: UInt64 = 0x7461_6C6C_7964_7202

    let configuration: Configuration
    private(set) var state: State = .active(openStreams: 0)
    private var keepalive = Keepalive()

    init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// New streams may be opened (client) or are served (server).
    var acceptsNewStreams: Bool {
        if case .active = state { return true }
        return false
    }

    /// Input is still worth parsing (not lingering or closed).
    var readsInput: Bool {
        switch state {
        case .active, .quiescing: true
        case .lingering, .closed: false
        }
    }

    var openStreams: Int {
        switch state {
        case .active(let count), .quiescing(let count, _): count
        case .lingering, .closed: 0
        }
    }

    // MARK: - Streams

    enum OnStreamOpened: Equatable { case cancelIdleTimer, none }

    mutating func streamOpened() -> OnStreamOpened {
        switch state {
        case .active(let count):
            state = .active(openStreams: count + 1)
            return count == 0 ? .cancelIdleTimer : .none
        case .quiescing(let count, let final):
            state = .quiescing(openStreams: count + 1, finalGoawaySent: final)
            return .none
        case .lingering, .closed:
            return .none
        }
    }

    enum OnStreamClosed: Equatable { case armIdleTimer, linger, none }

    mutating func streamClosed() -> OnStreamClosed {
        switch state {
        case .active(let count):
            state = .active(openStreams: max(0, count - 1))
            return count <= 1 && configuration.idleTimeout != nil ? .armIdleTimer : .none
        case .quiescing(let count, let final):
            let left = max(0, count - 1)
            if left == 0 && final { return beginLinger() }
            state = .quiescing(openStreams: left, finalGoawaySent: final)
            return .none
        case .lingering, .closed:
            return .none
        }
    }

    // MARK: - Timers

    enum OnIdleTimeout: Equatable { case goawayAndLinger, none }

    mutating func idleTimeoutFired() -> OnIdleTimeout {
        guard case .active(0) = state else { return .none }
        _ = beginLinger()
        return .goawayAndLinger
    }

    enum OnKeepalive: Equatable { case ping(UInt64), giveUp, none }

    mutating func keepaliveFired() -> OnKeepalive {
        guard readsInput else { return .none }
        switch keepalive.tick(streamsOpen: openStreams > 0) {
        case .nothing: return .none
        case .ping: return .ping(Self.keepalivePing)
        case .giveUp:
            state = .closed
            return .giveUp
        }
    }

    enum OnDrain: Equatable { case announce(ping: UInt64), none }

    /// Graceful shutdown asked for (SIGTERM, or a server that stops accepting).
    mutating func drain() -> OnDrain {
        guard case .active(let count) = state else { return .none }
        state = .quiescing(openStreams: count, finalGoawaySent: false)
        return .announce(ping: Self.drainPing)
    }

    enum OnPingAcknowledged: Equatable { case sendFinalGoaway(thenLinger: Bool), none }

    mutating func pingAcknowledged(_ data: UInt64) -> OnPingAcknowledged {
        keepalive.acknowledged()
        guard data == Self.drainPing, case .quiescing(let count, false) = state else { return .none }
        if count == 0 {
            _ = beginLinger()
            return .sendFinalGoaway(thenLinger: true)
        }
        state = .quiescing(openStreams: count, finalGoawaySent: true)
        return .sendFinalGoaway(thenLinger: false)
    }

    enum OnDrainDeadline: Equatable { case resetStreamsAndLinger(sendFinalGoaway: Bool), none }

    /// The grace period is over: what is still open is reset.
    mutating func drainDeadlineFired() -> OnDrainDeadline {
        guard case .quiescing(_, let final) = state else { return .none }
        _ = beginLinger()
        return .resetStreamsAndLinger(sendFinalGoaway: !final)
    }

    enum OnLinger: Equatable { case close, none }

    mutating func lingerTimerFired() -> OnLinger {
        guard case .lingering = state else { return .none }
        state = .closed
        return .close
    }

    // MARK: - The peer and the transport

    /// The peer sent GOAWAY: it opens (server) or accepts (client) no new streams; those open finish.
    mutating func peerSentGoaway() -> OnStreamClosed {
        switch state {
        case .active(let count), .quiescing(let count, _):
            if count == 0 { return beginLinger() }
            state = .quiescing(openStreams: count, finalGoawaySent: true)
            return .none
        case .lingering, .closed:
            return .none
        }
    }

    /// nghttp2 failed the session (the peer broke the protocol) or has nothing left to do: what it
    /// queued (a GOAWAY) goes out, then the connection closes.
    mutating func sessionEnded() -> OnStreamClosed {
        readsInput ? beginLinger() : .none
    }

    enum OnInputClosed: Equatable { case close, linger, none }

    /// The peer shut its side of the TCP connection.
    mutating func inputClosed() -> OnInputClosed {
        switch state {
        case .active, .quiescing:
            _ = beginLinger()
            return .linger
        case .lingering(let outputClosed):
            guard outputClosed else { return .none }
            state = .closed
            return .close
        case .closed:
            return .none
        }
    }

    enum OnOutputClosed: Equatable { case armLingerTimer, none }

    /// Our write side is shut, every byte before it sent: wait `lingerTimeout` for the peer.
    mutating func outputClosed() -> OnOutputClosed {
        guard case .lingering(false) = state else { return .none }
        state = .lingering(outputClosed: true)
        return .armLingerTimer
    }

    mutating func channelClosed() {
        state = .closed
    }

    /// Every close ends here: the caller cancels the other timers, finishes and shuts its output,
    /// and arms the close cap.
    private mutating func beginLinger() -> OnStreamClosed {
        state = .lingering(outputClosed: false)
        return .linger
    }
}
