import TallyDataset
import TallyModel

/// The dataset YAML reader: every input gives figures or a located error, never a crash. Figures
/// read are written back with `DatasetFile.render` and must read back the same.
///
/// "Located": every problem names a field (or says the file is not YAML), and a line, when it has
/// one, inside the file.
public enum DatasetFuzzing: FuzzEntry {
    public static let name = "dataset"

    public static func run(_ input: [UInt8]) -> FuzzFinding? {
        let text = String(decoding: input, as: UTF8.self)
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
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
}
