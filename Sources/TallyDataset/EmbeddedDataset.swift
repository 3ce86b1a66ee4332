public import Foundation
public import TallyModel

/// The dataset shipped inside the package: every statistic of the seed articles, as figures.
public enum EmbeddedDataset {
    /// Where the file is, inside this module's resource bundle.
    public static var url: URL? { Bundle.module.url(forResource: "figures", withExtension: "yaml") }

    /// Loads and validates the embedded figures.
    public static func load() throws -> [Figure] {
        guard let url else { throw CocoaError(.fileNoSuchFile) }
        return try DatasetFile.parse(String(contentsOf: url, encoding: .utf8))
    }
}
