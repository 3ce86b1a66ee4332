import TallyDataset
import TallyModel

extension SQLiteFigureStore {
    /// Opens the store at `path`, filling a new one with the embedded dataset.
    public static func openSeeded(path: String) throws -> SQLiteFigureStore {
        try SQLiteFigureStore(path: path, seed: try EmbeddedDataset.load())
    }
}
