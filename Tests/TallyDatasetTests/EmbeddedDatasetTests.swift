import Foundation
import Testing
import TallyDataset
import TallyModel
import TallyTestSupport

@Suite struct EmbeddedDatasetTests {
    let figures: [Figure]

    init() throws {
        figures = try EmbeddedDataset.load()
    }

    @Test func loadsAndValidates() {
        #expect(figures.count >= 40)
        #expect(figures.violations().isEmpty)
    }

    @Test func contextAndProsecutionAreKeptApart() {
        let context = figures.filter { $0.category == .context }
        #expect(context.contains { $0.measure == "recruits" })
        #expect(context.contains { $0.measure == "military_deaths" })
        #expect(context.contains { $0.measure == "maximum_sentence_years" })
        #expect(!context.contains { Vocabulary.standard.measure($0.measure)?.category == .prosecution })
    }

    /// Whitespace-insensitive: some documents contain no-break spaces (DATASET.md, rule 8).
    private func normalized(_ s: String) -> String {
        s.replacingOccurrences(of: "\u{A0}", with: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test(.enabled(if: RepositoryPaths.seedsAvailable, "needs the seed articles beside the repository"))
    func everyQuoteIsVerbatimInItsDocument() throws {
        var documents: [String: String] = [:]
        for figure in figures {
            for citation in figure.citations {
                if documents[citation.document] == nil {
                    let url = RepositoryPaths.seeds.appendingPathComponent(citation.document)
                    documents[citation.document] = normalized(try String(contentsOf: url, encoding: .utf8))
                }
                #expect(documents[citation.document]!.contains(normalized(citation.quote)), "\(figure.id): \(citation.quote)")
            }
        }
    }

    @Test(.enabled(if: RepositoryPaths.seedsAvailable, "needs the seed articles beside the repository"))
    func everySeedDocumentContributesFigures() throws {
        let documents = try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.seeds.path).filter { $0.hasSuffix(".txt") }
        #expect(!documents.isEmpty)
        let cited = Set(figures.flatMap { $0.citations.map(\.document) })
        for document in documents { #expect(cited.contains(document), "\(document) has no figure") }
    }

    /// Rule 1: the same statement by two outlets is one figure with two citations.
    @Test func sameStatementTwoOutletsIsOneFigure() throws {
        let awol = try #require(figures.first { $0.id == "mz-2025-06-ru-received-337" })
        #expect(Set(awol.citations.map(\.outlet)) == ["Kyiv Independent", "unnamed outlet (Islamabad dateline)"])
        #expect(figures.filter { $0.value == .exact(18_159) }.count == 1)
    }

    @Test func undatedDocumentsHaveNoInventedDates() {
        for figure in figures {
            for citation in figure.citations where ["000_2b68c404776543ff.txt", "003_8999362fedcd4df4.txt", "004_f2badd5d60ef5b95.txt"].contains(citation.document) {
                #expect(citation.published == nil, "\(figure.id)")
            }
        }
    }

    @Test func rendersAndParsesBackUnchanged() throws {
        let text = DatasetFile.render(figures)
        #expect(try DatasetFile.parse(text) == figures)
    }
}
