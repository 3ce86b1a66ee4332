import Foundation
import Testing
import TallyCodec
import TallyTestSupport

/// The hand-written `Breakdown` enum and `enum Breakdown` in Proto/tally.proto name the same
/// numbers: a value added on one side only would be decoded as unrecognized by the other.
@Suite struct BreakdownSchemaTests {
    @Test func everyCaseHasItsNumberInTheSchema() throws {
        let schema = try String(contentsOf: RepositoryPaths.proto.appendingPathComponent("tally.proto"), encoding: .utf8)
        let expected: [(Breakdown, String)] = [
            (.none, "BREAKDOWN_NONE"), (.article, "BREAKDOWN_ARTICLE"), (.source, "BREAKDOWN_SOURCE"),
            (.year, "BREAKDOWN_YEAR"), (.jurisdiction, "BREAKDOWN_JURISDICTION"),
        ]
        for (value, name) in expected {
            #expect(schema.contains("\(name) = \(value.wireValue);"), "\(name) = \(value.wireValue) is not in tally.proto")
            #expect(Breakdown(wireValue: value.wireValue) == value)
        }
        #expect(Breakdown(wireValue: 5) == .unrecognized(5))
    }
}
