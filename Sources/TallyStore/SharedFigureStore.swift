/// A store that other processes write as well: replicas of tallyd on one database server. Each
/// replica follows the others' commits to keep serving the current version, and to tell its
/// watchers about every change whichever replica published it.
public protocol SharedFigureStore: FigureStore {
    /// Signals the database's version as it moves: after a notification of a commit (by any
    /// writer, this process included), and at least every `interval` from a check of its own (a
    /// notification may be lost, and the connection that listens for them may drop). While the
    /// database cannot be reached, signals say so; they resume by themselves when it is back. The
    /// stream ends when the caller stops iterating it.
    func commits(checkingEvery interval: Duration) -> AsyncStream<CommitSignal>
}

public enum CommitSignal: Sendable, Equatable {
    /// The database's current version.
    case version(UInt64)
    /// The database cannot be reached, and why (the error, in words).
    case unreachable(String)
}
