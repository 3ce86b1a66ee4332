import NIOCore
import Testing
@testable import TallyHTTP2

/// The connection's life without sockets or clocks: each timer is an event the test fires when it
/// chooses, so idle, keepalive, drain and linger are checked step by step, deterministically.
@Suite struct ConnectionStateMachineTests {
    static let configuration = ConnectionStateMachine.Configuration(idleTimeout: .minutes(5), keepaliveInterval: .seconds(30))

    @Test func idleTimerRunsOnlyWhileNoStreamIsOpen() {
        var machine = ConnectionStateMachine(configuration: Self.configuration)
        #expect(machine.streamOpened() == .cancelIdleTimer)
        #expect(machine.streamOpened() == .none)
        #expect(machine.idleTimeoutFired() == .none, "a timer that fires late, with streams open, closes nothing")
        #expect(machine.streamClosed() == .none)
        #expect(machine.streamClosed() == .armIdleTimer)
        #expect(machine.idleTimeoutFired() == .goawayAndLinger)
        #expect(machine.state == .lingering(outputClosed: false))
        #expect(!machine.acceptsNewStreams && !machine.readsInput)
    }

    @Test func noIdleTimerWithoutATimeout() {
        var machine = ConnectionStateMachine(configuration: .init(idleTimeout: nil, keepaliveInterval: nil))
        _ = machine.streamOpened()
        #expect(machine.streamClosed() == .none)
    }

    @Test func keepaliveGivesUpAfterTwoUnansweredPings() {
        var machine = ConnectionStateMachine(configuration: Self.configuration)
        #expect(machine.keepaliveFired() == .none, "no PINGs while nothing is open")
        _ = machine.streamOpened()
        #expect(machine.keepaliveFired() == .ping(ConnectionStateMachine.keepalivePing))
        #expect(machine.pingAcknowledged(ConnectionStateMachine.keepalivePing) == .none)
        #expect(machine.keepaliveFired() == .ping(ConnectionStateMachine.keepalivePing))
        #expect(machine.keepaliveFired() == .ping(ConnectionStateMachine.keepalivePing))
        #expect(machine.keepaliveFired() == .giveUp)
        #expect(machine.state == .closed)
    }

    /// RFC 9113 §6.8: GOAWAY with the largest id and a PING; the final GOAWAY only on the PING's
    /// acknowledgement, even when no stream is open (the peer may have one on its way).
    @Test func drainSendsTheFinalGoawayOnThePingAck() {
        var machine = ConnectionStateMachine(configuration: Self.configuration)
        _ = machine.streamOpened()
        #expect(machine.drain() == .announce(ping: ConnectionStateMachine.drainPing))
        #expect(machine.drain() == .none, "a second drain changes nothing")
        #expect(!machine.acceptsNewStreams && machine.readsInput)
        #expect(machine.streamClosed() == .none, "no close before the peer has seen the GOAWAY")
        #expect(machine.pingAcknowledged(ConnectionStateMachine.keepalivePing) == .none, "a keepalive ack is not the drain's")
        #expect(machine.pingAcknowledged(ConnectionStateMachine.drainPing) == .sendFinalGoaway(thenLinger: true))
        #expect(machine.state == .lingering(outputClosed: false))
    }

    @Test func drainWaitsForOpenStreamsAfterTheFinalGoaway() {
        var machine = ConnectionStateMachine(configuration: Self.configuration)
        _ = machine.streamOpened()
        _ = machine.streamOpened()
        _ = machine.drain()
        #expect(machine.pingAcknowledged(ConnectionStateMachine.drainPing) == .sendFinalGoaway(thenLinger: false))
        #expect(machine.pingAcknowledged(ConnectionStateMachine.drainPing) == .none)
        #expect(machine.streamOpened() == .none, "a stream the peer opened before the GOAWAY still counts")
        #expect(machine.streamClosed() == .none)
        #expect(machine.streamClosed() == .none)
        #expect(machine.streamClosed() == .linger)
    }

    @Test func drainDeadlineResetsWhatIsLeft() {
        var machine = ConnectionStateMachine(configuration: Self.configuration)
        _ = machine.streamOpened()
        _ = machine.drain()
        #expect(machine.drainDeadlineFired() == .resetStreamsAndLinger(sendFinalGoaway: true))
        #expect(machine.drainDeadlineFired() == .none)

        var acknowledged = ConnectionStateMachine(configuration: Self.configuration)
        _ = acknowledged.streamOpened()
        _ = acknowledged.drain()
        _ = acknowledged.pingAcknowledged(ConnectionStateMachine.drainPing)
        #expect(acknowledged.drainDeadlineFired() == .resetStreamsAndLinger(sendFinalGoaway: false))
    }

    @Test func lingerClosesWhenThePeerClosesOrTheTimerFires() {
        var machine = ConnectionStateMachine(configuration: Self.configuration)
        #expect(machine.sessionEnded() == .linger)
        #expect(machine.sessionEnded() == .none)
        #expect(machine.inputClosed() == .none, "output not shut yet: the close waits for it")

        var peerCloses = ConnectionStateMachine(configuration: Self.configuration)
        _ = peerCloses.sessionEnded()
        #expect(peerCloses.outputClosed() == .armLingerTimer)
        #expect(peerCloses.outputClosed() == .none)
        #expect(peerCloses.inputClosed() == .close)
        #expect(peerCloses.state == .closed)

        var timerFires = ConnectionStateMachine(configuration: Self.configuration)
        _ = timerFires.sessionEnded()
        _ = timerFires.outputClosed()
        #expect(timerFires.lingerTimerFired() == .close)
        #expect(timerFires.inputClosed() == .none)
    }

    @Test func peerClosingItsSideStartsTheLinger() {
        var machine = ConnectionStateMachine(configuration: Self.configuration)
        _ = machine.streamOpened()
        #expect(machine.inputClosed() == .linger)
        #expect(machine.openStreams == 0)
    }

    @Test func peerGoawayLetsOpenStreamsFinish() {
        var idle = ConnectionStateMachine(configuration: Self.configuration)
        #expect(idle.peerSentGoaway() == .linger)

        var busy = ConnectionStateMachine(configuration: Self.configuration)
        _ = busy.streamOpened()
        #expect(busy.peerSentGoaway() == .none)
        #expect(!busy.acceptsNewStreams, "a client takes no new calls on a connection the server is leaving")
        #expect(busy.streamClosed() == .linger)
    }
}
