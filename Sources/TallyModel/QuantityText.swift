/// The text form of quantities and periods used by the dataset file and the CLI: the words a
/// source would use, so a reviewer can compare a figure with its quote at a glance.
///
/// Quantities: `18159` or `18,159` (exact), `more than 20,000` (also `over`), `at least 200`,
/// `about 1,000` (also `around`, `approximately`), `nearly 100` (also `almost`), `at most 5` (also
/// `up to`), `700 to 800` (a range). Periods: `2022-09-01..2025-05-31`, both ends included.
extension Quantity {
    public init?(text: String) {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        func number(_ word: String) -> Int64? {
            let digits = String(word.filter { $0 != "," && $0 != "_" })
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCIIDigit }) else { return nil }
            return Int64(digits)
        }
        let prefixes: [([String], Qualifier)] = [
            (["more", "than"], .moreThan), (["over"], .moreThan), (["at", "least"], .atLeast),
            (["about"], .about), (["around"], .about), (["approximately"], .about),
            (["nearly"], .nearly), (["almost"], .nearly), (["at", "most"], .atMost), (["up", "to"], .atMost),
        ]
        if words.count == 1, let value = number(words[0]) {
            self = .exact(value)
            return
        }
        if words.count == 3, words[1] == "to", let low = number(words[0]), let high = number(words[2]) {
            self = .range(low, high)
            return
        }
        for (prefix, qualifier) in prefixes where words.count == prefix.count + 1 && Array(words.prefix(prefix.count)) == prefix {
            guard let value = number(words.last!) else { return nil }
            self = Quantity(qualifier: qualifier, low: value)
            return
        }
        return nil
    }
}

extension Period {
    /// Parses `YYYY-MM-DD..YYYY-MM-DD`; a single date is a one-day period.
    public init?(text: String) {
        let trimmed = text.split(separator: " ").joined()
        let parts: [Substring]
        if let dots = trimmed.firstRange(of: "..") {
            parts = [trimmed[..<dots.lowerBound], trimmed[dots.upperBound...]]
        } else {
            parts = [trimmed[...]]
        }
        guard let start = Day(iso: parts[0]), let end = Day(iso: parts[parts.count - 1]) else { return nil }
        self.init(start: start, end: end)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
