/// Writes an SVG document element by element. Attributes keep the order they are written in and
/// numbers are printed to one decimal without locale, so the same answer always gives the same
/// bytes (the golden tests rely on it).
struct SVGWriter {
    private(set) var text = ""
    private var depth = 0

    mutating func open(_ name: String, _ attributes: SVGAttributes = [:]) {
        line("<\(name)\(attributes.rendered)>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    /// An element without children, or with text content (escaped here).
    mutating func element(_ name: String, _ attributes: SVGAttributes = [:], text content: String? = nil) {
        if let content {
            line("<\(name)\(attributes.rendered)>\(XMLText.escape(content))</\(name)>")
        } else {
            line("<\(name)\(attributes.rendered)/>")
        }
    }

    /// A `<text>` of one line, or of several `<tspan>` lines each `lineHeight` below the previous.
    mutating func text(_ lines: [String], x: Double, y: Double, lineHeight: Double = 0, _ attributes: SVGAttributes = [:]) {
        let position: SVGAttributes = ["x": svg(x), "y": svg(y)]
        guard lines.count > 1 else {
            element("text", position + attributes, text: lines.first ?? "")
            return
        }
        open("text", position + attributes)
        for (index, content) in lines.enumerated() {
            element("tspan", ["x": svg(x), "dy": index == 0 ? "0" : svg(lineHeight)], text: content)
        }
        close("text")
    }

    private mutating func line(_ content: String) {
        text += String(repeating: " ", count: depth) + content + "\n"
    }
}

/// Attributes in the order written (a dictionary literal keeps it; a `Dictionary` would not).
struct SVGAttributes: ExpressibleByDictionaryLiteral {
    var pairs: [(String, String)]

    init(dictionaryLiteral elements: (String, String)...) {
        pairs = elements
    }

    var rendered: String {
        pairs.map { " \($0.0)=\"\(XMLText.escape($0.1))\"" }.joined()
    }

    static func + (lhs: SVGAttributes, rhs: SVGAttributes) -> SVGAttributes {
        var out = lhs
        out.pairs += rhs.pairs
        return out
    }
}

/// A coordinate or length for SVG: one decimal at most, no trailing ".0", never "-0".
func svg(_ value: Double) -> String {
    let tenths = (value * 10).rounded()
    if tenths == 0 { return "0" }
    let whole = Int(tenths) / 10, fraction = abs(Int(tenths) % 10)
    let sign = tenths < 0 && whole == 0 ? "-" : ""
    return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
}
