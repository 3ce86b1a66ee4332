#!/usr/bin/env bash
# Allocations per call on tallyd's event-loop path: a cached Totals through the real router and a
# real server connection in memory (Benchmarks/Sources/HTTP2Allocations), counted by the malloc
# interposer (ordo-one/malloc-interposer), which must be preloaded. In-process, no sockets.
# Settings (environment): CALLS (default 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-100000}
nice -n 10 swift build -c release --product HTTP2Allocations >/dev/null
bin=$(swift build -c release --show-bin-path)
LD_PRELOAD="$bin/libMallocInterposerSwift.so" "$bin/HTTP2Allocations" "$CALLS"
