public import TallyCodec
import TallyModel

/// Answers from the local snapshot, through the same engine and the same conversions as the
/// server: offline and online answers to one question are the same messages.
public struct OfflineDataset: Sendable {
    public let snapshot: LocalSnapshot
    private let engine: TotalsEngine

    public init(snapshot: LocalSnapshot) {
        self.snapshot = snapshot
        self.engine = TotalsEngine(figures: snapshot.figures)
    }

    public var version: UInt64 { snapshot.header.datasetVersion }

    public func totals(_ request: TotalsRequest) throws -> TotalsResponse {
        do {
            return WireConversions.response(engine.totals(try WireConversions.query(request)), version: version)
        } catch {
            throw TallyClientError.status(Status(code: .invalidArgument, message: "totals request rejected", violations: error.violations))
        }
    }

    public func figures(_ request: FiguresRequest) throws -> FiguresResponse {
        do {
            return try WireConversions.figuresPage(request, from: snapshot.figures, version: version)
        } catch {
            throw TallyClientError.status(Status(code: .invalidArgument, message: "figures request rejected", violations: error.violations))
        }
    }

    public func sources() -> SourcesResponse { WireConversions.sources(snapshot.figures, version: version) }

    public func consistency() -> ConsistencyReport {
        WireConversions.report(ConsistencyCheck.findings(in: snapshot.figures), version: version)
    }
}
