import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// tallyd against curl: real calls, checking status, envelopes, the end-of-stream status and trailers.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: PeerTools.enabled("curl"), "needs curl"))
final class CurlInteropTests {
    let server: TallydProcess
    let curl: CurlClient

    init() throws {
        server = try TallydProcess()
        curl = CurlClient(port: server.port)
    }

    deinit { server.stop() }

    @Test func healthCall() throws {
        let response = try curl.call(.init(path: "/tally.v1.Tally/Health"))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/tally+proto")
        #expect(response.headers["tally-dataset-version"] == "1")
        let health = try response.message(HealthResponse.self)
        #expect(health.status == .serving)
        #expect(health.datasetVersion == 1)
        #expect(health.digest.count == 32)
        #expect(try response.callStatus() == .ok)
        #expect(response.trailers["tally-status"] == "0")
    }

    /// The example over the wire: 20,662 received since mobilisation, by article, with
    /// every figure and source in the answer.
    @Test func totalsByArticle() throws {
        let request = TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts",
                                    window: Period(text: "2022-09-01..2025-05-31"), breakdown: .article)
        let response = try curl.call(.init(path: "/tally.v1.Tally/Totals", body: EnvelopeFramer().frame(request)))
        #expect(response.status == 200)
        let totals = try response.message(TotalsResponse.self)
        #expect(totals.total?.value == .exact(20_662))
        #expect(totals.breakdown.map(\.label) == ["332", "337", "338", "unattributed"])
        #expect(totals.breakdown.last?.value == .exact(124))
        #expect(totals.breakdown.last?.derived == true)
        let used = try #require(totals.total?.figureIndexes.first)
        #expect(totals.figures[Int(used)].citations.contains { $0.producer == "Mediazona" })
        #expect(!totals.candidates.isEmpty)
        #expect(try response.callStatus() == .ok)
    }

    /// The snapshot carries a digest the client can recompute from the figures of its batches;
    /// GET with the ETag answers 304.
    @Test func snapshotIsVerifiableAndCacheable() throws {
        let response = try curl.call(.init(path: "/tally.v1.Tally/Snapshot", body: EnvelopeFramer().frame(SnapshotRequest(schemaVersion: DatasetSchema.current))))
        let envelopes = try response.envelopes()
        let header = try SnapshotHeader(wireBytes: envelopes[0].payload)
        #expect(header.schemaVersion == DatasetSchema.current)
        let figures = try envelopes.dropFirst().dropLast().flatMap { try FigureBatch(wireBytes: $0.payload).encodings }
        #expect(Int(header.figureCount) == figures.count)
        var hash = DatasetHash()
        for encoding in figures { hash.add(element: encoding) }
        #expect(hash.checksum == header.digest)

        let get = try curl.call(.init(path: "/tally.v1.Tally/Snapshot", method: "GET", body: nil, headers: []))
        #expect(get.status == 200)
        #expect(try get.envelopes().map(\.payload) == envelopes.map(\.payload))
        let etag = try #require(get.headers["etag"])
        let again = try curl.call(.init(path: "/tally.v1.Tally/Snapshot", method: "GET", body: nil, headers: ["if-none-match: \(etag)"]))
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
    }

    /// A client older than dataset schema 2 (it sends no schema) is told to upgrade, never handed
    /// figures it would check against the wrong digest.
    @Test func anOldClientIsToldToUpgrade() throws {
        for path in ["/tally.v1.Tally/Snapshot", "/tally.v1.Tally/Changes"] {
            let body = path.hasSuffix("Snapshot") ? EnvelopeFramer().frame(SnapshotRequest()) : EnvelopeFramer().frame(ChangesRequest(sinceVersion: 1, schemaVersion: 0))
            let response = try curl.call(.init(path: path, body: body))
            let status = try response.callStatus()
            #expect(status.code == .failedPrecondition, "\(path)")
            #expect(status.message.contains("upgrade tally"), "\(status.message)")
            #expect(try response.envelopes().count == 1, "nothing but the status")
        }
    }

    /// Compression is negotiated per call: a large answer comes back compressed when the client
    /// accepts deflate, and uncompressed when it does not.
    @Test func compressionIsNegotiated() throws {
        let body = EnvelopeFramer().frame(FiguresRequest())
        let compressed = try curl.call(.init(path: "/tally.v1.Tally/Figures", body: body,
                                             headers: ["content-type: application/tally+proto", "tally-accept-encoding: deflate"]))
        #expect(compressed.headers["tally-encoding"] == "deflate")
        #expect(try compressed.envelopes().first?.flags.contains(.compressed) == true)
        let plain = try curl.call(.init(path: "/tally.v1.Tally/Figures", body: body))
        #expect(plain.headers["tally-encoding"] == nil)
        #expect(try plain.envelopes().first?.flags.contains(.compressed) == false)
        #expect(try compressed.message(FiguresResponse.self) == plain.message(FiguresResponse.self))
        #expect(compressed.body.count < plain.body.count / 2)
    }

    @Test func changesAsGet() throws {
        let response = try curl.call(.init(path: "/tally.v1.Tally/Changes?since=0", method: "GET", body: nil, headers: []))
        #expect(response.status == 200)
        let header = try response.message(ChangesHeader.self)
        #expect(header.snapshotRequired)  // version 0 is older than any change log
        let upToDate = try curl.call(.init(path: "/tally.v1.Tally/Changes?since=1", method: "GET", body: nil, headers: []))
        #expect(try upToDate.message(ChangesHeader.self).changeCount == 0)
    }

    @Test func healthAndReadinessAndMetrics() throws {
        #expect(try curl.call(.init(path: "/healthz", method: "GET", body: nil, headers: [])).status == 200)
        #expect(try curl.call(.init(path: "/readyz", method: "GET", body: nil, headers: [])).status == 200)
        _ = try curl.call(.init(path: "/tally.v1.Tally/Health"))
        let response = try curl.call(.init(path: "/metrics", method: "GET", body: nil, headers: []))
        #expect(response.status == 200)
        let metrics = String(decoding: response.body, as: UTF8.self)
        #expect(metrics.contains("tally_requests_total{"))
        #expect(metrics.contains("route=\"Health\""))
        #expect(metrics.contains("tally_request_duration_seconds_bucket"))
        #expect(metrics.contains("tally_dataset_version 1"))
        #expect(metrics.contains("tally_open_connections"))
    }
}
