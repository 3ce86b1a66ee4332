import Foundation
import Synchronization
import Logging
import NIOCore
import TallyCodec
import TallyHTTP2
import TallyStore

/// Routes each request by path (never by content type), checks method, content type and encoding,
/// reads the one request envelope within the limits, runs the call under its deadline, and makes
/// sure every RPC response ends with exactly one end-of-stream status.
struct Router: HTTP2Responder {
    static let contentType = "application/tally+proto"
    static let rpcPrefix = "/tally.v1.Tally/"

    let configuration: ServerConfiguration
    let rpc: TallyRPC
    let metrics: ServerMetrics
    let logger: Logger
    let lifecycle: ServerLifecycleState
    let web: WebSite
    let database: DatabaseStatus

    func respond(to request: HTTP2Request, with writer: HTTP2ResponseWriter) async {
        let started = ContinuousClock.now
        var logger = self.logger
        logger[metadataKey: "stream"] = "\(request.streamID)"
        let (route, code) = await dispatch(request, writer)
        let elapsed = ContinuousClock.now - started
        metrics.record(route: route, code: code, duration: elapsed)
        logger.info("request", metadata: [
            "method": "\(request.method)", "path": "\(request.path)", "route": "\(route)", "code": "\(code)",
            "ms": "\(Double(TimeAmount(elapsed).nanoseconds / 1_000) / 1_000)",
            "peer": "\(request.remoteAddress)",
            "client": "\(configuration.trustedProxies.clientAddress(peer: request.remoteIP, forwardedFor: Self.forwardedFor(request.headers)) ?? "unknown")",
        ])
    }

    /// Every X-Forwarded-For field, in order, as one list: a proxy may add its own field after the
    /// client's rather than extend it (HAProxy does), and the last entry is the one that counts.
    static func forwardedFor(_ headers: HTTP2Fields) -> String? {
        let values = headers.values(named: "x-forwarded-for")
        return values.isEmpty ? nil : values.joined(separator: ",")
    }

    /// Returns the route name and the outcome, for metrics and logs.
    private func dispatch(_ request: HTTP2Request, _ writer: HTTP2ResponseWriter) async -> (String, String) {
        switch request.path {
        case "/healthz":
            await plain(writer, 200, "ok\n")
            return ("healthz", "200")
        case "/readyz":
            // A replica whose database is away stays ready: it still serves its version, and
            // taking every replica out of the proxy would stop the reads too.
            let ready = lifecycle.isReady
            let note = database.readinessNote(servingVersion: rpc.cache.value.state.version).map { ": \($0)" } ?? ""
            await plain(writer, ready ? 200 : 503, ready ? "ready\(note)\n" : "draining\n")
            return ("readyz", ready ? "200" : "503")
        case "/metrics":
            await plain(writer, 200, metrics.text(), contentType: "text/plain; version=0.0.4")
            return ("metrics", "200")
        default:
            break
        }
        if let route = WebSite.Route(path: request.path) {
            let status = await web.respond(route, to: request, with: writer)
            await drain(request.body)
            return (route.name, String(status))
        }
        let encoding = MessageEncoding.negotiate(peerAccepts: request.headers["tally-accept-encoding"])
        let method = request.path.hasPrefix(Self.rpcPrefix) ? TallyRPC.Method(rawValue: String(request.path.dropFirst(Self.rpcPrefix.count))) : nil
        let stream = ResponseStream(writer: writer, encoding: encoding, compressionThreshold: configuration.compressionThreshold,
                                    compressionLevel: method?.compressionLevel ?? ResponseStream.defaultCompressionLevel)
        guard let method else {
            await stream.finish(CallError(.notFound, "no route for \(request.path)").status)
            await drain(request.body)
            return ("unknown", StatusCode.notFound.name)
        }
        let outcome = await call(method, request, stream)
        await drain(request.body)
        return (method.rawValue, outcome.name)
    }

    private func call(_ method: TallyRPC.Method, _ request: HTTP2Request, _ stream: ResponseStream) async -> StatusCode {
        do {
            let message: [UInt8]
            switch request.method {
            case "POST":
                guard Self.isTallyContentType(request.headers["content-type"]) else {
                    throw CallError(.invalidArgument, "content-type must be \(Self.contentType)",
                                    violations: [FieldViolation(field: "content-type", description: "got '\(request.headers["content-type"] ?? "")'")], httpStatus: 415)
                }
                message = try await readEnvelope(request)
            case "GET" where method.allowsGet:
                message = try method.messageFromQuery(request.query)
            default:
                throw CallError(.unimplemented, "\(request.method) is not allowed on \(request.path)\(method.allowsGet ? "; use POST or GET" : "; use POST")", httpStatus: 405)
            }
            if !lifecycle.isReady && method != .health {
                throw CallError(.unavailable, "server is shutting down; retry on another connection", retryAfterMilliseconds: 1_000)
            }
            let deadline = try deadline(for: method, request.headers["tally-timeout-ms"])
            if method.mayRunLong {
                try await withDeadline(deadline, stream, closed: { await stream.writerClosed() }) {
                    try await rpc.handle(method, message: message, request: request, stream: stream)
                }
            } else {
                // Answered from memory in microseconds: a timer per call would cost more than the
                // call. The deadline is still honoured, checked when the answer is ready.
                let started = ContinuousClock.now
                try await rpc.handle(method, message: message, request: request, stream: stream)
                if let deadline, ContinuousClock.now - started > deadline {
                    throw CallError(.deadlineExceeded, "deadline of \(deadline) exceeded")
                }
            }
            await stream.finish(.ok)
        } catch let error as CallError {
            await stream.finish(error.status, httpStatus: error.httpStatus)
        } catch is NotModified {
            await stream.notModified()
        } catch is CancellationError {
            await stream.finish(Status(code: .canceled, message: "call canceled"))
        } catch let error as HTTP2StreamError {
            await stream.finish(Status(code: .canceled, message: "stream closed: \(error)"))
        } catch StoreError.unavailable(let reason) {
            await stream.finish(Status(code: .unavailable, message: "the database is unavailable: \(reason)", retryAfterMilliseconds: 1_000))
        } catch {
            logger.error("call failed", metadata: ["path": "\(request.path)", "error": "\(error)"])
            await stream.finish(Status(code: .internal, message: "internal error"))
        }
        return await stream.code
    }

    /// The request's single envelope: bounded by the message limit before anything is buffered,
    /// inflated within the inflation limits, and refused if the encoding was not announced.
    private func readEnvelope(_ request: HTTP2Request) async throws -> [UInt8] {
        let inflater: Inflater?
        switch request.headers["tally-encoding"]?.lowercased() {
        case nil, "identity": inflater = nil
        case "deflate": inflater = Inflater(maxInflatedSize: configuration.maxMessageSize, maxRatio: configuration.maxInflationRatio)
        case let other?:
            throw CallError(.unimplemented, "tally-encoding '\(other)' is not supported; supported: \(MessageEncoding.acceptHeaderValue)")
        }
        var deframer = EnvelopeDeframer(maxMessageSize: configuration.maxMessageSize, inflater: inflater)
        var envelope: Envelope?
        do {
            for try await chunk in request.body {
                deframer.append(chunk)
                while let next = try deframer.next() {
                    guard envelope == nil else { throw CallError(.invalidArgument, "a request carries exactly one message") }
                    guard !next.isEndOfStream else { throw CallError(.invalidArgument, "a request may not carry an end-of-stream envelope") }
                    envelope = next
                }
            }
            try deframer.finish()
        } catch let error as EnvelopeError {
            throw CallError(envelope: error)
        }
        guard let envelope else { throw CallError(.invalidArgument, "request body carries no message") }
        return envelope.payload
    }

    /// `application/tally+proto`, optionally with parameters (`; charset=…`).
    static func isTallyContentType(_ value: String?) -> Bool {
        guard let value, value.hasPrefix(contentType) else { return false }
        let rest = value.dropFirst(contentType.count)
        return rest.isEmpty || rest.first == ";" || rest.first == " "
    }

    private func deadline(for method: TallyRPC.Method, _ header: String?) throws(CallError) -> Duration? {
        let maximum = Duration.nanoseconds(configuration.maxDeadline.nanoseconds)
        // Watch and Snapshot last as long as the client wants them (the change stream) and the
        // dataset needs (a full download of a million figures on a loaded machine took over the
        // 30 s default): no deadline unless the client sends one. A peer that stops reading is
        // bounded by flow control, keepalive and the connection limits instead.
        guard let header else {
            return method == .watch || method == .snapshot ? nil : Duration.nanoseconds(configuration.defaultDeadline.nanoseconds)
        }
        guard let milliseconds = Int64(header), milliseconds > 0 else {
            throw CallError(.invalidArgument, "tally-timeout-ms must be a positive integer", violations: [FieldViolation(field: "tally-timeout-ms", description: "got '\(header)'")])
        }
        return min(.milliseconds(milliseconds), maximum)
    }

    /// Runs the call; if the deadline passes first, the call is cancelled and ends with
    /// `deadline_exceeded` (or whatever it had already ended with); if the client resets the stream
    /// or goes away first, the call is cancelled (nobody would read the rest).
    private func withDeadline(_ deadline: Duration?, _ stream: ResponseStream, closed: @escaping @Sendable () async -> Void,
                              _ body: @escaping @Sendable () async throws -> Void) async throws {
        enum Outcome { case completed, expired, abandoned }
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask {
                try await body()
                return .completed
            }
            if let deadline {
                group.addTask {
                    try await Task.sleep(for: deadline)
                    return .expired
                }
            }
            group.addTask {
                await closed()
                return .abandoned
            }
            let outcome = try await group.next()!
            group.cancelAll()
            switch outcome {
            case .completed: break
            case .expired: await stream.finish(Status(code: .deadlineExceeded, message: "deadline of \(deadline!) exceeded"))
            case .abandoned: throw CancellationError()
            }
        }
    }

    private func plain(_ writer: HTTP2ResponseWriter, _ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") async {
        try? await writer.writeHead(status: status, headers: [HTTP2HeaderField("content-type", contentType)])
        try? await writer.write(Array(text.utf8))
        try? await writer.finish()
    }

    /// Reads and drops whatever the client still sends, so its flow-control window reopens.
    private func drain(_ body: HTTP2InboundBody) async {
        do { for try await _ in body {} } catch {}
    }
}

/// Whether the server is accepting calls or draining; shared by the router and the server.
final class ServerLifecycleState: Sendable {
    private let draining = Mutex(false)

    var isReady: Bool { !draining.withLock { $0 } }

    func beginDraining() { draining.withLock { $0 = true } }
}
