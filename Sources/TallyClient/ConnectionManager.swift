import NIOCore
import TallyHTTP2

/// What `ConnectionManager` needs of a connection.
protocol ManagedConnection: AnyObject, Sendable {
    /// Open, and no GOAWAY received; answered without waiting.
    var isUsable: Bool { get }
    /// Closes after what is queued has been sent, without waiting for it.
    func closeSoon()
}

extension HTTP2ClientConnection: ManagedConnection {}

/// Keeps one connection to the server and makes a new one when it is gone or the server sent
/// GOAWAY: many calls share a connection, and a restarted server is reconnected to.
///
/// The state is explicit and changes only between awaits, so concurrent callers share one
/// connection attempt: the first caller moves the manager to `connecting` before it waits, and
/// the others wait on the same attempt instead of starting their own (two racing connects would
/// each overwrite the other, and one connection would be left open and unused).
actor ConnectionManager<Connection: ManagedConnection> {
    enum State {
        case idle
        case connecting(EventLoopFuture<Connection>)
        case ready(Connection)
        case closed
    }

    private(set) var state = State.idle
    let address: ServerAddress
    /// Makes a connection; fails with a `TallyClientError`.
    private let connect: @Sendable () -> EventLoopFuture<Connection>

    init(address: ServerAddress, connect: @escaping @Sendable () -> EventLoopFuture<Connection>) {
        self.address = address
        self.connect = connect
    }

    /// A usable connection: the current one, the one being made, or a new one.
    func connection() async throws(TallyClientError) -> Connection {
        let attempt: EventLoopFuture<Connection>
        switch state {
        case .ready(let connection) where connection.isUsable:
            return connection
        case .ready(let connection):
            connection.closeSoon()
            attempt = start()
        case .connecting(let pending):
            attempt = pending
        case .idle:
            attempt = start()
        case .closed:
            throw .connectionLost(address, "the client was shut down")
        }
        do {
            let connection = try await attempt.get()
            if case .connecting(let pending) = state, pending === attempt { state = .ready(connection) }
            return connection
        } catch {
            if case .connecting(let pending) = state, pending === attempt { state = .idle }
            throw error as? TallyClientError ?? .unreachable(address, "\(error)")
        }
    }

    private func start() -> EventLoopFuture<Connection> {
        let attempt = connect()
        state = .connecting(attempt)
        return attempt
    }

    /// Forgets the current connection (after it failed a call).
    func discard(_ connection: Connection) {
        guard case .ready(let current) = state, current === connection else { return }
        state = .idle
        connection.closeSoon()
    }

    /// Closes the connection; later calls fail.
    func close() async {
        let previous = state
        state = .closed
        switch previous {
        case .ready(let connection): connection.closeSoon()
        case .connecting(let attempt): (try? await attempt.get())?.closeSoon()
        case .idle, .closed: break
        }
    }
}
