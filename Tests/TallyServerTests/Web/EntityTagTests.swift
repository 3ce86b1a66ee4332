import Testing
import TallyCodec
import TallyStore
@testable import TallyServer

/// The web routes' validators and `If-None-Match` (RFC 9110, 13.1.2).
@Suite struct EntityTagTests {
    let state = DatasetState(version: 3, hash: DatasetHash.of(element: [1, 2, 3]))

    @Test func oneTagPerVersionQuestionAndKind() {
        let tag = EntityTag.make("page", state: state, query: "by=year")
        #expect(tag.hasPrefix("\"page-v3-\(state.digestHex.prefix(16))-") && tag.hasSuffix("\""))
        #expect(tag == EntityTag.make("page", state: state, query: "by=year"), "stable, so replicas agree")
        #expect(tag != EntityTag.make("page", state: state, query: "by=article"))
        #expect(tag != EntityTag.make("page", state: DatasetState(version: 4, hash: state.hash), query: "by=year"))
        #expect(tag != EntityTag.make("figures-csv", state: state, query: "by=year"))
        // FNV-1a's published test vector: "a".
        #expect(EntityTag.fnv1a("a") == "af63dc4c8601ec8c")
    }

    @Test func ifNoneMatch() {
        let tag = "\"page-v3-x\""
        #expect(EntityTag.matches(ifNoneMatch: tag, tag))
        #expect(EntityTag.matches(ifNoneMatch: "\"a\", W/\(tag)", tag))
        #expect(EntityTag.matches(ifNoneMatch: " * ", tag))
        #expect(!EntityTag.matches(ifNoneMatch: nil, tag))
        #expect(!EntityTag.matches(ifNoneMatch: "\"page-v2-x\"", tag))
        #expect(!EntityTag.matches(ifNoneMatch: "page-v3-x", tag), "an unquoted tag is not the tag")
    }
}
