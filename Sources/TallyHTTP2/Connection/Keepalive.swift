/// The keepalive rule both ends of a connection follow: while streams are open, a PING every
/// interval; when two in a row have gone unanswered, the peer is taken for gone. With no streams
/// open nothing is sent (an idle connection has its own timeout) and the count starts over.
struct Keepalive {
    enum Action {
        case nothing
        case ping
        case giveUp
    }

    static let unansweredLimit = 2
    private var unanswered = 0

    /// What to do at an interval's end.
    mutating func tick(streamsOpen: Bool) -> Action {
        guard streamsOpen else {
            unanswered = 0
            return .nothing
        }
        if unanswered >= Self.unansweredLimit { return .giveUp }
        unanswered += 1
        return .ping
    }

    mutating func acknowledged() {
        unanswered = 0
    }
}
