/// Window accounting of one stream's incoming body, for either role.
///
/// Flow control is manual: received bytes hold the stream's and the connection's windows shut
/// until they are given back, which happens when the application takes them, or at once when
/// nobody will (the response is complete, the caller left, the stream closed). Every method says
/// how many bytes to give back now; the connection does so, so no byte is held forever and none is
/// given back twice.
struct InboundFlow: Equatable {
    /// Received and not yet taken by the application.
    private(set) var unconsumed = 0
    /// Nobody reads any more: bytes are given back as they arrive.
    private(set) var discarding = false

    init(discarding: Bool = false) {
        self.discarding = discarding
    }

    /// `count` bytes arrived: how many to give back at once (all of them when discarding).
    mutating func received(_ count: Int) -> Int {
        if discarding { return count }
        unconsumed += count
        return 0
    }

    /// The application took `count` bytes.
    mutating func consumed(_ count: Int) -> Int {
        let given = min(count, unconsumed)
        unconsumed -= given
        return given
    }

    /// Nobody will read the rest (response complete, caller gone, stream closed): what is held
    /// now, given back, and later bytes at once.
    mutating func discard() -> Int {
        discarding = true
        defer { unconsumed = 0 }
        return unconsumed
    }
}
