import HashTreeCollections
public import TallyCodec
public import TallyModel

/// The consistency report of a version, kept as findings by group: worked out once from the groups
/// the database says can disagree, then carried from version to version by rechecking only the
/// groups a publish touched (those of each old and each new figure), so a publish costs time in
/// proportion to what it changed.
///
/// Memory: each finding is kept as its wire encoding (the figure ids, values and summary the
/// report sends), not as the figures it names: a million court records make some 86,000 findings,
/// which as figures held about 300 MB and as encodings hold about 30 MB. The map is a persistent
/// hash tree, so the next version's report shares all but the touched groups with this one, which
/// the calls still reading this version keep: a publish no longer copies every finding.
public struct ConsistencyFindings: Sendable {
    private var byGroup: TreeDictionary<ConsistencyGroup, [UInt8]>

    /// Every finding of the reader's version. The candidates' figures are read `sliceSize` groups
    /// at a time and dropped once checked, so memory holds one slice of figures at most.
    public init(reader: any DatasetReader, sliceSize: Int = 256) async throws {
        byGroup = [:]
        let candidates = try await reader.consistencyCandidates()
        for start in stride(from: 0, to: candidates.count, by: sliceSize) {
            let slice = Set(candidates[start..<min(start + sliceSize, candidates.count)])
            for (group, members) in try await reader.figures(in: slice) {
                byGroup[group] = Self.encoded(ConsistencyCheck.finding(for: group, among: members))
            }
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
            next.byGroup[group] = Self.encoded(ConsistencyCheck.finding(for: group, among: members[group] ?? []))
        }
        return next
    }

    /// The findings in report order (conflicts first, then by summary), as the wire sends them.
    public func report(version: UInt64) -> ConsistencyReport {
        var report = ConsistencyReport()
        report.findings = byGroup.values.map { bytes in
            // Encoded here from a value of the same type: decoding cannot fail.
            try! Finding(wireBytes: bytes)
        }.sorted(by: Self.reportOrder)
        report.datasetVersion = version
        return report
    }

    /// `ConsistencyCheck.ordered`'s order (figure ids last, so no two findings tie): the server's
    /// report, carried across versions, and a client's, worked out afresh, must be the same bytes,
    /// whatever order the map yields them in.
    static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        let first = (a.kind == .conflictingValues ? 0 : 1, a.summary), second = (b.kind == .conflictingValues ? 0 : 1, b.summary)
        return first != second ? first < second : a.figureIDs.lexicographicallyPrecedes(b.figureIDs)
    }

    private static func encoded(_ finding: ConsistencyFinding?) -> [UInt8]? {
        finding.map { WireConversions.finding($0).wireBytes() }
    }
}
