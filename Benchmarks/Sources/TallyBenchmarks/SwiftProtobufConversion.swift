import SwiftProtobufTally
import TallyModel

/// The same figures as swift-protobuf messages, built once before timing starts.
extension Tally_V1_Figure {
    init(_ figure: Figure) {
        self.init()
        id = figure.id
        revision = figure.revision
        category = figure.category == .context ? .context : .prosecution
        jurisdiction = figure.jurisdiction
        measure = figure.measure
        articles = figure.articles
        period = .with {
            $0.startDay = figure.period.start.daysSinceEpoch
            $0.endDay = figure.period.end.daysSinceEpoch
        }
        kind = .count
        value = .with {
            $0.qualifier = figure.value.qualifier == .range ? .range : .exact
            $0.low = figure.value.low
            $0.high = figure.value.high
        }
        citations = figure.citations.map { c in
            .with {
                $0.producer = c.producer
                $0.outlet = c.outlet
                $0.publishedDay = c.published?.daysSinceEpoch ?? 0
                $0.document = c.document
                $0.quote = c.quote
                $0.url = c.url
            }
        }
        note = figure.note
    }
}
