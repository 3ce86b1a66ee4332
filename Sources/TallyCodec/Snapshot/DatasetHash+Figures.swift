public import TallyModel

/// Figures as elements: each contributes its canonical encoding (`wireBytes()`), the same bytes a
/// snapshot carries, so a client can hash what it received without re-encoding anything.
///
/// Retracting or replacing a figure needs the encoding it was added with (its old revision
/// included): the store keeps those bytes, and a change feed's tombstone names what it removes.
extension DatasetHash {
    /// The hash of a whole dataset, computed from scratch (order does not matter).
    public init(figures: some Sequence<Figure>) {
        self.init()
        for figure in figures { add(figure) }
    }

    public mutating func add(_ figure: Figure) {
        add(element: figure.wireBytes())
    }

    public mutating func remove(_ figure: Figure) {
        remove(element: figure.wireBytes())
    }

    /// An upsert of a figure that was already in the dataset.
    public mutating func replace(_ old: Figure, with new: Figure) {
        replace(element: old.wireBytes(), with: new.wireBytes())
    }
}
