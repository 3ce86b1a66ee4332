import Foundation
import Testing
import TallyCodec
import TallyModel
import TallyWeb

/// The downloads' filters and formats (their columns are held to the CLI's by an end-to-end test).
@Suite struct FigureExportTests {
    static let figure = Figure(id: "f-1", category: .prosecution, jurisdiction: "RU", measure: "verdicts", articles: ["337", "338"],
                               period: Period(text: "2025-01-01..2025-01-31")!, kind: .count, value: .range(700, 800),
                               citations: [Citation(producer: "Mediazona", outlet: "Meduza, \"English\"", published: Day(iso: "2025-02-03"),
                                                    document: "doc.md", quote: "between 700 and 800, \"roughly\"\nsaid")])

    @Test func csvQuotesWhatNeedsIt() throws {
        let export = try FigureExport(format: .csv, query: nil)
        #expect(export.header(version: 1) == "id,jurisdiction,measure,articles,start,end,kind,value,sources\n")
        #expect(export.rows([Self.figure], isFirst: true)
                == "f-1,RU,verdicts,337 338,2025-01-01,2025-01-31,count,700 to 800,\"Mediazona via Meduza, \"\"English\"\", 2025-02-03\"\n")
    }

    @Test func jsonIsOneDocument() throws {
        let export = try FigureExport(format: .json, query: nil)
        let text = export.header(version: 7) + export.rows([Self.figure], isFirst: true) + export.rows([Self.figure], isFirst: false) + export.footer
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["dataset_version"] as? Int == 7)
        let figures = try #require(object["figures"] as? [[String: Any]])
        #expect(figures.count == 2)
        #expect((figures[0]["value"] as? [String: Any])?["high"] as? Int == 800)
        #expect(((figures[0]["citations"] as? [[String: Any]])?.first?["quote"] as? String)?.contains("\"roughly\"\nsaid") == true)
    }

    @Test func filtersAreTheCLIs() throws {
        let export = try FigureExport(format: .csv, query: "producer=Mediazona&article=337&article=338&jurisdiction=RU")
        #expect(export.canonicalQuery == "jurisdiction=RU&article=337&article=338&producer=Mediazona")
        #expect(export.matching([Self.figure]).map(\.id) == ["f-1"])
        #expect(try FigureExport(format: .csv, query: "article=337").matching([Self.figure]).isEmpty)
        #expect(throws: PageRequestError([.init(field: "jurisdiction", problem: "unknown jurisdiction 'XX'; known: RU, UA")])) {
            try FigureExport(format: .json, query: "jurisdiction=XX")
        }
    }
}
