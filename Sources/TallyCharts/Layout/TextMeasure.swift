/// Estimated text widths, for layout without a font engine (the module does no I/O and cannot ask
/// one). The advances are DejaVu Sans's, the `sans-serif` of Debian and of rsvg-convert here, and
/// wider than Arial or Helvetica: a browser's text comes out narrower than estimated, never wider.
enum TextMeasure {
    static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        // Bold widens narrow letters most ("l", "t", "r" by a fifth, "m" by 7%): a factor and a constant.
        let ems = text.unicodeScalars.reduce(0.0) { $0 + (bold ? advance($1) * 1.08 + 0.03 : advance($1)) }
        return ems * size
    }

    /// Words wrapped to lines no wider than `maxWidth` (a word longer than that gets a line of its own).
    static func wrap(_ text: String, size: Double, maxWidth: Double, bold: Bool = false) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if current.isEmpty || width(candidate, size: size, bold: bold) <= maxWidth {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.isEmpty ? [""] : lines
    }

    private static let lowercase: [Double] = [
        0.613, 0.635, 0.550, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974,
        0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525,
    ]
    private static let uppercase: [Double] = [
        0.684, 0.686, 0.698, 0.770, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863,
        0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685,
    ]

    /// Advance of one character in ems.
    private static func advance(_ scalar: Unicode.Scalar) -> Double {
        let v = scalar.value
        switch v {
        case 0x61...0x7A: return lowercase[Int(v - 0x61)]
        case 0x41...0x5A: return uppercase[Int(v - 0x41)]
        case 0x30...0x39: return 0.636
        case 0x20, 0x2C, 0x2E, 0xB7: return 0.318
        case 0x3A, 0x3B, 0x21, 0x7C: return 0.337
        case 0x27: return 0.275
        case 0x22: return 0.460
        case 0x28, 0x29, 0x5B, 0x5D: return 0.390
        case 0x2D: return 0.361
        case 0x2F: return 0.337
        case 0x26: return 0.780
        case 0x2B, 0x2212, 0x3D: return 0.838
        case 0x2013: return 0.500
        case 0x2014: return 1.000
        case 0x2018, 0x2019, 0x201C, 0x201D: return 0.318
        case 0x25B8: return 0.600
        default: return v < 0x80 ? 0.600 : 0.700
        }
    }
}
