import NIOCore
import Testing
@testable import TallyServer

/// The cache of rendered pages: per version, bounded in pages and bytes, never set back by a
/// render that finishes after a publish.
@Suite struct RenderedPagesTests {
    func page(_ size: Int) -> ByteBuffer { ByteBuffer(repeating: 0x61, count: size) }

    @Test func aPageIsKeptForItsVersionOnly() {
        let pages = RenderedPages()
        pages.insert(page(10), version: 1, question: "q")
        #expect(pages.page(version: 1, question: "q")?.readableBytes == 10)
        #expect(pages.page(version: 2, question: "q") == nil)
        pages.insert(page(20), version: 2, question: "r")
        #expect(pages.page(version: 1, question: "q") == nil)
        #expect(pages.count == 1)
        // A render of version 1 that ends late does not replace version 2's pages.
        pages.insert(page(30), version: 1, question: "q")
        #expect(pages.page(version: 2, question: "r") != nil)
        #expect(pages.page(version: 1, question: "q") == nil)
    }

    @Test func boundedInPagesAndBytes() {
        let pages = RenderedPages()
        for index in 0..<(RenderedPages.capacity * 3) { pages.insert(page(1), version: 1, question: "q\(index)") }
        #expect(pages.count <= RenderedPages.capacity)
        let big = RenderedPages.byteLimit / 4 + 1
        for index in 0..<10 { pages.insert(page(big), version: 1, question: "big\(index)") }
        #expect(pages.count <= 3)
        pages.insert(page(RenderedPages.byteLimit + 1), version: 1, question: "huge")
        #expect(pages.page(version: 1, question: "huge") == nil)
    }
}
