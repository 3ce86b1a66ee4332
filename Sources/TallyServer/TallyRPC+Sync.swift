import TallyCodec
import TallyHTTP2
import TallyModel
import TallyStore

/// The two calls a laptop syncs with: the whole snapshot, streamed in batches from the store's
/// pages, and the changes since a version.
extension TallyRPC {
    func etag(_ state: DatasetState, _ suffix: String = "") -> String {
        "\"v\(state.version)-\(state.digestHex.prefix(16))\(suffix)\""
    }

    /// Refuses a client of another dataset schema with a message that says what to do.
    func requireSchema(_ version: UInt32) throws(CallError) {
        guard version == DatasetSchema.current else {
            throw CallError(.failedPrecondition, version < DatasetSchema.current
                ? "this server sends dataset schema \(DatasetSchema.current) (batched figures, the LtHash16 digest); this client speaks \(version): upgrade tally"
                : "this client speaks dataset schema \(version), this server \(DatasetSchema.current): upgrade tallyd")
        }
    }

    /// Figures per `FigureBatch`, about 256 KiB of them: enough for zlib to find the repetition
    /// between figures (a message is compressed on its own), small enough to stream.
    static let batchBytes = 256 << 10

    /// The header, then every figure of the version in id order, in batches, read from the store
    /// page by page: memory stays a few pages whatever the dataset's size.
    func snapshot(_ current: DatasetCache.Current, request: HTTP2Request, stream: ResponseStream) async throws {
        if request.method == "GET" {
            let tag = etag(current.state)
            await stream.addHeader("etag", tag)
            if request.headers["if-none-match"] == tag { throw NotModified() }
        }
        let reader = current.answers.reader
        var header = SnapshotHeader()
        header.schemaVersion = DatasetSchema.current
        header.datasetVersion = reader.state.version
        header.digest = reader.state.digest
        header.figureCount = UInt64(reader.figureCount)
        try await stream.send(header)
        var batch = FigureBatch()
        var batchSize = 0
        var after: String?
        while let page = Optional(try await reader.page(after: after, limit: 2_000)), let last = page.last {
            after = last.id
            for figure in page {
                batch.encodings.append(figure.encoding)
                batchSize += figure.encoding.count
                if batchSize >= Self.batchBytes {
                    try await stream.send(batch)
                    batch.encodings.removeAll(keepingCapacity: true)
                    batchSize = 0
                }
            }
        }
        if !batch.encodings.isEmpty { try await stream.send(batch) }
    }

    func changes(_ request: ChangesRequest, request http: HTTP2Request, stream: ResponseStream) async throws {
        try requireSchema(request.schemaVersion)
        let feed = try await store.changes(since: request.sinceVersion)
        var header = ChangesHeader()
        header.schemaVersion = DatasetSchema.current
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
}
