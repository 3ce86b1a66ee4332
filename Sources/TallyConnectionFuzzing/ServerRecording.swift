import TallyFuzzing
@_spi(Fuzzing) import TallyClient
import TallyHTTP2
import TallyServer

/// A real call between `TallyClient` and tallyd's connection, both in memory, with what the
/// server sent recorded: the client target's seeds are what tallyd really answers.
enum ServerRecording {
    static func answer(to call: ClientFuzzing.Call) async throws -> [UInt8] {
        let responder = await ServerFuzzing.Responders.next()
        let configuration = responder.configuration.http2
        let server = InMemoryPeer()
        let connection = try await server.start { channel in
            try HTTP2ServerConnection.configure(channel, configuration: configuration, responder: responder)
        }
        let serving = Task { await connection.serve() }
        let client = InMemoryPeer()
        let clientConnection = try await client.start { channel in try HTTP2ClientConnection.configure(channel) }
        let tally = TallyClient(configuration: ClientFuzzing.configuration, connection: clientConnection)
        let ended = SharedFlag()
        let calling = Task {
            defer { ended.set() }
            try await call.perform(on: tally)
        }
        // A watch never ends by itself: its start and a few heartbeats are enough.
        let deadline = ContinuousClock.now + (call == .watch ? .milliseconds(30) : .seconds(5))
        var recorded: [UInt8] = []
        while !ended.isSet, ContinuousClock.now < deadline {
            let request = await client.received()
            await server.send(request[...])
            let answer = await server.received()
            recorded += answer
            await client.send(answer[...])
            if request.isEmpty && answer.isEmpty { try? await Task.sleep(for: .microseconds(200)) }
        }
        await client.close()
        await server.close()
        _ = await calling.result
        await serving.value
        return recorded
    }
}
