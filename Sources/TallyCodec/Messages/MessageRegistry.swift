import TallyModel

/// Every message of `Proto/tally.proto`, by protobuf name: for code that handles messages whose
/// type is only known at run time. Today that is the tests: the round-trip and decoder-fuzz tests
/// go through every message, and the Python interop test decodes the files the Python peer writes,
/// each named by its message. A test checks the list against the messages `tally.proto` declares.
public enum MessageRegistry {
    public static let all: [any WireMessage.Type] = [
        Quantity.self, Period.self, Citation.self, Figure.self,
        TotalsRequest.self, Total.self, Candidate.self, TotalsResponse.self,
        FiguresRequest.self, FiguresResponse.self,
        SourcesRequest.self, SourceSummary.self, SourcesResponse.self,
        ConsistencyRequest.self, Finding.self, StatedValue.self, ConsistencyReport.self,
        SnapshotRequest.self, SnapshotHeader.self, FigureBatch.self, ChangesRequest.self, ChangesHeader.self, Change.self,
        PublishRequest.self, PublishResponse.self,
        WatchRequest.self, Heartbeat.self, WatchEvent.self,
        HealthRequest.self, HealthResponse.self,
        FieldViolation.self, Status.self,
    ]

    public static let byName: [String: any WireMessage.Type] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.protoName, $0) }
    )
}
