import NIOCore
import TallyCodec
import TallyHTTP2

/// One call on the wire: the request envelope out; the response's envelopes in, each handed over as
/// it is deframed; the end-of-stream status checked. Knows the protocol, not the methods.
struct RPCExchange {
    let connection: HTTP2ClientConnection
    let address: ServerAddress
    let maxMessageSize: Int

    static let acceptEncoding = MessageEncoding.acceptHeaderValue

    /// Runs the call; `onMessage` gets every message payload before the end-of-stream status.
    /// Returns normally only when the status is OK. `timeout` is sent to the server as the call's
    /// deadline and enforced here as well: the stream is cancelled if the answer has not ended by
    /// then, whoever is slow.
    /// Returns the response body bytes received.
    func call(method: String, request: some WireMessage, timeout: Duration?, extraHeaders: [HTTP2HeaderField],
              onMessage: (Envelope) async throws -> Void) async throws -> Int {
        var headers = [
            HTTP2HeaderField(":method", "POST"),
            HTTP2HeaderField(":scheme", address.secure ? "https" : "http"),
            HTTP2HeaderField(":authority", address.authority),
            HTTP2HeaderField(":path", "/tally.v1.Tally/\(method)"),
            HTTP2HeaderField("content-type", "application/tally+proto"),
            HTTP2HeaderField("tally-accept-encoding", Self.acceptEncoding),
        ]
        if let timeout {
            headers.append(HTTP2HeaderField("tally-timeout-ms", String(max(1, TimeAmount(timeout).nanoseconds / 1_000_000))))
        }
        headers += extraHeaders
        let deadline = timeout.map { NIODeadline.now() + TimeAmount($0) }
        // The call is a scope: however it is left (an answer, a throw from `onMessage`, the task
        // cancelled), the stream is reset if still open and its unread bytes given back.
        return try await connection.withRequest(headers: headers, body: EnvelopeFramer().frame(request), deadline: deadline) { response in
            try await read(response, onMessage: onMessage)
        }
    }

    private func read(_ response: HTTP2ClientResponse, onMessage: (Envelope) async throws -> Void) async throws -> Int {
        guard response.headers["content-type"]?.hasPrefix("application/tally+proto") == true else {
            // Not Tally speaking: a proxy's error page (502 while tallyd restarts, 503 with no backend).
            throw TallyClientError.status(Status(code: Self.code(forHTTPStatus: response.status),
                                                 message: "HTTP \(response.status) with content-type '\(response.headers["content-type"] ?? "none")': not a Tally response (from a proxy?)"))
        }
        let inflater: Inflater? = switch response.headers["tally-encoding"] {
        case nil, "identity": nil
        case "deflate": Inflater(maxInflatedSize: maxMessageSize)
        case let other?: throw TallyClientError.protocolError("server used unsupported tally-encoding '\(other)'")
        }
        var deframer = EnvelopeDeframer(maxMessageSize: maxMessageSize, inflater: inflater)
        var status: Status?
        var received = 0
        do {
            for try await chunk in response.body {
                received += chunk.count
                deframer.append(chunk)
                while let envelope = try deframer.next() {
                    if envelope.isEndOfStream {
                        status = try Status(wireBytes: envelope.payload)
                    } else {
                        try await onMessage(envelope)
                    }
                }
            }
            try deframer.finish()
        } catch let error as EnvelopeError {
            throw TallyClientError.protocolError("\(error)")
        } catch let error as WireError {
            throw TallyClientError.protocolError("undecodable status: \(error)")
        } catch is HTTP2StreamError {
            // The body only knows that it was cut short; the trailers' promise failed with why
            // (a reset, the connection closing, the deadline).
            _ = try await response.trailers()
            throw HTTP2ClientError.connectionClosed
        }
        // The envelope is authoritative; trailers are a fallback for a response that lost it.
        if status == nil, let trailers = try? await response.trailers(), let code = trailers["tally-status"].flatMap(Int32.init) {
            status = Status(code: StatusCode(wireValue: code), message: trailers["tally-message"] ?? "")
        }
        // No end-of-stream envelope and no trailers: the stream was ended under the response, as
        // a proxy does when the server behind it dies (HAProxy 2.6 ends it cleanly then). The
        // call's outcome is unknown, as with a lost connection: retried when that is safe, and a
        // watch resumes after the last change it delivered.
        guard let status else {
            throw TallyClientError.connectionLost(address, "the response (HTTP \(response.status)) ended without its end-of-stream status; "
                                                  + "a proxy may have lost the server behind it")
        }
        guard status.code == .ok else { throw TallyClientError.status(status) }
        return received
    }

    /// The code a bare HTTP status stands for (Connect's mapping, the other way round).
    static func code(forHTTPStatus status: Int) -> StatusCode {
        switch status {
        case 400: .invalidArgument
        case 401: .unauthenticated
        case 403: .permissionDenied
        case 404: .notFound
        case 429, 502, 503, 504: .unavailable
        default: .unknown
        }
    }
}
