#!/usr/bin/env bash
# Sync benchmark (Benchmarks/README.md): for each size in SIZES (default 10,000, 100,000 and
# 1,000,000 court-record figures, generated here, never shipped), serves a store with a release
# tallyd and measures a full `tally sync`, publishes of 100 corrections and the delta syncs after
# them, and the peak memory of both sides. Loopback only; every process is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZES=${SIZES:-"10000 100000 1000000"}
ROUNDS=${ROUNDS:-5}
PYTHON=${PYTHON:-.venv/bin/python}

echo "Building tallyd, tally and the fixture (release)..." >&2
swift build -c release --product tallyd >/dev/null
swift build -c release --product tally >/dev/null
swift build -c release --product TallySyncFixture >/dev/null
bin=$(swift build -c release --show-bin-path)
uptime >&2
exec "$PYTHON" Benchmarks/sync/measure.py "$bin" "$ROUNDS" $SIZES
