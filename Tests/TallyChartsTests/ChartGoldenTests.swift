import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TallyCharts

/// Every chart kind against its golden SVG, and each golden is well-formed XML with a title and a
/// description a screen reader can read.
@Suite struct ChartGoldenTests {
    @Test(arguments: GoldenCharts.all.map(\.name))
    func matchesItsGoldenFile(_ name: String) throws {
        let chart = try GoldenCharts.all.first { $0.name == name }!.chart()
        try GoldenCharts.expectGolden(name, chart)
    }

    @Test(arguments: GoldenCharts.all.map(\.name))
    func isWellFormedWithTitleAndDescription(_ name: String) throws {
        let chart = try GoldenCharts.all.first { $0.name == name }!.chart()
        let reader = ElementReader()
        let parser = XMLParser(data: Data(chart.svg.utf8))
        parser.delegate = reader
        #expect(parser.parse(), "\(name): \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(reader.elements.first == "svg")
        #expect(reader.text["title"] == chart.title)
        #expect(reader.text["desc"] == chart.textAlternative)
        #expect(reader.attributes["svg"]?["width"] == "\(chart.width)")
        #expect(reader.attributes["svg"]?["height"] == "\(chart.height)")
        // Generic font families only, nothing fetched.
        #expect(!chart.svg.contains("href"))
        #expect(!chart.svg.contains("@import") && !chart.svg.contains("url(http"))
        #expect(reader.attributes["svg"]?["font-family"] == "sans-serif")
    }
}

/// Collects element names, the text of the first element of each name, and their attributes.
final class ElementReader: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var text: [String: String] = [:]
    var attributes: [String: [String: String]] = [:]
    private var current: String?

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        elements.append(name)
        if self.attributes[name] == nil { self.attributes[name] = attributes }
        current = text[name] == nil ? name : nil
        if let current { text[current] = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let current { text[current, default: ""] += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        current = nil
    }
}
