import Foundation
public import TallyCodec
public import TallyModel

/// The dataset on disk: the very bytes the server streams for a snapshot (header, figures, OK
/// status), so writing one is copying and reading one is verifying: structure, count, digest.
public struct LocalSnapshot: Sendable {
    public let header: SnapshotHeader
    /// The figures; empty when loaded with `decodingFigures: false`.
    public let figures: [Figure]
    /// Each figure's canonical encoding, as received (the digest covers these), in id order.
    let payloads: [[UInt8]]
    /// Each figure's id, in the same order.
    let ids: [String]

    /// Reads and verifies a snapshot file; anything that does not verify is `corruptSnapshot`.
    /// A sync, which only moves bytes, skips decoding the figures and reads only their ids.
    public static func load(from path: String, decodingFigures: Bool = true) throws(TallyClientError) -> LocalSnapshot {
        guard FileManager.default.fileExists(atPath: path) else { throw .noLocalSnapshot(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .corruptSnapshot("\(path) cannot be read") }
        var deframer = EnvelopeDeframer(maxMessageSize: 64 << 20)
        deframer.append([UInt8](data))
        var header: SnapshotHeader?
        var figures: [Figure] = []
        var payloads: [[UInt8]] = []
        var ids: [String] = []
        var status: Status?
        var digester = DatasetDigester()
        do {
            while let envelope = try deframer.next() {
                if envelope.isEndOfStream {
                    status = try Status(wireBytes: envelope.payload)
                } else if header == nil {
                    header = try SnapshotHeader(wireBytes: envelope.payload)
                } else {
                    if decodingFigures {
                        let figure = try Figure(wireBytes: envelope.payload)
                        ids.append(figure.id)
                        figures.append(figure)
                    } else {
                        ids.append(try Self.id(of: envelope.payload))
                    }
                    digester.add(encodedFigure: envelope.payload)
                    payloads.append(envelope.payload)
                }
            }
            try deframer.finish()
        } catch {
            throw .corruptSnapshot("\(path): \(error)")
        }
        guard let header else { throw .corruptSnapshot("\(path): no header") }
        guard status == .ok else { throw .corruptSnapshot("\(path): does not end with the OK status") }
        guard header.figureCount == UInt64(payloads.count) else {
            throw .corruptSnapshot("\(path): header announces \(header.figureCount) figures, file holds \(payloads.count)")
        }
        guard digester.finalize() == header.digest else { throw .corruptSnapshot("\(path): digest does not match the figures") }
        return LocalSnapshot(header: header, figures: figures, payloads: payloads, ids: ids)
    }

    /// A figure's id (field 1), read from its encoding without decoding the rest.
    static func id(of payload: [UInt8]) throws -> String {
        try payload.withUnsafeBytes { buffer throws -> String in
            var reader = WireReader(buffer)
            while let tag = try reader.nextTag() {
                if tag.field == 1 { return try reader.string(tag) }
                try reader.skipField(tag)
            }
            return ""
        }
    }

    /// Writes a complete snapshot file atomically: a temporary file beside it, fsync, rename, fsync
    /// of the directory. A crash at any point leaves the old file or the new one, never a mix.
    static func write(header: SnapshotHeader, payloads: [[UInt8]], to path: String) throws(TallyClientError) {
        let writer = try SnapshotFileWriter(finalPath: path)
        try writer.append(header.wireBytes())
        for payload in payloads { try writer.append(payload) }
        try writer.commit()
    }
}

/// Streams a snapshot into `<path>.partial` and renames it over `<path>` only after `commit`.
final class SnapshotFileWriter {
    let finalPath: String
    let partialPath: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private(set) var bytesWritten = 0

    init(finalPath: String) throws(TallyClientError) {
        self.finalPath = finalPath
        self.partialPath = finalPath + ".partial"
        let directory = (finalPath as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: partialPath, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: partialPath) else { throw CocoaError(.fileWriteNoPermission) }
            try handle.truncate(atOffset: 0)
            self.handle = handle
        } catch {
            throw .badArguments("cannot write \(partialPath): \(error)")
        }
    }

    /// Appends one message as an uncompressed envelope.
    func append(_ payload: [UInt8], endOfStream: Bool = false) throws(TallyClientError) {
        EnvelopeFramer.appendPrefix(flags: endOfStream ? .endOfStream : [], length: payload.count, to: &buffer)
        buffer += payload
        if buffer.count >= 1 << 20 { try drain() }
    }

    private func drain() throws(TallyClientError) {
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw .badArguments("cannot write \(partialPath): \(error)")
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Ends the file with the OK status, makes it durable, and moves it into place.
    func commit() throws(TallyClientError) {
        try append(Status.ok.wireBytes(), endOfStream: true)
        try drain()
        do {
            try handle.synchronize()
            try handle.close()
            if rename(partialPath, finalPath) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            let directory = open((finalPath as NSString).deletingLastPathComponent, O_RDONLY)
            if directory >= 0 {
                fsync(directory)
                close(directory)
            }
        } catch {
            throw .badArguments("cannot move the new snapshot into \(finalPath): \(error)")
        }
    }

    /// Gives up: the partial file is removed, the previous snapshot is untouched.
    func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partialPath)
    }
}
