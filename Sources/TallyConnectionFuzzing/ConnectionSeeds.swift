import TallyCodec
import TallyFuzzing
import TallyHTTP2
import TallyModel
import TallyTestSupport

// The connection targets' seed corpora: real requests, and tallyd's recorded answers.

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
