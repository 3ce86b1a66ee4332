/// Where a figure comes from. A number without this is useless to a journalist.
///
/// The producer made the number (Mediazona compiling court data, the UK Ministry of Defence); the
/// outlet is who reported it (Kyiv Independent, The Moscow Times). They are often different.
public struct Citation: Hashable, Sendable {
    public var producer: String
    public var outlet: String
    /// Day the outlet published the report; `nil` when the document does not say (three of the seed
    /// articles carry no date, and an invented one would be worse than none).
    public var published: Day?
    /// The seed document the figure was read from (file name under `seeds/`), or a URL's title.
    public var document: String
    /// The sentence that states the number, verbatim.
    public var quote: String
    public var url: String

    public init(
        producer: String = "",
        outlet: String = "",
        published: Day? = nil,
        document: String = "",
        quote: String = "",
        url: String = ""
    ) {
        self.producer = producer
        self.outlet = outlet
        self.published = published
        self.document = document
        self.quote = quote
        self.url = url
    }
}
