import Foundation
import TallyCodec
import TallyModel

/// What a sync did.
public struct SyncReport: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The local copy was already current.
        case upToDate
        /// Changes since the local version were applied.
        case delta
        /// The whole snapshot was downloaded (first sync, log too old, local copy corrupt).
        case full
    }

    public var kind: Kind
    public var fromVersion: UInt64?
    public var toVersion: UInt64
    /// Figures received (upserts for a delta, every figure for a full sync).
    public var figuresTransferred: Int
    public var retractions: Int
    /// Payload bytes received.
    public var bytesReceived: Int
    /// The previous local copy failed verification and was replaced.
    public var replacedCorruptCopy: Bool
}

/// Keeps the local snapshot current: a delta when the server still has the changes since the local
/// version, the whole snapshot otherwise. Every new file is verified against the server's digest
/// before it replaces the old one, so an interrupted or failed sync leaves the old copy intact.
public struct SnapshotSync: Sendable {
    public let client: TallyClient
    public let path: String
    /// Called with (figures received, figures expected) during a full download.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(client: TallyClient, path: String) {
        self.client = client
        self.path = path
    }

    public func sync() async throws -> SyncReport {
        let (local, replacedCorrupt) = try loadLocalCopy()
        if let local {
            let (header, changes) = try await client.changes(since: local.header.datasetVersion)
            if !header.snapshotRequired {
                if changes.isEmpty && header.digest == local.header.digest {
                    return SyncReport(kind: .upToDate, fromVersion: local.header.datasetVersion, toVersion: header.toVersion,
                                      figuresTransferred: 0, retractions: 0, bytesReceived: 0, replacedCorruptCopy: false)
                }
                if let report = try applyDelta(local, header, changes) { return report }
            }
        }
        var report = try await fullDownload()
        report.fromVersion = local?.header.datasetVersion
        report.replacedCorruptCopy = replacedCorrupt
        return report
    }

    /// The current local copy; `nil` when there is none, or (flagged) when it fails verification.
    private func loadLocalCopy() throws -> (LocalSnapshot?, Bool) {
        let result = Result { () throws(TallyClientError) -> LocalSnapshot in try LocalSnapshot.load(from: path) }
        switch result {
        case .success(let snapshot): return (snapshot, false)
        case .failure(let error):
            switch error {
            case .noLocalSnapshot: return (nil, false)
            case .corruptSnapshot: return (nil, true)
            default: throw error
            }
        }
    }

    /// Applies the changes in memory and writes the result if its digest is the server's; returns
    /// nil (so a full download follows) when it is not.
    private func applyDelta(_ local: LocalSnapshot, _ header: ChangesHeader, _ changes: [Change]) throws -> SyncReport? {
        var byID: [String: [UInt8]] = [:]
        for (figure, payload) in zip(local.figures, local.payloads) { byID[figure.id] = payload }
        var upserts = 0, retractions = 0, bytes = 0
        for change in changes {
            switch change.kind {
            case .upsert(let figure):
                let payload = figure.wireBytes()
                byID[figure.id] = payload
                upserts += 1
                bytes += payload.count
            case .retracted(let id):
                byID[id] = nil
                retractions += 1
            case nil:
                throw TallyClientError.protocolError("change without an upsert or a retraction")
            }
        }
        let ordered = byID.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { byID[$0]! }
        var digester = DatasetDigester()
        for payload in ordered { digester.add(encodedFigure: payload) }
        guard digester.finalize() == header.digest else { return nil }
        var newHeader = SnapshotHeader()
        newHeader.schemaVersion = local.header.schemaVersion
        newHeader.datasetVersion = header.toVersion
        newHeader.digest = header.digest
        newHeader.figureCount = UInt64(ordered.count)
        try LocalSnapshot.write(header: newHeader, payloads: ordered, to: path)
        return SyncReport(kind: .delta, fromVersion: local.header.datasetVersion, toVersion: header.toVersion,
                          figuresTransferred: upserts, retractions: retractions, bytesReceived: bytes, replacedCorruptCopy: false)
    }

    /// Streams the snapshot into a partial file, hashing as it goes; renames it into place only if
    /// count and digest verify.
    private func fullDownload() async throws -> SyncReport {
        let writer = try SnapshotFileWriter(finalPath: path)
        var header: SnapshotHeader?
        var digester = DatasetDigester()
        var count = 0
        var bytes = 0
        let progress = self.progress
        do {
            try await client.snapshot { envelope in
                bytes += envelope.payload.count
                if header == nil {
                    header = try TallyClient.decode(SnapshotHeader.self, envelope)
                } else {
                    digester.add(encodedFigure: envelope.payload)
                    count += 1
                    if count % 4096 == 0 { progress?(count, Int(header!.figureCount)) }
                }
                try writer.append(envelope.payload)
            }
            guard let header else { throw TallyClientError.protocolError("snapshot without a header") }
            guard UInt64(count) == header.figureCount else {
                throw TallyClientError.corruptSnapshot("received \(count) figures, the header announced \(header.figureCount)")
            }
            guard digester.finalize() == header.digest else { throw TallyClientError.corruptSnapshot("received figures do not match the digest") }
            progress?(count, count)
            try writer.commit()
            return SyncReport(kind: .full, fromVersion: nil, toVersion: header.datasetVersion, figuresTransferred: count,
                              retractions: 0, bytesReceived: bytes, replacedCorruptCopy: false)
        } catch {
            writer.abandon()
            throw error
        }
    }
}
