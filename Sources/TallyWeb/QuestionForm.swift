import TallyModel

/// The question as an HTML form that works without JavaScript: a GET to `/` whose fields are the
/// URL's parameters, so submitting it gives the URL to share. Every control has a label; the
/// article boxes are grouped by jurisdiction in a fieldset with a legend.
struct QuestionForm {
    /// The values to show: the question answered, or on the error page what could be read.
    let question: PageQuestion

    func render() -> String {
        var out = "<form class=\"question\" method=\"get\" action=\"/\" aria-labelledby=\"ask\">\n"
        out += select("jurisdiction", label: "Jurisdiction",
                       options: Vocabulary.standard.jurisdictions.map { ($0.code, "\($0.name) (\($0.code))") }, selected: question.jurisdiction)
        out += measureSelect()
        out += dateInput("from", label: "From (first day)", value: question.window?.start.iso)
        out += dateInput("to", label: "To (last day)", value: question.window?.end.iso)
        out += select("by", label: "Breakdown",
                       options: [("", "none"), ("article", "by article"), ("source", "by source"), ("year", "by year"),
                                 ("jurisdiction", "Russia and Ukraine side by side")], selected: question.by?.rawValue ?? "")
        out += articleBoxes()
        out += "<p class=\"hint\">Leave both dates empty for the widest window the figures cover. Dates as YYYY-MM-DD.</p>\n"
        out += "<button type=\"submit\">Show the totals</button>\n</form>\n"
        return out
    }

    private func select(_ name: String, label: String, options: [(String, String)], selected: String) -> String {
        var out = "<div><label for=\"\(name)\">\(h(label))</label><select id=\"\(name)\" name=\"\(name)\">"
        for (value, text) in options {
            out += "<option value=\"\(h(value))\"\(value == selected ? " selected" : "")>\(h(text))</option>"
        }
        return out + "</select></div>\n"
    }

    /// Court and prosecution statistics first; context numbers apart, as the dataset keeps them.
    private func measureSelect() -> String {
        var out = "<div class=\"wide\"><label for=\"measure\">What is counted</label><select id=\"measure\" name=\"measure\">"
        for (category, label) in [(Category.prosecution, "Court and prosecution statistics"), (.context, "Context")] {
            out += "<optgroup label=\"\(h(label))\">"
            for measure in Vocabulary.standard.measures where measure.category == category {
                out += "<option value=\"\(h(measure.key))\"\(measure.key == question.measure ? " selected" : "")>\(h(measureName(measure.key)))</option>"
            }
            out += "</optgroup>"
        }
        return out + "</select></div>\n"
    }

    private func dateInput(_ name: String, label: String, value: String?) -> String {
        "<div><label for=\"\(name)\">\(h(label))</label><input type=\"date\" id=\"\(name)\" name=\"\(name)\" value=\"\(h(value ?? ""))\" min=\"1990-01-01\" max=\"2100-12-31\"></div>\n"
    }

    private func articleBoxes() -> String {
        var out = "<fieldset><legend>Articles of the criminal code (none ticked: all of them together)</legend>\n"
        for jurisdiction in Vocabulary.standard.jurisdictions {
            out += "<p><span class=\"muted\">\(h(jurisdiction.name)):</span> "
            for article in jurisdiction.articles {
                let id = HTMLText.anchor("article", article.code)
                let checked = question.articles.contains(article.code) ? " checked" : ""
                out += "<label class=\"choice\" for=\"\(id)\" title=\"\(h(article.title))\"><input type=\"checkbox\" id=\"\(id)\" name=\"article\" value=\"\(h(article.code))\"\(checked)> \(h(article.code)) <span class=\"muted\">\(h(article.title))</span></label>"
            }
            out += "</p>\n"
        }
        return out + "</fieldset>\n"
    }
}
