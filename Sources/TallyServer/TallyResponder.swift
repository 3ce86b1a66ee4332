import CoreMetrics
public import Logging
import TallyCodec
public import TallyHTTP2
public import TallyStore

/// tallyd's request handling without its listener: the router over the dataset, its methods,
/// metrics and lifecycle. `TallyServer` serves every connection with one; benchmarks and fuzz
/// targets drive a connection in memory with one (`@_spi(InMemory)`).
@_spi(InMemory)
public struct TallyResponder: HTTP2Responder {
    let router: Router
    let broadcaster: ChangeBroadcaster
    let updates: DatasetUpdates
    let database = DatabaseStatus()

    public init(configuration: ServerConfiguration, store: any FigureStore, logger: Logger) async throws {
        let lifecycle = ServerLifecycleState()
        let metrics = ServerMetrics()
        broadcaster = ChangeBroadcaster(queueLimit: configuration.watchQueueLimit)
        let cache = try await DatasetCache(store: store)
        metrics.datasetVersion.record(Double(cache.value.state.version))
        updates = DatasetUpdates(store: store, cache: cache, broadcaster: broadcaster, metrics: metrics, logger: logger)
        let rpc = TallyRPC(configuration: configuration, store: store, cache: cache, broadcaster: broadcaster,
                           authorizer: PublishAuthorizer(token: configuration.publishToken), metrics: metrics,
                           lifecycle: lifecycle, logger: logger, updates: updates)
        router = Router(configuration: configuration, rpc: rpc, metrics: metrics, logger: logger, lifecycle: lifecycle,
                        web: WebSite(cache: cache), database: database)
    }

    var metrics: ServerMetrics { router.metrics }
    var lifecycle: ServerLifecycleState { router.lifecycle }

    public func immediateResponse(to head: HTTP2Fields, body: [UInt8]) -> HTTP2PreparedResponse? {
        router.immediateResponse(to: head, body: body)
    }

    public func respond(to request: HTTP2Request, with writer: HTTP2ResponseWriter) async {
        await router.respond(to: request, with: writer)
    }

    /// Answers a cacheable call (`Totals`, `Figures`, `Sources`, `Consistency`) once, as its first
    /// caller would, so that the same call is answered from the cache afterwards. `request` is the
    /// message payload (no envelope), sent identity-encoded.
    public func prime(method: String, request: [UInt8]) async throws {
        guard let method = TallyRPC.Method(rawValue: method) else { return }
        _ = try await router.rpc.prepare(method, request, router.rpc.cache.value, encoding: .identity,
                                   compressionThreshold: router.configuration.compressionThreshold)
    }
}
