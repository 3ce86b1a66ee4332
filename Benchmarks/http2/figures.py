#!/usr/bin/env python3
"""Reading and reporting for the HTTP/2 benchmark (run.sh); standard library only.

  figures.py cpu-ticks PID                  utime + stime of PID (all its threads), in clock ticks
  figures.py peak-rss PID                   VmHWM of PID in KiB
  figures.py h2load FILE                    from h2load's output: "req/s succeeded data-bytes"
  figures.py latency LOG [N]                from an h2load --log-file of N requests: "count mean p50 p99" (µs)
  figures.py report RESULTS SERVER...       each run's figures, the table (median of the runs)
                                            and tallyd's ratio to every other server
  figures.py profile [TOP]                  from `perf report --no-children --sort dso,symbol -g none
                                            --stdio | swift demangle` on stdin: time by kind of
                                            code, then the TOP (40) symbols with their kind

RESULTS holds one JSON object per line and figure set: {"run", "server", "figure": value, ...}.
"""
import json
import re
import statistics
import sys

# name, key, unit, format; for every figure but req/s, lower is better.
FIGURES = [
    ("requests/s", "rps", "", "{:,.0f}"),
    ("mean latency", "mean_us", "µs", "{:,.1f}"),
    ("p99 latency", "p99_us", "µs", "{:,.1f}"),
    ("server CPU per call", "cpu_us", "µs", "{:,.1f}"),
    ("peak RSS", "rss_kib", "KiB", "{:,.0f}"),
]


def cpu_ticks(pid):
    stat = open(f"/proc/{pid}/stat").read()
    fields = stat[stat.rindex(")") + 2:].split()  # the name in parentheses may hold spaces
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5), counted from 1


def peak_rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise SystemExit(f"no VmHWM for {pid}")


def h2load(path):
    text = open(path).read()
    rps = re.search(r"^finished in \S+, ([\d.]+) req/s", text, re.M)
    succeeded = re.search(r"^requests: .* (\d+) succeeded", text, re.M)
    data = re.search(r"^traffic: .*\((\d+)\) data", text, re.M)
    if not (rps and succeeded and data):
        raise SystemExit(f"{path}: not h2load's summary:\n{text}")
    return f"{rps.group(1)} {succeeded.group(1)} {data.group(1)}"


def percentile(ordered, p):
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
    return ordered[int(rank) - 1]


def latency(path, expected=None):
    durations, failed = [], 0
    for line in open(path):
        _start, status, micros = line.split("\t")[:3]
        if int(status) < 0:
            failed += 1
        durations.append(int(micros))
    if failed or not durations:
        raise SystemExit(f"{path}: {failed} failed streams of {len(durations)}")
    if expected is not None and len(durations) != expected:
        raise SystemExit(f"{path}: {len(durations)} requests logged, {expected} sent")
    durations.sort()
    return f"{len(durations)} {statistics.fmean(durations):.1f} {percentile(durations, 50)} {percentile(durations, 99)}"


def report(path, servers):
    rows = [json.loads(line) for line in open(path)]
    runs = sorted({row["run"] for row in rows if "run" in row})
    merged = {}  # (run or None, server) -> figures; peak RSS comes once per server, after the runs
    for row in rows:
        merged.setdefault((row.get("run"), row["server"]), {}).update(row)

    def value(run, server, key):
        figures = merged.get((run, server), {})
        return figures.get(key, merged.get((None, server), {}).get(key))

    def cell(fmt, v):
        return "-" if v is None else fmt.format(v)

    width = max(len(s) for s in servers) + 2
    header = "".join(f"{s:>{width + 8}}" for s in servers)
    for run in runs:
        print(f"\n{'run ' + str(run) + ':':<26}{header}")
        for name, key, unit, fmt in FIGURES[:-1]:
            label = f"{name}{' (' + unit + ')' if unit else ''}"
            print(f"  {label:<24}" + "".join(f"{cell(fmt, value(run, s, key)):>{width + 8}}" for s in servers))

    medians = {}
    for server in servers:
        for _, key, _, _ in FIGURES:
            values = [v for v in (value(run, server, key) for run in runs) if v is not None]
            medians[server, key] = statistics.median(values) if values else None
    others = [s for s in servers if s != servers[0]]
    ratio_headers = "".join(f"{servers[0] + '/' + s:>{len(servers[0]) + len(s) + 4}}" for s in others)
    title = "median of " + str(len(runs)) + " runs" if len(runs) > 1 else "1 run"
    print(f"\n{title + ':':<26}{header}{ratio_headers}")
    for name, key, unit, fmt in FIGURES:
        label = f"{name}{' (' + unit + ')' if unit else ''}"
        line = f"  {label:<24}" + "".join(f"{cell(fmt, medians[s, key]):>{width + 8}}" for s in servers)
        for other in others:
            a, b = medians[servers[0], key], medians[other, key]
            ratio = "-" if not a or not b else f"{a / b:.2f}"
            line += f"{ratio:>{len(servers[0]) + len(other) + 4}}"
        print(line)
    print("\nRatios are tallyd's figure over the other server's: above 1 is better for requests/s, worse for the rest.")


# (kind, test on (dso, demangled symbol, module)); the first that matches wins.
KINDS = [
    ("retain/release", lambda d, s, m: re.match(r"swift_(retain|release|bridgeObject(Retain|Release)|unknownObject"
                                                r"(Retain|Release)|nonatomic_(retain|release))|swift::RefCounts", s)),
    ("malloc/free", lambda d, s, m: re.match(r"(_int_malloc|_int_free|malloc|cfree|free|malloc_consolidate|unlink_chunk|"
                                             r"__malloc_usable_size|__libc_malloc|__libc_free|tcache\w*|_int_realloc|realloc|"
                                             r"swift_(slowAlloc|slowDealloc|allocObject|deallocObject|deallocClassInstance))\b", s)),
    ("memcpy/memmove", lambda d, s, m: re.match(r"__(memmove|memcpy|memset|memcmp)", s)),
    ("Swift concurrency/task machinery", lambda d, s, m: "libswift_Concurrency" in d),
    ("exclusivity checks", lambda d, s, m: re.match(r"swift_(beginAccess|endAccess)|swift::runtime::AccessSet", s)),
    ("nghttp2", lambda d, s, m: "libnghttp2" in d),
    ("kernel (syscalls, TCP, scheduling)", lambda d, s, m: "kernel" in d or "vdso" in d),
    ("libc/ld: locks, TLS, formatting", lambda d, s, m: re.search(r"libc\.so|ld-linux|libpthread", d)),
    ("our code (Tally*)", lambda d, s, m: m.startswith("Tally")),
    ("NIO", lambda d, s, m: m.startswith("NIO") or m in ("DequeModule", "_NIODataStructures", "Atomics")),
    ("gRPC", lambda d, s, m: m.startswith("GRPC")),
    ("metrics (swift-metrics, Prometheus)", lambda d, s, m: m in ("CoreMetrics", "Metrics", "Prometheus")),
    ("Swift stdlib (arrays, strings, dictionaries, hashing)", lambda d, s, m: m in ("Swift", "_Concurrency", "Synchronization")),
    ("Swift runtime: metadata, casts, value witnesses", lambda d, s, m: "libswiftCore" in d or "witness" in s
                                                            or s.startswith("__swift")),
]

_WRAPPERS = re.compile(r"(?:merged |static |partial apply (?:forwarder )?for |\(\d+\) (?:suspend|await) resume partial function for |"
                       r"\(extension in [\w.]+\):|reabstraction thunk helper (?:from )?|outlined (?:init with )?(?:copy|destroy|consume)"
                       r" of |protocol witness for |(?:generic |function signature )+specialization )")


def module_of(symbol):
    """The module a demangled Swift symbol belongs to, past specializations and closures; '' for C."""
    symbol = re.sub(r"\((\w+) in _[0-9A-F]+\)", r"\1", symbol)  # private names: (name in _HASH)
    while True:
        m = _WRAPPERS.match(symbol)
        if not m:
            break
        symbol = symbol[m.end():]
        if symbol.startswith("<"):  # a specialization's arguments, then "of"
            depth = 0
            for i, c in enumerate(symbol):
                depth += {"<": 1, ">": -1}.get(c, 0)
                if depth == 0:
                    symbol = symbol[i + 1:].removeprefix(" of ")
                    break
    if re.match(r"(?:implicit )?closure #", symbol) and " in " in symbol:
        return module_of(symbol.rsplit(" in ", 1)[1])
    m = re.match(r"(\w+)\.", symbol)
    return m.group(1) if m else ""


def kind_of(dso, symbol):
    module = module_of(symbol)
    for kind, test in KINDS:
        if test(dso, symbol, module):
            return kind
    return "other"


def profile(top):
    entries = []
    for line in sys.stdin:
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.*?)\s*$", line)
        if m:
            entries.append((float(m.group(1)), m.group(2), m.group(3)))
    totals = {}
    for percent, dso, symbol in entries:
        kind = kind_of(dso, symbol)
        totals[kind] = totals.get(kind, 0) + percent
    print("By kind (self time, % of samples):")
    for kind, percent in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {percent:6.2f}%  {kind}")
    print(f"Top {top} symbols:")
    for percent, dso, symbol in entries[:top]:
        print(f"  {percent:6.2f}%  {kind_of(dso, symbol)[:16]:<16}  {symbol[:150]}")


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "cpu-ticks":
        print(cpu_ticks(args[0]))
    elif command == "peak-rss":
        print(peak_rss(args[0]))
    elif command == "h2load":
        print(h2load(args[0]))
    elif command == "latency":
        print(latency(args[0], int(args[1]) if len(args) > 1 else None))
    elif command == "report":
        report(args[0], args[1:])
    elif command == "profile":
        profile(int(args[0]) if args else 40)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
