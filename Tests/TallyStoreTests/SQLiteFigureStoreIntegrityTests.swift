import Foundation
import Testing
import TallyStore
import TallyTestSupport

/// `SQLiteFigureStore.openVerified`: a damaged file is refused with the file named and what is wrong,
/// before anything writes to it; an intact one opens. The damage is done to the file the way the
/// world does it: cut short, a byte changed inside a figure, emptied, replaced by something else.
@Suite struct SQLiteFigureStoreIntegrityTests {
    /// A store made and closed (its write-ahead log checkpointed into the file and removed).
    private func closedStore() async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("integrity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("tally.sqlite").path
        do {
            let store = try SQLiteFigureStore.openVerified(path: path)
            _ = try await store.state()
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "the store did not close")
        return path
    }

    private func failure(opening path: String) throws -> StoreFailure {
        do {
            _ = try SQLiteFigureStore.openVerified(path: path)
        } catch let failure as StoreFailure {
            return failure
        }
        Issue.record("\(path) opened")
        throw CancellationError()
    }

    @Test func anIntactStoreOpensAgain() async throws {
        let path = try await closedStore()
        let store = try SQLiteFigureStore.openVerified(path: path)
        #expect(try await store.state().version == 1)
    }

    @Test func aTruncatedFileIsRefused() async throws {
        let path = try await closedStore()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(truncate(path, off_t(size / 2)) == 0)
        let failure = try failure(opening: path)
        #expect(failure.kind == .damaged)
        #expect(failure.description.hasPrefix("database \(path): "), "\(failure)")
    }

    @Test func aChangedFigureIsRefusedByItsDigest() async throws {
        let path = try await closedStore()
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let producer = Array("Mediazona".utf8)
        let at = try #require((0...(bytes.count - producer.count)).first { bytes[$0..<($0 + producer.count)].elementsEqual(producer) })
        bytes[at + producer.count - 1] = UInt8(ascii: "b")  // "Mediazonb": still valid UTF-8, still a figure
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let failure = try failure(opening: path)
        #expect(failure.kind == .damaged)
        #expect(failure.problem.contains("the stored digest of version 1 does not match its"), "\(failure)")
    }

    @Test func anEmptyFileIsRefusedNotReseeded() async throws {
        let path = try await closedStore()
        #expect(truncate(path, 0) == 0)
        let failure = try failure(opening: path)
        #expect(failure.kind == .damaged && failure.problem.contains("the file is empty (0 bytes)"), "\(failure)")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 0, "the file was written to")
    }

    @Test func aFileThatIsNotADatabaseIsRefused() async throws {
        let path = try await closedStore()
        try Data(String(repeating: "not a database\n", count: 400).utf8).write(to: URL(fileURLWithPath: path))
        let failure = try failure(opening: path)
        #expect(failure.kind == .damaged && failure.problem.contains("not a database"), "\(failure)")
    }
}
