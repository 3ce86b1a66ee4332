import Testing
@testable import TallyCharts

/// The pieces under the charts: XML escaping, text wrapping, nice scales, coordinates.
@Suite struct LayoutTests {
    @Test func escapesMarkupAndDropsWhatXMLCannotCarry() {
        #expect(XMLText.escape(#"<a href="x">O'Neill & Co</a>"#) == "&lt;a href=&quot;x&quot;&gt;O&apos;Neill &amp; Co&lt;/a&gt;")
        #expect(XMLText.escape("a\u{0}b\u{7}c\u{FFFE}d\u{85}e") == "abcde")
        #expect(XMLText.escape("line\nbreak\ttab") == "line break tab")
        #expect(XMLText.escape("Україна 🦔 —") == "Україна 🦔 —")
    }

    @Test func wrapsToTheWidthAndKeepsEveryWord() {
        let text = "Source: Mediazona, via unnamed outlet (Islamabad dateline) and Kyiv Independent. Chart: Tally, dataset version 1."
        let lines = TextMeasure.wrap(text, size: 12, maxWidth: 300)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { TextMeasure.width($0, size: 12) <= 300 })
        #expect(lines.joined(separator: " ") == text)
        #expect(TextMeasure.wrap("", size: 12, maxWidth: 10) == [""])
    }

    @Test func scalesEndAtTheLargestValueWithNiceTicks() {
        let scale = LinearScale(maxValue: 20_662, rangeStart: 100, rangeEnd: 500)
        #expect(scale.ticks == [0, 5_000, 10_000, 15_000, 20_000])
        #expect(scale.position(0) == 100 && scale.position(20_662) == 500)
        #expect(LinearScale(maxValue: 0, rangeStart: 0, rangeEnd: 1).ticks == [0, 1])
        #expect(LinearScale(maxValue: 848, rangeStart: 0, rangeEnd: 1).ticks == [0, 200, 400, 600, 800])
    }

    @Test func coordinatesPrintWithoutNoise() {
        #expect(svg(12) == "12" && svg(12.25) == "12.3" && svg(-0.04) == "0" && svg(-0.5) == "-0.5" && svg(-3.2) == "-3.2")
    }
}
