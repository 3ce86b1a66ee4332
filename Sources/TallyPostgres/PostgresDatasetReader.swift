import NIOCore
import PostgresNIO
import TallyCodec
import TallyModel
import TallyStore

/// One version of the shared dataset: every query selects the figure rows valid at that version
/// (`valid_from <= V < valid_to`), so pages and answers stay on it however many publishes follow,
/// and no transaction is held open between calls. Each query also asks `tally_kept_version`,
/// once, whether V's rows are still all there (pruning removes old ones).
struct PostgresDatasetReader: DatasetReader {
    let store: PostgresFigureStore
    let state: DatasetState
    let figureCount: Int

    private var version: Int64 { Int64(state.version) }

    /// The rows of figure table `alias` visible at this version, as a WHERE condition.
    private func visible(_ alias: String, _ sql: inout ReaderSQL) -> String {
        let at = sql.bind(version)
        return "\(alias).valid_from <= \(at) AND (\(alias).valid_to IS NULL OR \(alias).valid_to > \(at)) "
            + "AND (SELECT tally_kept_version(\(at))) IS NOT NULL"
    }

    func page(after: String?, limit: Int) async throws -> [StoredFigure] {
        var sql = ReaderSQL()
        var condition = visible("f", &sql)
        if let after { condition += " AND f.id > \(sql.bind(after))" }
        sql.text = "SELECT f.id, f.body FROM figure f WHERE \(condition) ORDER BY f.id LIMIT \(sql.bind(Int64(limit)))"
        return try await rows(sql, "reading a page") { (id: String, body: ByteBuffer) in StoredFigure(id: id, encoding: Array(body.readableBytesView)) }
    }

    func figures(_ query: FigureQuery) async throws -> [Figure] {
        var sql = ReaderSQL()
        var conditions = [visible("f", &sql)]
        if let jurisdiction = query.jurisdiction { conditions.append("f.jurisdiction = \(sql.bind(jurisdiction))") }
        if let measure = query.measure { conditions.append("f.measure = \(sql.bind(measure))") }
        if let articles = query.articles { conditions.append("f.articles = \(sql.bind(FigureColumns.articles(articles)))") }
        if let period = query.overlapping {
            conditions.append("f.start_day <= \(sql.bind(period.end.daysSinceEpoch)) AND f.end_day >= \(sql.bind(period.start.daysSinceEpoch))")
        }
        if let category = query.category { conditions.append("f.category = \(sql.bind(category.wireValue))") }
        if let producer = query.producer {
            conditions.append("EXISTS (SELECT 1 FROM citation c WHERE c.figure_id = f.id AND c.valid_from = f.valid_from AND c.producer = \(sql.bind(producer)))")
        }
        if let after = query.after { conditions.append("f.id > \(sql.bind(after))") }
        sql.text = "SELECT f.id, f.body FROM figure f WHERE \(conditions.joined(separator: " AND ")) ORDER BY f.id LIMIT \(sql.bind(Int64(query.limit)))"
        return try await figures(sql, "finding figures")
    }

    func figures(ids: [String]) async throws -> [Figure] {
        guard !ids.isEmpty else { return [] }
        var sql = ReaderSQL()
        let condition = visible("f", &sql)
        sql.text = "SELECT f.id, f.body FROM figure f WHERE \(condition) AND f.id = ANY(\(sql.bind(ids))::text[]) ORDER BY f.id"
        return try await figures(sql, "finding figures by id")
    }

    func figures(jurisdictions: Set<String>, limit: Int) async throws -> [Figure] {
        var sql = ReaderSQL()
        let condition = visible("f", &sql)
        let list = sql.bind(jurisdictions.sorted())
        // One more than the limit tells "too many" without reading them all.
        sql.text = "SELECT f.id, f.body FROM figure f WHERE \(condition) AND f.jurisdiction = ANY(\(list)::text[]) ORDER BY f.id"
        var countSQL = ReaderSQL()
        let countCondition = visible("f", &countSQL)
        countSQL.text = "SELECT count(*) FROM figure f WHERE \(countCondition) AND f.jurisdiction = ANY(\(countSQL.bind(jurisdictions.sorted()))::text[])"
        let count = try await rows(countSQL, "counting figures") { (count: Int64) in Int(count) }.first ?? 0
        guard count <= limit else { throw StoreError.tooMany(count, limit: limit) }
        return try await figures(sql, "reading the totals' figures")
    }

    func producerSummaries() async throws -> [ProducerSummary] {
        var sql = ReaderSQL()
        let condition = visible("f", &sql)
        sql.text = """
            SELECT c.producer, array_agg(DISTINCT c.outlet), count(DISTINCT c.figure_id), min(c.published_day), max(c.published_day)
            FROM citation c JOIN figure f ON f.id = c.figure_id AND f.valid_from = c.valid_from
            WHERE \(condition) GROUP BY c.producer
            """
        return try await rows(sql, "summarising producers") { (producer: String, outlets: [String], count: Int64, first: Int32?, last: Int32?) in
            ProducerSummary(producer: producer, outlets: outlets.sorted(), figureCount: Int(count),
                            firstPublished: first.map(Day.init(daysSinceEpoch:)), lastPublished: last.map(Day.init(daysSinceEpoch:)))
        }.sorted { $0.producer < $1.producer }
    }

    func consistencyCandidates() async throws -> [ConsistencyGroup] {
        var statements = ReaderSQL()
        let statementCondition = visible("f", &statements)
        statements.text = """
            SELECT f.jurisdiction, f.measure, f.articles, f.start_day, f.end_day, f.kind, f.rate_unit FROM figure f WHERE \(statementCondition)
            GROUP BY f.jurisdiction, f.measure, f.articles, f.start_day, f.end_day, f.kind, f.rate_unit HAVING count(*) > 1
            """
        var groups: [GroupColumns] = try await rows(statements, "finding repeated statements") {
            (jurisdiction: String, measure: String, articles: String, start: Int32, end: Int32, kind: Int32, rateUnit: Int32) in
            GroupColumns.statement(jurisdiction: jurisdiction, measure: measure, articles: articles, startDay: start, endDay: end,
                                   kind: kind, rateUnit: rateUnit)
        }
        var breakdowns = ReaderSQL()
        let breakdownCondition = visible("f", &breakdowns)
        breakdowns.text = """
            SELECT f.jurisdiction, f.measure, f.start_day, f.end_day FROM figure f
            WHERE \(breakdownCondition) AND f.kind = \(breakdowns.bind(FigureKind.count.wireValue)) AND f.article_count <= 1
            GROUP BY f.jurisdiction, f.measure, f.start_day, f.end_day
            HAVING count(*) FILTER (WHERE f.article_count = 0) >= 1 AND count(*) FILTER (WHERE f.article_count = 1) >= 2
            """
        groups += try await rows(breakdowns, "finding breakdowns") { (jurisdiction: String, measure: String, start: Int32, end: Int32) in
            GroupColumns.breakdown(jurisdiction: jurisdiction, measure: measure, startDay: start, endDay: end)
        }
        return groups.map(\.group)
    }

    func figures(in groups: Set<ConsistencyGroup>) async throws -> [ConsistencyGroup: [Figure]] {
        try await members(of: groups.map(GroupColumns.init))
    }

    private func members(of groups: [GroupColumns]) async throws -> [ConsistencyGroup: [Figure]] {
        var members: [ConsistencyGroup: [Figure]] = [:]
        for columns in groups {
            var sql = ReaderSQL()
            let condition = visible("f", &sql)
            switch columns {
            case .statement(let jurisdiction, let measure, let articles, let startDay, let endDay, let kind, let rateUnit):
                sql.text = """
                    SELECT f.id, f.body FROM figure f WHERE \(condition) AND f.jurisdiction = \(sql.bind(jurisdiction))
                    AND f.measure = \(sql.bind(measure)) AND f.articles = \(sql.bind(articles)) AND f.start_day = \(sql.bind(startDay))
                    AND f.end_day = \(sql.bind(endDay)) AND f.kind = \(sql.bind(kind)) AND f.rate_unit = \(sql.bind(rateUnit)) ORDER BY f.id
                    """
            case .breakdown(let jurisdiction, let measure, let startDay, let endDay):
                sql.text = """
                    SELECT f.id, f.body FROM figure f WHERE \(condition) AND f.jurisdiction = \(sql.bind(jurisdiction))
                    AND f.measure = \(sql.bind(measure)) AND f.start_day = \(sql.bind(startDay)) AND f.end_day = \(sql.bind(endDay))
                    AND f.kind = \(sql.bind(FigureKind.count.wireValue)) AND f.article_count <= 1 ORDER BY f.id
                    """
            }
            members[columns.group] = try await figures(sql, "reading a consistency group")
        }
        return members
    }

    // MARK: - Running

    private func figures(_ sql: ReaderSQL, _ operation: String) async throws -> [Figure] {
        try await rows(sql, operation) { (id: String, body: ByteBuffer) in try PostgresFigureStore.decode(id: id, body: body) }
    }

    private func rows<each Column: PostgresDecodable & Sendable, Value: Sendable>(
        _ sql: ReaderSQL, _ operation: String, _ make: @escaping @Sendable (repeat each Column) throws -> Value
    ) async throws -> [Value] {
        let query = PostgresQuery(unsafeSQL: sql.text, binds: sql.binds)
        let logger = store.logger
        return try await store.withConnection(operation) { connection in
            var values: [Value] = []
            for try await columns in try await connection.query(query, logger: logger).decode((repeat each Column).self) {
                values.append(try make(repeat each columns))
            }
            return values
        }
    }
}

/// SQL text with its bound values numbered as they are added.
struct ReaderSQL {
    var text = ""
    var binds = PostgresBindings()

    mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }
}
