import SwiftProtobuf
import SwiftProtobufTally
import TallyCodec
import TallyModel

/// Codec throughput, Tally's hand-written codec next to swift-protobuf on the same schema and data.
@main
enum TallyBenchmarks {
    static let figureCount = 100_000
    static let rounds = 7

    static func main() throws {
        let figures = FigureCorpus.make(count: figureCount)
        let peers = figures.map(Tally_V1_Figure.init)
        let tallyEncoded = figures.map { $0.wireBytes() }
        let peerEncoded: [[UInt8]] = try peers.map { try $0.serializedBytes() }
        guard tallyEncoded == peerEncoded else {
            fatalError("the two encoders disagree: the comparison would be meaningless")
        }
        let totalBytes = tallyEncoded.reduce(0) { $0 + $1.count }
        print("Codec: \(figureCount) figures, \(totalBytes) bytes encoded (\(totalBytes / figureCount) bytes/figure), median of \(rounds) rounds")

        // `--profile-decode` / `--profile-encode`: only Tally's loop, for perf record.
        if CommandLine.arguments.contains("--profile-decode") {
            var sink = 0
            for _ in 0..<10 { for bytes in tallyEncoded { sink &+= try Figure(wireBytes: bytes).citations.count } }
            print(sink)
            return
        }
        if CommandLine.arguments.contains("--profile-encode") {
            var sink = 0
            for _ in 0..<20 { for figure in figures { sink &+= figure.wireBytes().count } }
            print(sink)
            return
        }

        var results: [String: [Duration]] = [:]
        for _ in 0..<rounds {
            results["tally encode", default: []].append(time {
                var sink = 0
                for figure in figures { sink &+= figure.wireBytes().count }
                return sink
            })
            results["swift-protobuf encode", default: []].append(try timeThrowing {
                var sink = 0
                for peer in peers { sink &+= (try peer.serializedBytes() as [UInt8]).count }
                return sink
            })
            results["tally encode (reused writer)", default: []].append(time {
                var writer = WireWriter(capacity: 4096)
                var sink = 0
                for figure in figures {
                    writer.removeAll()
                    figure.encode(to: &writer)
                    sink &+= writer.byteCount
                }
                return sink
            })
            results["tally decode", default: []].append(try timeThrowing {
                var sink = 0
                for bytes in tallyEncoded { sink &+= try Figure(wireBytes: bytes).citations.count }
                return sink
            })
            results["swift-protobuf decode", default: []].append(try timeThrowing {
                var sink = 0
                for bytes in peerEncoded { sink &+= try Tally_V1_Figure(serializedBytes: bytes).citations.count }
                return sink
            })
        }

        func median(_ name: String) -> Double {
            let sorted = results[name]!.sorted()
            let d = sorted[sorted.count / 2].components
            return Double(d.seconds) + Double(d.attoseconds) / 1e18
        }
        func row(_ name: String) {
            let seconds = median(name)
            let mbps = Double(totalBytes) / seconds / 1e6
            let rate = Double(figureCount) / seconds
            print(pad(name, 30) + pad(String(format1(mbps)) + " MB/s", 14) + pad(String(format1(rate / 1e6)) + " M msg/s", 14)
                  + pad(String(format1(seconds * 1e3)) + " ms", 12))
        }
        print(pad("", 30) + pad("throughput", 14) + pad("messages", 14) + pad("time", 12))
        for name in ["tally encode", "tally encode (reused writer)", "swift-protobuf encode", "tally decode", "swift-protobuf decode"] {
            row(name)
        }
        print("ratio encode (tally / swift-protobuf): \(format2(median("swift-protobuf encode") / median("tally encode")))x")
        print("ratio decode (tally / swift-protobuf): \(format2(median("swift-protobuf decode") / median("tally decode")))x")
    }

    static func time(_ body: () -> Int) -> Duration {
        let clock = ContinuousClock()
        var sink = 0
        let elapsed = clock.measure { sink = body() }
        if sink == -1 { print("unreachable") }
        return elapsed
    }

    static func timeThrowing(_ body: () throws -> Int) throws -> Duration {
        let clock = ContinuousClock()
        var sink = 0
        let elapsed = try clock.measure { sink = try body() }
        if sink == -1 { print("unreachable") }
        return elapsed
    }

    static func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(1, width - s.count)) }
    static func format1(_ x: Double) -> String { String(Double(Int(x * 10)) / 10) }
    static func format2(_ x: Double) -> String { String(Double(Int(x * 100)) / 100) }
}
