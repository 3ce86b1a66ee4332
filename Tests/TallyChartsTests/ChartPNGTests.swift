import Foundation
import Testing
import TallyCharts
import TallyTestSupport

/// Each golden chart rendered to PNG by rsvg-convert (what `tally chart --output x.png` runs): the
/// renderer accepts it and the image has the chart's size. Skipped without rsvg-convert unless
/// TALLY_REQUIRE_PEERS=1 (make test), which makes a missing renderer a failure.
@Suite struct ChartPNGTests {
    static let renderer = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: renderer != nil || Peers.required, "needs rsvg-convert (Debian: librsvg2-bin)"), arguments: GoldenCharts.all.map(\.name))
    func rendersAtItsSize(_ name: String) throws {
        let renderer = try #require(Self.renderer, "TALLY_REQUIRE_PEERS=1 but rsvg-convert is missing")
        let chart = try GoldenCharts.all.first { $0.name == name }!.chart()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent(name), png = directory.appendingPathComponent(name + ".png")
        try Data(chart.svg.utf8).write(to: svg)
        for zoom in [1, 2] {
            let result = try runProcess(renderer, ["--format", "png", "--zoom", "\(zoom)", "--output", png.path, svg.path])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(name): rsvg-convert warned: \(result.stderr)")
            let size = try #require(PNGHeader(Array(try Data(contentsOf: png))), "\(name): not a PNG")
            #expect(size.width == chart.width * zoom && size.height == chart.height * zoom)
        }
    }
}

/// Width and height from a PNG's signature and IHDR chunk.
struct PNGHeader {
    let width: Int
    let height: Int

    init?(_ bytes: [UInt8]) {
        guard bytes.count > 24, bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
              bytes[12..<16] == [0x49, 0x48, 0x44, 0x52] else { return nil }
        func be32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        width = be32(16)
        height = be32(20)
    }
}
