import Testing
@testable import TallyHTTP2

/// Every received byte is given back exactly once: when read, or at once when nobody will read it.
@Suite struct InboundFlowTests {
    @Test func bytesAreGivenBackAsTheApplicationReadsThem() {
        var flow = InboundFlow()
        #expect(flow.received(1_000) == 0)
        #expect(flow.received(500) == 0)
        #expect(flow.consumed(700) == 700)
        #expect(flow.unconsumed == 800)
        #expect(flow.consumed(900) == 800, "never more than was held")
    }

    @Test func discardingGivesBackWhatIsHeldAndEverythingAfter() {
        var flow = InboundFlow()
        _ = flow.received(4_000)
        _ = flow.consumed(1_000)
        #expect(flow.discard() == 3_000)
        #expect(flow.received(2_000) == 2_000)
        #expect(flow.consumed(1_000) == 0, "bytes given back on arrival are not given back again when read")
        #expect(flow.discard() == 0)
    }
}
