public import TallyModel

/// The consistency report of a version, kept as findings by group: worked out once from the groups
/// the database says can disagree, then carried from version to version by rechecking only the
/// groups a publish touched (those of each old and each new figure), so a publish costs time in
/// proportion to what it changed and memory stays proportional to what disagrees.
public struct ConsistencyFindings: Sendable {
    private var byGroup: [ConsistencyGroup: ConsistencyFinding]

    /// Every finding of the reader's version.
    public init(reader: any DatasetReader) async throws {
        byGroup = [:]
        for (group, members) in try await reader.consistencyCandidates() {
            byGroup[group] = ConsistencyCheck.finding(for: group, among: members)
        }
    }

    /// The report of the version after a publish: `reader` reads the new version, `changed` are the
    /// figures the publish wrote, `replaced` the ones it overwrote or retracted.
    public func updated(by changed: [Figure], replacing replaced: [Figure], reader: any DatasetReader) async throws -> ConsistencyFindings {
        let touched = Set((changed + replaced).flatMap(ConsistencyGroup.groups(of:)))
        guard !touched.isEmpty else { return self }
        var next = self
        let members = try await reader.figures(in: touched)
        for group in touched {
            next.byGroup[group] = ConsistencyCheck.finding(for: group, among: members[group] ?? [])
        }
        return next
    }

    /// The findings in report order.
    public var all: [ConsistencyFinding] { ConsistencyCheck.ordered(byGroup.values) }
}
