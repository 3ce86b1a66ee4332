import Foundation
public import TallyModel
public import TallyStore
import TallyTestSupport

/// Publish latency of `changes` changes into a store of `figures` figures, measured the same way
/// on every store (the PostgreSQL store's test and `TallyPublishLatency`, a release build): each
/// publish replaces 90% of its changes' figures and adds the rest, never the same figures twice
/// in a row.
public struct PublishLatency: Sendable {
    public var figures: Int
    public var changes: Int
    public var publishes: Int

    public init(figures: Int = 10_000, changes: Int = 100, publishes: Int = 30) {
        self.figures = figures
        self.changes = changes
        self.publishes = publishes
    }

    /// The seed both stores start from.
    public func seed() -> [Figure] { SyntheticFigures.make(count: figures, prefix: "f") }

    /// The time of each publish, in order; throws if one does not make the next version.
    public func measure(_ store: any FigureStore, seed: [Figure]) async throws -> [Duration] {
        var times: [Duration] = []
        let clock = ContinuousClock()
        let replaced = changes * 9 / 10
        let first = try await store.state().version
        for round in 0..<publishes {
            var batch = (0..<replaced).map { offset -> Figure in
                var figure = seed[(round * replaced + offset) % seed.count]
                figure.value = .exact(Int64(round))
                return figure
            }
            batch += SyntheticFigures.make(count: changes - replaced, prefix: "new-\(round)")
            var version: UInt64 = 0
            let time = try await clock.measure { version = try await store.publish(PublishBatch(figures: batch)).state.version }
            guard version == first + UInt64(round) + 1 else {
                throw StoreError.unavailable("publish \(round) made version \(version), not \(first + UInt64(round) + 1)")
            }
            times.append(time)
        }
        return times
    }

    /// "name: p50 …, p90 …, max …" in milliseconds.
    public static func summary(_ name: String, _ times: [Duration]) -> String {
        let sorted = times.map { Double($0.components.seconds) * 1_000 + Double($0.components.attoseconds) / 1e15 }.sorted()
        guard let last = sorted.last else { return name + ": no publishes" }
        return name + String(format: ": p50 %.1f ms, p90 %.1f ms, max %.1f ms", sorted[sorted.count / 2], sorted[sorted.count * 9 / 10], last)
    }
}
