import Foundation
import TallyCodec
import TallyModel
import TallyStore

/// The stores the shared store tests run against: every behaviour `FigureStore` promises is
/// checked on each (a test takes the backend as its argument).
enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqliteInMemory
    case sqliteFile

    var description: String { rawValue }

    /// A new, empty store seeded with `seed` as version 1.
    func make(seed: [Figure]) async throws -> any FigureStore {
        switch self {
        case .sqliteInMemory:
            return try SQLiteFigureStore(inMemoryWith: seed)
        case .sqliteFile:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-store-\(UUID().uuidString).sqlite").path
            return try SQLiteFigureStore(path: path, seed: seed)
        }
    }
}

extension FigureStore {
    /// Every figure of the current version, through a reader's pages.
    func allFigures() async throws -> [Figure] {
        try await reader().allFigures()
    }
}

extension DatasetReader {
    func allFigures() async throws -> [Figure] {
        var figures: [Figure] = []
        var after: String?
        while true {
            let page = try await page(after: after, limit: 7)
            guard let last = page.last else { return figures }
            figures += try page.map { try Figure(wireBytes: $0.encoding) }
            after = last.id
        }
    }
}
