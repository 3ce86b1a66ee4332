/// Text from the dataset (quotes, producers, notes, labels) and from the request put into HTML:
/// escaped for element content and attribute values alike, and stripped of the characters HTML
/// forbids or shows as boxes, so nothing a figure says can end an element, open a tag or a
/// script, or break out of a quoted attribute.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                guard isAllowed(scalar) else { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A link target taken from the data: only absolute http(s) URLs, so a figure's `url` can never
    /// be a `javascript:` or `data:` link. `nil` for anything else.
    public static func safeURL(_ text: String) -> String? {
        let lower = text.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"),
              !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0 == "\"" || $0 == "<" || $0 == ">" || $0 == "\\" })
        else { return nil }
        return text
    }

    /// An id for an in-page anchor from a figure id (`[a-z0-9-]` already, by validation; anything
    /// else is replaced, so the anchor is always a valid fragment).
    public static func anchor(_ prefix: String, _ id: String) -> String {
        prefix + "-" + String(id.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": Character(scalar)
            default: "_"
            }
        })
    }

    /// No C0 or C1 controls (but tab and line breaks), no surrogates or non-characters.
    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0xD7FF, 0xE000...0xFDCF, 0xFDF0...0xFFFD: true
        case 0x10000...0x10FFFF: scalar.value & 0xFFFE != 0xFFFE
        default: false
        }
    }
}
