"""The sync benchmark's measurements (run by run.sh): one table row per dataset size.

Every time is a process's wall time, start to exit, taken by os.wait4 with the child's peak RSS;
the sync's own time is what `tally sync --format json` reports ("seconds": the sync call alone,
without process start and exit); the publish's server time is the Publish route's histogram sum
in tallyd's /metrics. Medians over ROUNDS publish-and-delta rounds.

The full sync's CPU seconds are counted on both sides (client and server share the machine's
cores), and the floor of SQLite alone is timed by copying the client's finished copy, through the
same libsqlite3 with the copy's settings, into an empty file: once with the copy's own schema
(tables, then its indexes), once as figure rows only (id, revision, body). What a full sync costs
beyond that floor is receiving, decoding, hashing and flushing.
"""
import json, os, re, socket, sqlite3, statistics, subprocess, sys, tempfile, time

bin_dir, rounds, sizes = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3:]]


def run(argv, env=None, stdout=subprocess.PIPE, cpu=None):
    """Runs argv to exit; returns (seconds, peak RSS in bytes, stdout); `cpu`, a list, gets its CPU seconds."""
    start = time.monotonic()
    process = subprocess.Popen(argv, env=env, stdout=stdout, stderr=subprocess.PIPE)
    out = process.stdout.read() if stdout == subprocess.PIPE else b""
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed: {err.decode(errors='replace')}")
    if cpu is not None:
        cpu.append(usage.ru_utime + usage.ru_stime)
    return elapsed, usage.ru_maxrss * 1024, out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid):
    """User and system CPU of a running process, all threads, from /proc/PID/stat."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sqlite_floor(copy, work):
    """Seconds SQLite alone takes to build `copy` again (see the module's doc): (its schema, rows only)."""
    timings = []
    source = sqlite3.connect(copy)
    tables = [sql for (sql,) in source.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ('figure', 'citation') ORDER BY name DESC")]
    indexes = [sql for (sql,) in source.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('figure', 'citation')")]
    source.close()
    rows_only = ["CREATE TABLE figure (id TEXT PRIMARY KEY NOT NULL, revision INTEGER NOT NULL, body BLOB NOT NULL) WITHOUT ROWID"]
    for schema, copies, built in [(tables, ["INSERT INTO figure SELECT * FROM old.figure ORDER BY id",
                                            "INSERT INTO citation SELECT * FROM old.citation ORDER BY figure_id, position"], indexes),
                                  (rows_only, ["INSERT INTO figure SELECT id, revision, body FROM old.figure ORDER BY id"], [])]:
        path = f"{work}/floor.sqlite"
        if os.path.exists(path):
            os.remove(path)
        connection = sqlite3.connect(path, isolation_level=None)
        for pragma in ["page_size = 4096", "journal_mode = OFF", "synchronous = OFF", "cache_size = -16384", "threads = 2"]:
            connection.execute(f"PRAGMA {pragma}")
        connection.execute("ATTACH ? AS old", (copy,))
        for sql in schema:
            connection.execute(sql)
        start = time.monotonic()
        connection.execute("BEGIN")
        for sql in copies + built:
            connection.execute(sql)
        connection.execute("COMMIT")
        timings.append(time.monotonic() - start)
        connection.close()
        os.remove(path)
    return timings


def http2_get(port, path):
    """tallyd speaks HTTP/2 only; curl does the HTTP/2 for the metrics scrape."""
    return subprocess.run(["curl", "-sf", "--http2-prior-knowledge", f"http://127.0.0.1:{port}{path}"],
                          capture_output=True, check=True, timeout=30).stdout.decode()


def measure(size, work):
    db = f"{work}/tally.sqlite"
    generate_s, _, _ = run([f"{bin_dir}/TallySyncFixture", "store", db, str(size)])
    with sqlite3.connect(db) as connection:
        figures, canonical = connection.execute("SELECT COUNT(*), SUM(LENGTH(body)) FROM figure").fetchone()
    open(f"{work}/token", "w").write("token-for-bench\n")
    port = free_port()
    server = subprocess.Popen([f"{bin_dir}/tallyd", "--host", "127.0.0.1", "--port", str(port), "--database", db,
                               "--publish-token-file", f"{work}/token", "--log-level", "warning"],
                              stdout=subprocess.PIPE, stderr=open(f"{work}/tallyd.err", "w"))
    try:
        line = server.stdout.readline().decode()
        if "listening on" not in line:
            sys.exit(f"tallyd did not start: {line}{open(f'{work}/tallyd.err').read()}")
        env = dict(os.environ, TALLY_SERVER=f"http://127.0.0.1:{port}", TALLY_DATA_DIR=f"{work}/data")
        client_cpu, server_before = [], cpu_seconds(server.pid)
        full_s, full_rss, out = run([f"{bin_dir}/tally", "sync", "--format", "json", "--timeout", "600"], env, cpu=client_cpu)
        server_cpu = cpu_seconds(server.pid) - server_before
        full = json.loads(out)
        assert full["kind"] == "full" and full["figures"] == figures, full
        serving_rss = peak_rss(server.pid)
        deltas, delta_syncs, delta_rss, publishes, publish_server = [], [], 0, [], []
        for round in range(1, rounds + 1):
            changes = f"{work}/changes-{round}.yaml"
            run([f"{bin_dir}/TallySyncFixture", "changes", str(size), "100", str(round), changes])
            before = publish_metric(port)
            seconds, _, _ = run([f"{bin_dir}/tally", "publish", changes, "--token-file", f"{work}/token"], env)
            publishes.append(seconds)
            publish_server.append(publish_metric(port) - before)
            seconds, rss, out = run([f"{bin_dir}/tally", "sync", "--format", "json"], env)
            delta = json.loads(out)
            assert delta["kind"] == "delta" and delta["figures"] == 100, delta
            deltas.append(seconds)
            delta_syncs.append(delta["seconds"])
            delta_rss = max(delta_rss, rss)
        # Last: reading the copy from another process first raised the next delta's peak RSS (40 → 48 MB at 100k).
        floor_schema, floor_rows = sqlite_floor(f"{work}/data/snapshot.sqlite", work)
        return dict(size=figures, generate_s=generate_s, canonical=canonical, full_s=full_s, full_bytes=full["bytes"],
                    full_sync_s=full["seconds"], full_client_cpu=client_cpu[0], full_server_cpu=server_cpu,
                    floor_schema=floor_schema, floor_rows=floor_rows, disk=os.path.getsize(f"{work}/data/snapshot.sqlite"),
                    delta_s=statistics.median(deltas), delta_sync_s=statistics.median(delta_syncs), delta_bytes=delta["bytes"],
                    publish_s=statistics.median(publishes), publish_server_s=statistics.median(publish_server),
                    server_rss=peak_rss(server.pid), serving_rss=serving_rss, full_client_rss=full_rss, delta_client_rss=delta_rss)
    finally:
        server.terminate()
        server.wait(timeout=60)


def publish_metric(port):
    text = http2_get(port, "/metrics")
    match = re.search(r'^tally_request_duration_seconds_sum\{route="Publish"\} (\S+)$', text, re.M)
    return float(match.group(1)) if match else 0.0


rows = []
for size in sizes:
    with tempfile.TemporaryDirectory(prefix="tally-sync-bench-") as work:
        rows.append(measure(size, work))
        print(f"measured {size:,}", file=sys.stderr, flush=True)

mb = lambda n: f"{n / 1e6:.1f} MB"
ms = lambda s: f"{s * 1000:.0f} ms"
print(f"Sync benchmark, release builds, medians of {rounds} rounds for publish and delta; load {os.getloadavg()[0]:.1f}")
print("| figures | full sync | bytes received (× canonical) | on disk | delta of 100: process (sync) | publish of 100: process (server) | server peak RSS (serving the full sync) | client peak RSS full / delta |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['size']:,} | {r['full_s']:.2f} s | {r['full_bytes']:,} ({r['full_bytes'] / r['canonical']:.2f}×) | {mb(r['disk'])} "
          f"| {ms(r['delta_s'])} ({ms(r['delta_sync_s'])}), {r['delta_bytes']:,} B | {ms(r['publish_s'])} ({ms(r['publish_server_s'])}) "
          f"| {mb(r['server_rss'])} ({mb(r['serving_rss'])}) | {mb(r['full_client_rss'])} / {mb(r['delta_client_rss'])} |")
if len(rows) > 1:
    first, last = rows[0], rows[-1]
    print(f"delta process at {last['size']:,} / at {first['size']:,}: {last['delta_s'] / first['delta_s']:.2f}×; "
          f"sync itself {last['delta_sync_s'] / first['delta_sync_s']:.2f}×")
print()
print("| figures | full sync | its CPU: client + tallyd | SQLite alone: the copy's schema / figure rows only |")
print("|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['size']:,} | {r['full_s']:.2f} s | {r['full_client_cpu']:.2f} + {r['full_server_cpu']:.2f} s "
          f"| {r['floor_schema']:.2f} s / {r['floor_rows']:.2f} s |")
