import Foundation
import TallyCharts
import TallyClient

/// Writes a chart where `--output` says: the SVG as it is, or a PNG rendered by rsvg-convert
/// (librsvg, a renderer browsers' SVG support is checked against), run as a separate process.
enum ChartFile {
    enum Kind: Equatable {
        case svg, png

        init?(path: String) {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "svg": self = .svg
            case "png": self = .png
            default: return nil
            }
        }
    }

    static func write(_ chart: Chart, to path: String, scale: Int) throws {
        switch Kind(path: path) {
        case .svg?:
            do {
                try Data(chart.svg.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw ChartFileError(message: "cannot write \(path): \(error.localizedDescription)", exitCode: 73)
            }
        case .png?:
            try renderPNG(chart, to: path, scale: scale)
        case nil:
            throw TallyClientError.badArguments("--output \(path): the name must end in .svg or .png")
        }
    }

    /// rsvg-convert on PATH, else `nil`.
    static func renderer(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/rsvg-convert" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func renderPNG(_ chart: Chart, to path: String, scale: Int) throws {
        guard let renderer = renderer() else {
            throw ChartFileError(message: "PNG output needs rsvg-convert, which is not on PATH (Debian: apt-get install librsvg2-bin); or write .svg", exitCode: 71)
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("tally-chart-\(UUID().uuidString).svg")
        try Data(chart.svg.utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: renderer)
        process.arguments = ["--format", "png", "--zoom", String(scale), "--background-color", "white", "--output", path, input.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ChartFileError(message: "cannot run \(renderer): \(error.localizedDescription)", exitCode: 71)
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ChartFileError(message: "rsvg-convert failed (exit \(process.terminationStatus)) writing \(path): \(text)", exitCode: 71)
        }
    }
}

/// A chart that could not be written: 73 (output file not writable) or 71 (PNG renderer missing or failed).
struct ChartFileError: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32
    var description: String { message }
}
