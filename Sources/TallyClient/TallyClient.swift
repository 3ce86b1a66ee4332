import Foundation
import NIOCore
import NIOPosix
public import TallyCodec
public import TallyHTTP2

/// The typed async client: one method per call of `Proto/PROTOCOL.md`, over one reused HTTP/2
/// connection (h2c for `http://`, TLS with ALPN h2 for `https://`).
///
/// Calls that change nothing are retried on a new connection when the server did not process them
/// (REFUSED_STREAM, GOAWAY, a refused connection) or answered a retryable status (`unavailable`,
/// `resource_exhausted`, `aborted`), with backoff. Publish is retried only when nothing was sent.
public final class TallyClient: Sendable {
    public struct Configuration: Sendable {
        public var server: ServerAddress
        /// PEM file of the CA that signed the server's certificate, for a private CA; otherwise the
        /// system trust store.
        public var caCertificatePath: String?
        /// How long a call may take, retries included: sent to the server as the call's deadline
        /// (`tally-timeout-ms`) and enforced by the client. Watch and Snapshot have none.
        public var timeout: Duration = .seconds(30)
        public var connectTimeout: Duration = .seconds(5)
        /// While calls are open, an HTTP/2 PING this often; two unanswered and the connection is
        /// dropped (a watch then reconnects). nil: none.
        public var keepaliveInterval: Duration? = .seconds(20)
        /// Attempts after the first, for calls that may be retried.
        public var retries = 3
        public var maxMessageSize = 4 << 20
        /// The connection's HTTP/2 settings (the receive window of each call, among others).
        public var http2 = HTTP2Settings()

        public init(server: ServerAddress) {
            self.server = server
        }
    }

    public let configuration: Configuration
    private let group: MultiThreadedEventLoopGroup
    private let manager: ConnectionManager<HTTP2ClientConnection>

    public init(configuration: Configuration) throws(TallyClientError) {
        self.configuration = configuration
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let connector = try ServerConnector(address: configuration.server, group: group, caCertificatePath: configuration.caCertificatePath,
                                            connectTimeout: TimeAmount(configuration.connectTimeout),
                                            keepaliveInterval: configuration.keepaliveInterval.map(TimeAmount.init), settings: configuration.http2)
        manager = ConnectionManager(address: configuration.server, connect: connector.connect)
    }

    /// A client whose connections `connect` makes, on `group`: for one in memory (`TallyClient+Fuzzing.swift`).
    init(configuration: Configuration, group: MultiThreadedEventLoopGroup, connect: @escaping @Sendable () -> EventLoopFuture<HTTP2ClientConnection>) {
        self.configuration = configuration
        self.group = group
        manager = ConnectionManager(address: configuration.server, connect: connect)
    }

    /// Closes the connection and stops the client's thread.
    public func shutdown() async {
        await manager.close()
        try? await group.shutdownGracefully()
    }

    // MARK: - Calls

    public func totals(_ request: TotalsRequest) async throws -> TotalsResponse {
        try await unary("Totals", request)
    }

    public func figures(_ request: FiguresRequest) async throws -> FiguresResponse {
        try await unary("Figures", request)
    }

    public func sources() async throws -> SourcesResponse {
        try await unary("Sources", SourcesRequest())
    }

    public func consistency() async throws -> ConsistencyReport {
        try await unary("Consistency", ConsistencyRequest())
    }

    public func health() async throws -> HealthResponse {
        try await unary("Health", HealthRequest())
    }

    /// Publishes a batch. Not retried once sent: a publish that may have been applied is not sent twice.
    public func publish(_ request: PublishRequest, token: String) async throws -> PublishResponse {
        try await unary("Publish", request, idempotent: false, headers: [HTTP2HeaderField("authorization", "Bearer \(token)")])
    }

    /// The snapshot, message by message, as they arrive: the header first, then `FigureBatch`es.
    /// Returns the response body bytes received (as they came: compressed, when they were).
    @discardableResult
    public func snapshot(_ onMessage: @escaping (Envelope) async throws -> Void) async throws -> Int {
        try await run("Snapshot", SnapshotRequest(schemaVersion: DatasetSchema.current), idempotent: true, timeout: nil, onMessage: onMessage)
    }

    /// Changes since a version: the header, then the changes.
    public func changes(since version: UInt64) async throws -> (ChangesHeader, [Change]) {
        var header: ChangesHeader?
        var changes: [Change] = []
        try await run("Changes", ChangesRequest(sinceVersion: version, schemaVersion: DatasetSchema.current), idempotent: true,
                      timeout: configuration.timeout) { envelope in
            if header == nil {
                header = try Self.decode(ChangesHeader.self, envelope)
            } else {
                changes.append(try Self.decode(Change.self, envelope))
            }
        }
        guard let header else { throw TallyClientError.protocolError("changes stream without a header") }
        guard header.schemaVersion == DatasetSchema.current else {
            throw TallyClientError.protocolError("the server sends dataset schema \(header.schemaVersion), this client reads \(DatasetSchema.current): upgrade tallyd")
        }
        return (header, changes)
    }

    /// Changes as they are published, with heartbeats, until the server ends the stream or the task
    /// is cancelled. No deadline.
    public func watch(since version: UInt64, _ onEvent: @escaping (WatchEvent) async throws -> Void) async throws {
        try await run("Watch", WatchRequest(sinceVersion: version), idempotent: true, timeout: nil) { envelope in
            try await onEvent(try Self.decode(WatchEvent.self, envelope))
        }
    }

    // MARK: - Machinery

    private func unary<Response: WireMessage>(_ method: String, _ request: some WireMessage, idempotent: Bool = true,
                                              headers: [HTTP2HeaderField] = []) async throws -> Response {
        var response: Response?
        try await run(method, request, idempotent: idempotent, timeout: configuration.timeout, headers: headers) { envelope in
            response = try Self.decode(Response.self, envelope)
        }
        guard let response else { throw TallyClientError.protocolError("\(method) answered no message") }
        return response
    }

    static func decode<M: WireMessage>(_ type: M.Type, _ envelope: Envelope) throws -> M {
        do {
            return try M(wireBytes: envelope.payload)
        } catch {
            throw TallyClientError.protocolError("undecodable \(M.protoName): \(error)")
        }
    }

    /// Sends a call, retrying while that is safe: always when the server did not process it; for
    /// idempotent calls also on retryable statuses, but never once a message was handed to the caller
    /// (a stream cannot be resumed mid-way).
    /// Returns the response body bytes of the attempt that succeeded.
    @discardableResult
    private func run(_ method: String, _ request: some WireMessage, idempotent: Bool, timeout: Duration?,
                     headers: [HTTP2HeaderField] = [], onMessage: @escaping (Envelope) async throws -> Void) async throws -> Int {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        var attempt = 0
        while true {
            var delivered = false
            var sent = false
            do {
                // Each attempt gets what is left of the call's time.
                let remaining = deadline.map { $0 - clock.now }
                if let remaining, let timeout, remaining <= .zero { throw TallyClientError.timedOut(configuration.server, timeout) }
                let connection = try await manager.connection()
                sent = true
                let exchange = RPCExchange(connection: connection, address: configuration.server, maxMessageSize: configuration.maxMessageSize)
                do {
                    return try await exchange.call(method: method, request: request, timeout: remaining, extraHeaders: headers) { envelope in
                        delivered = true
                        try await onMessage(envelope)
                    }
                } catch HTTP2ClientError.deadlineExceeded {
                    throw TallyClientError.timedOut(configuration.server, timeout ?? .zero)
                } catch let error as HTTP2ClientError {
                    await manager.discard(connection)
                    throw map(error)
                }
            } catch let error as TallyClientError {
                let notProcessed = !sent || error.wasNotProcessed
                let mayRetry = !delivered && (notProcessed || (idempotent && error.isRetryable))
                guard mayRetry, attempt < configuration.retries else { throw error }
                attempt += 1
                let pause = backoff(attempt, error)
                // Waiting past the deadline would only turn this error into a timeout.
                if let deadline, clock.now + pause >= deadline { throw error }
                try await Task.sleep(for: pause)
            }
        }
    }

    private func map(_ error: HTTP2ClientError) -> TallyClientError {
        switch error {
        case .refused, .notProcessed: .unreachable(configuration.server, "the server did not process the call (\(error))")
        case .connectionClosed: .connectionLost(configuration.server, "connection closed")
        case .connectionFailed(let why): configuration.server.secure && why.contains("SSL") ? .tls(configuration.server, why) : .connectionLost(configuration.server, why)
        case .reset(let code): .protocolError("stream reset with HTTP/2 error code \(code)")
        case .protocolError(let why): .protocolError(why)
        case .deadlineExceeded: .timedOut(configuration.server, configuration.timeout)
        }
    }

    private func backoff(_ attempt: Int, _ error: TallyClientError) -> Duration {
        if case .status(let status) = error, status.retryAfterMilliseconds > 0 {
            return .milliseconds(Int(status.retryAfterMilliseconds))
        }
        return .milliseconds(100 * (1 << min(attempt, 5)))
    }
}

extension TallyClientError {
    /// The server certainly did no work on the call.
    var wasNotProcessed: Bool {
        if case .unreachable = self { return true }
        return false
    }
}
