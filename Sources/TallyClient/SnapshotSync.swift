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
        let result = Result { () throws(TallyClientError) -> LocalSnapshot in try LocalSnapshot.load(from: path, decodingFigures: false) }
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
        // The latest change per id: a new encoding, or nil for a retraction.
        var changed: [String: [UInt8]?] = [:]
        var upserts = 0, retractions = 0, bytes = 0
        for change in changes {
            switch change.kind {
            case .upsert(let figure):
                let payload = figure.wireBytes()
                changed[figure.id] = .some(payload)
                upserts += 1
                bytes += payload.count
            case .retracted(let id):
                changed[id] = .some(nil)
                retractions += 1
            case nil:
                throw TallyClientError.protocolError("change without an upsert or a retraction")
            }
        }
        // Merge the local figures (already in id order) with the changed ids: linear, no re-sort.
        let changedIDs = changed.keys.sorted(by: Self.idOrder)
        var merged: [[UInt8]] = []
        merged.reserveCapacity(local.payloads.count + changedIDs.count)
        var i = 0, j = 0
        while i < local.ids.count || j < changedIDs.count {
            if j == changedIDs.count || (i < local.ids.count && Self.idOrder(local.ids[i], changedIDs[j])) {
                merged.append(local.payloads[i])
                i += 1
            } else {
                if i < local.ids.count && local.ids[i] == changedIDs[j] { i += 1 }  // replaced or retracted
                if let payload = changed[changedIDs[j]]! { merged.append(payload) }
                j += 1
            }
        }
        var digester = DatasetDigester()
        for payload in merged { digester.add(encodedFigure: payload) }
        guard digester.finalize() == header.digest else { return nil }
        var newHeader = SnapshotHeader()
        newHeader.schemaVersion = local.header.schemaVersion
        newHeader.datasetVersion = header.toVersion
        newHeader.digest = header.digest
        newHeader.figureCount = UInt64(merged.count)
        try LocalSnapshot.write(header: newHeader, payloads: merged, to: path)
        return SyncReport(kind: .delta, fromVersion: local.header.datasetVersion, toVersion: header.toVersion,
                          figuresTransferred: upserts, retractions: retractions, bytesReceived: bytes, replacedCorruptCopy: false)
    }

    /// Ids in the digest's order: by UTF-8 bytes.
    static func idOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

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
