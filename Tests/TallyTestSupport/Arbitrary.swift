public import TallyCodec
public import TallyModel

/// Random values for property tests: every field is sometimes default, sometimes extreme, strings
/// mix ASCII and multi-byte UTF-8, enums include values this build does not know.
public protocol Arbitrary {
    static func arbitrary(using rng: inout SeededRandom) -> Self
}

extension SeededRandom {
    public mutating func string() -> String {
        let alphabet: [String] = ["a", "Z", "7", " ", "-", "é", "ё", "Ж", "€", "🦔", "\u{0}", "\n"]
        let count = chance(0.3) ? 0 : Int.random(in: 0...24, using: &self)
        return (0..<count).map { _ in alphabet.randomElement(using: &self)! }.joined()
    }

    public mutating func uint64() -> UInt64 {
        switch Int.random(in: 0..<4, using: &self) {
        case 0: 0
        case 1: UInt64.random(in: 0...300, using: &self)
        case 2: UInt64.max - UInt64.random(in: 0...3, using: &self)
        default: next()
        }
    }

    public mutating func int64() -> Int64 { Int64(bitPattern: uint64()) &* (chance(0.5) ? -1 : 1) }

    public mutating func int32() -> Int32 { Int32(truncatingIfNeeded: int64()) }

    public mutating func uint32() -> UInt32 { UInt32(truncatingIfNeeded: uint64()) }

    public mutating func array<T>(max: Int = 4, _ element: (inout SeededRandom) -> T) -> [T] {
        (0..<Int.random(in: 0...max, using: &self)).map { _ in element(&self) }
    }

    public mutating func enumValue<E: WireEnum>(_ type: E.Type = E.self) -> E {
        chance(0.1) ? E(wireValue: int32()) : E(wireValue: Int32.random(in: 0...7, using: &self))
    }

    public mutating func day() -> Day { Day(daysSinceEpoch: chance(0.2) ? 0 : int32()) }

    public mutating func optional<T>(_ make: (inout SeededRandom) -> T) -> T? { chance(0.3) ? nil : make(&self) }
}

extension Quantity: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> Quantity {
        Quantity(qualifier: rng.enumValue(), low: rng.int64(), high: rng.int64())
    }
}

extension Period: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> Period {
        Period(start: rng.day(), end: rng.day())
    }
}

extension Citation: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> Citation {
        Citation(producer: rng.string(), outlet: rng.string(), published: rng.optional { Day(daysSinceEpoch: $0.int32() | 1) },
                 document: rng.string(), quote: rng.string(), url: rng.string())
    }
}

extension Figure: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> Figure {
        Figure(id: rng.string(), revision: rng.uint64(), category: rng.enumValue(), jurisdiction: rng.string(),
               measure: rng.string(), articles: rng.array { $0.string() }, period: .arbitrary(using: &rng),
               kind: rng.enumValue(), rateUnit: rng.enumValue(), value: .arbitrary(using: &rng),
               citations: rng.array(max: 3) { Citation.arbitrary(using: &$0) }, note: rng.string())
    }
}

extension TotalsRequest: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> TotalsRequest {
        TotalsRequest(jurisdiction: rng.string(), measure: rng.string(), articles: rng.array { $0.string() },
                      window: rng.optional { Period.arbitrary(using: &$0) }, breakdown: rng.enumValue())
    }
}

extension Total: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> Total {
        var t = Total()
        t.label = rng.string()
        t.value = .arbitrary(using: &rng)
        t.figureIndexes = rng.array(max: 40) { $0.uint32() }
        t.derived = rng.chance(0.5)
        t.arithmetic = rng.string()
        t.period = .arbitrary(using: &rng)
        return t
    }
}

extension Candidate: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> Candidate {
        Candidate(figureIndex: rng.uint32(), reason: rng.string())
    }
}

extension TotalsResponse: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> TotalsResponse {
        var r = TotalsResponse()
        r.total = rng.optional { Total.arbitrary(using: &$0) }
        r.breakdown = rng.array { Total.arbitrary(using: &$0) }
        r.figures = rng.array { Figure.arbitrary(using: &$0) }
        r.candidates = rng.array { Candidate.arbitrary(using: &$0) }
        r.datasetVersion = rng.uint64()
        return r
    }
}

extension FiguresRequest: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> FiguresRequest {
        var r = FiguresRequest()
        r.jurisdiction = rng.string()
        r.measure = rng.string()
        r.articles = rng.array { $0.string() }
        r.overlapping = rng.optional { Period.arbitrary(using: &$0) }
        r.category = rng.enumValue()
        r.producer = rng.string()
        r.limit = rng.uint32()
        r.pageToken = rng.string()
        return r
    }
}

extension FiguresResponse: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> FiguresResponse {
        var r = FiguresResponse()
        r.figures = rng.array { Figure.arbitrary(using: &$0) }
        r.nextPageToken = rng.string()
        r.datasetVersion = rng.uint64()
        return r
    }
}

extension SourcesRequest: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> SourcesRequest { SourcesRequest() }
}

extension SourceSummary: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> SourceSummary {
        var s = SourceSummary()
        s.producer = rng.string()
        s.outlets = rng.array { $0.string() }
        s.figureCount = rng.uint32()
        s.firstPublished = rng.day()
        s.lastPublished = rng.day()
        return s
    }
}

extension SourcesResponse: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> SourcesResponse {
        var r = SourcesResponse()
        r.sources = rng.array { SourceSummary.arbitrary(using: &$0) }
        r.datasetVersion = rng.uint64()
        return r
    }
}

extension ConsistencyRequest: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> ConsistencyRequest { ConsistencyRequest() }
}

extension Finding: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> Finding {
        var f = Finding()
        f.kind = rng.enumValue()
        f.summary = rng.string()
        f.figureIDs = rng.array { $0.string() }
        f.difference = .arbitrary(using: &rng)
        f.statedValues = rng.array { StatedValue.arbitrary(using: &$0) }
        return f
    }
}

extension StatedValue: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> StatedValue {
        StatedValue(value: .arbitrary(using: &rng), figureIDs: rng.array { $0.string() })
    }
}

extension ConsistencyReport: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> ConsistencyReport {
        var r = ConsistencyReport()
        r.findings = rng.array { Finding.arbitrary(using: &$0) }
        r.datasetVersion = rng.uint64()
        return r
    }
}

extension SnapshotRequest: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> SnapshotRequest { SnapshotRequest(schemaVersion: rng.uint32()) }
}

extension FigureBatch: Arbitrary {
    /// Encodings of arbitrary figures: a batch's elements are embedded `Figure` messages.
    public static func arbitrary(using rng: inout SeededRandom) -> FigureBatch {
        FigureBatch(encodings: rng.array { Figure.arbitrary(using: &$0).wireBytes() })
    }
}

extension SnapshotHeader: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> SnapshotHeader {
        var h = SnapshotHeader()
        h.schemaVersion = rng.uint32()
        h.datasetVersion = rng.uint64()
        h.digest = rng.bytes(rng.chance(0.5) ? 32 : Int.random(in: 0...3, using: &rng))
        h.figureCount = rng.uint64()
        return h
    }
}

extension ChangesRequest: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> ChangesRequest {
        ChangesRequest(sinceVersion: rng.uint64(), schemaVersion: rng.uint32())
    }
}

extension ChangesHeader: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> ChangesHeader {
        var h = ChangesHeader()
        h.fromVersion = rng.uint64()
        h.toVersion = rng.uint64()
        h.digest = rng.bytes(Int.random(in: 0...32, using: &rng))
        h.snapshotRequired = rng.chance(0.5)
        h.changeCount = rng.uint64()
        h.schemaVersion = rng.uint32()
        return h
    }
}

extension Change: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> Change {
        var c = Change()
        c.version = rng.uint64()
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: c.kind = .upsert(.arbitrary(using: &rng))
        case 1: c.kind = .retracted(id: rng.string())
        default: c.kind = nil
        }
        return c
    }
}

extension PublishRequest: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> PublishRequest {
        var r = PublishRequest()
        r.figures = rng.array { Figure.arbitrary(using: &$0) }
        r.retractIDs = rng.array { $0.string() }
        r.expectedVersion = rng.uint64()
        r.comment = rng.string()
        return r
    }
}

extension PublishResponse: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> PublishResponse {
        var r = PublishResponse()
        r.datasetVersion = rng.uint64()
        r.digest = rng.bytes(Int.random(in: 0...32, using: &rng))
        r.upserted = rng.uint32()
        r.retracted = rng.uint32()
        return r
    }
}

extension WatchRequest: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> WatchRequest { WatchRequest(sinceVersion: rng.uint64()) }
}

extension Heartbeat: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> Heartbeat { Heartbeat(datasetVersion: rng.uint64()) }
}

extension WatchEvent: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> WatchEvent {
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: WatchEvent(.change(.arbitrary(using: &rng)))
        case 1: WatchEvent(.heartbeat(.arbitrary(using: &rng)))
        default: WatchEvent()
        }
    }
}

extension HealthRequest: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> HealthRequest { HealthRequest() }
}

extension HealthResponse: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> HealthResponse {
        var r = HealthResponse()
        r.status = rng.enumValue()
        r.datasetVersion = rng.uint64()
        r.digest = rng.bytes(Int.random(in: 0...32, using: &rng))
        r.serverVersion = rng.string()
        // Any bit pattern but NaN, whose inequality to itself would defeat equality checks.
        let bits = Double(bitPattern: rng.uint64())
        r.uptimeSeconds = bits.isNaN ? -0.0 : bits
        return r
    }
}

extension FieldViolation: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> FieldViolation {
        FieldViolation(field: rng.string(), description: rng.string())
    }
}

extension Status: Arbitrary {
    public static func arbitrary(using rng: inout SeededRandom) -> Status {
        Status(code: rng.enumValue(), message: rng.string(), violations: rng.array { FieldViolation.arbitrary(using: &$0) },
               retryAfterMilliseconds: rng.uint32())
    }
}

/// Random instances of every registered message type.
public enum ArbitraryMessages {
    public static func make(_ type: any WireMessage.Type, using rng: inout SeededRandom) -> any WireMessage {
        guard let arbitrary = type as? any (WireMessage & Arbitrary).Type else {
            fatalError("\(type.protoName) has no Arbitrary conformance; add one in TallyTestSupport")
        }
        return arbitrary.arbitrary(using: &rng)
    }
}
