extension StatusCode {
    /// The HTTP status a response carries when the call fails before its first message (Connect's
    /// mapping; PROTOCOL.md, "Status codes"). Streams that fail later have already sent 200: their
    /// end-of-stream message carries the code.
    public var httpStatus: Int {
        switch self {
        case .ok: 200
        case .canceled: 499
        case .unknown, .internal, .dataLoss: 500
        case .invalidArgument, .failedPrecondition, .outOfRange: 400
        case .deadlineExceeded: 504
        case .notFound: 404
        case .alreadyExists, .aborted: 409
        case .permissionDenied: 403
        case .resourceExhausted: 429
        case .unimplemented: 501
        case .unavailable: 503
        case .unauthenticated: 401
        case .unrecognized: 500
        }
    }

    /// The schema's name without its prefix, lower case: `invalid_argument`.
    public var name: String {
        switch self {
        case .ok: "ok"
        case .canceled: "canceled"
        case .unknown: "unknown"
        case .invalidArgument: "invalid_argument"
        case .deadlineExceeded: "deadline_exceeded"
        case .notFound: "not_found"
        case .alreadyExists: "already_exists"
        case .permissionDenied: "permission_denied"
        case .resourceExhausted: "resource_exhausted"
        case .failedPrecondition: "failed_precondition"
        case .aborted: "aborted"
        case .outOfRange: "out_of_range"
        case .unimplemented: "unimplemented"
        case .internal: "internal"
        case .unavailable: "unavailable"
        case .dataLoss: "data_loss"
        case .unauthenticated: "unauthenticated"
        case .unrecognized(let value): "code_\(value)"
        }
    }

    /// Whether a client may retry an idempotent call that ended with this code.
    public var isRetryable: Bool {
        switch self {
        case .unavailable, .resourceExhausted, .aborted: true
        default: false
        }
    }
}
