import NIOCore

/// Responses: called through `HTTP2ResponseWriter` (on the event loop) or, for an immediate
/// answer, from the handler itself.
extension HTTP2ServerConnectionHandler {
    private func openStream(_ streamID: Int32) throws(HTTP2StreamError) {
        guard let stream = streams[streamID], stream.response != .complete else {
            throw HTTP2StreamError.closed(errorCode: HTTP2ErrorCode.cancel)
        }
    }

    func sendHead(streamID: Int32, status: Int, headers: [HTTP2HeaderField], endStream: Bool) throws {
        try openStream(streamID)
        try session.submitResponse(streamID: streamID, headers: [HTTP2HeaderField(":status", String(status))] + headers, endStream: endStream)
        streams[streamID]!.response = .started
        if endStream { responseComplete(streamID) }
        core.requestFlush()
    }

    func sendBody(streamID: Int32, _ bytes: ByteBuffer, on loop: any EventLoop) -> EventLoopFuture<Void> {
        guard streams[streamID]?.response == .started else {
            return loop.makeFailedFuture(HTTP2StreamError.closed(errorCode: HTTP2ErrorCode.cancel))
        }
        session.writeBody(streamID: streamID, bytes)
        core.requestFlush()
        guard session.bufferedBodyBytes(streamID: streamID) >= core.session.settings.maxBufferedBodyPerStream else {
            return loop.makeSucceededVoidFuture()
        }
        let promise = loop.makePromise(of: Void.self)
        streams[streamID]!.writersWaiting.append(promise)
        return promise.futureResult
    }

    /// A whole response at once: head, body, trailers, its bytes shared rather than copied.
    func sendPrepared(streamID: Int32, _ response: HTTP2PreparedResponse) throws {
        try openStream(streamID)
        guard streams[streamID]!.response == .pending else { throw HTTP2StreamError.closed(errorCode: HTTP2ErrorCode.cancel) }
        try session.submitResponse(streamID: streamID, prepared: response)
        streams[streamID]!.prepared = response
        responseComplete(streamID)
        core.requestFlush()
    }

    func finishBody(streamID: Int32, trailers: [HTTP2HeaderField]) throws {
        guard streams[streamID]?.response == .started else { throw HTTP2StreamError.closed(errorCode: HTTP2ErrorCode.cancel) }
        session.finishBody(streamID: streamID, trailers: trailers)
        responseComplete(streamID)
        core.requestFlush()
    }

    /// A responder returned without ending its response: 500 if nothing was sent, else the end of
    /// the body as it stands.
    func finishIfOpen(streamID: Int32) throws {
        switch streams[streamID]?.response {
        case .pending: try sendHead(streamID: streamID, status: 500, headers: [], endStream: true)
        case .started: try finishBody(streamID: streamID, trailers: [])
        case .complete, nil: break
        }
    }

    func closeFuture(streamID: Int32, on loop: any EventLoop) -> EventLoopFuture<Void> {
        guard streams[streamID] != nil else { return loop.makeSucceededVoidFuture() }
        if let promise = streams[streamID]!.closePromise { return promise.futureResult }
        let promise = loop.makePromise(of: Void.self)
        streams[streamID]!.closePromise = promise
        return promise.futureResult
    }

    /// The response is complete: request bytes still to come are dropped as they arrive, so a
    /// peer that keeps sending cannot hold the connection window shut.
    private func responseComplete(_ streamID: Int32) {
        guard streams[streamID] != nil else { return }
        streams[streamID]!.response = .complete
        if case .ended = streams[streamID]!.request { return }
        session.consume(streamID: streamID, count: streams[streamID]!.flow.discard())
    }

    func resumeWriters(_ streamID: Int32) {
        guard let waiting = streams[streamID]?.writersWaiting, !waiting.isEmpty else { return }
        streams[streamID]!.writersWaiting = []
        for writer in waiting { writer.succeed() }
    }
}
