import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import TallyClient

/// One connection for many callers: concurrent callers share one connection attempt, a broken
/// connection is replaced once, and nothing is left open behind the manager's back.
@Suite(.timeLimit(.minutes(5))) struct ConnectionManagerTests {
    final class FakeConnection: ManagedConnection {
        let id: Int
        private let usable = Atomic(true)
        private let closes = Atomic(0)

        init(id: Int) { self.id = id }

        var isUsable: Bool { usable.load(ordering: .relaxed) }
        var closeCount: Int { closes.load(ordering: .relaxed) }
        func breakDown() { usable.store(false, ordering: .relaxed) }
        func closeSoon() { closes.add(1, ordering: .relaxed) }
    }

    /// Makes fake connections after a pause (a real connect takes a while too), counting them.
    final class Connector: Sendable {
        let made = Mutex<[FakeConnection]>([])
        let loop = MultiThreadedEventLoopGroup.singleton.next()

        func connect() -> EventLoopFuture<FakeConnection> {
            loop.scheduleTask(in: .milliseconds(50)) { [self] in
                made.withLock { made in
                    made.append(FakeConnection(id: made.count + 1))
                    return made.last!
                }
            }.futureResult
        }

        var connections: [FakeConnection] { made.withLock { $0 } }
    }

    static let address = ServerAddress(secure: false, host: "127.0.0.1", port: 1)

    @Test func concurrentCallersShareOneConnect() async throws {
        let connector = Connector()
        let manager = ConnectionManager(address: Self.address, connect: connector.connect)
        let ids = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { try await manager.connection().id } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(connector.connections.count == 1, "one connect for twenty callers")
        #expect(Set(ids) == [1])
        #expect(connector.connections[0].closeCount == 0, "the shared connection stays open")
    }

    @Test func aBrokenConnectionIsReplacedOnceAndClosed() async throws {
        let connector = Connector()
        let manager = ConnectionManager(address: Self.address, connect: connector.connect)
        let first = try await manager.connection()
        first.breakDown()
        let ids = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<10 { group.addTask { try await manager.connection().id } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(ids) == [2])
        #expect(connector.connections.count == 2)
        #expect(first.closeCount == 1, "the broken connection is closed, once")
    }

    @Test func aFailedConnectIsNotRemembered() async throws {
        let attempts = Atomic(0)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let manager = ConnectionManager<FakeConnection>(address: Self.address) {
            if attempts.add(1, ordering: .relaxed).newValue == 1 {
                return loop.makeFailedFuture(TallyClientError.unreachable(Self.address, "refused"))
            }
            return loop.makeSucceededFuture(FakeConnection(id: 7))
        }
        await #expect(throws: TallyClientError.self) { try await manager.connection() }
        #expect(try await manager.connection().id == 7)
    }

    @Test func shutDownClosesAndRefusesLaterCalls() async throws {
        let connector = Connector()
        let manager = ConnectionManager(address: Self.address, connect: connector.connect)
        let connection = try await manager.connection()
        await manager.close()
        #expect(connection.closeCount == 1)
        await #expect(throws: TallyClientError.self) { try await manager.connection() }
    }
}
