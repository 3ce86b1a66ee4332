import TallyCodec
import TallyDataset
import TallyHTTP2
import TallyModel
import TallyTestSupport

// The committed seed corpora (Fuzz/Corpus/<target>), made from real messages, files and
// exchanges; `make fuzz-seeds` writes them anew and the replay tests check they still run.

extension CodecFuzzing {
    /// Each sample message of `MessageSamples` as itself, and as a stream of envelopes (the message,
    /// compressed when that helps, then an end-of-stream status).
    public static func seeds() -> [(name: String, bytes: [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        let framer = EnvelopeFramer(deflater: Deflater(), compressionThreshold: 0)
        for (index, sample) in MessageSamples.all.enumerated() {
            let sampleType = type(of: sample)
            guard let typeIndex = MessageRegistry.all.firstIndex(where: { ObjectIdentifier($0) == ObjectIdentifier(sampleType) }) else { continue }
            let selector = UInt8(typeIndex)
            let wire = sample.wireBytes()
            seeds.append(("\(index)-\(sampleType.protoName)-bare", [selector, 0] + wire))
            let stream = framer.frame(wire) + framer.frame(Status(code: .ok, message: "").wireBytes(), endOfStream: true)
            seeds.append(("\(index)-\(sampleType.protoName)-enveloped", [selector | 0x80, UInt8(truncatingIfNeeded: stream.count / 2)] + stream))
        }
        return seeds
    }
}

extension DatasetFuzzing {
    /// Figures of the embedded dataset rendered as files, and files wrong in the ways DATASET.md lists.
    public static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        let figures = try EmbeddedDataset.load()
        let one = DatasetFile.render(Array(figures.prefix(1)))
        let three = DatasetFile.render(Array(figures.dropFirst(5).prefix(3)))
        let invalid: [(String, String)] = [
            ("not-a-mapping", "- just\n- a list\n"),
            ("figures-not-a-list", "figures: 3\n"),
            ("bad-yaml", "figures:\n  - id: [unclosed\n"),
            ("unknown-field", one.replacingFirst("measure:", with: "measrue:")),
            ("bad-period", one.replacingFirst("period: ", with: "period: 2025-13-01..")),
            ("bad-value", one.replacingFirst("value: \"", with: "value: \"about ")),
            ("duplicate-ids", DatasetFile.render([figures[0], figures[0]])),
        ]
        return [("one-figure", Array(one.utf8)), ("three-figures", Array(three.utf8))] + invalid.map { ($0.0, Array($0.1.utf8)) }
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}

extension ServerFuzzing {
    /// Real requests for every route, one connection each, and a few on one connection.
    public static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        typealias Request = SeedCorpus.Request
        let framer = EnvelopeFramer()
        func rpc(_ method: String, _ message: some WireMessage, extra: [HTTP2HeaderField] = []) -> Request {
            Request(headers: SeedCorpus.rpcHeaders(method, extra: extra), body: framer.frame(message))
        }
        var publish = PublishRequest()
        publish.figures = [MessageSamples.figure]
        publish.comment = "fuzz seed"
        let compressed = EnvelopeFramer(deflater: Deflater(), compressionThreshold: 0).frame(MessageSamples.all[4])
        let connections: [(String, [Request])] = [
            ("totals", [rpc("Totals", TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts", breakdown: .article))]),
            ("figures", [rpc("Figures", FiguresRequest())]),
            ("sources", [rpc("Sources", SourcesRequest())]),
            ("consistency", [rpc("Consistency", ConsistencyRequest())]),
            ("health", [rpc("Health", HealthRequest())]),
            ("snapshot", [rpc("Snapshot", SnapshotRequest(schemaVersion: DatasetSchema.current))]),
            ("changes", [rpc("Changes", ChangesRequest(sinceVersion: 1))]),
            ("watch", [rpc("Watch", WatchRequest(sinceVersion: 1), extra: [HTTP2HeaderField("tally-timeout-ms", "5")])]),
            ("publish", [rpc("Publish", publish, extra: [HTTP2HeaderField("authorization", "Bearer \(publishToken)")])]),
            ("totals-deflate", [Request(headers: SeedCorpus.rpcHeaders("Totals", extra: [HTTP2HeaderField("tally-encoding", "deflate")]),
                                        body: compressed)]),
            ("snapshot-get", [Request(headers: SeedCorpus.getHeaders("/tally.v1.Tally/Snapshot?schema=\(DatasetSchema.current)"), body: nil)]),
            ("changes-get", [Request(headers: SeedCorpus.getHeaders("/tally.v1.Tally/Changes?since=1"), body: nil)]),
            ("page", [Request(headers: SeedCorpus.getHeaders("/?jurisdiction=RU&measure=cases_received_by_courts"), body: nil)]),
            ("downloads", [Request(headers: SeedCorpus.getHeaders("/figures.csv"), body: nil),
                           Request(headers: SeedCorpus.getHeaders("/figures.json"), body: nil)]),
            ("probes", ["/healthz", "/readyz", "/metrics", "/nowhere"].map { Request(headers: SeedCorpus.getHeaders($0), body: nil) }),
            ("three-calls", [rpc("Health", HealthRequest()), rpc("Sources", SourcesRequest()),
                             rpc("Totals", TotalsRequest(jurisdiction: "UA", measure: "cases_received_by_courts"))]),
        ]
        return try connections.map { ($0.0, try SeedCorpus.clientBytes($0.1)) }
    }
}

extension ClientFuzzing {
    /// What tallyd answers each call (recorded from the server target's own connection), and
    /// answers it never gives: a compression bomb, a status in trailers only, a proxy's error page.
    public static func seeds() async throws -> [(name: String, bytes: [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        for call in Call.allCases {
            let answer = try await ServerRecording.answer(to: call)
            seeds.append(("\(call)", [call.rawValue, 0] + answer))
        }
        let ok = EnvelopeFramer().frame(Status(code: .ok, message: "").wireBytes(), endOfStream: true)
        let head = [HTTP2HeaderField(":status", "200"), HTTP2HeaderField("content-type", "application/tally+proto")]
        let bomb = try SeedCorpus.craftedServerBytes { server, stream in
            try server.submitResponse(streamID: stream, headers: head + [HTTP2HeaderField("tally-encoding", "deflate")])
            var envelope: [UInt8] = []
            let payload = SeedCorpus.bomb(inflatingTo: 8 << 20)
            EnvelopeFramer.appendPrefix(flags: .compressed, length: payload.count, to: &envelope)
            server.writeBody(streamID: stream, envelope + payload + ok)
            server.finishBody(streamID: stream)
        }
        let trailersOnly = try SeedCorpus.craftedServerBytes { server, stream in
            try server.submitResponse(streamID: stream, headers: head)
            server.finishBody(streamID: stream, trailers: [HTTP2HeaderField("tally-status", "14"), HTTP2HeaderField("tally-message", "try later")])
        }
        let proxyPage = try SeedCorpus.craftedServerBytes { server, stream in
            try server.submitResponse(streamID: stream, headers: [HTTP2HeaderField(":status", "502"), HTTP2HeaderField("content-type", "text/html")])
            server.writeBody(streamID: stream, Array("<html>bad gateway</html>".utf8))
            server.finishBody(streamID: stream)
        }
        let reset = try SeedCorpus.craftedServerBytes { server, stream in
            try server.submitResponse(streamID: stream, headers: head)
            server.writeBody(streamID: stream, [0, 0, 0])
            server.resetStream(streamID: stream, errorCode: 0x8)
        }
        seeds += [("totals-bomb", [Call.totals.rawValue, 40] + bomb), ("totals-trailers-only", [Call.totals.rawValue, 0] + trailersOnly),
                  ("totals-proxy-page", [Call.totals.rawValue, 0] + proxyPage), ("snapshot-reset", [Call.snapshot.rawValue, 0] + reset)]
        return seeds
    }
}
