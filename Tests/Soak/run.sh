#!/usr/bin/env bash
# make soak: a release tallyd on loopback under Tests/Soak/soak.py for SOAK_MINUTES (default 10).
# Settings come from SOAK_* variables (listed in soak.py). Both tallyd and the load generator get
# SOAK_NOFILE descriptors (default 8192: 2,000 connections and h2load's, with room to spare),
# within the machine's hard limit.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product tallyd
bin="$(swift build -c release --show-bin-path)"
hard=$(ulimit -Hn)
want=${SOAK_NOFILE:-8192}
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then want=$hard; fi
ulimit -n "$want"
export SOAK_NOFILE=$want
exec .venv/bin/python Tests/Soak/soak.py "$bin/tallyd"
