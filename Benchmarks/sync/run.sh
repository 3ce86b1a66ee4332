#!/usr/bin/env bash
# Sync benchmark: a full sync of a large generated dataset (FIGURES, default 1,000,000; generated
# here, never shipped), then a delta sync of 100 changed figures. Reports time, bytes received and
# bytes on disk. Loopback only, release builds.
set -euo pipefail
cd "$(dirname "$0")/../.."
FIGURES=${FIGURES:-1000000}
PYTHON=${PYTHON:-.venv/bin/python}

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

echo "Building tallyd, tally and the generator (release)..."
swift build -c release --product tallyd >/dev/null
swift build -c release --product tally >/dev/null
swift build -c release --product TallyStoreCrashHelper >/dev/null
bin=$(swift build -c release --show-bin-path)

seconds() { "$PYTHON" -c 'import time; print(time.monotonic())'; }

start=$(seconds)
# The generator opens (and seeds) the store, then publishes $FIGURES synthetic figures in one batch.
"$bin/TallyStoreCrashHelper" "$work/tally.sqlite" "$FIGURES" >/dev/null
generated=$(seconds)
echo "token-for-bench" > "$work/token"

port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin/tallyd" --port "$port" --database "$work/tally.sqlite" --publish-token-file "$work/token" --log-level warning \
    >"$work/tallyd.out" 2>"$work/tallyd.err" &
pids+=($!)
for _ in $(seq 600); do grep -q "listening on" "$work/tallyd.out" 2>/dev/null && break; sleep 0.2; done
export TALLY_SERVER="http://127.0.0.1:$port" TALLY_DATA_DIR="$work/data"

t0=$(seconds)
"$bin/tally" sync --format json --timeout 600 >"$work/full.json"
t1=$(seconds)

# 100 changes: new values for 100 of the generated figures, published as a dataset file.
"$PYTHON" - "$work/changes.yaml" <<'PY'
import sys
lines = ["figures:"]
for i in range(100):
    lines += [f"  - id: gen-{i * 9973}", "    category: prosecution", "    jurisdiction: RU", "    measure: convictions",
              "    articles: [\"337\"]", "    period: 2024-01-01..2024-12-31", "    kind: count", f"    value: \"{1000 + i}\"",
              "    citations:", "      - producer: Synthetic", "        outlet: Tally bench", "        published: 2025-06-30",
              "        document: bench.txt", "        quote: \"changed for the delta benchmark\""]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
"$bin/tally" publish "$work/changes.yaml" --token-file "$work/token" >/dev/null
t2=$(seconds)
"$bin/tally" sync --format json >"$work/delta.json"
t3=$(seconds)

"$PYTHON" - "$work" "$generated" "$start" "$t0" "$t1" "$t2" "$t3" <<'PY'
import json, os, sys
work, generated, start, t0, t1, t2, t3 = sys.argv[1], *map(float, sys.argv[2:])
full, delta = json.load(open(f"{work}/full.json")), json.load(open(f"{work}/delta.json"))
disk = os.path.getsize(f"{work}/data/snapshot.tally")
print(f"Sync: {full['figures']:,} figures (generated in {generated - start:.1f} s)")
print(f"full sync   {t1 - t0:7.2f} s   {full['bytes']:>13,} payload bytes received   {disk:>13,} bytes on disk")
print(f"delta sync  {t3 - t2:7.2f} s   {delta['bytes']:>13,} payload bytes received   kind={delta['kind']}, {delta['figures']} figures")
PY
