import TallyCodec
import TallyModel
import TallyStore

/// A call's failure as the client will see it: one `Status`, one documented code.
struct CallError: Error {
    var status: Status
    /// An HTTP status more precise than the code's mapping (405, 415), for errors of HTTP itself.
    var httpStatus: Int?

    init(_ code: StatusCode, _ message: String, violations: [FieldViolation] = [], retryAfterMilliseconds: UInt32 = 0, httpStatus: Int? = nil) {
        status = Status(code: code, message: message, violations: violations, retryAfterMilliseconds: retryAfterMilliseconds)
        self.httpStatus = httpStatus
    }

    /// A message that could not be decoded: too large is `resource_exhausted`, anything else is
    /// `invalid_argument`, with the field path and offset in the message.
    init(decoding error: WireError, of message: String) {
        switch error.reason {
        case .tooManyElements, .messageTooLarge:
            self.init(.resourceExhausted, "\(message): \(error)")
        default:
            self.init(.invalidArgument, "\(message) is not a valid message: \(error)",
                      violations: [FieldViolation(field: error.path.joined(separator: " > "), description: "\(error.reason) at byte \(error.offset)")])
        }
    }

    init(envelope error: EnvelopeError) {
        switch error.reason {
        case .messageTooLarge(let declared, let limit):
            self.init(.resourceExhausted, "message of \(declared) bytes exceeds the limit of \(limit)")
        case .decompressionFailed(.inflatedTooLarge(let limit)):
            self.init(.resourceExhausted, "message inflates past the limit of \(limit) bytes")
        case .decompressionFailed(let reason):
            self.init(.invalidArgument, "compressed message is not valid zlib data: \(reason)")
        case .reservedFlags(let flags):
            self.init(.invalidArgument, "envelope flags 0x\(String(flags, radix: 16)) use reserved bits")
        case .compressionNotNegotiated:
            self.init(.invalidArgument, "compressed message but no tally-encoding header")
        case .truncated(let buffered):
            self.init(.invalidArgument, "request body ends inside an envelope (\(buffered) bytes buffered)")
        case .dataAfterEndOfStream:
            self.init(.invalidArgument, "message after the end-of-stream envelope")
        }
    }

    init(publish error: PublishError) {
        switch error {
        case .invalid(let violations):
            self.init(.invalidArgument, "publish batch rejected: \(violations.count) problem\(violations.count == 1 ? "" : "s"); nothing was written",
                      violations: violations.map { FieldViolation(field: $0.path, description: $0.figureID.isEmpty ? $0.problem : "\($0.figureID): \($0.problem)") })
        case .versionMismatch(let expected, let current):
            self.init(.failedPrecondition, "expected dataset version \(expected), but it is \(current); nothing was written")
        case .empty:
            self.init(.invalidArgument, "publish batch is empty")
        }
    }
}
