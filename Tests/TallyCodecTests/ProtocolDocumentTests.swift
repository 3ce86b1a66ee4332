import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyTestSupport

/// Proto/PROTOCOL.md is the contract users read: its status table and its worked example are
/// checked against the code, so the document cannot drift from what Tally does.
@Suite struct ProtocolDocumentTests {
    let document: String = (try? String(contentsOf: RepositoryPaths.proto.appendingPathComponent("PROTOCOL.md"), encoding: .utf8)) ?? ""

    @Test func statusTableMatchesTheCode() throws {
        var rows = 0
        for line in document.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, let number = Int32(cells[1]), let http = Int(cells[2]) else { continue }
            let code = StatusCode(wireValue: number)
            #expect(code.name == cells[0], "row for \(number)")
            #expect(code.httpStatus == http, "HTTP status of \(cells[0])")
            rows += 1
        }
        #expect(rows == StatusCode.known.count)
    }

    /// The hex bytes of the code blocks that follow "Request DATA" and "Response DATA".
    private func hexBlock(after marker: String) throws -> [UInt8] {
        let start = try #require(document.range(of: marker))
        let block = document[start.upperBound...].components(separatedBy: "```")[1]
        var bytes: [UInt8] = []
        for line in block.split(separator: "\n") {
            for token in line.split(separator: " ") {
                guard token.count == 2, let byte = UInt8(token, radix: 16) else { break }
                bytes.append(byte)
            }
        }
        return bytes
    }

    @Test func workedExampleBytesAreWhatTheCodecProduces() throws {
        let framer = EnvelopeFramer()
        let window = Period(start: Day(iso: "2022-09-01")!, end: Day(iso: "2025-05-31")!)
        let request = TotalsRequest(jurisdiction: "RU", measure: "cases_received_by_courts", articles: ["337"], window: window)
        #expect(try hexBlock(after: "Request DATA") == framer.frame(request))

        var response = TotalsResponse()
        var total = Total()
        total.value = .exact(18_159)
        total.figureIndexes = [0]
        total.period = window
        response.total = total
        response.datasetVersion = 1
        #expect(try hexBlock(after: "Response DATA") == framer.frame(response) + framer.frame(Status.ok, endOfStream: true))
    }

    /// The section on the dataset digest quotes the empty set's LtHash16 checksum.
    @Test func emptySetChecksumIsWhatTheCodeComputes() {
        #expect(document.contains("`\(DatasetHash().checksumHex)`"))
    }
}
