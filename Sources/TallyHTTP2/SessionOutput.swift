import NIOCore

/// Moves what an nghttp2 session has to send into a channel, in the order nghttp2 produced it.
///
/// Not reentrant, on purpose: handling the events a write causes may ask for another flush (a
/// stream closes, a writer resumes). A nested call only asks the running one to go round again, so
/// a later chunk can never be written before an earlier one, and nothing closes the channel between
/// taking a chunk from nghttp2 and writing it. Shared by the server and client handlers.
final class SessionOutput {
    private var pumping = false
    private var again = false

    /// Writes output while the channel is writable, calling `afterWrite` after each chunk (and once
    /// more at the end). Returns whether anything was written, or `nil` when this was a nested call
    /// (the running pump will go round again). Throws when nghttp2 fails; the caller closes.
    func pump(_ session: NGHTTP2Session, into context: ChannelHandlerContext, afterWrite: () -> Void) throws(HTTP2Error) -> Bool? {
        if pumping {
            again = true
            return nil
        }
        pumping = true
        defer { pumping = false }
        var wrote = false
        repeat {
            again = false
            while context.channel.isWritable {
                let output = try session.takeOutput()
                if output.isEmpty { break }
                context.write(NIOAny(context.channel.allocator.buffer(bytes: output)), promise: nil)
                wrote = true
                afterWrite()
            }
            afterWrite()
        } while again && context.channel.isWritable
        return wrote
    }
}
