import Foundation
public import TallyCodec
public import TallyModel

/// The figures as downloads, `/figures.csv` and `/figures.json`: the columns and keys of
/// `tally figures --format csv` and `--format json` (a test holds them to the CLI's output), with
/// the CLI's filters as parameters (`jurisdiction`, `measure`, `article` repeated, `producer`).
///
/// Written in pieces of `batchSize` figures, so a large dataset streams with bounded memory. The
/// JSON has one figure per line (the CLI's is indented); parsed, the two are the same document.
public struct FigureExport: Sendable {
    public enum Format: String, Sendable {
        case csv, json

        public var contentType: String {
            switch self {
            case .csv: "text/csv; charset=utf-8; header=present"
            case .json: "application/json; charset=utf-8"
            }
        }
    }

    public let format: Format
    public let filter: FiguresRequest

    public static let batchSize = 500

    public init(format: Format, query: String?) throws(PageRequestError) {
        self.format = format
        var filter = FiguresRequest()
        var violations: [PageRequestError.Violation] = []
        var seen = Set<String>()
        for (name, raw) in try QueryString.parse(query) {
            let value = raw.trimmingSpaces
            if ["jurisdiction", "measure", "producer"].contains(name), !seen.insert(name).inserted {
                violations.append(.init(field: name, problem: "given more than once"))
                continue
            }
            guard !value.isEmpty else { continue }
            switch name {
            case "jurisdiction":
                if Vocabulary.standard.jurisdiction(value) == nil {
                    violations.append(.init(field: name, problem: "unknown jurisdiction '\(value)'; known: \(PageQuestion.jurisdictionCodes)"))
                }
                filter.jurisdiction = value
            case "measure":
                if Vocabulary.standard.measure(value) == nil { violations.append(.init(field: name, problem: "unknown measure '\(value)'")) }
                filter.measure = value
            case "article":
                if filter.articles.count >= PageQuestion.maxArticles {
                    violations.append(.init(field: name, problem: "more than \(PageQuestion.maxArticles) articles"))
                } else if !filter.articles.contains(value) {
                    filter.articles.append(value)
                }
            case "producer": filter.producer = value
            default: continue
            }
        }
        guard violations.isEmpty else { throw PageRequestError(violations) }
        self.filter = filter
    }

    /// The filters in a fixed order: the cache validator's key.
    public var canonicalQuery: String {
        QueryString.encode([("jurisdiction", filter.jurisdiction), ("measure", filter.measure)].filter { !$0.1.isEmpty }
                           + filter.articles.map { ("article", $0) } + (filter.producer.isEmpty ? [] : [("producer", filter.producer)]))
    }

    /// A file name that says what is in it: `tally-figures-v3.csv`.
    public func fileName(version: UInt64) -> String { "tally-figures-v\(version).\(format.rawValue)" }

    /// The figures matching the filters, through the Figures call's own filter, in the dataset's
    /// order (by id), in one pass.
    public func matching(_ figures: [Figure]) -> [Figure] {
        figures.filter { WireConversions.matches(filter, $0) }
    }

    public func header(version: UInt64) -> String {
        switch format {
        case .csv: Self.csvLine(Self.csvColumns)
        case .json: "{\"dataset_version\":\(version),\"figures\":[\n"
        }
    }

    /// One piece of the body: the figures `batch` of `all`, `isFirst` when nothing came before.
    public func rows(_ batch: ArraySlice<Figure>, isFirst: Bool) -> String {
        switch format {
        case .csv:
            return batch.map { Self.csvLine(Self.csvRow($0)) }.joined()
        case .json:
            let lines = batch.map(Self.jsonLine)
            return (isFirst ? "" : ",\n") + lines.joined(separator: ",\n")
        }
    }

    public var footer: String {
        switch format {
        case .csv: ""
        case .json: "\n]}\n"
        }
    }

    // MARK: The CLI's columns (Sources/tally/FiguresCommand.swift, Render.swift)

    static let csvColumns = ["id", "jurisdiction", "measure", "articles", "start", "end", "kind", "value", "sources"]

    static func csvRow(_ f: Figure) -> [String] {
        [f.id, f.jurisdiction, f.measure, f.articles.joined(separator: " "), f.period.start.iso, f.period.end.iso,
         "\(f.kind)", quantity(f.value), sources(f)]
    }

    static func csvLine(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\n"
    }

    static func quantity(_ q: Quantity) -> String { q.qualifier == .unspecified ? "n/a" : q.description }

    static func sources(_ figure: Figure) -> String {
        figure.citations.map { c in "\(c.producer) via \(c.outlet)\(c.published.map { ", \($0.iso)" } ?? "")" }.joined(separator: "; ")
    }

    static func jsonLine(_ f: Figure) -> String {
        let object: [String: Any] = [
            "id": f.id, "jurisdiction": f.jurisdiction, "measure": f.measure, "articles": f.articles,
            "period": ["start": f.period.start.iso, "end": f.period.end.iso],
            "value": quantityJSON(f.value), "note": f.note,
            "citations": f.citations.map { c in
                ["producer": c.producer, "outlet": c.outlet, "published": c.published?.iso ?? NSNull(),
                 "document": c.document, "quote": c.quote] as [String: Any]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func quantityJSON(_ q: Quantity) -> [String: Any] {
        var out: [String: Any] = ["qualifier": qualifierName(q.qualifier), "text": quantity(q), "low": q.low]
        if q.qualifier == .range { out["high"] = q.high }
        return out
    }

    static func qualifierName(_ q: Qualifier) -> String {
        switch q {
        case .exact: "exact"
        case .moreThan: "more_than"
        case .atLeast: "at_least"
        case .about: "about"
        case .nearly: "nearly"
        case .atMost: "at_most"
        case .range: "range"
        case .unspecified: "unavailable"
        case .unrecognized(let v): "qualifier_\(v)"
        }
    }
}
