import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many connections tallyd serves at once, and what becomes of one more.
///
/// Past the limit a new connection is accepted and turned away at once with a GOAWAY naming stream
/// 0 and saying why (`HTTP2Refusal`), rather than left unaccepted: a client in the kernel's accept
/// queue cannot tell a full server from a slow one and waits for its own timeout, while a GOAWAY
/// tells it in one round trip that nothing was served and that it may retry later or elsewhere.
/// A refused connection holds a descriptor while it lingers (the close that keeps the GOAWAY from
/// being lost to a TCP reset, about 2 s); past `maxLingeringRefusals` of them a further one is
/// closed at once without a word, so a flood of connections cannot spend the descriptors the limit
/// is there to keep.
///
/// It does not limit streams (HTTP/2's SETTINGS do) or the rate of new connections.
final class ConnectionAdmission: Sendable {
    enum Decision: Equatable { case serve, refuse, drop }

    let limit: Int
    let maxLingeringRefusals: Int
    private let served = Atomic<Int>(0)
    private let lingering = Atomic<Int>(0)

    init(limit: Int, maxLingeringRefusals: Int = ConnectionAdmission.lingeringRefusalAllowance) {
        self.limit = max(1, limit)
        self.maxLingeringRefusals = maxLingeringRefusals
    }

    /// Decides for one new connection; every `serve` is followed by one `servedClosed`, every
    /// `refuse` by one `refusalClosed`.
    func admit() -> Decision {
        if served.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return .serve }
        served.wrappingSubtract(1, ordering: .relaxed)
        if lingering.wrappingAdd(1, ordering: .relaxed).newValue <= maxLingeringRefusals { return .refuse }
        lingering.wrappingSubtract(1, ordering: .relaxed)
        return .drop
    }

    func servedClosed() { served.wrappingSubtract(1, ordering: .relaxed) }
    func refusalClosed() { lingering.wrappingSubtract(1, ordering: .relaxed) }

    var servedCount: Int { served.load(ordering: .relaxed) }

    // MARK: - The default limit

    static let lingeringRefusalAllowance = 64
    /// Descriptors kept for everything but connections: the listener, event loops, the store's
    /// SQLite files (database, WAL and shared memory for the writer and each reader), logs, and
    /// the refusals lingering.
    static let reservedDescriptors = 64 + lingeringRefusalAllowance
    static let defaultLimit = 10_000

    /// 10,000, or fewer when the process may not open that many descriptors: so that past the
    /// limit clients get a GOAWAY that says why, before the server runs out of descriptors and can
    /// only leave them waiting in the accept queue. Under a small descriptor limit a quarter of it
    /// is kept back, not all of `reservedDescriptors`.
    static func automaticLimit(descriptorLimit: Int? = softDescriptorLimit()) -> Int {
        guard let descriptorLimit else { return defaultLimit }
        return max(1, min(defaultLimit, descriptorLimit - min(reservedDescriptors, descriptorLimit / 4)))
    }

    /// RLIMIT_NOFILE's soft limit (what `ulimit -n` shows), nil when unlimited or unknown.
    static func softDescriptorLimit() -> Int? {
        var limit = rlimit()
        #if canImport(Glibc)
        let status = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        #else
        let status = getrlimit(RLIMIT_NOFILE, &limit)
        #endif
        guard status == 0, limit.rlim_cur != rlim_t.max else { return nil }  // rlim_t.max: RLIM_INFINITY
        return Int(clamping: limit.rlim_cur)
    }
}
