#!/usr/bin/env bash
# Replica benchmark (Benchmarks/README.md): release tallyd replicas on one throwaway PostgreSQL
# (Tests/Support/with-postgres.sh), and one tallyd on SQLite for comparison, in the same run.
# TallyReplicaBench publishes COUNT one-figure changes (round-robin over the replicas) and times
# each publish and its acknowledgement to every replica's watcher receiving it. Loopback only;
# every process, and the cluster, is gone at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${COUNT:-100}
REPLICAS=${REPLICAS:-3}

if [ -z "${TALLY_TEST_POSTGRES_URL:-}" ]; then
    TALLY_POSTGRES_DURABLE=1 exec Tests/Support/with-postgres.sh "$0" "$@"
fi
echo "Building tallyd and the benchmark client (release)..." >&2
swift build -c release --product tallyd >/dev/null
swift build -c release --product TallyReplicaBench >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
printf 'bench-token' >"$work/token"

# start NAME DATABASE [ENV...]: a tallyd on a free port; sets $port once it listens. (Not run in
# $(...): its pid must reach this shell's list, or the trap would leave the server running.)
start() {
    local name=$1 database=$2
    shift 2
    env "$@" "$bin/tallyd" --host 127.0.0.1 --port 0 --database "$database" --publish-token-file "$work/token" \
        --log-level warning >"$work/$name.out" 2>"$work/$name.log" &
    pids+=($!)
    for _ in $(seq 600); do
        if port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$work/$name.out" 2>/dev/null | cut -d: -f2) && [ -n "$port" ]; then
            return
        fi
        sleep 0.1
    done
    echo "tallyd $name did not start:" >&2
    cat "$work/$name.log" >&2
    exit 1
}

uptime >&2
start sqlite "$work/tally.sqlite"
sqlite_port=$port
echo "== SQLite, one tallyd" >&2
sqlite=$("$bin/TallyReplicaBench" "$work/token" "$COUNT" "$sqlite_port")
echo "$sqlite"

# A database of the benchmark's own (the test role may create databases, not tables in `postgres`).
psql -q "$TALLY_TEST_POSTGRES_URL" -c "CREATE DATABASE tally_bench" >/dev/null
database=${TALLY_TEST_POSTGRES_URL/\/postgres\?/\/tally_bench?}
ports=()
for i in $(seq "$REPLICAS"); do
    start "replica$i" "$database" TALLY_MIRROR="$work/mirror$i.sqlite"
    ports+=("$port")
done
echo "== PostgreSQL, $REPLICAS replicas on ports ${ports[*]}" >&2
postgres=$("$bin/TallyReplicaBench" "$work/token" "$COUNT" "${ports[@]}")
echo "$postgres"
uptime >&2
