import CoreMetrics
import Metrics
import Prometheus
import Synchronization
import NIOCore

/// The server's metrics, created against its own Prometheus registry (no global bootstrap, so
/// servers in tests each have theirs), exposed as text on `/metrics`.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    let openConnections: Meter
    let openStreams: Meter
    /// Connections turned away over the connection limit (`ConnectionAdmission`).
    let refusedConnections: CoreMetrics.Counter
    /// Times accepting paused because accept(2) failed for want of descriptors (`AcceptPause`).
    let acceptPauses: CoreMetrics.Counter
    let datasetVersion: CoreMetrics.Gauge

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50),
                                                   .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30)]
        self.factory = factory
        openConnections = Meter(label: "tally_open_connections", factory: factory)
        openStreams = Meter(label: "tally_open_streams", factory: factory)
        refusedConnections = CoreMetrics.Counter(label: "tally_connections_refused_total", factory: factory)
        acceptPauses = CoreMetrics.Counter(label: "tally_accept_pauses_total", factory: factory)
        datasetVersion = CoreMetrics.Gauge(label: "tally_dataset_version", factory: factory)
        var immediate: [String: (CoreMetrics.Counter, Metrics.Timer)] = [:]
        var handles = Handles()
        for route in ["Totals", "Figures", "Sources", "Consistency"] {
            let counter = CoreMetrics.Counter(label: "tally_requests_total", dimensions: [("route", route), ("code", "ok")], factory: factory)
            let timer = Metrics.Timer(label: "tally_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            immediate[route] = (counter, timer)
            handles.counters[route + "\u{0}ok"] = counter
            handles.timers[route] = timer
        }
        self.immediate = immediate
        self.handles = Mutex(handles)
    }

    private struct Handles: @unchecked Sendable {
        // Sendable in practice: swift-metrics handles are thread-safe; only the dictionaries need the lock.
        var counters: [String: CoreMetrics.Counter] = [:]
        var timers: [String: Metrics.Timer] = [:]
    }

    private let handles: Mutex<Handles>

    /// One finished request: counted by route and status code, timed by route. Handles are made once
    /// per label set: creating them means a registry lookup under a lock.
    func record(route: String, code: String, duration: Duration) {
        let (counter, timer) = handles.withLock { handles -> (CoreMetrics.Counter, Metrics.Timer) in
            let counterKey = route + "\u{0}" + code
            let counter = handles.counters[counterKey] ?? CoreMetrics.Counter(label: "tally_requests_total", dimensions: [("route", route), ("code", code)], factory: factory)
            let timer = handles.timers[route] ?? Metrics.Timer(label: "tally_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            handles.counters[counterKey] = counter
            handles.timers[route] = timer
            return (counter, timer)
        }
        counter.increment()
        timer.recordNanoseconds(TimeAmount(duration).nanoseconds)
    }

    /// Handles of the calls the event loop answers by itself, made once: that path takes no lock
    /// and builds no label.
    private let immediate: [String: (CoreMetrics.Counter, Metrics.Timer)]

    /// A call answered from a prepared response on the event loop.
    func recordImmediate(route: String, duration: Duration) {
        guard let (counter, timer) = immediate[route] else { return }
        counter.increment()
        timer.recordNanoseconds(TimeAmount(duration).nanoseconds)
    }

    func text() -> String { registry.emitToString() }
}
