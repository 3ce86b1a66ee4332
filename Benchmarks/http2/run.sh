#!/usr/bin/env bash
# HTTP/2 benchmark: three servers answering the same Totals call, under the same h2load settings, in
# the same run:
#   tallyd        the real Totals call;
#   nghttpd       a POST answered with a static file holding exactly tallyd's response body;
#   grpc-swift-2  a unary tally.v1.Tally/Totals (Benchmarks/Sources/GRPCSwiftTotals) answering with
#                 the message payload of tallyd's answer (gRPC's envelope is the same 5 bytes).
# For each: requests/s under load (-c CLIENTS -m STREAMS, after a warm-up), mean and p99 latency one
# request at a time (-c 1 -m 1), server CPU per call during the load run, and peak RSS at the end.
# Loopback only; every h2load is bounded by a request count and a timeout; servers die with the script.
#
# Settings (environment): REQUESTS (default 50000) for the load run, LATENCY_REQUESTS (20000) for
# the one-at-a-time run, CLIENTS (8), STREAMS per client (10), RUNS (1), PYTHON (.venv/bin/python),
# PROFILE=FILE to record a CPU profile of tallyd under one more load run (perf, after the runs) and
# print its self time by kind of code (figures.py profile), GRPC_ARGS for the gRPC server's other
# settings (`--executor swift`, `--no-flush-coalescing`; see its --help), GRPC=0 to leave the gRPC
# server out (its release build takes many minutes on a loaded 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
REQUESTS=${REQUESTS:-50000}
LATENCY_REQUESTS=${LATENCY_REQUESTS:-20000}
CLIENTS=${CLIENTS:-8}
STREAMS=${STREAMS:-10}
RUNS=${RUNS:-1}
PYTHON=${PYTHON:-.venv/bin/python}
PROFILE=${PROFILE:-}
GRPC_ARGS=${GRPC_ARGS:-}
GRPC=${GRPC:-1}
figures() { "$PYTHON" Benchmarks/http2/figures.py "$@"; }

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for_port() {  # port, log: up to 10 s
    for _ in $(seq 100); do
        "$PYTHON" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$1" 2>/dev/null && return
        sleep 0.1
    done
    echo "nothing listens on port $1:" >&2; cat "$2" >&2; exit 1
}

# Builds run niced: the machines are shared, and the servers must not compete with them later.
echo "Building tallyd and the grpc-swift-2 server (release)..."
nice -n 10 swift build -c release --product tallyd >/dev/null
TALLYD=$(swift build -c release --show-bin-path)/tallyd
if [ "$GRPC" = 1 ]; then
    nice -n 10 swift build -c release --package-path Benchmarks --product GRPCSwiftTotals >/dev/null
    GRPC_SERVER=$(swift build -c release --package-path Benchmarks --show-bin-path)/GRPCSwiftTotals
fi

# The request: intake since mobilisation, by article (the answer carries figures and citations).
# Its envelope (flag 0, big-endian length) is also a valid gRPC request message.
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
wait_for_port "$tally_port" "$work/tallyd.err"
for _ in $(seq 100); do  # listening is not ready: wait for the dataset too
    curl -sf --http2-prior-knowledge "http://127.0.0.1:$tally_port/readyz" >/dev/null && break
    sleep 0.1
done

# One real answer: its body is nghttpd's static file; the payload of its first envelope (the
# TotalsResponse) is what the gRPC server answers with.
mkdir -p "$work/www"
curl -sS --http2-prior-knowledge -H 'content-type: application/tally+proto' --data-binary @"$work/request.bin" \
    -o "$work/www/totals" "http://127.0.0.1:$tally_port/tally.v1.Tally/Totals"
"$PYTHON" - "$work/www/totals" "$work/totals.payload" "$work/grpc.expected" <<'PY'
import struct, sys
body = open(sys.argv[1], "rb").read()
flags, length = body[0], struct.unpack(">I", body[1:5])[0]
if flags != 0 or len(body) < 5 + length:
    sys.exit(f"tallyd's answer does not start with an uncompressed message envelope: {body[:5].hex()}")
payload = body[5:5 + length]
open(sys.argv[2], "wb").write(payload)
open(sys.argv[3], "wb").write(body[:5 + length])  # gRPC's length-prefixed message is the same envelope
PY
size=$(stat -c %s "$work/www/totals")
grpc_size=$(stat -c %s "$work/grpc.expected")

nghttpd_port=$(free_port)
# Two worker threads, as tallyd has (one event loop per core on this 2-core machine).
nghttpd --no-tls -n 2 -a 127.0.0.1 -d "$work/www" "$nghttpd_port" >"$work/nghttpd.log" 2>&1 &
pids+=($!); nghttpd_pid=$!
wait_for_port "$nghttpd_port" "$work/nghttpd.log"

if [ "$GRPC" = 1 ]; then
    grpc_port=$(free_port)
    # GRPC_ARGS unquoted on purpose: a list of flags.
    "$GRPC_SERVER" --port "$grpc_port" --payload "$work/totals.payload" --threads 2 $GRPC_ARGS >"$work/grpc.out" 2>"$work/grpc.err" &
    pids+=($!); grpc_pid=$!
    wait_for_port "$grpc_port" "$work/grpc.err"
fi

# Per server: URL, pid, DATA bytes of one response, request headers.
servers=(tallyd nghttpd)
declare -A url=([tallyd]="http://127.0.0.1:$tally_port/tally.v1.Tally/Totals" [nghttpd]="http://127.0.0.1:$nghttpd_port/totals")
declare -A pid=([tallyd]=$tally_pid [nghttpd]=$nghttpd_pid)
declare -A expected=([tallyd]=$size [nghttpd]=$size)
if [ "$GRPC" = 1 ]; then
    servers+=(grpc-swift-2)
    url[grpc-swift-2]="http://127.0.0.1:$grpc_port/tally.v1.Tally/Totals"
    pid[grpc-swift-2]=$grpc_pid
    expected[grpc-swift-2]=$grpc_size
fi
tally_headers=(-H 'content-type: application/tally+proto')
grpc_headers=(-H 'content-type: application/grpc' -H 'te: trailers')

if [ "$GRPC" = 1 ]; then
    # The gRPC server's answer must be the very message tallyd sent, with grpc-status 0 in the trailers.
    curl -sS --http2-prior-knowledge "${grpc_headers[@]}" --data-binary @"$work/request.bin" \
        -D "$work/grpc.headers" -o "$work/grpc.body" "${url[grpc-swift-2]}"
    cmp -s "$work/grpc.body" "$work/grpc.expected" || { echo "grpc-swift-2 answered other bytes than tallyd's message" >&2; exit 1; }
    grep -qi '^grpc-status: 0' "$work/grpc.headers" || { echo "grpc-swift-2 did not answer grpc-status 0:" >&2; cat "$work/grpc.headers" >&2; exit 1; }
fi

h2() {  # server, output file, request count, h2load arguments...: prints req/s; checks the bytes
    local server=$1 out=$2 n=$3; shift 3
    local -a headers=("${tally_headers[@]}")
    [ "$server" = grpc-swift-2 ] && headers=("${grpc_headers[@]}")
    timeout 300 h2load -n "$n" -t 1 -d "$work/request.bin" "${headers[@]}" "$@" "${url[$server]}" >"$out"
    local summary rps succeeded data
    summary=$(figures h2load "$out")
    read -r rps succeeded data <<<"$summary"
    # h2load counts any 2xx as success: check the bytes too.
    if [ "$succeeded" != "$n" ] || [ "$data" != "$((n * expected[$server]))" ]; then
        echo "$server: $succeeded of $n succeeded, $data data bytes, expected $((n * expected[$server]))" >&2
        cat "$out" >&2
        exit 1
    fi
    echo "$rps"
}

measure() {  # run, server: prints the figures and appends them to $work/results
    local run=$1 server=$2 p=${pid[$2]}
    h2 "$server" "$work/warmup.txt" 2000 -c "$CLIENTS" -m "$STREAMS" >/dev/null
    local ticks_before ticks_after rps cpu_us
    ticks_before=$(figures cpu-ticks "$p")
    rps=$(h2 "$server" "$work/$server.load.txt" "$REQUESTS" -c "$CLIENTS" -m "$STREAMS")
    ticks_after=$(figures cpu-ticks "$p")
    cpu_us=$("$PYTHON" -c 'import sys; b, a, hz, n = map(int, sys.argv[1:]); print(f"{(a - b) / hz * 1e6 / n:.2f}")' \
        "$ticks_before" "$ticks_after" "$(getconf CLK_TCK)" "$REQUESTS")
    rm -f "$work/$server.latency.log"  # h2load appends to its log file
    h2 "$server" "$work/$server.latency.txt" "$LATENCY_REQUESTS" -c 1 -m 1 --log-file="$work/$server.latency.log" >/dev/null
    local latency count mean p50 p99
    latency=$(figures latency "$work/$server.latency.log" "$LATENCY_REQUESTS")
    read -r count mean p50 p99 <<<"$latency"
    printf '  %-13s %10s req/s   CPU %6s µs/call   latency mean %6s µs, p50 %5s µs, p99 %5s µs\n' \
        "$server" "$rps" "$cpu_us" "$mean" "$p50" "$p99"
    printf '{"run": %d, "server": "%s", "rps": %s, "cpu_us": %s, "mean_us": %s, "p50_us": %s, "p99_us": %s}\n' \
        "$run" "$server" "$rps" "$cpu_us" "$mean" "$p50" "$p99" >>"$work/results"
}

echo "HTTP/2: load $REQUESTS POSTs over $CLIENTS connections x $STREAMS streams; latency $LATENCY_REQUESTS POSTs one at a time; h2load -t 1"
echo "Responses: tallyd and nghttpd $size bytes of DATA, grpc-swift-2 $grpc_size (the same message, no end-of-stream envelope)"
for run in $(seq "$RUNS"); do
    # The machine may be shared: say how busy it was, as the figures move with it.
    echo "run $run of $RUNS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    for server in "${servers[@]}"; do measure "$run" "$server"; done
done
for server in "${servers[@]}"; do
    printf '{"server": "%s", "rss_kib": %s}\n' "$server" "$(figures peak-rss "${pid[$server]}")" >>"$work/results"
done
figures report "$work/results" "${servers[@]}"

if [ -n "$PROFILE" ]; then
    echo "Profiling tallyd under one more load run (perf record -e cpu-clock -g) into $PROFILE..."
    timeout 300 perf record -q -e cpu-clock -g -p "$tally_pid" -o "$PROFILE" >/dev/null 2>&1 &
    perf_pid=$!; pids+=($perf_pid)
    sleep 1
    h2 tallyd "$work/profile.txt" "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" >/dev/null
    kill -INT "$perf_pid"; wait "$perf_pid" || true
    perf report -i "$PROFILE" --no-children --sort dso,symbol -g none --stdio 2>/dev/null | swift demangle | figures profile 60
fi
