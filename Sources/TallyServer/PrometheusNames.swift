import Prometheus

/// Metrics made by their full name and help text. swift-prometheus 2.4 asks for a descriptor of
/// parts (namespace, subsystem, name, unit); Tally's names are written whole, as Prometheus shows
/// them, so the whole name goes in `metricName` and the other parts stay empty.
extension PrometheusCollectorRegistry {
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    func gauge(_ name: String, labels: [(String, String)] = [], help: String) -> Gauge {
        makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
    }

    func counter(_ name: String, labels: [(String, String)] = [], help: String) -> Counter {
        makeCounter(descriptor: Self.descriptor(name, help), labels: labels)
    }

    func durationHistogram(_ name: String, labels: [(String, String)] = [], buckets: [Duration], help: String) -> DurationHistogram {
        makeDurationHistogram(descriptor: Self.descriptor(name, help), labels: labels, buckets: buckets)
    }
}
