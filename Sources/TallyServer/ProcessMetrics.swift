import Foundation
import Prometheus
import Synchronization

/// The standard `process_*` metrics of Prometheus's client libraries, read from Linux's /proc at
/// each scrape: CPU seconds, resident and virtual memory, open and allowed file descriptors, and
/// the start time. Absent (nil) where there is no /proc.
final class ProcessMetrics: Sendable {
    private let cpuSeconds: Counter
    private let residentBytes: Gauge
    private let virtualBytes: Gauge
    private let openFDs: Gauge
    private let maxFDs: Gauge
    /// CPU seconds already added to the counter: a counter only goes up, by the difference.
    private let countedCPU = Mutex(0.0)
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    init?(registry: PrometheusCollectorRegistry) {
        guard let stat = Self.selfStat(), let bootTime = Self.bootTime(), ticksPerSecond > 0 else { return nil }
        cpuSeconds = registry.counter("process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.")
        residentBytes = registry.gauge("process_resident_memory_bytes", help: "Resident memory size in bytes.")
        virtualBytes = registry.gauge("process_virtual_memory_bytes", help: "Virtual memory size in bytes.")
        openFDs = registry.gauge("process_open_fds", help: "Number of open file descriptors.")
        maxFDs = registry.gauge("process_max_fds", help: "Maximum number of open file descriptors.")
        registry.gauge("process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.")
            .set(to: bootTime + stat.startTicks / ticksPerSecond)
        update()
    }

    func update() {
        if let stat = Self.selfStat() {
            let total = (stat.userTicks + stat.systemTicks) / ticksPerSecond
            let delta = countedCPU.withLock { counted -> Double in
                let delta = max(0, total - counted)
                counted += delta
                return delta
            }
            if delta > 0 { cpuSeconds.increment(by: delta) }
            residentBytes.set(to: stat.residentPages * pageSize)
            virtualBytes.set(to: stat.virtualBytes)
        }
        openFDs.set(to: Double(Self.openDescriptorCount()))
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maxFDs.set(to: Double(limit.rlim_cur)) }
    }

    struct Stat {
        var userTicks: Double, systemTicks: Double, startTicks: Double, virtualBytes: Double, residentPages: Double
    }

    /// /proc/self/stat (proc(5)): fields after the command name, which is in parentheses and may
    /// itself hold spaces and parentheses, so the fields are counted from the last ')'.
    static func selfStat() -> Stat? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Field 3 (state) is the first after the name; utime is field 14.
        let fields = text[text.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double? { fields.count > number - 3 ? Double(fields[number - 3]) : nil }
        guard let user = field(14), let system = field(15), let start = field(22), let virtual = field(23), let resident = field(24) else { return nil }
        return Stat(userTicks: user, systemTicks: system, startTicks: start, virtualBytes: virtual, residentPages: resident)
    }

    /// Seconds since the epoch at boot (`btime` in /proc/stat), to which a process's start counts.
    static func bootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first { $0.hasPrefix("btime ") }
        return line.flatMap { Double($0.dropFirst("btime ".count)) }
    }

    /// Entries of /proc/self/fd, less the one this listing opens.
    static func openDescriptorCount() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { count += 1 }
        }
        return max(0, count - 1)
    }
}
