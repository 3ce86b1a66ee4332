/// Limits and settings of one HTTP/2 connection. Every one bounds something a peer controls.
public struct HTTP2Settings: Sendable, Equatable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS advertised to the peer; nghttp2 refuses streams beyond it.
    public var maxConcurrentStreams: UInt32 = 100
    /// SETTINGS_INITIAL_WINDOW_SIZE: how much request body one stream may send before the
    /// application has read it (the flow-control window is reopened only as it reads).
    public var initialWindowSize: UInt32 = 256 << 10
    /// SETTINGS_MAX_HEADER_LIST_SIZE, enforced on receipt: a larger header block is refused.
    public var maxHeaderListSize: UInt32 = 16 << 10
    /// Response body bytes buffered per stream before writers are made to wait.
    public var maxBufferedBodyPerStream: Int = 1 << 20
    /// nghttp2's rapid-reset limit (Debian backport): a burst of this many stream resets …
    public var streamResetBurst: UInt64 = 1_000
    /// … refilled at this many per second; beyond it the connection is closed with GOAWAY.
    public var streamResetRatePerSecond: UInt64 = 33
    /// CONTINUATION frames allowed after one HEADERS frame.
    public var maxContinuations: Int = 8

    public init() {}

    public static let `default` = HTTP2Settings()
}
