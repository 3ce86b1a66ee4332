#!/usr/bin/env python3
"""The soak: a release tallyd on loopback under a steady, mixed load for a bounded time.

  soak.py TALLYD            (settings from the environment, see SETTINGS)

SOAK_CONNECTIONS connections, SOAK_WATCHERS of them with one Watch stream each from the start
version; the others each make a call every SOAK_CALL_INTERVAL seconds. One more connection
publishes one figure every SOAK_PUBLISH_INTERVAL seconds (20 figure ids in turn, so the dataset
stays the same size) and reads /metrics. h2load, a separate client, sends Totals at
SOAK_TOTALS_RPS requests per second for a minute at a time. Every minute one table row: tallyd's
RSS and open descriptors (from /proc), open streams and connections (from /metrics), and the
Totals p50/p99 of that minute (h2load's per-request log).

Passes when, after the warm-up (SOAK_WARMUP_MINUTES), RSS stays within SOAK_RSS_GROWTH_MIB of its
value at the end of the warm-up and open descriptors within SOAK_FD_SLACK of theirs; every
watcher received every published version (each watcher keeps the set of versions it saw); and no
call failed (publishes, the connections' calls, the watches, and every h2load request: HTTP 200,
no error, and response bytes that only correct answers add up to). Exit status 0 on a pass, 1 on a
failure, with the reasons. Loopback only; it stops by itself after SOAK_MINUTES. The bound's
reasoning and the runs so far: RESULTS.md beside this file.
"""
import asyncio
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Interop"))
from protobuf_peer import compile_schema  # noqa: E402  (Tests/Interop: protoc from grpcio-tools)
from h2_async_client import CallFailed, Connection, envelope  # noqa: E402
from totals_load import h2load_totals  # noqa: E402

SETTINGS = {
    "SOAK_MINUTES": 10, "SOAK_CONNECTIONS": 2000, "SOAK_WATCHERS": 1000, "SOAK_PUBLISH_INTERVAL": 1.0,
    "SOAK_CALL_INTERVAL": 30.0, "SOAK_TOTALS_RPS": 100, "SOAK_TOTALS_CLIENTS": 4, "SOAK_WARMUP_MINUTES": 2,
    "SOAK_RSS_GROWTH_MIB": 16, "SOAK_FD_SLACK": 8, "SOAK_NOFILE": 8192,
}
HOST = "127.0.0.1"
RPC = "/tally.v1.Tally/"
TOKEN = "soak-token"
START_DAY = 20089  # 2025-01-01


def setting(name):
    kind = type(SETTINGS[name])
    return kind(os.environ.get(name, SETTINGS[name]))


def log(text):
    print(text, flush=True)


class Soak:
    def __init__(self, tallyd, pb2):
        self.tallyd_path, self.pb2 = tallyd, pb2
        self.minutes, self.total = setting("SOAK_MINUTES"), setting("SOAK_CONNECTIONS")
        self.watchers_wanted = min(setting("SOAK_WATCHERS"), self.total)
        self.directory = tempfile.mkdtemp(prefix="tally-soak-")
        self.failures = []            # one sentence per failed call or broken promise
        self.published = []           # versions acknowledged by Publish
        self.watch_versions = []      # one set per watcher
        self.calls = {"ok": 0, "failed": 0}
        self.rows = []
        self.stopping = False

    def failure(self, text):
        if len(self.failures) < 50:
            self.failures.append(text)
        elif len(self.failures) == 50:
            self.failures.append("(more failures not listed)")

    # -- tallyd ---------------------------------------------------------------------------------

    def start_tallyd(self):
        token = os.path.join(self.directory, "token")
        with open(token, "w") as f:
            f.write(TOKEN)
        limit = setting("SOAK_NOFILE")

        def raise_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

        self.tallyd_log = open(os.path.join(self.directory, "tallyd.log"), "w")
        self.tallyd = subprocess.Popen(
            [self.tallyd_path, "--host", HOST, "--port", "0", "--database", os.path.join(self.directory, "tally.sqlite"),
             "--publish-token-file", token, "--log-level", "notice"],
            stdout=subprocess.PIPE, stderr=self.tallyd_log, preexec_fn=raise_limit, text=True)
        line = self.tallyd.stdout.readline()  # "listening on 127.0.0.1:PORT dataset version N"
        if not line.startswith("listening on "):
            sys.exit(f"tallyd did not start: {line!r}; log in {self.tallyd_log.name}")
        self.port = int(line.split()[2].rsplit(":", 1)[1])
        self.start_version = int(line.split()[-1])

    def rss_mib(self):
        with open(f"/proc/{self.tallyd.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def descriptors(self):
        return len(os.listdir(f"/proc/{self.tallyd.pid}/fd"))

    def cpu_seconds(self):
        with open(f"/proc/{self.tallyd.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    # -- messages -------------------------------------------------------------------------------

    def totals_body(self):
        pb = self.pb2
        request = pb.TotalsRequest(jurisdiction="RU", measure="cases_received_by_courts",
                                   window=pb.Period(start_day=19236, end_day=20239), breakdown=pb.BREAKDOWN_ARTICLE)
        return envelope(request.SerializeToString())

    def publish_body(self, n):
        pb = self.pb2
        figure = pb.Figure(id=f"soak-{n % 20:02d}", category=pb.CATEGORY_PROSECUTION, jurisdiction="UA", measure="verdicts",
                           period=pb.Period(start_day=START_DAY, end_day=START_DAY + 30), kind=pb.FIGURE_KIND_COUNT,
                           value=pb.Quantity(qualifier=pb.QUALIFIER_EXACT, low=n + 1),
                           citations=[pb.Citation(producer="Soak", outlet="Tally soak", document="soak", quote=str(n + 1))])
        return envelope(pb.PublishRequest(figures=[figure], comment=f"soak {n}").SerializeToString())

    def status_of(self, stream):
        status = self.pb2.Status()
        if stream.end_status is None:
            return None
        status.ParseFromString(stream.end_status)
        return status

    # -- the load -------------------------------------------------------------------------------

    async def connect_all(self):
        semaphore = asyncio.Semaphore(100)
        connections = []

        async def one():
            async with semaphore:
                connection = Connection(HOST, self.port)
                await connection.open()
                connections.append(connection)

        await asyncio.gather(*(one() for _ in range(self.total)))
        return connections

    def watch(self, connection, index):
        seen = set()
        self.watch_versions.append(seen)
        pb = self.pb2

        def on_message(payload):
            event = pb.WatchEvent()
            event.ParseFromString(payload)
            if event.HasField("change"):
                seen.add(event.change.version)

        body = envelope(pb.WatchRequest(since_version=self.start_version).SerializeToString())
        stream = connection.request(RPC + "Watch", body, on_message=on_message)

        def ended(future):
            if not self.stopping:
                error = future.exception()
                self.failure(f"watcher {index}: the watch ended early: {error or self.status_of(stream)}")
        stream.done.add_done_callback(ended)

    async def caller(self, connection, index, body):
        interval = setting("SOAK_CALL_INTERVAL")
        await asyncio.sleep(interval * (index % 100) / 100)  # spread over the interval
        while not self.stopping:
            try:
                stream = await connection.call(RPC + "Totals", body)
                status = self.status_of(stream)
                if status is None or status.code != 0 or len(stream.messages) != 1:
                    raise CallFailed(f"status {status}")
                self.calls["ok"] += 1
            except CallFailed as error:
                self.calls["failed"] += 1
                self.failure(f"caller {index}: {error}")
            await asyncio.sleep(interval)

    async def publisher(self, connection):
        interval = setting("SOAK_PUBLISH_INTERVAL")
        n = 0
        while not self.stopping:
            started = time.monotonic()
            try:
                stream = await connection.call(RPC + "Publish", self.publish_body(n), headers=[("authorization", f"Bearer {TOKEN}")])
                status = self.status_of(stream)
                if status is None or status.code != 0:
                    raise CallFailed(f"status {status}")
                response = self.pb2.PublishResponse()
                response.ParseFromString(stream.messages[0])
                self.published.append(response.dataset_version)
            except CallFailed as error:
                self.failure(f"publish {n}: {error}")
            n += 1
            await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))

    # -- the run --------------------------------------------------------------------------------

    async def sample(self, minute, latencies, control):
        metrics = (await control.get("/metrics")).decode()

        def gauge(name):
            for line in metrics.splitlines():
                if line.startswith(name + " ") or line.startswith(name + "{"):
                    return int(float(line.split()[-1]))
            return -1

        latencies = sorted(latencies)
        p50 = statistics.median(latencies) if latencies else float("nan")
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
        row = {"minute": minute, "rss": self.rss_mib(), "fds": self.descriptors(), "streams": gauge("tally_open_streams"),
               "connections": gauge("tally_open_connections"), "p50": p50, "p99": p99, "totals": len(latencies),
               "published": len(self.published), "cpu": self.cpu_seconds()}
        self.rows.append(row)
        log(f"| {minute:>3} | {row['rss']:8.1f} | {row['fds']:5} | {row['streams']:7} | {row['connections']:5} | "
            f"{row['totals']:6} | {p50:7.2f} | {p99:7.2f} | {row['published']:5} | {self.calls['ok']:6} | {row['cpu']:7.1f} |")

    async def run(self):
        self.start_tallyd()
        log(f"tallyd pid {self.tallyd.pid} on {HOST}:{self.port}, dataset version {self.start_version}; "
            f"{self.total} connections ({self.watchers_wanted} watching), {self.minutes} minutes; files in {self.directory}")
        control = Connection(HOST, self.port)
        await control.open()
        probe = await control.call(RPC + "Totals", self.totals_body())
        self.answer_size = sum(5 + len(m) for m in probe.messages) + 5 + len(probe.end_status or b"")
        started = time.monotonic()
        connections = await self.connect_all()
        log(f"{len(connections)} connections open after {time.monotonic() - started:.1f} s")
        for index, connection in enumerate(connections[:self.watchers_wanted]):
            self.watch(connection, index)
        body = self.totals_body()
        tasks = [asyncio.create_task(self.caller(c, i, body)) for i, c in enumerate(connections[self.watchers_wanted:])]
        tasks.append(asyncio.create_task(self.publisher(control)))
        log("| min | RSS MiB | fds   | streams | conns | totals | p50 ms  | p99 ms  | publ. | calls  | cpu s   |")
        log("| --- | ------- | ----- | ------- | ----- | ------ | ------- | ------- | ----- | ------ | ------- |")
        for minute in range(1, self.minutes + 1):
            latencies, problems = await h2load_totals(HOST, self.port, RPC + "Totals", self.totals_body(), 58,
                                                      setting("SOAK_TOTALS_CLIENTS"), setting("SOAK_TOTALS_RPS"),
                                                      self.directory, self.answer_size)
            for problem in problems:
                self.failure(f"minute {minute}: {problem}")
            while time.monotonic() - started < minute * 60:
                await asyncio.sleep(0.2)
            await self.sample(minute, latencies, control)
        self.stopping = True
        await self.finish(connections, control, tasks)

    async def finish(self, connections, control, tasks):
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        # Changes published last are still on their way: give the watchers a bounded moment.
        wanted = set(self.published)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(not wanted <= seen for seen in self.watch_versions):
            await asyncio.sleep(0.2)
        for connection in connections + [control]:
            await connection.close()
        self.tallyd.send_signal(signal.SIGTERM)
        try:
            code = self.tallyd.wait(timeout=30)
            if code != 0:
                self.failure(f"tallyd exited {code} on SIGTERM")
        except subprocess.TimeoutExpired:
            self.tallyd.kill()
            self.failure("tallyd did not exit within 30 s of SIGTERM")
        self.judge(wanted)

    def judge(self, wanted):
        missing = [i for i, seen in enumerate(self.watch_versions) if not wanted <= seen]
        if missing:
            example = self.watch_versions[missing[0]]
            self.failure(f"{len(missing)} watchers missed changes, e.g. watcher {missing[0]} lacks {sorted(wanted - example)[:10]}")
        if len(self.watch_versions) != self.watchers_wanted:
            self.failure(f"{len(self.watch_versions)} watchers instead of {self.watchers_wanted}")
        warm = setting("SOAK_WARMUP_MINUTES")
        after = [row for row in self.rows if row["minute"] >= warm]
        if len(after) >= 2:
            base = after[0]
            rss_growth = max(row["rss"] for row in after) - base["rss"]
            fd_range = (min(row["fds"] for row in after) - base["fds"], max(row["fds"] for row in after) - base["fds"])
            log(f"after the warm-up (minute {warm}): RSS grew at most {rss_growth:.1f} MiB (bound {setting('SOAK_RSS_GROWTH_MIB')}); "
                f"descriptors moved {fd_range[0]:+d}..{fd_range[1]:+d} (bound ±{setting('SOAK_FD_SLACK')})")
            if rss_growth > setting("SOAK_RSS_GROWTH_MIB"):
                self.failure(f"RSS grew {rss_growth:.1f} MiB after the warm-up")
            if max(abs(fd_range[0]), abs(fd_range[1])) > setting("SOAK_FD_SLACK"):
                self.failure(f"open descriptors moved {fd_range} after the warm-up")
        log(f"published {len(self.published)} versions ({self.published[:1]}..{self.published[-1:]}); "
            f"{len(self.watch_versions)} watchers; connection calls ok {self.calls['ok']}, failed {self.calls['failed']}")
        if self.failures:
            log("FAIL:\n  " + "\n  ".join(self.failures))
            sys.exit(1)
        log("PASS")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    limit = setting("SOAK_NOFILE")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(limit, hard), hard))
    asyncio.run(Soak(sys.argv[1], compile_schema()).run())


if __name__ == "__main__":
    main()
