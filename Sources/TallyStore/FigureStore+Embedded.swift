import TallyDataset
import TallyModel

extension FigureStore {
    /// Opens the store at `path`, filling a new one with the embedded dataset.
    public static func openSeeded(path: String) throws -> FigureStore {
        try FigureStore(path: path, seed: try EmbeddedDataset.load())
    }
}
