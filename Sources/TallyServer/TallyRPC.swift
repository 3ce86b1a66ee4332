import CoreMetrics
import NIOCore
import Foundation
import Logging
import TallyCodec
import TallyHTTP2
import TallyModel
import TallyStore

/// The RPC methods of `Proto/PROTOCOL.md`: decode the request, compute from the current dataset,
/// send the response messages. Ending the call (the status) is the router's job.
struct TallyRPC: Sendable {
    enum Method: String, Sendable {
        case totals = "Totals", figures = "Figures", sources = "Sources", consistency = "Consistency"
        case snapshot = "Snapshot", changes = "Changes", publish = "Publish", watch = "Watch", health = "Health"

        var allowsGet: Bool { self == .snapshot || self == .changes }

        /// Calls that stream, wait or write, whose deadline needs a timer of its own.
        var mayRunLong: Bool { [.snapshot, .changes, .watch, .publish].contains(self) }

        /// zlib level for the call's responses. A snapshot compresses the whole dataset (373 MB of
        /// figures at a million), and the server's deflate was its largest cost in a full sync. On
        /// the benchmark's figures in 256 KiB batches level 3 deflates 2.2× faster than 6 for
        /// 0.140× the canonical bytes instead of 0.116× (level 1: 2.6×, 0.148×); on the real
        /// dataset it gives 0.312× against 0.292× (level 1: 0.326×).
        var compressionLevel: Int32 { self == .snapshot ? 3 : ResponseStream.defaultCompressionLevel }

        /// For GET: the request message built from the query string (`Changes?since=N`, and
        /// `schema=N` for either; a GET names the current schema unless it says otherwise).
        func messageFromQuery(_ query: String?) throws(CallError) -> [UInt8] {
            var since: UInt64 = 0
            var schema = DatasetSchema.current
            for pair in (query ?? "").split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                switch parts[0] {
                case "since":
                    guard let value = UInt64(parts[1]) else {
                        throw CallError(.invalidArgument, "since must be a version number", violations: [FieldViolation(field: "since", description: "got '\(parts[1])'")])
                    }
                    since = value
                case "schema":
                    guard let value = UInt32(parts[1]) else {
                        throw CallError(.invalidArgument, "schema must be a number", violations: [FieldViolation(field: "schema", description: "got '\(parts[1])'")])
                    }
                    schema = value
                default:
                    continue
                }
            }
            return self == .changes ? ChangesRequest(sinceVersion: since, schemaVersion: schema).wireBytes()
                                    : SnapshotRequest(schemaVersion: schema).wireBytes()
        }
    }

    let configuration: ServerConfiguration
    let store: any FigureStore
    let cache: DatasetCache
    let broadcaster: ChangeBroadcaster
    let authorizer: PublishAuthorizer
    let metrics: ServerMetrics
    let started = ContinuousClock.now
    let lifecycle: ServerLifecycleState
    let logger: Logger
    let updates: DatasetUpdates

    static let serverVersion = "tallyd 0.1.0"

    private func decode<M: WireMessage>(_ type: M.Type, _ bytes: [UInt8]) throws(CallError) -> M {
        let limits = WireLimits(maxMessageSize: configuration.maxMessageSize, maxRepeatedCount: configuration.maxRepeatedCount)
        do {
            return try M(wireBytes: bytes, limits: limits)
        } catch {
            throw CallError(decoding: error, of: M.protoName)
        }
    }

    func handle(_ method: Method, message: [UInt8], request: HTTP2Request, stream: ResponseStream) async throws {
        let current = cache.value
        await stream.addHeader("tally-dataset-version", String(current.state.version))
        switch method {
        case .totals, .figures, .sources, .consistency:
            let prepared = try await prepare(method, message, current, encoding: stream.encoding, compressionThreshold: stream.compressionThreshold)
            await stream.send(prepared: prepared)
        case .health:
            _ = try decode(HealthRequest.self, message)
            var health = HealthResponse()
            health.status = lifecycle.isReady ? .serving : .draining
            health.datasetVersion = current.state.version
            health.digest = current.state.digest
            health.serverVersion = Self.serverVersion
            let uptime = ContinuousClock.now - started
            health.uptimeSeconds = Double(uptime.components.seconds) + Double(uptime.components.attoseconds) / 1e18
            try await stream.send(health)
        case .snapshot:
            try requireSchema(try decode(SnapshotRequest.self, message).schemaVersion)
            try await snapshot(current, request: request, stream: stream)
        case .changes:
            try await changes(try decode(ChangesRequest.self, message), request: request, stream: stream)
        case .publish:
            try authorizer.authorize(request.headers["authorization"])
            try await publish(try decode(PublishRequest.self, message), stream: stream)
        case .watch:
            try await watch(try decode(WatchRequest.self, message), stream: stream)
        }
    }

    /// The answer of a cacheable method, prepared once (the very bytes `ResponseStream` would write
    /// for it) and kept with the dataset version under the request's bytes: the same question next
    /// time is answered on the event loop (`Router.immediateResponse`).
    func prepare(_ method: Method, _ message: [UInt8], _ current: DatasetCache.Current, encoding: MessageEncoding,
                 compressionThreshold: Int) async throws -> HTTP2PreparedResponse {
        let payload: [UInt8]
        do {
            switch method {
            case .totals:
                payload = try await current.answers.totals(try decode(TotalsRequest.self, message)).wireBytes()
            case .figures:
                payload = try await current.answers.figures(try decode(FiguresRequest.self, message)).wireBytes()
            case .sources:
                _ = try decode(SourcesRequest.self, message)
                payload = try await current.answers.sources().wireBytes()
            case .consistency:
                _ = try decode(ConsistencyRequest.self, message)
                payload = try await current.answers.consistency().wireBytes()
            default:
                preconditionFailure("\(method) is not answered from a cache")
            }
        } catch let invalid as InvalidRequest {
            throw CallError(.invalidArgument, "\(method.rawValue.lowercased()) request rejected", violations: invalid.violations)
        } catch StoreError.tooMany(let count, let limit) {
            throw CallError(.resourceExhausted, "the question needs \(count) figures in memory, more than this server's limit of \(limit)")
        }
        let prepared = ResponseStream.prepared(payload: payload, encoding: encoding, compressionThreshold: compressionThreshold,
                                               extraHeaders: [HTTP2HeaderField("tally-dataset-version", String(current.state.version))])
        current.prepared.insert(method, encoding, request: message, response: prepared)
        return prepared
    }

    // MARK: - Publish and watch

    private func publish(_ request: PublishRequest, stream: ResponseStream) async throws {
        let batch = PublishBatch(figures: request.figures, retractIDs: request.retractIDs,
                                 expectedVersion: request.expectedVersion == 0 ? nil : request.expectedVersion, comment: request.comment)
        // One publish at a time from commit to broadcast: versions reach the cache and the
        // watchers in order, each exactly once (another replica's publishes come the same way).
        let result = try await updates.lock.withLock { () async throws -> PublishResult in
            let result: PublishResult
            do {
                result = try await store.publish(batch)
            } catch let error as PublishError {
                throw CallError(publish: error)
            } catch StoreError.unavailable(let reason) {
                throw CallError(.unavailable, "the database is unavailable (\(reason)); nothing was published", retryAfterMilliseconds: 1_000)
            } catch let failure as StoreFailure {
                logger.error("publish not written", metadata: ["error": "\(failure)"])
                throw CallError(storage: failure)
            }
            try await updates.catchUpLocked()
            try? await store.pruneChangeLog(keepingVersions: configuration.changeLogVersions)
            return result
        }
        logger.notice("published", metadata: ["version": "\(result.state.version)", "upserted": "\(result.upserted)", "retracted": "\(result.retracted)"])
        var response = PublishResponse()
        response.datasetVersion = result.state.version
        response.digest = result.state.digest
        response.upserted = UInt32(result.upserted)
        response.retracted = UInt32(result.retracted)
        try await stream.send(response)
    }

    /// Changes since the client's version, then each publish as it happens, with heartbeats in
    /// between; ends when the client goes away, the server drains, or the client falls too far
    /// behind (both `unavailable`: the client resumes after the last change it received).
    private func watch(_ request: WatchRequest, stream: ResponseStream) async throws {
        let subscription = broadcaster.subscribe()
        // Versions up to this one were replayed from the change log; the live feed may repeat them.
        var replayed: UInt64 = 0
        if request.sinceVersion > 0 {
            switch try await store.changes(since: request.sinceVersion) {
            case .changes(_, let state, let missed):
                for change in missed { try await stream.send(WatchEvent(.change(Self.wire(change)))) }
                replayed = state.version
            case .snapshotRequired(let state):
                // Watching on without the missed changes would be silent data loss for the client.
                throw CallError(.outOfRange, request.sinceVersion > state.version
                    ? "since_version \(request.sinceVersion) is newer than the dataset (version \(state.version)): was the server's database replaced?"
                    : "since_version \(request.sinceVersion) is older than the change log kept: sync the snapshot, then watch since its version")
            }
        }
        try await stream.send(WatchEvent(.heartbeat(Heartbeat(datasetVersion: cache.value.state.version))))
        try await stream.flush()
        let heartbeat = Duration(configuration.watchHeartbeat)
        let alreadySent = replayed
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await batch in subscription.batches where batch.version > alreadySent {
                    for change in batch.changes { try await stream.send(WatchEvent(.change(change))) }
                    try await stream.flush()
                }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: heartbeat)
                    try await stream.send(WatchEvent(.heartbeat(Heartbeat(datasetVersion: cache.value.state.version))))
                    try await stream.flush()
                }
            }
            // Whichever ends first (the live feed finishing on drain or overflow) ends the call.
            try await group.next()
            group.cancelAll()
        }
        switch subscription.interruption {
        case .fellBehind:
            throw CallError(.unavailable, "this watch fell more than \(broadcaster.queueLimit) publishes behind; resume after the last change received",
                            retryAfterMilliseconds: 0)
        case .reloaded:
            throw CallError(.unavailable, "the server reloaded the dataset without its changes; resume after the last change received",
                            retryAfterMilliseconds: 0)
        case .none:
            break
        }
        if !lifecycle.isReady {
            throw CallError(.unavailable, "server is shutting down; reconnect to continue watching", retryAfterMilliseconds: 1_000)
        }
    }
}

/// A conditional GET whose ETag matches: answered 304 with no body.
struct NotModified: Error {}
