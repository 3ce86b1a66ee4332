public import TallyCodec
import TallyModel

/// Which changes a watch has delivered, so that a watch started again after an interruption
/// neither misses nor repeats one. Changes arrive in version order (the replay, then the live
/// feed), several per version when a publish touched several figures; so once a change of a newer
/// version arrives, every change of the older versions has been delivered.
struct WatchProgress {
    /// Every change up to this version has been delivered: the version to resume from.
    private(set) var confirmed: UInt64
    /// The version being delivered, newer than `confirmed`, and the figures delivered at it.
    private var partial: UInt64 = 0
    private var partialIDs: Set<String> = []

    init(since version: UInt64) {
        confirmed = version
    }

    /// Records the change; false when it was delivered before (a replay after resuming).
    mutating func accept(_ change: Change) -> Bool {
        let id: String = switch change.kind {
        case .upsert(let figure)?: figure.id
        case .retracted(let id)?: id
        case nil: ""
        }
        if change.version <= confirmed { return false }
        if change.version == partial { return partialIDs.insert(id).inserted }
        if change.version > partial {
            if partial > 0 { confirmed = partial }
            partial = change.version
            partialIDs = [id]
        }
        return true
    }
}

/// Why a resuming watch started again, for a note to the user.
public struct WatchInterruption: Sendable {
    public let error: TallyClientError
    /// The version the watch resumes from (changes after it are replayed).
    public let resumingSince: UInt64
    /// The pause before reconnecting.
    public let delay: Duration
}

extension TallyClient {
    /// A watch that outlives server restarts, deploys and cut connections: when the stream ends
    /// (tallyd ends watches with `unavailable` when it drains) or the connection is lost, it waits
    /// and watches again since the last change it delivered, so no change is missed or repeated.
    /// It keeps trying while the server is unreachable (pauses doubling up to `maxDelay`); errors
    /// that another attempt would not fix (TLS, protocol, a refused request) end it.
    ///
    /// `since` 0 means "from now": the current version is asked for first, so changes published
    /// during an interruption are still replayed.
    public func resumingWatch(since version: UInt64, maxDelay: Duration = .seconds(10),
                              onInterruption: @escaping (WatchInterruption) async -> Void = { _ in },
                              _ onEvent: @escaping (WatchEvent) async throws -> Void) async throws {
        var progress = WatchProgress(since: version == 0 ? try await health().datasetVersion : version)
        var failures = 0
        while true {
            let error: TallyClientError
            do {
                try await watch(since: progress.confirmed) { event in
                    failures = 0
                    if case .change(let change) = event.event, !progress.accept(change) { return }
                    try await onEvent(event)
                }
                error = .status(Status(code: .unavailable, message: "the server ended the watch"))
            } catch let failure as TallyClientError {
                guard failure.interruptsWatch else { throw failure }
                error = failure
            }
            failures += 1
            let delay = min(maxDelay, .milliseconds(200 * (1 << min(failures - 1, 10))))
            await onInterruption(WatchInterruption(error: error, resumingSince: progress.confirmed, delay: delay))
            try await Task.sleep(for: delay)
        }
    }
}

extension TallyClientError {
    /// A watch interrupted this way may be started again: the server went away or asked for it.
    var interruptsWatch: Bool {
        if case .timedOut = self { return true }
        return isRetryable
    }
}
