/// What the libFuzzer executables of Fuzz/ share: one input through an entry.
public enum FuzzMain {
    /// Runs one input as libFuzzer hands it over; a finding becomes a crash, so libFuzzer keeps
    /// the input and stops.
    public static func testOneInput(_ entry: any FuzzEntry.Type, _ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        let input = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
        if let finding = entry.run(input) { fatalError("\(finding)") }
        return 0
    }
}
