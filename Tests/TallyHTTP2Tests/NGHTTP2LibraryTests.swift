import Testing
import TallyHTTP2

@Suite struct NGHTTP2LibraryTests {
    /// The system library links and reports itself; Debian bookworm ships 1.52.
    @Test func linksAgainstTheSystemLibrary() {
        let parts = NGHTTP2Library.version.split(separator: ".").compactMap { Int($0) }
        #expect(parts.count == 3)
        #expect(parts.first == 1 && (parts.dropFirst().first ?? 0) >= 52)
        #expect(NGHTTP2Library.alpnProtocol == "h2")
    }
}
