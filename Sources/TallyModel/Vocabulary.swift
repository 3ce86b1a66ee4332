/// The words figures may use: jurisdictions, their criminal-code articles, and the things counted.
///
/// Kept in code rather than in the dataset file so that a publish from any client is checked against
/// the same list the server was built with; adding a word is a reviewed change to this file.
public struct Vocabulary: Sendable {
    public struct Article: Sendable, Hashable {
        public var code: String
        public var title: String
    }

    public struct Jurisdiction: Sendable {
        public var code: String
        public var name: String
        public var articles: [Article]

        public func article(_ code: String) -> Article? { articles.first { $0.code == code } }
    }

    public struct Measure: Sendable, Hashable {
        public var key: String
        public var description: String
        /// Court and prosecution statistics, or context.
        public var category: Category
        /// The counting unit, for display: "cases", "defendants", "years", "percent".
        public var unit: String
    }

    public var jurisdictions: [Jurisdiction]
    public var measures: [Measure]

    public func jurisdiction(_ code: String) -> Jurisdiction? { jurisdictions.first { $0.code == code } }

    public func measure(_ key: String) -> Measure? { measures.first { $0.key == key } }

    public static let standard = Vocabulary(
        jurisdictions: [
            Jurisdiction(code: "RU", name: "Russia", articles: [
                Article(code: "328", title: "evasion of military or alternative service"),
                Article(code: "332", title: "failure to obey an order"),
                Article(code: "333", title: "resisting a superior"),
                Article(code: "334", title: "violent actions against a superior"),
                Article(code: "335", title: "breach of rules between servicemen"),
                Article(code: "336", title: "insulting a serviceman"),
                Article(code: "337", title: "unauthorised abandonment of a unit or post (AWOL)"),
                Article(code: "338", title: "desertion"),
                Article(code: "339", title: "evasion of service by feigning illness or other means"),
                Article(code: "340", title: "breach of combat duty rules"),
                Article(code: "352.1", title: "voluntary surrender"),
            ]),
            Jurisdiction(code: "UA", name: "Ukraine", articles: [
                Article(code: "402", title: "disobedience"),
                Article(code: "407", title: "unauthorised abandonment of a unit or place of service"),
                Article(code: "408", title: "desertion"),
                Article(code: "409", title: "evasion of military service by self-mutilation or other means"),
            ]),
        ],
        measures: [
            Measure(key: "cases_received_by_courts", description: "criminal cases received by courts", category: .prosecution, unit: "cases"),
            Measure(key: "convictions", description: "defendants convicted", category: .prosecution, unit: "defendants"),
            Measure(key: "verdicts", description: "verdicts issued by courts", category: .prosecution, unit: "verdicts"),
            Measure(key: "defendants_tried", description: "defendants who faced trial", category: .prosecution, unit: "defendants"),
            Measure(key: "criminal_cases_opened", description: "criminal cases opened by investigators", category: .prosecution, unit: "cases"),
            Measure(key: "cases_sent_to_court", description: "cases in which charges were submitted to court", category: .prosecution, unit: "cases"),
            Measure(key: "exemption_requests", description: "tried cases in which prosecutors asked to exempt the accused from liability", category: .prosecution, unit: "percent"),
            Measure(key: "recruits", description: "men recruited into the armed forces", category: .context, unit: "men"),
            Measure(key: "armed_forces_size", description: "authorised size of the armed forces", category: .context, unit: "people"),
            Measure(key: "military_personnel", description: "authorised number of military personnel", category: .context, unit: "people"),
            Measure(key: "military_deaths", description: "soldiers killed", category: .context, unit: "soldiers"),
            Measure(key: "maximum_sentence_years", description: "maximum prison sentence under the article", category: .context, unit: "years"),
            Measure(key: "sentence_years", description: "prison sentence handed down", category: .context, unit: "years"),
            Measure(key: "average_sentence_years", description: "average prison sentence", category: .context, unit: "years"),
            Measure(key: "soldiers_refusing_to_fight", description: "soldiers refusing to fight or to return to the front", category: .context, unit: "soldiers"),
            Measure(key: "soldiers_seeking_legal_advice", description: "soldiers who asked lawyers how to avoid fighting", category: .context, unit: "soldiers"),
            Measure(key: "soldiers_sentenced", description: "soldiers sentenced in a reported case", category: .context, unit: "soldiers"),
            Measure(key: "pow_convictions", description: "prisoners of war convicted by the captor's courts", category: .context, unit: "prisoners"),
        ]
    )
}
