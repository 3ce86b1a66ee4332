import Foundation
import TallyCodec
import TallyModel

/// Turns answers into the three output formats. Tables are for people; JSON (stable key order) and
/// CSV are for scripts.
enum Render {
    static func quantity(_ q: Quantity) -> String { q.qualifier == .unspecified ? "n/a" : q.description }

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

    static func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func csv(_ rows: [[String]]) -> String {
        rows.map { row in
            row.map { field in
                field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    static func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        guard let columns = rows.map(\.count).max() else { return "" }
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, field in
                let pad = String(repeating: " ", count: widths[column] - field.count)
                return rightAligned.contains(column) ? pad + field : field + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n") + "\n"
    }

    static func period(_ p: Period) -> String { p == .unset ? "" : p.description }

    static func sources(_ figure: Figure) -> String {
        figure.citations.map { c in
            "\(c.producer) via \(c.outlet)\(c.published.map { ", \($0.iso)" } ?? "")"
        }.joined(separator: "; ")
    }

    static func figureJSON(_ f: Figure) -> [String: Any] {
        [
            "id": f.id, "jurisdiction": f.jurisdiction, "measure": f.measure, "articles": f.articles,
            "period": ["start": f.period.start.iso, "end": f.period.end.iso],
            "value": quantityJSON(f.value), "note": f.note,
            "citations": f.citations.map { c in
                ["producer": c.producer, "outlet": c.outlet, "published": c.published?.iso ?? NSNull(),
                 "document": c.document, "quote": c.quote] as [String: Any]
            },
        ]
    }

    static func quantityJSON(_ q: Quantity) -> [String: Any] {
        var out: [String: Any] = ["qualifier": qualifierName(q.qualifier), "text": quantity(q), "low": q.low]
        if q.qualifier == .range { out["high"] = q.high }
        return out
    }
}
