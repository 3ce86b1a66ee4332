public import TallyCodec
import TallyModel
public import TallyStore

/// Answers from the local copy, through the same code as the server (`DatasetAnswers` over a
/// reader of the store): offline and online answers to one question are the same messages.
public struct OfflineDataset: Sendable {
    public let answers: DatasetAnswers

    /// The local copy at `path`, at its current version.
    public init(path: String) async throws {
        let store = try LocalCopy.open(path: path)
        let reader = try await store.reader()
        guard reader.state.version > 0 else { throw TallyClientError.noLocalSnapshot(path: path) }
        answers = DatasetAnswers(reader: reader)
    }

    public var version: UInt64 { answers.version }

    public func totals(_ request: TotalsRequest) async throws -> TotalsResponse {
        try await rejecting("totals") { try await answers.totals(request) }
    }

    public func figures(_ request: FiguresRequest) async throws -> FiguresResponse {
        try await rejecting("figures") { try await answers.figures(request) }
    }

    public func sources() async throws -> SourcesResponse { try await answers.sources() }

    public func consistency() async throws -> ConsistencyReport { try await answers.consistency() }

    /// A request the server would refuse is refused the same way.
    private func rejecting<T>(_ method: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let invalid as InvalidRequest {
            throw TallyClientError.status(Status(code: .invalidArgument, message: "\(method) request rejected", violations: invalid.violations))
        }
    }
}
