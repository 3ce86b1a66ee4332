import TallyClient
import TallyCodec
import TallyModel

/// Online through the server, or offline from the local snapshot: with --offline, and on its own
/// (with a note on stderr) when the server cannot be reached and a snapshot exists.
struct AnswerSource {
    let options: GlobalOptions

    func answer<T>(online: (TallyClient) async throws -> T, offline: (OfflineDataset) async throws -> T) async throws -> T {
        if options.offline { return try await offline(try await loadOffline()) }
        let client = try options.makeClient()
        do {
            let result = try await online(client)
            await client.shutdown()
            return result
        } catch let error as TallyClientError {
            await client.shutdown()
            guard error.mayAnswerOffline, let dataset = try? await loadOffline() else { throw error }
            printError("tally: \(error); answering from the local snapshot (dataset version \(dataset.version))")
            return try await offline(dataset)
        }
    }

    func loadOffline() async throws -> OfflineDataset {
        try await OfflineDataset(path: options.snapshotPath)
    }
}

extension TallyClientError {
    /// The server could not be asked (unreachable, or no answer in time), as opposed to answering
    /// something: a query may then be answered from the local snapshot, with a note.
    var mayAnswerOffline: Bool {
        switch self {
        case .unreachable, .timedOut: true
        default: false
        }
    }
}
