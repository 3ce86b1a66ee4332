import NIOCore
import PostgresNIO
import TallyCodec
import TallyModel
import TallyStore

/// Figures as columns of arrays, written in one statement each (`INSERT ... SELECT FROM
/// unnest(...)`): a publish or a seed costs a few round trips however many figures it has.
struct FigureRows {
    private var ids: [String] = []
    private var revisions: [Int64] = []
    private var bodies: [ByteBuffer] = []
    private var jurisdictions: [String] = []
    private var measures: [String] = []
    private var categories: [Int32] = []
    private var kinds: [Int32] = []
    private var rateUnits: [Int32] = []
    private var articles: [String] = []
    private var articleCounts: [Int32] = []
    private var startDays: [Int32] = []
    private var endDays: [Int32] = []

    private var citationFigureIDs: [String] = []
    private var citationPositions: [Int32] = []
    private var producers: [String] = []
    private var outlets: [String] = []
    /// `noDay` where a citation has no publication day (an array of optionals does not bind).
    private var publishedDays: [Int32] = []
    private static let noDay = Int32.min

    var count: Int { ids.count }

    /// Adds a figure, stored with `encoding` (its canonical bytes, revision included).
    mutating func append(_ figure: Figure, encoding: [UInt8]) {
        let columns = FigureColumns(figure)
        ids.append(figure.id)
        revisions.append(Int64(figure.revision))
        bodies.append(ByteBuffer(bytes: encoding))
        jurisdictions.append(columns.jurisdiction)
        measures.append(columns.measure)
        categories.append(columns.category)
        kinds.append(columns.kind)
        rateUnits.append(columns.rateUnit)
        articles.append(columns.articles)
        articleCounts.append(Int32(columns.articleCount))
        startDays.append(columns.startDay)
        endDays.append(columns.endDay)
        for (position, citation) in figure.citations.enumerated() {
            citationFigureIDs.append(figure.id)
            citationPositions.append(Int32(position))
            producers.append(citation.producer)
            outlets.append(citation.outlet)
            publishedDays.append(citation.published?.daysSinceEpoch ?? Self.noDay)
        }
    }

    /// Writes the rows as valid from `version` on (until a later publish closes them).
    func insert(validFrom version: UInt64, on connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        let from = Int64(version)
        try await connection.query("""
            INSERT INTO figure (id, valid_from, revision, body, jurisdiction, measure, category, kind, rate_unit, articles, article_count,
                                start_day, end_day)
            SELECT u.id, \(from), u.revision, u.body, u.jurisdiction, u.measure, u.category, u.kind, u.rate_unit, u.articles,
                   u.article_count, u.start_day, u.end_day
            FROM unnest(\(ids)::text[], \(revisions)::bigint[], \(bodies)::bytea[], \(jurisdictions)::text[], \(measures)::text[],
                        \(categories)::integer[], \(kinds)::integer[], \(rateUnits)::integer[], \(articles)::text[],
                        \(articleCounts)::integer[], \(startDays)::integer[], \(endDays)::integer[])
                 AS u(id, revision, body, jurisdiction, measure, category, kind, rate_unit, articles, article_count, start_day, end_day)
            """, logger: logger)
        guard !citationFigureIDs.isEmpty else { return }
        try await connection.query("""
            INSERT INTO citation (figure_id, valid_from, position, producer, outlet, published_day)
            SELECT u.figure_id, \(from), u.position, u.producer, u.outlet, NULLIF(u.published_day, \(Self.noDay))
            FROM unnest(\(citationFigureIDs)::text[], \(citationPositions)::integer[], \(producers)::text[], \(outlets)::text[],
                        \(publishedDays)::integer[])
                 AS u(figure_id, position, producer, outlet, published_day)
            """, logger: logger)
    }
}
