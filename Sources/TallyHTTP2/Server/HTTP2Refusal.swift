/// A connection the server accepted only to turn it away (over its connection limit): it gets the
/// server's SETTINGS and a GOAWAY naming stream 0 as the last processed, so the client knows that
/// nothing it sent was served and any request may be retried, with `message` as the GOAWAY's debug
/// data for its logs. Then the usual lingering close: what the client sent is read and dropped, so
/// the GOAWAY is not lost to a TCP reset.
///
/// Not a way to end a connection that is being served: that is `HTTP2ServerConnection.drain`.
public struct HTTP2Refusal: Sendable, Equatable {
    /// The GOAWAY's error code: `ENHANCE_YOUR_CALM` says "load", so a polite client backs off.
    public var errorCode: UInt32
    public var message: String

    public init(errorCode: UInt32 = HTTP2ErrorCode.enhanceYourCalm, message: String) {
        self.errorCode = errorCode
        self.message = message
    }
}
