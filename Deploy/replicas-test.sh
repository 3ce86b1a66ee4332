#!/usr/bin/env bash
# make deploy-replicas-test: the replica stack (compose.replicas.yaml: PostgreSQL, three tallyd
# replicas, HAProxy) with podman, driven from the host through the proxy's TLS port:
#   1. a publish through the proxy is served by every replica (each asked directly);
#   2. a watch through the proxy survives `podman kill` of the replica it was on, and receives each
#      later publish exactly once;
#   3. `podman kill` of a replica during a read load loses no read (h2load's Totals calls and a loop
#      of `tally totals`, counted);
#   4. `podman restart` of the database during a read load: no read lost, the next publish succeeds
#      (retried until the database is back, bounded); with the database stopped, replicas say so in
#      /readyz and tally_database_reachable, keep answering reads and refuse Publish (unavailable);
#   5. read throughput through HAProxy with 1 replica and with 3 (h2load, same run).
# Everything is bounded in time; the stack is removed at the end, passed or not.
# Settings (environment): TALLY_PROXY_PORT (8444), READ_SECONDS (15, at least 10), READ_RATE (100
# Totals calls a second during 3 and 4), BENCH_REQUESTS (20000), BENCH_ROUNDS (2), SKIP_BENCH=1,
# TALLY_CLI (the tally client to drive it with; default: built from this tree).
# shellcheck disable=SC2015  # `checks && ... || fail`: fail is what should run when any check fails
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
export CONTAINERS_CONF="$root/Deploy/podman/containers.conf"
PROJECT=tally-replicas-test
export TALLY_PROXY_PORT=${TALLY_PROXY_PORT:-8444}
READ_SECONDS=${READ_SECONDS:-15}
READ_RATE=${READ_RATE:-100}
BENCH_REQUESTS=${BENCH_REQUESTS:-20000}
BENCH_ROUNDS=${BENCH_ROUNDS:-2}
SKIP_BENCH=${SKIP_BENCH:-}
[ "$READ_SECONDS" -ge 10 ] || { echo "READ_SECONDS must be at least 10"; exit 2; }
REPLICAS=(tallyd tallyd2 tallyd3)   # the services, and the proxy's names for them
pids=()

compose() { (cd Deploy && timeout 600 podman-compose -p "$PROJECT" -f compose.replicas.yaml "$@"); }
container() { echo "${PROJECT}_$1_1"; }
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    compose down -v >/dev/null 2>&1 || true
    podman network rm -f "${PROJECT}_backend" "${PROJECT}_frontend" >/dev/null 2>&1 || true
    $SUDO rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

step() { printf '\n== %s\n' "$*"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
since() { echo $(( $(now_ms) - $1 )); }   # ms since a now_ms
logs() {
    local service
    for service in postgres "${REPLICAS[@]}" proxy; do
        echo "--- $(container "$service") ($(podman inspect -f '{{.State.Status}} exit {{.State.ExitCode}}' "$(container "$service")" 2>/dev/null)):"
        podman logs --tail 15 "$(container "$service")" 2>&1 || true
    done
}
fail() { echo "FAILED: $*"; logs; exit 1; }
# A failed check after which the others can still run: reported, and the test fails at the end.
failures=()
soft_fail() { echo "FAILED: $*"; failures+=("$*"); }
# wait_for SECONDS WHAT COMMAND...: until the command succeeds, or fail.
wait_for() {
    local limit=$1 what=$2; shift 2
    local deadline=$(( $(date +%s) + limit ))
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || fail "$what: not within $limit s"
        sleep 0.2
    done
}

# shellcheck source=Deploy/prepare-images.sh
source Deploy/prepare-images.sh
EXTRA_PACKAGES="nghttp2-client curl python3" install_podman
base_image
builder_image
tally_image
podman build --format docker -f Deploy/postgres.Dockerfile -t localhost/tally-postgres:latest Deploy >"$work/pg-build.log" 2>&1 \
    || { tail -30 "$work/pg-build.log"; exit 1; }
podman build --format docker -f Deploy/haproxy.Dockerfile -t localhost/tally-haproxy:latest Deploy >"$work/haproxy-build.log" 2>&1 \
    || { tail -30 "$work/haproxy-build.log"; exit 1; }

local_secrets
openssl rand -hex 32 | tr -d '\n' >Deploy/secrets/db_password
# Read by tallyd (uid 10001) and by the postgres user inside their containers: this throwaway one is
# world-readable.
chmod 644 Deploy/secrets/db_password
if [ -n "${TALLY_CLI:-}" ]; then
    tally_bin=$TALLY_CLI   # another tally client to drive the test with
else
    swift build --product tally >/dev/null
    tally_bin="$(swift build --show-bin-path)/tally"
fi
# From the host, as a user would: the published port on loopback, TLS verified with the local CA.
# No local snapshot, so a read that fails cannot be answered offline instead.
export TALLY_SERVER="https://localhost:$TALLY_PROXY_PORT" TALLY_DATA_DIR="$work/data"
tally() { "$tally_bin" "$@" --cacert Deploy/certs/ca.pem; }
publish() { tally publish "$@" --token-file Deploy/secrets/publish_token --format json; }
version() { sed -E 's/.*"dataset_version" *: *([0-9]+).*/\1/' <<<"$1"; }

# A replica asked directly, from the host inside its network namespace (tallyd's own port, h2c).
at_replica() { local pid; pid=$(podman inspect -f '{{.State.Pid}}' "$(container "$1")") && shift && nsenter -t "$pid" -n "$@"; }
replica_version() { version "$(at_replica "$1" timeout 5 "$tally_bin" health --server http://127.0.0.1:8080 --timeout 3 --format json 2>/dev/null | tr -d ' \n')"; }
replica_at() { [ "$(replica_version "$1")" -ge "$2" ] 2>/dev/null; }
replica_get() { at_replica "$1" curl -sS -m 3 --http2-prior-knowledge "http://127.0.0.1:8080$2"; }
replica_reachable_metric() { replica_get "$1" /metrics | awk '$1 == "tally_database_reachable" {print $2 + 0}'; }
# HAProxy's runtime API, through the proxy container's root (the socket is inside it).
haproxy_cmd() {
    local pid
    pid=$(podman inspect -f '{{.State.Pid}}' "$(container proxy)")
    python3 - "/proc/$pid/root/tmp/haproxy.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
out = b""
while chunk := s.recv(65536):
    out += chunk
sys.stdout.write(out.decode())
PY
}
# proxy_stat SERVER FIELD: a field of `show stat` for one of the backend's servers (or BACKEND).
proxy_stat() {
    haproxy_cmd "show stat" | python3 -c '
import csv, sys
rows = csv.DictReader(line[2:] if line.startswith("# ") else line for line in sys.stdin if line.strip())
print(next((r[sys.argv[2]] for r in rows if r["pxname"] == "tallyd" and r["svname"] == sys.argv[1]), "") or 0)' "$1" "$2"
}
# Per server: state, answers 2xx, connection errors, response errors, retries, redispatches.
proxy_stats() {
    local server
    for server in "${REPLICAS[@]}" BACKEND; do
        printf '  %-8s %-5s 2xx=%-7s connection_errors=%s response_errors=%s retries=%s redispatches=%s\n' "$server" \
            "$(proxy_stat "$server" status)" "$(proxy_stat "$server" hrsp_2xx)" "$(proxy_stat "$server" econ)" "$(proxy_stat "$server" eresp)" \
            "$(proxy_stat "$server" wretr)" "$(proxy_stat "$server" wredis)"
    done
}
# CPU seconds a container has used so far (podman stats' cpu_time, a Go duration such as 1m2.5s).
container_cpu() {
    podman stats --no-stream --format json "$(container "$1")" 2>/dev/null | python3 -c '
import json, re, sys
units = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "\u00b5s": 1e-6, "ns": 1e-9}
text = json.load(sys.stdin)[0]["cpu_time"]
print(round(sum(float(n) * units[u] for n, u in re.findall(r"([0-9.]+)([a-z\u00b5]+)", text)), 2))'
}
server_up() { [ "$(proxy_stat "$1" status)" = UP ]; }

figure() {  # id: a dataset file with one figure (Ukraine: it changes no Russian total)
    cat <<YAML
figures:
  - id: $1
    category: prosecution
    jurisdiction: UA
    measure: verdicts
    articles: []
    period: 2025-05-01..2025-05-31
    kind: count
    value: "1"
    citations:
      - producer: Replicas test
        outlet: Tally
        published: unknown
        document: replicas-test
        quote: "one"
YAML
}

step "starting PostgreSQL"
t=$(now_ms)
compose up -d postgres >"$work/up.log" 2>&1 || { tail -40 "$work/up.log"; exit 1; }
# podman 4.3 schedules no health checks and ignores depends_on's condition: run the image's own.
wait_for 120 "PostgreSQL healthy" podman healthcheck run "$(container postgres)"
echo "PostgreSQL healthy $(since "$t") ms after 'up' (first start: cluster, role and database made)"
[ "$(podman exec "$(container postgres)" psql -U postgres -Atc "select rolpassword like 'SCRAM-SHA-256\$%' from pg_authid where rolname = 'tally'")" = t ] \
    || fail "the tally role has no scram-sha-256 password"

step "starting three replicas and the proxy"
t=$(now_ms)
compose up -d >>"$work/up.log" 2>&1 || { tail -40 "$work/up.log"; exit 1; }
for r in "${REPLICAS[@]}"; do
    wait_for 180 "$r healthy" podman healthcheck run "$(container "$r")"
    echo "$r healthy $(since "$t") ms after 'up'"
done
wait_for 60 "the proxy answering" tally health
echo "ready through the proxy $(since "$t") ms after 'up'"
proxy_stats

step "1. a publish through the proxy is served by every replica"
v0=$(version "$(tally health --format json | tr -d ' \n')")
figure replicas-test-1 >"$work/f1.yaml"
t=$(now_ms)
v1=$(version "$(publish "$work/f1.yaml" | tr -d ' \n')")
published_ms=$(since "$t")
[ "$v1" = $((v0 + 1)) ] || fail "the publish made version $v1 after $v0"
t=$(now_ms)
declare -A seen=()
deadline=$(( $(date +%s) + 10 ))
while [ ${#seen[@]} -lt ${#REPLICAS[@]} ]; do
    for r in "${REPLICAS[@]}"; do
        [ -z "${seen[$r]:-}" ] && replica_at "$r" "$v1" && seen[$r]=$(since "$t")
    done
    [ "$(date +%s)" -lt "$deadline" ] || fail "not every replica serves v$v1 within 10 s: ${!seen[*]}"
done
echo "published v$v1 through the proxy in $published_ms ms; each replica, asked directly, serves it $(for r in "${REPLICAS[@]}"; do printf '%s %s ms, ' "$r" "${seen[$r]}"; done | sed 's/, $//') after the publish returned"

step "2. a watch through the proxy survives the kill of its replica"
timeout 120 "$tally_bin" watch --cacert Deploy/certs/ca.pem --since "$v1" --format json >"$work/watch.log" 2>"$work/watch.err" &
watcher=$!
pids+=("$watcher")
watch_server() { haproxy_cmd "show sess" | grep -o ' srv=tallyd[0-9]*' | head -1 | cut -d= -f2; }
watch_placed() { [ -n "$(watch_server)" ]; }
wait_for 15 "the watch's stream at the proxy" watch_placed
victim=$(watch_server)
echo "the watch is on $victim; killing it"
t_kill=$(now_ms)
timeout 60 podman kill "$(container "$victim")" >/dev/null
figure replicas-test-2 >"$work/f2.yaml"
figure replicas-test-3 >"$work/f3.yaml"
t=$(now_ms)
v2=$(version "$(publish "$work/f2.yaml" | tr -d ' \n')")
echo "the next publish (v$v2) answered $(since "$t") ms after the kill"
watch_lines() { grep -c . "$work/watch.log" || true; }
watch_wait() {  # lines, seconds: until the watch printed that many, or it ended, or the time is up
    local deadline=$(( $(date +%s) + $2 ))
    while [ "$(watch_lines)" -lt "$1" ] && kill -0 "$watcher" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
    [ "$(watch_lines)" -ge "$1" ]
}
if watch_wait 1 30; then
    echo "the watch printed v$v2 $(since "$t_kill") ms after the kill"
fi
v3=$(version "$(publish "$work/f3.yaml" | tr -d ' \n')")
watch_wait 2 15 || true
sleep 2   # anything printed twice would show now
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true
if [ "$(watch_lines)" = 2 ] && grep replicas-test-2 "$work/watch.log" | grep -q "\"version\" *: *${v2}[,}]" \
    && grep replicas-test-3 "$work/watch.log" | grep -q "\"version\" *: *${v3}[,}]"; then
    echo "the watch printed v$v2 and v$v3 exactly once each; it said: $(tr '\n' ' ' <"$work/watch.err")"
else
    soft_fail "the watch did not print v$v2 and v$v3 exactly once each across the kill of $victim: it printed $(watch_lines) lines and said: $(tr '\n' ' ' <"$work/watch.err")"
    cat "$work/watch.log"
fi
t=$(now_ms)
timeout 120 podman start "$(container "$victim")" >/dev/null
wait_for 60 "$victim back" replica_at "$victim" "$v3"
echo "$victim started again: serves v$v3 (caught up from its mirror) $(since "$t") ms after 'podman start'"
wait_for 30 "the proxy seeing $victim up" server_up "$victim"

# The read load, for READ_SECONDS: h2load's Totals calls through the proxy (4 connections, no
# retries of its own: only HAProxy's), and `tally totals` in a loop (one process and TLS connection
# a call, answers compared).
python3 - "$work/request.bin" <<'PY'
# TotalsRequest{jurisdiction: "RU", measure: "cases_received_by_courts", window: 2022-09-01..2025-05-31,
# breakdown: ARTICLE}, encoded by hand (Proto/tally.proto), in an uncompressed envelope.
import struct, sys
def varint(n):
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        out += bytes([b | (0x80 if n else 0)])
        if not n: return out
def field(number, wire, payload):
    return varint(number << 3 | wire) + (varint(len(payload)) + payload if wire == 2 else payload)
zigzag = lambda n: (n << 1) ^ (n >> 31)
period = field(1, 0, varint(zigzag(19236))) + field(2, 0, varint(zigzag(20239)))
message = field(1, 2, b"RU") + field(2, 2, b"cases_received_by_courts") + field(4, 2, period) + field(5, 0, varint(1))
open(sys.argv[1], "wb").write(b"\0" + struct.pack(">I", len(message)) + message)
PY
totals_url="https://127.0.0.1:$TALLY_PROXY_PORT/tally.v1.Tally/Totals"
code=$(curl -sS --cacert Deploy/certs/ca.pem --http2 -H 'content-type: application/tally+proto' --data-binary @"$work/request.bin" \
    -o "$work/totals.body" -w '%{http_code} %{http_version}' "$totals_url")
[ "$code" = "200 2" ] || fail "Totals through the proxy answered $code"
body_size=$(stat -c %s "$work/totals.body")
# A message (flag 0), then the end-of-stream envelope (flag 2) with an empty status: OK.
[ "$(head -c 1 "$work/totals.body" | od -An -tx1 | tr -d ' ')" = 00 ] && [ "$body_size" -gt 100 ] \
    && [ "$(tail -c 5 "$work/totals.body" | od -An -tx1 | tr -d ' ')" = 0200000000 ] \
    || fail "Totals through the proxy answered no message, or not OK ($body_size bytes): $(head -c 16 "$work/totals.body" | od -An -tx1) ... $(tail -c 16 "$work/totals.body" | od -An -tx1)"
totals_args=(totals --jurisdiction RU --from 2022-09-01 --to 2025-05-31 --by article --format json --timeout 10)
tally "${totals_args[@]}" | grep -v '"dataset_version"' >"$work/totals.expected"

start_reads() {  # label: starts the load in the background
    local label=$1 n=$(( READ_SECONDS * READ_RATE ))
    timeout $(( READ_SECONDS * 3 + 30 )) h2load -n "$n" -c 4 --rps $(( READ_RATE / 4 )) -t 1 -d "$work/request.bin" \
        -H 'content-type: application/tally+proto' "$totals_url" >"$work/h2load.$label" 2>&1 &
    h2load_pid=$!
    pids+=("$h2load_pid")
    (
        end=$(( $(date +%s) + READ_SECONDS )); ok=0; bad=0
        while [ "$(date +%s)" -lt "$end" ]; do
            if tally "${totals_args[@]}" >"$work/loop.out" 2>"$work/loop.err" \
                && grep -v '"dataset_version"' "$work/loop.out" | cmp -s - "$work/totals.expected"; then
                ok=$((ok + 1))
            else
                bad=$((bad + 1)); { date +%T.%N; cat "$work/loop.out" "$work/loop.err"; } >>"$work/loop.failures.$label"
            fi
        done
        echo "$ok $bad" >"$work/loop.$label"
    ) &
    loop_pid=$!
    pids+=("$loop_pid")
    reads_started=$(now_ms)
}
check_reads() {  # label, what: waits for the load to end, checks every read succeeded, prints the counts
    local label=$1 what=$2 n=$(( READ_SECONDS * READ_RATE )) out requests codes data ok bad
    wait "$h2load_pid" || { cat "$work/h2load.$label"; fail "h2load failed ($what)"; }
    wait "$loop_pid" || true
    out="$work/h2load.$label"
    requests=$(grep '^requests:' "$out")
    codes=$(grep '^status codes:' "$out")
    data=$(sed -nE 's/^traffic:.*\(([0-9]+)\) data.*/\1/p' "$out")
    read -r ok bad <"$work/loop.$label"
    [[ $requests == "requests: $n total, $n started, $n done, $n succeeded, 0 failed, 0 errored, 0 timeout" ]] \
        && [[ $codes == "status codes: $n 2xx, 0 3xx, 0 4xx, 0 5xx" ]] && [ "$data" = $(( n * body_size )) ] \
        || { cat "$out"; fail "$what: not every h2load read succeeded in full (expected $(( n * body_size )) data bytes, got $data)"; }
    [ "$bad" = 0 ] && [ "$ok" -gt 0 ] || { cat "$work/loop.failures.$label" 2>/dev/null; fail "$what: $bad of $((ok + bad)) tally totals calls failed"; }
    echo "reads during $what: $n of $n h2load Totals calls answered in full ($(sed -nE 's/^finished in ([^,]+),.*/\1/p' "$out"), $(grep -E '^time for request:' "$out" | awk '{print "mean " $6 ", max " $5}')); $ok of $ok tally totals calls, each the expected answer"
    [ -s "$work/loop.err" ] && echo "  (the last tally call said: $(tr '\n' ' ' <"$work/loop.err"))"
    return 0
}

step "3. podman kill of a replica during ${READ_SECONDS} s of reads"
victim=tallyd2
start_reads kill
sleep 4
t_kill=$(now_ms)
timeout 60 podman kill "$(container "$victim")" >/dev/null
echo "killed $victim $(( t_kill - reads_started )) ms into the reads"
check_reads kill "the kill of $victim"
proxy_stats
t=$(now_ms)
timeout 120 podman start "$(container "$victim")" >/dev/null
wait_for 60 "$victim back" replica_at "$victim" "$v3"
echo "$victim started again: serves v$v3 $(since "$t") ms after 'podman start'"
wait_for 30 "the proxy seeing $victim up" server_up "$victim"

step "4. podman restart of PostgreSQL during ${READ_SECONDS} s of reads"
# A sampler of the replicas' own view while it happens: /readyz's text and tally_database_reachable.
(
    while :; do
        for r in "${REPLICAS[@]}"; do
            printf '%s %s readyz=%s reachable=%s\n' "$(date +%T.%N | cut -c1-12)" "$r" \
                "$(replica_get "$r" /readyz 2>/dev/null | tr -d '\n')" "$(replica_reachable_metric "$r" 2>/dev/null)"
        done
        sleep 0.2
    done
) >"$work/sampler.log" 2>/dev/null &
sampler=$!
pids+=("$sampler")
start_reads restart
sleep 3
t=$(now_ms)
timeout 120 podman restart "$(container postgres)" >/dev/null
restart_ms=$(since "$t")
echo "podman restart of PostgreSQL took $restart_ms ms ($(( t - reads_started )) ms into the reads)"
# The next publish: retried until the database is back (bounded). --expect-version makes a retry
# safe: an attempt that committed but whose answer was lost cannot be applied twice.
figure replicas-test-4 >"$work/f4.yaml"
t=$(now_ms)
attempts=0
until publish "$work/f4.yaml" --expect-version "$v3" >"$work/publish4.out" 2>"$work/publish4.err"; do
    attempts=$((attempts + 1))
    [ "$attempts" = 1 ] && first_error=$(tr '\n' ' ' <"$work/publish4.err")
    [ "$(since "$t")" -lt 60000 ] || fail "no publish succeeded within 60 s of the restart: $(cat "$work/publish4.err")"
    sleep 0.25
done
v4=$(version "$(tr -d ' \n' <"$work/publish4.out")")
[ "$v4" = $((v3 + 1)) ] || fail "the publish after the restart made v$v4, not v$((v3 + 1))"
echo "the next publish succeeded $(since "$t") ms after the restart returned, after $attempts failed attempts${first_error:+ (first: $first_error)}"
check_reads restart "the database restart"
kill "$sampler" 2>/dev/null || true
if grep -q 'reachable=0' "$work/sampler.log"; then
    echo "seen during the restart: $(grep 'reachable=0' "$work/sampler.log" | head -1)"
else
    echo "(the outage was too short for the sampler to see a replica say so)"
fi
t=$(now_ms)
for r in "${REPLICAS[@]}"; do wait_for 10 "$r serves v$v4" replica_at "$r" "$v4"; done
echo "every replica serves v$v4 $(since "$t") ms after the publish"

step "4b. PostgreSQL stopped: replicas keep reading, say so, refuse publishes; then catch up"
t=$(now_ms)
timeout 120 podman stop -t 10 "$(container postgres)" >/dev/null
echo "stopped in $(since "$t") ms"
database_back() { [ "$(replica_reachable_metric "$1")" = 1 ]; }
database_away() { [ "$(replica_reachable_metric "$1")" = 0 ] && replica_get "$1" /readyz | grep -qi 'unreachable\|unavailable'; }
for r in "${REPLICAS[@]}"; do
    wait_for 15 "$r saying the database is away" database_away "$r"
    code=$(at_replica "$r" curl -s -o /dev/null -w '%{http_code}' -m 3 --http2-prior-knowledge http://127.0.0.1:8080/readyz)
    [ "$code" = 200 ] || fail "$r's /readyz answered $code with the database away"
    echo "$r: /readyz 200 \"$(replica_get "$r" /readyz | tr -d '\n')\", tally_database_reachable 0"
done
tally "${totals_args[@]}" | grep -v '"dataset_version"' | cmp -s - "$work/totals.expected" || fail "a read failed with the database away"
figure replicas-test-5 >"$work/f5.yaml"
if publish "$work/f5.yaml" --expect-version "$v4" >"$work/publish5.out" 2>"$work/publish5.err"; then
    fail "a publish succeeded with the database stopped: $(cat "$work/publish5.out")"
fi
grep -qi unavailable "$work/publish5.err" || fail "the publish failed otherwise than unavailable: $(cat "$work/publish5.err")"
echo "reads answered; Publish refused: $(tr '\n' ' ' <"$work/publish5.err")"
t=$(now_ms)
timeout 120 podman start "$(container postgres)" >/dev/null
until publish "$work/f5.yaml" --expect-version "$v4" >"$work/publish5.out" 2>"$work/publish5.err"; do
    [ "$(since "$t")" -lt 60000 ] || fail "no publish succeeded within 60 s of the start: $(cat "$work/publish5.err")"
    sleep 0.25
done
v5=$(version "$(tr -d ' \n' <"$work/publish5.out")")
echo "PostgreSQL started again: a publish (v$v5) succeeded $(since "$t") ms after 'podman start'"
for r in "${REPLICAS[@]}"; do
    wait_for 15 "$r serving v$v5" replica_at "$r" "$v5"
    wait_for 15 "$r seeing the database again" database_back "$r"
done
echo "every replica serves v$v5 and sees the database again"

if [ -z "$SKIP_BENCH" ]; then
    step "5. read throughput through HAProxy: 1 replica, then 3 (h2load -n $BENCH_REQUESTS -c 8 -m 10, Totals)"
    set_servers() {  # how many of the replicas the proxy uses
        local i
        for i in 1 2; do
            if [ "$1" -gt "$i" ]; then haproxy_cmd "enable server tallyd/${REPLICAS[$i]}" >/dev/null
            else haproxy_cmd "disable server tallyd/${REPLICAS[$i]}" >/dev/null; fi
        done
        sleep 1
    }
    bench() {  # replicas, output: prints req/s, where the answers came from, and CPU seconds used
        local out=$2 r before=() after=() cpu0=() cpu1=() spread="" cpu="" h2load_cpu
        set_servers "$1"
        for r in "${REPLICAS[@]}"; do before+=("$(proxy_stat "$r" hrsp_2xx)"); done
        for r in proxy "${REPLICAS[@]}"; do cpu0+=("$(container_cpu "$r")"); done
        local stat0 stat1
        stat0=$(head -1 /proc/stat)
        # `times` in the subshell: the CPU time of its children, h2load.
        ( timeout 300 h2load -n "$BENCH_REQUESTS" -c 8 -m 10 -t 1 -d "$work/request.bin" \
            -H 'content-type: application/tally+proto' "$totals_url" >"$out" 2>&1; status=$?; times >"$out.cpu"; exit $status ) \
            || { cat "$out"; fail "h2load failed"; }
        stat1=$(head -1 /proc/stat)
        for r in proxy "${REPLICAS[@]}"; do cpu1+=("$(container_cpu "$r")"); done
        for r in "${REPLICAS[@]}"; do after+=("$(proxy_stat "$r" hrsp_2xx)"); done
        h2load_cpu=$(tail -1 "$out.cpu" | python3 -c '
import re, sys
print(round(sum(int(m) * 60 + float(s) for m, s in re.findall(r"([0-9]+)m([0-9.]+)s", sys.stdin.read())), 2))')
        local names=(proxy "${REPLICAS[@]}")
        for i in 0 1 2 3; do cpu="$cpu ${names[$i]}=$(python3 -c "print(round(${cpu1[$i]} - ${cpu0[$i]}, 2))")"; done
        # The whole machine over the run (other builds included): the share of its CPU time idle.
        cpu="$cpu; machine idle $(python3 -c '
import sys
a, b = ([int(x) for x in l.split()[1:]] for l in sys.argv[1:3])
d = [y - x for x, y in zip(a, b)]
print(f"{100 * (d[3] + d[4]) / sum(d):.0f}%")' "$stat0" "$stat1")"
        grep -q "^status codes: $BENCH_REQUESTS 2xx" "$out" && [ "$(sed -nE 's/^traffic:.*\(([0-9]+)\) data.*/\1/p' "$out")" = $(( BENCH_REQUESTS * body_size )) ] \
            || { cat "$out"; fail "not every benchmark request was answered in full"; }
        for i in 0 1 2; do spread="$spread ${REPLICAS[$i]}=$(( after[i] - before[i] ))"; done
        printf '%s req/s in %s (answers:%s; CPU s: h2load=%s%s)\n' "$(sed -nE 's/^finished in [^,]+, ([0-9.]+) req\/s.*/\1/p' "$out")" \
            "$(sed -nE 's/^finished in ([^,]+),.*/\1/p' "$out")" "$spread" "$h2load_cpu" "$cpu"
    }
    set_servers 3
    result=$(BENCH_REQUESTS=2000 bench 3 "$work/bench.warmup") || { echo "$result"; exit 1; }
    echo "warm-up: $result"
    one=() three=()
    for round in $(seq "$BENCH_ROUNDS"); do
        result=$(bench 1 "$work/bench.1.$round") || { echo "$result"; exit 1; }
        echo "round $round, 1 replica:  $result"; one+=("${result%% *}")
        result=$(bench 3 "$work/bench.3.$round") || { echo "$result"; exit 1; }
        echo "round $round, 3 replicas: $result"; three+=("${result%% *}")
    done
    set_servers 3
    python3 - "${one[*]}" "${three[*]}" <<'PY'
import statistics, sys
one = [float(x) for x in sys.argv[1].split()]
three = [float(x) for x in sys.argv[2].split()]
m1, m3 = statistics.median(one), statistics.median(three)
print(f"median: 1 replica {m1:.0f} req/s, 3 replicas {m3:.0f} req/s, ratio 3/1 = {m3 / m1:.2f}")
PY
    echo "(all of it on this machine's $(nproc) cores: h2load, HAProxy's TLS, the replicas, PostgreSQL, and other builds)"
fi

step "stopping"
proxy_stats
compose down -v >/dev/null 2>&1
if [ ${#failures[@]} -gt 0 ]; then
    echo "deploy-replicas-test FAILED ${#failures[@]} check(s):"
    printf '  - %s\n' "${failures[@]}"
    exit 1
fi
echo "deploy-replicas-test passed"
