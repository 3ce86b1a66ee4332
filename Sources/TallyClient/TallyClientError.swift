public import TallyCodec
import NIOCore

/// What went wrong with a client operation, in the categories a user (and a script, through the
/// CLI's exit code) needs to tell apart.
public enum TallyClientError: Error, Sendable, CustomStringConvertible {
    /// Wrong usage: a malformed server address, an unreadable file named on the command line.
    case badArguments(String)
    /// No connection could be made (refused, unreachable, timed out).
    case unreachable(ServerAddress, String)
    /// The connection broke during the call: the server may or may not have processed it.
    case connectionLost(ServerAddress, String)
    /// No complete answer within the call's deadline (`--timeout`): the server or a proxy in front
    /// of it is stuck or too slow. The call was cancelled.
    case timedOut(ServerAddress, Duration)
    /// The TLS handshake failed: an untrusted certificate, a wrong name, no ALPN h2.
    case tls(ServerAddress, String)
    /// The server answered something that is not the protocol (bad envelope, undecodable message).
    case protocolError(String)
    /// The server answered the call with an error status.
    case status(Status)
    /// An offline query with no local snapshot.
    case noLocalSnapshot(path: String)
    /// A snapshot (local or received) that fails verification.
    case corruptSnapshot(String)
    /// A file to publish that is not a valid dataset file.
    case invalidInput(String)

    public var description: String {
        switch self {
        case .badArguments(let message): return message
        case .unreachable(let address, let why): return "cannot reach \(address): \(why)"
        case .connectionLost(let address, let why): return "connection to \(address) lost during the call: \(why)"
        case .timedOut(let address, let timeout):
            return "no complete answer from \(address) within \(Self.seconds(timeout)) s; the call was cancelled"
        case .tls(let address, let why): return "TLS with \(address) failed: \(why)"
        case .protocolError(let why): return "protocol error: \(why)"
        case .status(let status):
            let details = status.violations.map { "\n  \($0.field): \($0.description)" }.joined()
            return "server answered \(status.code.name): \(status.message)\(details)"
        case .noLocalSnapshot(let path): return "no local snapshot at \(path); run 'tally sync' while online first"
        case .corruptSnapshot(let why): return "snapshot failed verification: \(why)"
        case .invalidInput(let why): return why
        }
    }

    /// Worth trying again: the server did not process the call, or asked to be retried.
    public var isRetryable: Bool {
        switch self {
        case .unreachable, .connectionLost: true
        case .status(let status): status.code.isRetryable
        default: false
        }
    }

    /// "5", "0.25": a duration as a user wrote it with --timeout.
    public static func seconds(_ duration: Duration) -> String {
        let milliseconds = TimeAmount(duration).nanoseconds / 1_000_000
        return milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000)" : "\(Double(milliseconds) / 1_000)"
    }
}
