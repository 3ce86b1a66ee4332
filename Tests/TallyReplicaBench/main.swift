import Foundation
import Synchronization
import TallyClient
import TallyCodec
import TallyModel
import TallyTestSupport

// The replica benchmark's client (Benchmarks/replicas/run.sh); never shipped.
//   TallyReplicaBench TOKEN_FILE COUNT PORT...
// Watches every replica, then publishes COUNT one-figure changes, round-robin over the replicas,
// one at a time. For each: the publish call's latency, and the time from its acknowledgement to
// the moment the last replica's watcher received it (an upper bound of "commit to every replica
// serving it": a replica serves a version before it tells its watchers). Prints JSON.
let arguments = CommandLine.arguments
guard arguments.count >= 4, let count = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: TallyReplicaBench TOKEN_FILE COUNT PORT...\n".utf8))
    exit(2)
}
let token = try String(contentsOfFile: arguments[1], encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
let ports = arguments.dropFirst(3).compactMap(Int.init)

func client(_ port: Int) throws -> TallyClient {
    try TallyClient(configuration: TallyClient.Configuration(server: ServerAddress(secure: false, host: "127.0.0.1", port: port)))
}

/// When each replica's watcher received each version.
let arrivals = Mutex<[UInt64: [ContinuousClock.Instant]]>([:])
let clients = try ports.map(client)
let start = try await clients[0].health().datasetVersion
let watchers = clients.map { watcher in
    Task {
        try await watcher.watch(since: start) { @Sendable event in
            guard case .change(let change) = event.event else { return }
            let now = ContinuousClock.now
            arrivals.withLock { $0[change.version, default: []].append(now) }
        }
    }
}
// Every watcher has started once a heartbeat-free publish reaches all of them: publish one first.
func publish(_ round: Int, on publisher: TallyClient) async throws -> (version: UInt64, latency: Duration, acknowledged: ContinuousClock.Instant) {
    var request = PublishRequest()
    request.figures = [SyntheticFigures.make(count: 1, prefix: "replica-bench-\(round % 50)")[0]]
    request.comment = "replica benchmark \(round)"
    let began = ContinuousClock.now
    let response = try await publisher.publish(request, token: token)
    let acknowledged = ContinuousClock.now
    return (response.datasetVersion, acknowledged - began, acknowledged)
}

func waitForAll(_ version: UInt64) async throws -> ContinuousClock.Instant {
    let deadline = ContinuousClock.now + .seconds(30)
    while ContinuousClock.now < deadline {
        if let times = arrivals.withLock({ $0[version] }), times.count == ports.count { return times.max()! }
        try await Task.sleep(for: .milliseconds(1))
    }
    throw CancellationError()
}

_ = try await waitForAll(try await publish(-1, on: clients[0]).version)
var publishes: [Double] = []
var spreads: [Double] = []
for round in 0..<count {
    let result = try await publish(round, on: clients[round % clients.count])
    let last = try await waitForAll(result.version)
    publishes.append(Double(result.latency.components.attoseconds) / 1e15 + Double(result.latency.components.seconds) * 1e3)
    let spread = last - result.acknowledged
    spreads.append(max(0, Double(spread.components.attoseconds) / 1e15 + Double(spread.components.seconds) * 1e3))
}
for watcher in watchers { watcher.cancel() }
for client in clients { await client.shutdown() }

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}
let summary: [String: Any] = [
    "replicas": ports.count, "publishes": count,
    "publish_ms": ["p50": percentile(publishes, 0.5), "p99": percentile(publishes, 0.99), "max": publishes.max() ?? 0],
    "ack_to_every_replica_ms": ["p50": percentile(spreads, 0.5), "p99": percentile(spreads, 0.99), "max": spreads.max() ?? 0],
]
print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
