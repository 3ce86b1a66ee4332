import NIOCore

/// The connection state machine's decisions carried out: the idle, drain, linger and close-cap
/// timers, keepalive PINGs, and the lingering close every way down ends in.
extension HTTP2ConnectionCore {
    func perform(_ decision: ConnectionStateMachine.OnStreamClosed) {
        switch decision {
        case .armIdleTimer:
            becameIdle()
        case .linger: linger()
        case .none: break
        }
    }

    /// The end of every close: what is queued is sent, our side of the TCP connection is shut once
    /// it has reached the socket, input is read and dropped, and the socket closes when the peer
    /// closes, `lingerTimeout` after our shutdown, or at `closeCap`, whichever comes first. Closing
    /// a socket with unread input makes the kernel send a TCP RST, and the peer then loses data it
    /// had not read yet: the end of a response, the GOAWAY.
    func linger() {
        stopIdleTimer()
        cancel(.drainDeadline)
        keepaliveTask?.cancel()
        keepaliveTask = nil
        guard let context else { return }
        flush()
        context.flush()
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let shut = context.eventLoop.makePromise(of: Void.self)
        shut.futureResult.whenComplete { result in
            let core = bound.value
            guard case .success = result else {
                core.context?.close(promise: nil)
                return
            }
            if core.machine.outputClosed() == .armLingerTimer { core.arm(.linger, in: core.machine.configuration.lingerTimeout) }
        }
        arm(.closeCap, in: machine.configuration.closeCap)
        context.close(mode: .output, promise: shut)
    }

    /// No stream is open from now on: the idle timer runs, unless it is already scheduled.
    func becameIdle() {
        guard let timeout = machine.configuration.idleTimeout, let context else { return }
        idleSince = context.eventLoop.now
        if timers[.idle] == nil { arm(.idle, in: timeout) }
    }

    func stopIdleTimer() {
        idleSince = nil
        cancel(.idle)
    }

    func arm(_ timer: Timer, in delay: TimeAmount) {
        guard let context else { return }
        timers[timer]?.cancel()
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timers[timer] = context.eventLoop.scheduleTask(in: delay) { bound.value.fired(timer) }
    }

    func cancel(_ timer: Timer) {
        timers.removeValue(forKey: timer)?.cancel()
    }

    func fired(_ timer: Timer) {
        timers[timer] = nil
        switch timer {
        case .idle:
            guard let idleSince, let timeout = machine.configuration.idleTimeout, let context else { return }
            let due = idleSince + timeout
            if due > context.eventLoop.now {
                arm(.idle, in: due - context.eventLoop.now)  // busy meanwhile: look again then
            } else if machine.idleTimeoutFired() == .goawayAndLinger {
                session.submitGoaway(errorCode: HTTP2ErrorCode.noError)
                linger()
            }
        case .drainDeadline:
            if case .resetStreamsAndLinger(let sendFinalGoaway) = machine.drainDeadlineFired() {
                role!.resetOpenStreams(errorCode: HTTP2ErrorCode.cancel)
                if sendFinalGoaway { session.submitGoaway(errorCode: HTTP2ErrorCode.noError) }
                linger()
            }
        case .linger:
            if machine.lingerTimerFired() == .close { context?.close(promise: nil) }
        case .closeCap:
            context?.close(promise: nil)
        }
    }

    func keepaliveFired() {
        switch machine.keepaliveFired() {
        case .ping(let data):
            session.submitPing(data)
            flush()
        case .giveUp:
            if closeReason == nil { closeReason = "no answer to \(Keepalive.unansweredLimit) keepalive PINGs" }
            context?.close(promise: nil)
        case .none:
            break
        }
    }
}
