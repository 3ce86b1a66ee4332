public import TallyFuzzing
import Logging
import NIOCore
import Synchronization
import TallyDataset
import TallyHTTP2
@_spi(InMemory) import TallyServer
import TallyStore

/// A tallyd connection fed arbitrary bytes after the client preface: the nghttp2 session, the
/// connection handler, the router and the RPC handlers, over an in-memory store, with no socket.
///
/// The input is everything a client sends after `PRI * HTTP/2.0…`; whatever tallyd answers is read
/// and dropped. Calls the input starts run as they would (on tasks); the input is over once none
/// is in flight and the connection is quiet, or after a bound (a Watch never ends by itself), and
/// the connection is then closed as by a peer that went away.
public enum ServerFuzzing: FuzzEntry {
    public static let name = "server"
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    /// The bearer token publishes need, so that the publish path is reached too.
    static let publishToken = "fuzz-token"
    /// Publishes the fuzzer gets accepted grow the store; it is rebuilt this often.
    static let inputsPerResponder = 20_000

    public static func run(_ input: [UInt8]) -> FuzzFinding? {
        runBlocking { await serve(input) }
    }

    /// The async form, for callers already on a task (the replay tests).
    public static func serve(_ input: [UInt8]) async -> FuzzFinding? {
        let responder = await Responders.next()
        let peer = InMemoryPeer()
        let configuration = responder.configuration.http2
        let connection: HTTP2ServerConnection
        do {
            connection = try await peer.start { channel in
                try HTTP2ServerConnection.configure(channel, configuration: configuration, responder: responder)
            }
        } catch {
            return FuzzFinding(name, "the connection could not be set up: \(error)")
        }
        let serving = Task { await connection.serve() }
        await peer.send(ArraySlice(preface + input))
        await peer.settle(limit: .milliseconds(5)) { responder.inFlight.current == 0 }
        await peer.close()
        await serving.value
        return nil
    }

    static func makeResponder() async throws -> CountingResponder {
        var configuration = ServerConfiguration()
        configuration.publishToken = publishToken
        configuration.watchHeartbeat = .milliseconds(1)
        configuration.maxMessageSize = 1 << 20
        configuration.defaultDeadline = .seconds(5)
        let logger = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })
        // A small dataset: every call has something to answer, none takes long.
        let figures = Array(try EmbeddedDataset.load().prefix(24))
        let store = try SQLiteFigureStore(inMemoryWith: figures)
        let responder = try await TallyResponder(configuration: configuration, store: store, logger: logger)
        return CountingResponder(responder: responder, configuration: configuration)
    }

    /// The responder of the current run, rebuilt every `inputsPerResponder` inputs.
    enum Responders {
        private static let state = Mutex<(responder: CountingResponder?, used: Int)>((nil, 0))

        static func next() async -> CountingResponder {
            let current = state.withLock { state -> CountingResponder? in
                guard let responder = state.responder, state.used < inputsPerResponder else { return nil }
                state.used += 1
                return responder
            }
            if let current { return current }
            do {
                let made = try await makeResponder()
                state.withLock { $0 = (made, 1) }
                return made
            } catch {
                fatalError("the fuzz responder could not be built: \(error)")
            }
        }
    }
}

/// tallyd's responder, counting the calls in flight so the fuzzer knows when an input is done.
struct CountingResponder: HTTP2Responder {
    let responder: TallyResponder
    let configuration: ServerConfiguration
    let inFlight = SharedCount()

    func immediateResponse(to head: HTTP2Fields, body: [UInt8]) -> HTTP2PreparedResponse? {
        responder.immediateResponse(to: head, body: body)
    }

    func respond(to request: HTTP2Request, with writer: HTTP2ResponseWriter) async {
        inFlight.add(1)
        defer { inFlight.add(-1) }
        await responder.respond(to: request, with: writer)
    }
}
