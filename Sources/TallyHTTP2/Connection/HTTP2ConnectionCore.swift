import NIOCore

/// What a role (server or client) does with its streams; the core handles the connection.
protocol HTTP2StreamRole: AnyObject {
    /// A session event about streams (headers, data, ends, closes, drained output, GOAWAY).
    func handle(_ event: HTTP2Event)
    /// The grace period is over: reset every stream still open.
    func resetOpenStreams(errorCode: UInt32)
    /// The channel closed: fail whatever still waits, with `reason` if the core knows one.
    func connectionClosed(reason: String?)
}

/// The part of an HTTP/2 connection both roles share, between NIO and nghttp2: bytes in and out,
/// the connection state machine's decisions carried out (frames, timers, the lingering close),
/// output coalesced per read and per event-loop turn. The channel handlers only forward NIO's
/// events here and keep their role's streams.
///
/// Everything runs on the channel's event loop.
final class HTTP2ConnectionCore {
    let session: NGHTTP2Session
    /// Internal, not private: the timers and closes (`HTTP2ConnectionCore+Timers.swift`) consult it.
    var machine: ConnectionStateMachine
    unowned(unsafe) var role: (any HTTP2StreamRole)?
    private(set) var context: ChannelHandlerContext?
    private var started = false
    /// Why the connection is going down, for the calls it fails (client role).
    var closeReason: String?
    /// Set before the channel is active: the connection is turned away at its start (see
    /// `HTTP2Refusal`) instead of served.
    var refusal: HTTP2Refusal?

    var timers: [Timer: Scheduled<Void>] = [:]
    var keepaliveTask: RepeatedTask?
    /// Reused between flushes: NIO has released it once the previous write reached the socket.
    private var outputBuffer: ByteBuffer?
    private var pumping = false
    private var pumpAgain = false
    private var dispatching = false
    private var dispatchBuffer: [HTTP2Event] = []
    private var flushScheduled = false
    /// Between a read and its read-complete: the flush at read-complete will carry what is queued.
    private var inRead = false
    /// Since when no stream has been open (nil while one is). The idle timer is not moved for every
    /// stream (that would cost a scheduled task per call): it fires, looks, and goes again if the
    /// connection was busy meanwhile.
    var idleSince: NIODeadline?

    enum Timer: Hashable { case idle, drainDeadline, linger, closeCap }

    init(role: NGHTTP2Session.Role, settings: HTTP2Settings, connectionWindow: Int32,
         configuration: ConnectionStateMachine.Configuration) throws(HTTP2Error) {
        session = try NGHTTP2Session(role: role, settings: settings)
        session.setLocalConnectionWindow(connectionWindow)
        machine = ConnectionStateMachine(configuration: configuration)
    }

    var acceptsNewStreams: Bool { machine.acceptsNewStreams && context != nil }
    var state: ConnectionStateMachine.State { machine.state }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start() }
    }

    func channelActive() { start() }

    private func start() {
        guard !started, let context else { return }
        started = true
        if let refusal {
            session.submitRefusal(errorCode: refusal.errorCode, debugData: refusal.message)
            perform(machine.sessionEnded())
            return
        }
        if let interval = machine.configuration.keepaliveInterval {
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            keepaliveTask = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                bound.value.keepaliveFired()
            }
        }
        becameIdle()
        flush()
    }

    func channelRead(_ buffer: ByteBuffer) {
        guard machine.readsInput else { return }  // lingering: read and dropped
        inRead = true
        do {
            try buffer.withUnsafeReadableBytes { try session.receive($0) }
        } catch {
            // nghttp2 has queued a GOAWAY for the violation: it goes out, then the connection closes.
            if closeReason == nil { closeReason = "\(error)" }
            dispatchEvents()
            perform(machine.sessionEnded())
            return
        }
        dispatchEvents()
    }

    func channelReadComplete() {
        inRead = false
        flush()
    }

    func writabilityChanged() {
        if context?.channel.isWritable == true { flush() }
    }

    func inputClosed() {
        switch machine.inputClosed() {
        case .close: context?.close(promise: nil)
        case .linger: linger()
        case .none: break
        }
    }

    func channelInactive() {
        machine.channelClosed()
        for timer in timers.values { timer.cancel() }
        timers = [:]
        keepaliveTask?.cancel()
        keepaliveTask = nil
        context = nil
        role?.connectionClosed(reason: closeReason)
    }

    func errorCaught(_ error: any Error) {
        if closeReason == nil { closeReason = "\(error)" }
        context?.close(promise: nil)
    }

    // MARK: - From the role

    func streamOpened() {
        if machine.streamOpened() == .cancelIdleTimer { idleSince = nil }
    }

    func streamClosed() {
        perform(machine.streamClosed())
    }

    /// Graceful shutdown: GOAWAY announcing it and a PING; the final GOAWAY follows the PING's
    /// acknowledgement; streams still open at `grace` are reset.
    func drain(grace: TimeAmount) {
        guard case .announce(let ping) = machine.drain() else { return }
        stopIdleTimer()
        session.submitShutdownNotice()
        session.submitPing(ping)
        arm(.drainDeadline, in: grace)
        flush()
    }

    /// Closes after what is queued has been sent (client shutdown, a role's own decision).
    func close() {
        perform(machine.sessionEnded())
    }

    // MARK: - Session events

    /// Hands the session's events to the role in order. Not reentrant: events that handling one
    /// causes (a flush that closes a stream) are taken by the loop here, after those before them.
    ///
    /// Once the channel has gone inactive, the rest are dropped: handling an earlier event can
    /// close the connection at once (a peer's GOAWAY with no stream open, read in the same bytes
    /// as new requests after it), and the role has then failed every stream it had. Dispatching a
    /// request after that unwrapped the missing channel context and crashed tallyd: found by the
    /// server fuzz target (Tests/TallyFuzzingTests/Crashes/server).
    func dispatchEvents() {
        guard !dispatching else { return }
        dispatching = true
        defer { dispatching = false }
        while true {
            session.swapEvents(with: &dispatchBuffer)
            if dispatchBuffer.isEmpty { return }
            var index = 0
            while index < dispatchBuffer.count {
                guard context != nil else {
                    dispatchBuffer.removeAll(keepingCapacity: true)
                    return
                }
                handle(dispatchBuffer[index])
                index += 1
            }
            dispatchBuffer.removeAll(keepingCapacity: true)
        }
    }

    private func handle(_ event: HTTP2Event) {
        switch event {
        case .pingAcknowledged(let data):
            if case .sendFinalGoaway(let thenLinger) = machine.pingAcknowledged(data) {
                session.submitGoaway(errorCode: HTTP2ErrorCode.noError)
                if thenLinger { linger() } else { requestFlush() }
            }
        case .goaway:
            role!.handle(event)
            perform(machine.peerSentGoaway())
        default:
            role!.handle(event)
        }
    }

    // MARK: - Output

    /// A flush at the end of this event-loop turn: writes from the application in one turn leave
    /// in one write.
    func scheduleFlush() {
        guard !flushScheduled, let context else { return }
        flushScheduled = true
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            bound.value.flushScheduled = false
            bound.value.flush()
        }
    }

    /// Output is queued: inside a flush, another round of it; inside a read, nothing (the flush at
    /// read-complete takes it); otherwise a flush at the end of this turn.
    func requestFlush() {
        if pumping {
            pumpAgain = true
        } else if !inRead {
            scheduleFlush()
        }
    }

    /// Writes what nghttp2 has to send while the channel accepts it, handing the role the events
    /// each write causes. Not reentrant: a nested call asks the running one to go round again, so
    /// chunks never leave out of order.
    func flush() {
        guard let context else { return }
        if pumping {
            pumpAgain = true
            return
        }
        pumping = true
        var wrote = false
        do {
            repeat {
                pumpAgain = false
                while context.channel.isWritable && session.wantsWrite {
                    var buffer = outputBuffer ?? context.channel.allocator.buffer(capacity: 16 << 10)
                    outputBuffer = nil
                    buffer.clear()
                    guard try session.takeOutput(into: &buffer) else {
                        outputBuffer = buffer
                        break
                    }
                    context.write(NIOAny(buffer), promise: nil)
                    outputBuffer = buffer
                    wrote = true
                    dispatchEvents()
                }
                dispatchEvents()
            } while pumpAgain && context.channel.isWritable
        } catch {
            if closeReason == nil { closeReason = "\(error)" }
            pumping = false
            perform(machine.sessionEnded())
            return
        }
        pumping = false
        if wrote { context.flush() }
        if !session.isActive { perform(machine.sessionEnded()) }
    }
}
