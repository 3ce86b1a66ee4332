import Synchronization
import NIOCore

/// Pages already rendered for the current dataset version, by canonical question: a question asked
/// again is answered without computing or rendering anything. A new version empties it; past
/// `capacity` pages or `byteLimit` bytes it starts over, so whatever URLs clients make up, memory
/// stays bounded.
final class RenderedPages: Sendable {
    static let capacity = 128
    static let byteLimit = 16 << 20

    private struct State {
        var version: UInt64 = 0
        var pages: [String: ByteBuffer] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())

    func page(version: UInt64, question: String) -> ByteBuffer? {
        state.withLock { $0.version == version ? $0.pages[question] : nil }
    }

    func insert(_ page: ByteBuffer, version: UInt64, question: String) {
        state.withLock { state in
            // A render that began before a publish finishes after it: too old to keep.
            guard version >= state.version else { return }
            if state.version != version || state.pages.count >= Self.capacity || state.bytes + page.readableBytes > Self.byteLimit {
                state = State(version: version)
            }
            guard state.pages[question] == nil, page.readableBytes <= Self.byteLimit else { return }
            state.pages[question] = page
            state.bytes += page.readableBytes
        }
    }

    var count: Int { state.withLock { $0.pages.count } }
}
