public import NIOCore
public import TallyHTTP2

/// Everything `tallyd` can be told, each with a safe default. Flags and `TALLY_*` environment
/// variables (ServerConfiguration+Environment.swift) fill the same struct.
public struct ServerConfiguration: Sendable {
    /// Address to listen on; loopback unless told otherwise.
    public var host = "127.0.0.1"
    /// Port to listen on; 0 picks a free one (printed at start).
    public var port = 8080
    /// The store: a SQLite file (created and filled with the embedded dataset when missing), or a
    /// `postgres://` / `postgresql://` URL of a database that replicas share.
    public var databasePath = "tally.sqlite"
    /// File holding the PostgreSQL password (for container secrets; never only on the command line).
    public var databasePasswordFile: String?
    /// A replica's local mirror of the shared database (a SQLite file it reads from); nil: a file
    /// in a temporary directory of its own, copied anew at each start.
    public var mirrorPath: String?
    /// How often a replica checks the shared database's version besides its notifications (the
    /// fallback for a lost notification or a dropped listening connection).
    public var replicaCheckInterval: Duration = .seconds(2)
    /// Bearer token required to publish; `nil` disables publishing.
    public var publishToken: String?
    /// Largest envelope payload accepted, compressed or inflated.
    public var maxMessageSize = 4 << 20
    /// Largest inflated size as a multiple of the compressed size.
    public var maxInflationRatio = 100
    /// Most elements of one repeated field in a request.
    public var maxRepeatedCount = 200_000
    /// Deadline of a call that names none, and the most a call may ask for (Watch and Snapshot
    /// have none unless the client sends one).
    public var defaultDeadline: TimeAmount = .seconds(30)
    public var maxDeadline: TimeAmount = .minutes(5)
    /// How long in-flight calls may run after SIGTERM before their streams are reset.
    public var gracePeriod: TimeAmount = .seconds(20)
    /// Heartbeats on an idle Watch stream, so proxies and clients can tell quiet from dead.
    public var watchHeartbeat: TimeAmount = .seconds(15)
    /// Publishes a watcher may have waiting before it counts as fallen behind: its watch then ends
    /// with `unavailable` and the client resumes from the change log (nothing is skipped).
    public var watchQueueLimit = 256
    /// Event-loop threads (one per core by default); calls that are not answered from memory run
    /// on Swift's cooperative pool and the store's own threads, never on these.
    public var eventLoopThreads = System.coreCount
    /// Responses smaller than this are not compressed.
    public var compressionThreshold = 1024
    /// Change log kept for delta syncs, in versions; older clients fetch the snapshot.
    public var changeLogVersions: UInt64 = 10_000
    /// Connections served at once; one more is turned away with a GOAWAY saying why. nil: 10,000,
    /// or fewer when the descriptor limit (`ulimit -n`) would run out first (see `ConnectionAdmission`).
    public var maxConnections: Int?
    public var http2 = HTTP2ServerConfiguration()
    /// PEM certificate chain and key: when both are set tallyd terminates TLS itself (ALPN h2);
    /// otherwise it serves h2c and a proxy terminates TLS.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// Peers whose `X-Forwarded-For` names the client in the logs (a reverse proxy in front).
    public var trustedProxies = TrustedProxies.none

    public init() {}
}
