/// Statements of one number (a `.statement` group) whose values cannot all be true.
///
/// Two values conflict when the intervals `Quantity.isCompatible(with:)` reads them as are disjoint.
/// Intervals on a line that meet pairwise share a point (Helly's theorem in one dimension), so a
/// group has a conflict exactly when its largest lower end lies above its smallest upper end: one
/// pass, not a comparison of every pair. A figure takes part in a conflict when its lower end lies
/// above the smallest upper end of the *others*, or its upper end below their largest lower end;
/// keeping the two most extreme ends of each side answers that for every figure in the same pass.
enum ConflictingStatements {
    static func finding(_ group: ConsistencyGroup, _ members: [Figure]) -> ConsistencyFinding? {
        guard members.count > 1 else { return nil }
        let intervals = members.map(\.value.plausibleInterval)
        var highs = Extremes(keepingLargest: false), lows = Extremes(keepingLargest: true)
        for (i, interval) in intervals.enumerated() {
            highs.offer(interval.high, at: i)
            lows.offer(interval.low, at: i)
        }
        guard lows.best > highs.best else { return nil }
        let involved = intervals.indices.filter { i in
            intervals[i].low > highs.bestExcluding(i) || intervals[i].high < lows.bestExcluding(i)
        }.map { members[$0] }

        let stated = Dictionary(grouping: involved, by: \.value)
            .map { ConsistencyFinding.StatedValue(value: $0.key, figures: $0.value.sorted { $0.id < $1.id }) }
            .sorted { $0.value < $1.value }
        guard stated.count > 1, let smallest = stated.first, let largest = stated.last else { return nil }
        let listing = stated.map { value in
            "\(value.value) from \(value.figures.map(ConsistencyCheck.attributed).joined(separator: ", "))"
        }.joined(separator: "; ")
        return ConsistencyFinding(
            kind: .conflictingValues, group: group,
            summary: "\(ConsistencyCheck.heading(smallest.figures[0], withArticles: true)): \(stated.count) different values: \(listing)",
            figures: stated.flatMap(\.figures), statedValues: stated,
            difference: Quantity.difference(largest.value, minus: smallest.value))
    }

    /// The most extreme value seen (largest or smallest), where it was, and the runner-up: enough to
    /// know the extreme of all values but any one.
    private struct Extremes {
        let keepingLargest: Bool
        var best: Int64
        var bestAt = -1
        var runnerUp: Int64

        init(keepingLargest: Bool) {
            self.keepingLargest = keepingLargest
            best = keepingLargest ? .min : .max
            runnerUp = best
        }

        mutating func offer(_ value: Int64, at index: Int) {
            if keepingLargest ? value > best : value < best {
                runnerUp = best
                (best, bestAt) = (value, index)
            } else if keepingLargest ? value > runnerUp : value < runnerUp {
                runnerUp = value
            }
        }

        func bestExcluding(_ index: Int) -> Int64 { index == bestAt ? runnerUp : best }
    }
}
