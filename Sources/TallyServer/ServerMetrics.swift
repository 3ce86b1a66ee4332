internal import CTallyBuildInfo
import NIOCore
import Prometheus
import Synchronization

/// The server's metrics in its own Prometheus registry (no global bootstrap, so servers in tests
/// each have theirs), exposed as text on `/metrics` in Prometheus's conventions: a HELP line for
/// every metric, base units (seconds, bytes), `_total` counters, the standard `process_*` metrics
/// and `tally_build_info`.
///
/// The metrics are made through the registry itself, not through swift-metrics' factory: the
/// factory has no way to pass help text, and swift-prometheus refuses one family with two texts.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let openConnections: Level
    let openStreams: Level
    let datasetVersion: Level
    /// Connections turned away over the connection limit (`ConnectionAdmission`).
    let refusedConnections: Count
    /// Times accepting paused because accept(2) failed for want of descriptors (`AcceptPause`).
    let acceptPauses: Count
    /// Set by replicas on a shared database only (absent from a SQLite tallyd's exposition).
    private let databaseReachableGauge = Mutex<Level?>(nil)
    private let process: ProcessMetrics?

    enum Help {
        static let requests = "Requests answered, by route (RPC method or path) and outcome (status code name, or HTTP status for plain routes)."
        static let duration = "Time from a request's headers to its response's end, by route, in seconds."
        static let connections = "HTTP/2 connections open now."
        static let streams = "HTTP/2 streams open now, on all connections."
        static let version = "Version of the dataset being served (raised by every publish)."
        static let build = "Always 1; the labels name the release and the git commit tallyd was built from."
        static let refused = "Connections turned away because the server already served its limit of connections (GOAWAY ENHANCE_YOUR_CALM)."
        static let acceptPauses = "Times accepting paused for 250 ms because accept(2) failed for want of file descriptors or memory."
        static let database = "1 while the shared database answers, 0 while it cannot be reached (replicas keep serving the version they have)."
    }

    static let durationBuckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50),
                                               .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30)]

    init() {
        openConnections = Level(registry.gauge("tally_open_connections", help: Help.connections))
        openStreams = Level(registry.gauge("tally_open_streams", help: Help.streams))
        datasetVersion = Level(registry.gauge("tally_dataset_version", help: Help.version))
        refusedConnections = Count(registry.counter("tally_connections_refused_total", help: Help.refused))
        acceptPauses = Count(registry.counter("tally_accept_pauses_total", help: Help.acceptPauses))
        registry.gauge("tally_build_info", labels: [("version", String(cString: tally_version())), ("commit", String(cString: tally_git_commit()))],
                           help: Help.build).set(to: 1)
        process = ProcessMetrics(registry: registry)
        var immediate: [String: (Counter, DurationHistogram)] = [:]
        var handles = Handles()
        for route in ["Totals", "Figures", "Sources", "Consistency"] {
            let counter = registry.counter("tally_requests_total", labels: [("route", route), ("code", "ok")], help: Help.requests)
            let histogram = registry.durationHistogram("tally_request_duration_seconds", labels: [("route", route)],
                                                           buckets: Self.durationBuckets, help: Help.duration)
            immediate[route] = (counter, histogram)
            handles.counters[route + "\u{0}ok"] = counter
            handles.histograms[route] = histogram
        }
        self.immediate = immediate
        self.handles = Mutex(handles)
    }

    /// A gauge as the server's code uses it (up, down, set): the one type of the metrics library the
    /// rest of the server sees, so only this file imports it.
    struct Level: Sendable {
        private let gauge: Gauge

        init(_ gauge: Gauge) { self.gauge = gauge }

        func increment() { gauge.increment(by: 1) }
        func decrement() { gauge.decrement(by: 1) }
        func record(_ value: Double) { gauge.set(to: value) }
    }

    /// A counter as the rest of the server uses it: up by one.
    struct Count: Sendable {
        private let counter: Counter

        init(_ counter: Counter) { self.counter = counter }

        func increment() { counter.increment() }
    }

    private struct Handles {
        var counters: [String: Counter] = [:]
        var histograms: [String: DurationHistogram] = [:]
    }

    private let handles: Mutex<Handles>

    /// One finished request: counted by route and status code, timed by route. Handles are made once
    /// per label set: creating them means a registry lookup under a lock.
    func record(route: String, code: String, duration: Duration) {
        let (counter, histogram) = handles.withLock { handles -> (Counter, DurationHistogram) in
            let counterKey = route + "\u{0}" + code
            let counter = handles.counters[counterKey]
                ?? registry.counter("tally_requests_total", labels: [("route", route), ("code", code)], help: Help.requests)
            let histogram = handles.histograms[route]
                ?? registry.durationHistogram("tally_request_duration_seconds", labels: [("route", route)], buckets: Self.durationBuckets, help: Help.duration)
            handles.counters[counterKey] = counter
            handles.histograms[route] = histogram
            return (counter, histogram)
        }
        counter.increment()
        histogram.record(duration)
    }

    /// Handles of the calls the event loop answers by itself, made once: that path takes no lock
    /// and builds no label.
    private let immediate: [String: (Counter, DurationHistogram)]

    /// A call answered from a prepared response on the event loop.
    func recordImmediate(route: String, duration: Duration) {
        guard let (counter, histogram) = immediate[route] else { return }
        counter.increment()
        histogram.record(duration)
    }

    /// Whether the shared database answers (a replica's follower sets it on every signal).
    func recordDatabaseReachable(_ reachable: Bool) {
        let gauge = databaseReachableGauge.withLock { gauge -> Level in
            if let gauge { return gauge }
            let made = Level(registry.gauge("tally_database_reachable", help: Help.database))
            gauge = made
            return made
        }
        gauge.record(reachable ? 1 : 0)
    }

    /// The exposition. The process metrics are read from /proc here, on the scrape's task: never per
    /// request, never on an event loop.
    func text() -> String {
        process?.update()
        return registry.emitToString()
    }
}
