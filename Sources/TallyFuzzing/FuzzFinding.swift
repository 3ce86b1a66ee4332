/// A property a fuzz target checks that did not hold for one input: the fuzzer turns it into a
/// crash (so libFuzzer keeps the input), the replay tests into a failed expectation.
///
/// Crashes and leaks in the code under test are not findings: they end the process by themselves.
public struct FuzzFinding: Error, CustomStringConvertible, Sendable {
    public var target: String
    public var problem: String

    public init(_ target: String, _ problem: String) {
        self.target = target
        self.problem = problem
    }

    public var description: String { "\(target): \(problem)" }
}

/// What every fuzz target is to libFuzzer and to the replay tests: one input in, a finding or none.
public protocol FuzzEntry: Sendable {
    /// The folder name under Fuzz/Corpus and under the replay tests' crash fixtures.
    static var name: String { get }
    /// Runs one input through the code under test; blocking, so libFuzzer's thread can call it.
    static func run(_ input: [UInt8]) -> FuzzFinding?
    /// Inputs made from real messages, files or exchanges, by file name: the committed seeds.
    static func seeds() async throws -> [(name: String, bytes: [UInt8])]
}
