import CoreMetrics
public import Logging
public import NIOCore
import NIOPosix
import NIOSSL
public import ServiceLifecycle
import Synchronization
import TallyHTTP2
public import TallyStore

/// `tallyd` as a service: listens, serves HTTP/2 through nghttp2 on every connection, and on
/// graceful shutdown (SIGTERM, SIGINT) stops accepting, tells clients with GOAWAY, lets in-flight
/// calls finish within the grace period, then returns.
///
/// Structured all the way down: connections are child tasks of one discarding task group, each
/// connection's calls are child tasks of its own, and `run` returns only when every one of them
/// has ended; the drain is an action on each connection plus that wait, with no polling.
public final class TallyServer: Service, Sendable {
    public let configuration: ServerConfiguration
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let responder: TallyResponder
    private var lifecycle: ServerLifecycleState { responder.lifecycle }
    private var metrics: ServerMetrics { responder.metrics }
    private let listener = Mutex<NIOAsyncChannel<HTTP2ServerConnection, Never>?>(nil)
    private let boundAddress = Mutex<SocketAddress?>(nil)
    private let tls: NIOSSLContext?
    private let follower: ReplicaFollower?
    private let admission: ConnectionAdmission

    public init(configuration: ServerConfiguration, store: any FigureStore, logger: Logger = Logger(label: "tallyd")) async throws {
        self.configuration = configuration
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        admission = ConnectionAdmission(limit: configuration.maxConnections ?? ConnectionAdmission.automaticLimit())
        if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
            tls = try NIOSSLContext(configuration: ServerTLS.configuration(certificatePath: certificate, keyPath: key))
        } else {
            tls = nil
        }
        let responder = try await TallyResponder(configuration: configuration, store: store, logger: logger)
        self.responder = responder
        follower = (store as? MirroredFigureStore).map { store in
            ReplicaFollower(store: store, updates: responder.updates, status: responder.database,
                            checkInterval: configuration.replicaCheckInterval, logger: logger)
        }
    }

    /// Binds the listening socket; returns the address (the port, when 0 was asked for).
    @discardableResult
    public func start() async throws -> SocketAddress {
        let (logger, pauses) = (logger, metrics.acceptPauses)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptPause(logger: logger) { pauses.increment() })
                }
            }
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 64 << 10, high: 256 << 10))
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port) { [self] channel in
            channel.eventLoop.makeCompletedFuture { try self.setUp(channel) }
        }
        listener.withLock { $0 = channel }
        let address = channel.channel.localAddress!
        boundAddress.withLock { $0 = address }
        logger.notice("listening", metadata: ["address": "\(address)", "max-connections": "\(admission.limit)"])
        return address
    }

    public var port: Int? { boundAddress.withLock { $0?.port } }

    private func setUp(_ channel: any Channel) throws -> HTTP2ServerConnection {
        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
        let decision = admission.admit()
        guard decision == .serve else { return try refuse(channel, decision) }
        let meter = metrics.openStreams
        let connection = try HTTP2ServerConnection.configure(channel, configuration: configuration.http2, responder: responder) { change in
            if change > 0 { meter.increment() } else { meter.decrement() }
        }
        metrics.openConnections.increment()
        channel.closeFuture.whenComplete { [metrics, admission] _ in
            metrics.openConnections.decrement()
            admission.servedClosed()
        }
        return connection
    }

    /// Over the connection limit: a GOAWAY that says so, or, with too many refusals lingering
    /// already, a close without one (`ConnectionAdmission`).
    private func refuse(_ channel: any Channel, _ decision: ConnectionAdmission.Decision) throws -> HTTP2ServerConnection {
        metrics.refusedConnections.increment()
        let refusal = HTTP2Refusal(message: "too many connections: this server serves at most \(admission.limit) at once; retry later")
        let connection = try HTTP2ServerConnection.configure(channel, configuration: configuration.http2, responder: responder, refusal: refusal)
        if decision == .refuse {
            channel.closeFuture.whenComplete { [admission] _ in admission.refusalClosed() }
        } else {
            channel.close(promise: nil)
        }
        return connection
    }

    /// Serves until graceful shutdown is requested (or the task is cancelled), then drains and
    /// returns once every connection has closed and every call has ended.
    public func run() async throws {
        if listener.withLock({ $0 }) == nil { try await start() }
        guard let listener = listener.withLock({ $0 }) else { return }
        let grace = configuration.gracePeriod
        // A replica follows the other replicas' commits until the listener closes.
        let following = follower.map { follower in Task { await follower.run() } }
        defer { following?.cancel() }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                do {
                    try await listener.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await Self.serve(connection, grace: grace) }
                        }
                    }
                } catch {
                    logger.error("accepting connections failed", metadata: ["error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            self.beginDraining(listener)
        }
        logger.notice("stopped")
        try await group.shutdownGracefully()
    }

    /// One connection: its calls served in a task group of their own; told to drain when the
    /// service is (at once, if it already is).
    private static func serve(_ connection: HTTP2ServerConnection, grace: TimeAmount) async {
        await withGracefulShutdownHandler {
            await connection.serve()
        } onGracefulShutdown: {
            connection.drain(grace: grace)
        }
    }

    /// Readiness goes false and the listener closes (new connections are refused at once, which
    /// any client may retry elsewhere); watches end with `unavailable`; each connection drains.
    private func beginDraining(_ listener: NIOAsyncChannel<HTTP2ServerConnection, Never>) {
        guard lifecycle.isReady else { return }
        lifecycle.beginDraining()
        logger.notice("draining", metadata: ["grace": "\(configuration.gracePeriod)"])
        listener.channel.close(promise: nil)
        responder.broadcaster.finishAll()
    }
}
