public import TallyModel
import Yams

/// Tally's dataset file: YAML, one mapping per figure, in words a reviewer can check against the
/// quote beside them. The embedded dataset (`Resources/figures.yaml`) and `tally publish` files use
/// it; DATASET.md beside this file documents the fields and the rules for reading sources.
///
/// Reading collects every problem at once, each naming the figure, the field and the line, and
/// returns figures only when there are none: a file is accepted whole or not at all.
public enum DatasetFile {
    static let fields: Set<String> = ["id", "category", "jurisdiction", "measure", "articles", "period", "kind",
                                      "rate_unit", "value", "citations", "note"]
    static let citationFields: Set<String> = ["producer", "outlet", "published", "document", "quote", "url"]

    /// Parses and validates a dataset file.
    public static func parse(_ text: String, vocabulary: Vocabulary = .standard) throws(DatasetFileError) -> [Figure] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw DatasetFileError(problems: [.init(line: nil, violation: FigureViolation(figureID: "", field: "", problem: "not valid YAML: \(error)"))])
        }
        guard let top = root?.mapping, let list = top["figures"] else {
            throw DatasetFileError(problems: [.init(line: root?.mark?.line, violation: FigureViolation(figureID: "", field: "figures", problem: "the file must be a mapping with a 'figures:' list"))])
        }
        guard let items = list.sequence else {
            throw DatasetFileError(problems: [.init(line: list.mark?.line, violation: FigureViolation(figureID: "", field: "figures", problem: "must be a list"))])
        }
        var figures: [Figure] = []
        var problems: [DatasetFileError.Problem] = []
        var lines: [Int] = []
        for (index, item) in items.enumerated() {
            var reader = RecordReader(index: index, node: item)
            figures.append(reader.figure())
            problems += reader.problems
            lines.append(item.mark?.line ?? 0)
        }
        // Semantic validation of what could be read, located at each figure's first line.
        let unreadable = Set(problems.filter { $0.violation.field.isEmpty }.compactMap(\.violation.index))
        for violation in figures.violations(vocabulary: vocabulary) where !unreadable.contains(violation.index ?? -1) {
            let alreadyReported = problems.contains { $0.violation.index == violation.index && violation.field.hasPrefix($0.violation.field) }
            if !alreadyReported {
                problems.append(.init(line: violation.index.map { lines[$0] }, violation: violation))
            }
        }
        guard problems.isEmpty else { throw DatasetFileError(problems: problems) }
        return figures
    }
}

/// Everything wrong with a dataset file.
public struct DatasetFileError: Error, Sendable, CustomStringConvertible {
    public struct Problem: Sendable, Hashable {
        /// 1-based line in the file, where known.
        public var line: Int?
        public var violation: FigureViolation
    }

    public var problems: [Problem]

    public var description: String {
        problems.map { problem in
            (problem.line.map { "line \($0): " } ?? "") + problem.violation.description
        }.joined(separator: "\n")
    }
}

/// Reads one figure mapping, noting each field that is missing its expected shape.
struct RecordReader {
    let index: Int
    let node: Node
    var problems: [DatasetFileError.Problem] = []
    private var id = ""

    init(index: Int, node: Node) {
        self.index = index
        self.node = node
    }

    mutating func figure() -> Figure {
        guard let mapping = node.mapping else {
            report(node, "", "must be a mapping of fields")
            return Figure()
        }
        id = text(mapping, "id") ?? ""
        for key in mapping.keys {
            let name = key.scalar?.string ?? "?"
            if !DatasetFile.fields.contains(name) { report(key, name, "unknown field (known: \(DatasetFile.fields.sorted().joined(separator: ", ")))") }
        }
        var figure = Figure(id: id)
        if let category = text(mapping, "category") {
            figure.category = switch category {
            case "prosecution": .prosecution
            case "context": .context
            default: report(mapping["category"]!, "category", "must be 'prosecution' or 'context'", or: .unrecognized(-1))
            }
        }
        figure.jurisdiction = text(mapping, "jurisdiction") ?? ""
        figure.measure = text(mapping, "measure") ?? ""
        figure.articles = list(mapping, "articles")
        if let period = text(mapping, "period") {
            figure.period = Period(text: period) ?? report(mapping["period"]!, "period", "expected YYYY-MM-DD..YYYY-MM-DD, got '\(period)'", or: .unset)
        }
        if let kind = text(mapping, "kind") {
            figure.kind = FigureKind(name: kind) ?? report(mapping["kind"]!, "kind", "must be one of count, rate, projection, share, level", or: .unrecognized(-1))
        }
        if let unit = text(mapping, "rate_unit") {
            figure.rateUnit = RateUnit(name: unit) ?? report(mapping["rate_unit"]!, "rate_unit", "must be one of per_day, per_working_day, per_week, per_month, per_year", or: .unrecognized(-1))
        }
        if let value = text(mapping, "value") {
            figure.value = Quantity(text: value)
                ?? report(mapping["value"]!, "value", "'\(value)' is not a quantity ('18,159', 'more than 20,000', 'about 1,000', '700 to 800', ...)", or: Quantity(qualifier: .unrecognized(-1)))
        }
        if let citations = mapping["citations"] {
            if let items = citations.sequence {
                figure.citations = items.enumerated().map { citation($0.element, position: $0.offset) }
            } else {
                report(citations, "citations", "must be a list")
            }
        }
        figure.note = text(mapping, "note") ?? ""
        return figure
    }

    private mutating func citation(_ node: Node, position: Int) -> Citation {
        let prefix = "citations[\(position)]"
        guard let mapping = node.mapping else {
            report(node, prefix, "must be a mapping (producer, outlet, published, document, quote, url)")
            return Citation()
        }
        for key in mapping.keys {
            let name = key.scalar?.string ?? "?"
            if !DatasetFile.citationFields.contains(name) { report(key, "\(prefix).\(name)", "unknown field") }
        }
        var citation = Citation(
            producer: text(mapping, "producer", prefix) ?? "",
            outlet: text(mapping, "outlet", prefix) ?? "",
            document: text(mapping, "document", prefix) ?? "",
            quote: text(mapping, "quote", prefix) ?? "",
            url: text(mapping, "url", prefix) ?? ""
        )
        if let published = text(mapping, "published", prefix), published != "unknown" {
            citation.published = Day(iso: published) ?? report(mapping["published"]!, "\(prefix).published", "expected YYYY-MM-DD or 'unknown', got '\(published)'", or: nil)
        }
        return citation
    }

    private mutating func text(_ mapping: Node.Mapping, _ key: String, _ prefix: String? = nil) -> String? {
        guard let node = mapping[key] else { return nil }
        guard let scalar = node.scalar else {
            report(node, prefix.map { "\($0).\(key)" } ?? key, "must be a single value, not a list or mapping")
            return nil
        }
        return scalar.string
    }

    private mutating func list(_ mapping: Node.Mapping, _ key: String) -> [String] {
        guard let node = mapping[key] else { return [] }
        guard let items = node.sequence else {
            report(node, key, "must be a list, e.g. [\"337\"]")
            return []
        }
        return items.enumerated().compactMap { position, item in
            guard let scalar = item.scalar else {
                report(item, "\(key)[\(position)]", "must be a single value")
                return nil
            }
            return scalar.string
        }
    }

    private mutating func report(_ node: Node, _ field: String, _ problem: String) {
        problems.append(.init(line: node.mark?.line, violation: FigureViolation(index: index, figureID: id, field: field, problem: problem)))
    }

    private mutating func report<T>(_ node: Node, _ field: String, _ problem: String, or fallback: T) -> T {
        report(node, field, problem)
        return fallback
    }
}
