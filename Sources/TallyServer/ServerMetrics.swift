import CoreMetrics
import Metrics
import Prometheus

/// The server's metrics, created against its own Prometheus registry (no global bootstrap, so
/// servers in tests each have theirs), exposed as text on `/metrics`.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    let openConnections: Meter
    let openStreams: Meter
    let datasetVersion: CoreMetrics.Gauge

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50),
                                                   .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30)]
        self.factory = factory
        openConnections = Meter(label: "tally_open_connections", factory: factory)
        openStreams = Meter(label: "tally_open_streams", factory: factory)
        datasetVersion = CoreMetrics.Gauge(label: "tally_dataset_version", factory: factory)
    }

    /// One finished request: counted by route and status code, timed by route.
    func record(route: String, code: String, duration: Duration) {
        Counter(label: "tally_requests_total", dimensions: [("route", route), ("code", code)], factory: factory).increment()
        Metrics.Timer(label: "tally_request_duration_seconds", dimensions: [("route", route)], factory: factory).recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    func text() -> String { registry.emitToString() }
}
