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
/// calls finish within the grace period, then exits.
public final class TallyServer: Service, Sendable {
    public let configuration: ServerConfiguration
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let router: Router
    private let lifecycle = ServerLifecycleState()
    private let broadcaster = ChangeBroadcaster()
    private let metrics = ServerMetrics()
    private let connections = Mutex<[ObjectIdentifier: (any EventLoop, NIOLoopBound<HTTP2ServerConnectionHandler>)]>([:])
    private let listener = Mutex<(any Channel)?>(nil)
    private let boundAddress = Mutex<SocketAddress?>(nil)
    /// Finished when draining is over; `run` returns then.
    private let stopped = AsyncStream<Void>.makeStream()
    private let tls: NIOSSLContext?

    public init(configuration: ServerConfiguration, store: FigureStore, logger: Logger = Logger(label: "tallyd")) throws {
        self.configuration = configuration
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
            var tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            tlsConfiguration.applicationProtocols = ["h2"]
            tls = try NIOSSLContext(configuration: tlsConfiguration)
        } else {
            tls = nil
        }
        let cache = try DatasetCache(store: store)
        metrics.datasetVersion.record(Double(cache.value.state.version))
        let rpc = TallyRPC(configuration: configuration, store: store, cache: cache, broadcaster: broadcaster,
                           authorizer: PublishAuthorizer(token: configuration.publishToken), metrics: metrics,
                           lifecycle: lifecycle, logger: logger)
        router = Router(configuration: configuration, rpc: rpc, metrics: metrics, logger: logger, lifecycle: lifecycle)
    }

    /// Binds the listening socket; returns the address (the port, when 0 was asked for).
    @discardableResult
    public func start() async throws -> SocketAddress {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 64 << 10, high: 256 << 10))
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.setUp(channel) }
            }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        listener.withLock { $0 = channel }
        boundAddress.withLock { $0 = channel.localAddress }
        logger.notice("listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
        return channel.localAddress!
    }

    public var port: Int? { boundAddress.withLock { $0?.port } }

    private func setUp(_ channel: any Channel) throws {
        let meter = metrics.openStreams
        let handler = try HTTP2ServerConnectionHandler(configuration: configuration.http2, responder: router) { change in
            if change > 0 { meter.increment() } else { meter.decrement() }
        }
        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
        try channel.pipeline.syncOperations.addHandler(handler)
        let key = ObjectIdentifier(channel)
        let bound = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        connections.withLock { $0[key] = (channel.eventLoop, bound) }
        metrics.openConnections.increment()
        channel.closeFuture.whenComplete { [self] _ in
            connections.withLock { _ = $0.removeValue(forKey: key) }
            metrics.openConnections.decrement()
        }
        // A new connection while draining is told at once.
        if !lifecycle.isReady { handler.drain(deadline: configuration.gracePeriod) }
    }

    /// Runs until graceful shutdown is requested (or the task is cancelled), then drains.
    public func run() async throws {
        if listener.withLock({ $0 }) == nil { try await start() }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                for await _ in stopped.stream {}
            } onCancel: {
                Task { await self.shutdown() }
            }
        } onGracefulShutdown: {
            Task { await self.shutdown() }
        }
        try await group.shutdownGracefully()
    }

    /// Graceful shutdown: readiness goes false and the listener closes (new connections are refused
    /// at once, which any client may retry elsewhere); every connection gets GOAWAY and its open
    /// calls run on; this returns when the last connection has closed or the grace period is over.
    public func shutdown() async {
        guard lifecycle.isReady else { return }
        lifecycle.beginDraining()
        logger.notice("draining", metadata: ["grace": "\(configuration.gracePeriod)"])
        try? await listener.withLock { $0 }?.close()
        broadcaster.finishAll()
        for (loop, handler) in connections.withLock({ Array($0.values) }) {
            loop.execute { handler.value.drain(deadline: self.configuration.gracePeriod) }
        }
        let deadline = ContinuousClock.now + Duration(configuration.gracePeriod) + .seconds(1)
        while !connections.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        logger.notice("stopped", metadata: ["connections_left": "\(connections.withLock { $0.count })"])
        stopped.continuation.finish()
    }
}
