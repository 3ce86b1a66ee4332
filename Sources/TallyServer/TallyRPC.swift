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

        /// For GET: the request message built from the query string (`Changes?since=N`).
        func messageFromQuery(_ query: String?) throws(CallError) -> [UInt8] {
            guard self == .changes else { return [] }
            var since: UInt64 = 0
            for pair in (query ?? "").split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 && parts[0] == "since" {
                    guard let value = UInt64(parts[1]) else {
                        throw CallError(.invalidArgument, "since must be a version number", violations: [FieldViolation(field: "since", description: "got '\(parts[1])'")])
                    }
                    since = value
                }
            }
            return ChangesRequest(sinceVersion: since).wireBytes()
        }
    }

    let configuration: ServerConfiguration
    let store: FigureStore
    let cache: DatasetCache
    let broadcaster: ChangeBroadcaster
    let authorizer: PublishAuthorizer
    let metrics: ServerMetrics
    let started = ContinuousClock.now
    let lifecycle: ServerLifecycleState
    let logger: Logger
    let publishLock = AsyncLock()

    static let schemaVersion: UInt32 = 1
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
        case .totals:
            let query: TotalsQuery
            do {
                query = try WireConversions.query(try decode(TotalsRequest.self, message))
            } catch let invalid as InvalidRequest {
                throw CallError(.invalidArgument, "totals request rejected", violations: invalid.violations)
            }
            await answer(method, message, current, stream) {
                WireConversions.response(current.engine.totals(query), version: current.state.version).wireBytes()
            }
        case .figures:
            let page: FiguresResponse
            do {
                page = try WireConversions.figuresPage(try decode(FiguresRequest.self, message), from: current.figures, version: current.state.version)
            } catch let invalid as InvalidRequest {
                throw CallError(.invalidArgument, "figures request rejected", violations: invalid.violations)
            }
            await answer(method, message, current, stream) { page.wireBytes() }
        case .sources:
            _ = try decode(SourcesRequest.self, message)
            await answer(method, message, current, stream) {
                WireConversions.sources(current.figures, version: current.state.version).wireBytes()
            }
        case .consistency:
            _ = try decode(ConsistencyRequest.self, message)
            await answer(method, message, current, stream) {
                WireConversions.report(current.findings, version: current.state.version).wireBytes()
            }
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
            _ = try decode(SnapshotRequest.self, message)
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

    /// A successful answer of a cacheable method: prepared once (the very bytes `ResponseStream`
    /// would write), kept with the dataset version under the request's bytes, and sent. The same
    /// question next time is answered on the event loop (`Router.immediateResponse`).
    private func answer(_ method: Method, _ message: [UInt8], _ current: DatasetCache.Current, _ stream: ResponseStream,
                        payload: () -> [UInt8]) async {
        let prepared = ResponseStream.prepared(payload: payload(), encoding: stream.encoding, compressionThreshold: stream.compressionThreshold,
                                               extraHeaders: [HTTP2HeaderField("tally-dataset-version", String(current.state.version))])
        current.answers.insert(method, stream.encoding, request: message, response: prepared)
        await stream.send(prepared: prepared)
    }

    // MARK: - Snapshot and changes

    private func etag(_ state: DatasetState, _ suffix: String = "") -> String {
        "\"v\(state.version)-\(state.digestHex.prefix(16))\(suffix)\""
    }

    private func snapshot(_ current: DatasetCache.Current, request: HTTP2Request, stream: ResponseStream) async throws {
        if request.method == "GET" {
            let tag = etag(current.state)
            await stream.addHeader("etag", tag)
            if request.headers["if-none-match"] == tag { throw NotModified() }
        }
        var header = SnapshotHeader()
        header.schemaVersion = Self.schemaVersion
        header.datasetVersion = current.state.version
        header.digest = current.state.digest
        header.figureCount = UInt64(current.figures.count)
        try await stream.send(header)
        for figure in current.figures { try await stream.send(figure) }
    }

    private func changes(_ request: ChangesRequest, request http: HTTP2Request, stream: ResponseStream) async throws {
        let feed = try await store.changes(since: request.sinceVersion)
        var header = ChangesHeader()
        header.fromVersion = request.sinceVersion
        switch feed {
        case .snapshotRequired(let state):
            header.toVersion = state.version
            header.digest = state.digest
            header.snapshotRequired = true
            try await stream.send(header)
        case .changes(_, let state, let changes):
            if http.method == "GET" {
                let tag = etag(state, "-since\(request.sinceVersion)")
                await stream.addHeader("etag", tag)
                if http.headers["if-none-match"] == tag { throw NotModified() }
            }
            header.toVersion = state.version
            header.digest = state.digest
            header.changeCount = UInt64(changes.count)
            try await stream.send(header)
            for change in changes { try await stream.send(Self.wire(change)) }
        }
    }

    static func wire(_ change: StoredChange) -> Change {
        switch change.kind {
        case .upsert(let figure): Change(version: change.version, kind: .upsert(figure))
        case .retracted(let id): Change(version: change.version, kind: .retracted(id: id))
        }
    }

    // MARK: - Publish and watch

    private func publish(_ request: PublishRequest, stream: ResponseStream) async throws {
        let batch = PublishBatch(figures: request.figures, retractIDs: request.retractIDs,
                                 expectedVersion: request.expectedVersion == 0 ? nil : request.expectedVersion, comment: request.comment)
        // One publish at a time from commit to broadcast: versions reach the cache and the
        // watchers in order, each exactly once.
        let result = try await publishLock.withLock { () async throws -> PublishResult in
            let result: PublishResult
            do {
                result = try await store.publish(batch)
            } catch let error as PublishError {
                throw CallError(publish: error)
            } catch let failure as StoreFailure {
                logger.error("publish not written", metadata: ["error": "\(failure)"])
                throw CallError(storage: failure)
            }
            try await cache.refresh()
            metrics.datasetVersion.record(Double(result.state.version))
            broadcaster.publish(ChangeBroadcaster.Batch(version: result.state.version, changes: result.changes.map(Self.wire)))
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
        if subscription.fellBehind {
            throw CallError(.unavailable, "this watch fell more than \(broadcaster.queueLimit) publishes behind; resume after the last change received",
                            retryAfterMilliseconds: 0)
        }
        if !lifecycle.isReady {
            throw CallError(.unavailable, "server is shutting down; reconnect to continue watching", retryAfterMilliseconds: 1_000)
        }
    }
}

/// A conditional GET whose ETag matches: answered 304 with no body.
struct NotModified: Error {}
