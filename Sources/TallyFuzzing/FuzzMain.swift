import Foundation

/// What the libFuzzer executables of Fuzz/ share: one input through an entry, and the seed writer.
public enum FuzzMain {
    /// Runs one input as libFuzzer hands it over; a finding becomes a crash, so libFuzzer keeps
    /// the input and stops.
    public static func testOneInput(_ entry: any FuzzEntry.Type, _ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        let input = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
        if let finding = entry.run(input) { fatalError("\(finding)") }
        return 0
    }

    /// With `TALLY_FUZZ_WRITE_SEEDS=<folder>` in the environment, writes the entry's seeds there
    /// and exits instead of fuzzing: `make fuzz-seeds` regenerates the corpora with the binaries
    /// the fuzzing uses, so there is no second build.
    public static func writeSeedsIfAsked(_ entry: any FuzzEntry.Type) {
        guard let folder = ProcessInfo.processInfo.environment["TALLY_FUZZ_WRITE_SEEDS"] else { return }
        let seeds = runBlocking { () -> Result<[(name: String, bytes: [UInt8])], any Error> in
            do { return .success(try await entry.seeds()) } catch { return .failure(error) }
        }
        do {
            let url = URL(fileURLWithPath: folder)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            for seed in try seeds.get() {
                try Data(seed.bytes).write(to: url.appendingPathComponent(seed.name))
            }
            print("wrote \(try seeds.get().count) \(entry.name) seeds to \(folder)")
            exit(0)
        } catch {
            print("writing the \(entry.name) seeds failed: \(error)")
            exit(1)
        }
    }
}
