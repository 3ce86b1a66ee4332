public import TallyModel
import Yams

extension DatasetFile {
    /// Writes figures in the dataset format; `parse(render(figures)) == figures` for valid figures
    /// with revision 0 (revisions belong to a store, not to a file).
    public static func render(_ figures: [Figure]) -> String {
        let items: [Node] = figures.map { figure in
            var pairs: [(Node, Node)] = [("id", Node(figure.id))]
            if let name = figure.category.name { pairs.append(("category", Node(name))) }
            pairs.append(("jurisdiction", Node(figure.jurisdiction)))
            pairs.append(("measure", Node(figure.measure)))
            pairs.append(("articles", Node(figure.articles.map { Node($0, .implicit, .doubleQuoted) }, .implicit, .flow)))
            pairs.append(("period", Node(figure.period.description)))
            if let name = figure.kind.name { pairs.append(("kind", Node(name))) }
            if let unit = figure.rateUnit.name { pairs.append(("rate_unit", Node(unit))) }
            pairs.append(("value", Node(figure.value.description, .implicit, .doubleQuoted)))
            let citations: [Node] = figure.citations.map { c in
                var fields: [(Node, Node)] = [("producer", Node(c.producer)), ("outlet", Node(c.outlet)),
                                              ("published", Node(c.published?.iso ?? "unknown")), ("document", Node(c.document)),
                                              ("quote", Node(c.quote, .implicit, .doubleQuoted))]
                if !c.url.isEmpty { fields.append(("url", Node(c.url))) }
                return Node(fields, .implicit, .block)
            }
            pairs.append(("citations", Node(citations, .implicit, .block)))
            if !figure.note.isEmpty { pairs.append(("note", Node(figure.note))) }
            return Node(pairs, .implicit, .block)
        }
        let document = Node([("figures", Node(items, .implicit, .block))], .implicit, .block)
        // Serialising a tree built from strings cannot fail; an error here is a Yams bug.
        return (try? Yams.serialize(node: document, width: 100, allowUnicode: true)) ?? ""
    }
}
