/// One thing wrong with one field of one figure.
///
/// `field` uses the schema's field names (`period.end_day`, `citations[0].quote`) so a violation
/// travels unchanged to a client as a `FieldViolation`, and a maintainer finds the same name in the
/// dataset file.
public struct FigureViolation: Hashable, Sendable, CustomStringConvertible {
    /// Position of the figure in its batch or file, when it has one.
    public var index: Int?
    public var figureID: String
    public var field: String
    public var problem: String

    public init(index: Int? = nil, figureID: String, field: String, problem: String) {
        self.index = index
        self.figureID = figureID
        self.field = field
        self.problem = problem
    }

    /// The field path with the figure's position: `figures[3].period.end_day`.
    public var path: String { index.map { "figures[\($0)].\(field)" } ?? field }

    public var description: String {
        let who = figureID.isEmpty ? "figure #\(index.map(String.init) ?? "?")" : "figure '\(figureID)'"
        return "\(who): \(field): \(problem)"
    }
}

/// A set of figures that cannot be accepted, with every reason at once.
public struct FigureValidationError: Error, Sendable, CustomStringConvertible {
    public var violations: [FigureViolation]

    public init(_ violations: [FigureViolation]) { self.violations = violations }

    public var description: String {
        "\(violations.count) problem\(violations.count == 1 ? "" : "s"):\n" + violations.map { "  \($0)" }.joined(separator: "\n")
    }
}

extension Figure {
    /// Longest id accepted; ids appear in URLs, logs and change feeds.
    public static let maxIDLength = 128

    /// Everything wrong with this figure, field by field; empty when it is valid.
    public func violations(vocabulary: Vocabulary = .standard, index: Int? = nil) -> [FigureViolation] {
        var found: [FigureViolation] = []
        func report(_ field: String, _ problem: String) {
            found.append(FigureViolation(index: index, figureID: id, field: field, problem: problem))
        }

        if id.isEmpty {
            report("id", "missing")
        } else if id.utf8.count > Figure.maxIDLength {
            report("id", "longer than \(Figure.maxIDLength) bytes")
        } else if !id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-._".unicodeScalars.contains($0) }) {
            report("id", "may contain only a-z, 0-9, '-', '.' and '_'")
        }

        let jurisdictionEntry = vocabulary.jurisdiction(jurisdiction)
        if jurisdiction.isEmpty {
            report("jurisdiction", "missing")
        } else if jurisdictionEntry == nil {
            report("jurisdiction", "unknown jurisdiction '\(jurisdiction)' (known: \(vocabulary.jurisdictions.map(\.code).joined(separator: ", ")))")
        }

        let measureEntry = vocabulary.measure(measure)
        if measure.isEmpty {
            report("measure", "missing")
        } else if measureEntry == nil {
            report("measure", "unknown measure '\(measure)'")
        }

        switch category {
        case .prosecution, .context:
            if let measureEntry, measureEntry.category != category {
                report("category", "measure '\(measure)' is \(measureEntry.category == .context ? "context" : "prosecution"), not \(category == .context ? "context" : "prosecution")")
            }
        case .unspecified: report("category", "missing")
        case .unrecognized(let value): report("category", "unknown category \(value)")
        }

        for (position, article) in articles.enumerated() {
            if let jurisdictionEntry, jurisdictionEntry.article(article) == nil {
                report("articles[\(position)]", "unknown article '\(article)' for \(jurisdiction)")
            }
            if articles[..<position].contains(article) {
                report("articles[\(position)]", "article '\(article)' listed twice")
            }
        }

        if period == .unset {
            report("period", "missing")
        } else if period.end < period.start {
            report("period.end_day", "ends (\(period.end)) before it starts (\(period.start))")
        }

        switch kind {
        case .unspecified: report("kind", "missing")
        case .unrecognized(let value): report("kind", "unknown kind \(value)")
        case .rate, .projection: break
        case .count, .share, .level:
            if rateUnit != .unspecified { report("rate_unit", "only a rate or a projection has a rate unit") }
        }
        if case .unrecognized(let value) = rateUnit { report("rate_unit", "unknown rate unit \(value)") }
        if kind == .rate && rateUnit == .unspecified { report("rate_unit", "a rate needs a unit (per day, working day, week, month or year)") }

        switch value.qualifier {
        case .unspecified: report("value.qualifier", "missing")
        case .unrecognized(let q): report("value.qualifier", "unknown qualifier \(q)")
        case .range:
            if value.low > value.high { report("value.high", "range \(value.low) to \(value.high): low is above high") }
        default:
            if value.high != 0 { report("value.high", "only a range has a high bound") }
        }
        if value.low < 0 { report("value.low", "negative value \(value.low)") }
        if kind == .share && max(value.low, value.high) > 100 { report("value", "a share is a percentage, at most 100") }

        if citations.isEmpty { report("citations", "missing: a figure needs at least one source") }
        for (position, citation) in citations.enumerated() {
            let prefix = "citations[\(position)]"
            if citation.producer.isEmpty { report("\(prefix).producer", "missing: who produced the number") }
            if citation.outlet.isEmpty { report("\(prefix).outlet", "missing: who reported it") }
            if citation.document.isEmpty { report("\(prefix).document", "missing: the document the figure was read from") }
            if citation.quote.isEmpty { report("\(prefix).quote", "missing: the sentence that states the number") }
        }
        return found
    }
}

extension Sequence<Figure> {
    /// Every violation in a set of figures, including ids used twice; empty when all are valid.
    public func violations(vocabulary: Vocabulary = .standard) -> [FigureViolation] {
        var found: [FigureViolation] = []
        var firstIndex: [String: Int] = [:]
        for (index, figure) in enumerated() {
            found += figure.violations(vocabulary: vocabulary, index: index)
            if !figure.id.isEmpty {
                if let first = firstIndex[figure.id] {
                    found.append(FigureViolation(index: index, figureID: figure.id, field: "id", problem: "duplicate of figures[\(first)]"))
                } else {
                    firstIndex[figure.id] = index
                }
            }
        }
        return found
    }
}
