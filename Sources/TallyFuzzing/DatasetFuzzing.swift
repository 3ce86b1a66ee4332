import TallyDataset
import TallyModel

/// The dataset YAML reader: every input gives figures or a located error, never a crash. Figures
/// read are written back with `DatasetFile.render` and must read back the same.
///
/// "Located": every problem names a field (or says the file is not YAML), and a line, when it has
/// one, inside the file. Lines are counted as YAML counts them (`yamlLineCount`): a lone carriage
/// return ends a line too, so a file an editor shows as 39 lines may have 149 (the fuzzer's first
/// finding, `Tests/TallyFuzzingTests/Crashes/dataset/lone-carriage-returns`: this check was wrong,
/// the reader right).
public enum DatasetFuzzing: FuzzEntry {
    public static let name = "dataset"

    public static func run(_ input: [UInt8]) -> FuzzFinding? {
        let text = String(decoding: input, as: UTF8.self)
        let lineCount = yamlLineCount(text)
        do throws(DatasetFileError) {
            let figures = try DatasetFile.parse(text)
            let rendered = DatasetFile.render(figures)
            let again: [Figure]
            do {
                again = try DatasetFile.parse(rendered)
            } catch {
                return FuzzFinding(name, "figures read from the input do not read back once rendered: \(error)")
            }
            guard again == figures else { return FuzzFinding(name, "figures read from the input read back changed once rendered") }
        } catch {
            guard !error.problems.isEmpty else { return FuzzFinding(name, "an error without a problem") }
            for problem in error.problems {
                if let line = problem.line, !(1...max(lineCount, 1) + 1).contains(line) {
                    return FuzzFinding(name, "problem at line \(line) of a \(lineCount)-line file: \(problem.violation)")
                }
                if problem.violation.field.isEmpty && problem.violation.problem.isEmpty {
                    return FuzzFinding(name, "a problem that says nothing")
                }
            }
        }
        return nil
    }

    /// Lines as YAML 1.1 (libyaml) counts them: a line ends at CR LF, CR, LF, NEL, LS or PS.
    static func yamlLineCount(_ text: String) -> Int {
        var count = 1
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where previous == "\r": break  // the second half of one CR LF break
            case "\r", "\n", "\u{85}", "\u{2028}", "\u{2029}": count += 1
            default: break
            }
            previous = scalar
        }
        return count
    }
}
