#!/usr/bin/env bash
# HTTP/2 benchmark: tallyd's Totals call next to nghttpd answering a POST with a static response of
# the same size, same h2load settings, same run. Loopback only; bounded by request count and time.
# Prints requests/s, mean latency and server peak memory for both, and the ratio.
#
# Settings (environment): REQUESTS (default 50000), CLIENTS (8), STREAMS per client (10).
set -euo pipefail
cd "$(dirname "$0")/../.."
REQUESTS=${REQUESTS:-50000}
CLIENTS=${CLIENTS:-8}
STREAMS=${STREAMS:-10}
PYTHON=${PYTHON:-.venv/bin/python}

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "Building tallyd (release)..."
swift build -c release --product tallyd >/dev/null
TALLYD=$(swift build -c release --show-bin-path)/tallyd

# The request: intake since mobilisation, by article (the answer carries figures and citations).
"$PYTHON" - "$work/request.bin" <<'PY'
import struct, sys
sys.path.insert(0, "Tests/Interop")
import protobuf_peer
pb = protobuf_peer.compile_schema()
request = pb.TotalsRequest(jurisdiction="RU", measure="cases_received_by_courts",
                           window=pb.Period(start_day=19236, end_day=20239), breakdown=pb.BREAKDOWN_ARTICLE)
payload = request.SerializeToString()
open(sys.argv[1], "wb").write(b"\0" + struct.pack(">I", len(payload)) + payload)
PY

tally_port=$(free_port)
"$TALLYD" --host 127.0.0.1 --port "$tally_port" --database "$work/tally.sqlite" --log-level warning >"$work/tallyd.out" 2>"$work/tallyd.err" &
pids+=($!); tally_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/tallyd.out" 2>/dev/null && break; sleep 0.1; done

# One real answer, to size the static file nghttpd serves.
mkdir -p "$work/www"
curl -sS --http2-prior-knowledge -H 'content-type: application/tally+proto' --data-binary @"$work/request.bin" \
    -o "$work/www/totals" "http://127.0.0.1:$tally_port/tally.v1.Tally/Totals"
size=$(stat -c %s "$work/www/totals")

nghttpd_port=$(free_port)
# Two worker threads, as tallyd has (one event loop per core on this 2-core machine).
nghttpd --no-tls -n 2 -a 127.0.0.1 -d "$work/www" "$nghttpd_port" >/dev/null 2>&1 &
pids+=($!); nghttpd_pid=$!
sleep 0.5

load() {  # url, label, pid
    local args=(-n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" -t 1 -d "$work/request.bin" -H 'content-type: application/tally+proto')
    timeout 120 h2load -n 2000 -c "$CLIENTS" -m "$STREAMS" -t 1 -d "$work/request.bin" -H 'content-type: application/tally+proto' "$1" >/dev/null
    timeout 300 h2load "${args[@]}" "$1" >"$work/$2.txt"
    local rps latency data succeeded peak
    rps=$(awk '/^finished in/ {print $4}' "$work/$2.txt")
    latency=$(awk '/^time for request:/ {print $6}' "$work/$2.txt")
    succeeded=$(awk '/^requests:/ {print $8}' "$work/$2.txt")
    data=$(awk -F'[()]' '/^traffic:/ {print $(NF-1)}' "$work/$2.txt")
    peak=$(awk '/VmHWM/ {print $2}' "/proc/$3/status")
    # h2load counts any 2xx as success: check the bytes too.
    if [ "$succeeded" != "$REQUESTS" ] || [ "$data" != "$((REQUESTS * size))" ]; then
        echo "$2: $succeeded of $REQUESTS succeeded, $data data bytes, expected $((REQUESTS * size))" >&2
        cat "$work/$2.txt" >&2
        exit 1
    fi
    printf '%-8s %12s req/s   mean latency %8s   peak RSS %7d KiB\n' "$2" "$rps" "$latency" "$peak"
    echo "$rps" >"$work/$2.rps"
}

echo "HTTP/2: $REQUESTS POSTs, $CLIENTS connections x $STREAMS streams, response $size bytes, h2load -t 1"
load "http://127.0.0.1:$tally_port/tally.v1.Tally/Totals" tallyd "$tally_pid"
load "http://127.0.0.1:$nghttpd_port/totals" nghttpd "$nghttpd_pid"
"$PYTHON" -c "import sys; t, n = float(open(sys.argv[1]).read()), float(open(sys.argv[2]).read()); print(f'ratio tallyd / nghttpd: {t / n:.2f}')" "$work/tallyd.rps" "$work/nghttpd.rps"
