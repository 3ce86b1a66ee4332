import Synchronization
import Testing
@testable import TallyHTTP2

@Suite(.timeLimit(.minutes(5))) struct HTTP2InboundBodyTests {
    /// A reader waiting for a chunk that will never come ends when its task is cancelled.
    @Test func aWaitingReaderEndsOnCancellation() async throws {
        let body = HTTP2InboundBody { _ in }
        let reader = Task { for try await _ in body {} }
        // Let it start waiting (nothing else would end it: the body never ends).
        try await Task.sleep(for: .milliseconds(20))
        reader.cancel()
        await #expect(throws: CancellationError.self) { try await reader.value }
    }

    @Test func aReaderCancelledBeforeItWaitsEndsToo() async throws {
        let body = HTTP2InboundBody { _ in }
        let reader = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            for try await _ in body {}
        }
        await #expect(throws: CancellationError.self) { try await reader.value }
    }

    @Test func chunksAreReportedAsTheyAreTaken() async throws {
        let taken = Mutex<[Int]>([])
        let body = HTTP2InboundBody { count in taken.withLock { $0.append(count) } }
        body.append([1, 2, 3])
        body.append([4])
        body.finish()
        #expect(try await body.collect(upTo: 100) == [1, 2, 3, 4])
        #expect(taken.withLock { $0 } == [3, 1])
    }
}
