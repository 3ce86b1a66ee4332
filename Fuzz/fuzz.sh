#!/usr/bin/env bash
# Builds the libFuzzer targets with -sanitize=fuzzer,address (release, in Fuzz/.build-fuzz) and
# runs each for FUZZ_SECONDS (default 180) or FUZZ_RUNS executions, one after the other, in one
# process. The committed seeds (Fuzz/Corpus/<target>) are read, new inputs go to a working corpus in
# the build folder, crashes to Fuzz/.build-fuzz/crashes/<target>/ (not artifacts/: SwiftPM empties that folder). Exits non-zero if a target
# crashed, leaked or tripped AddressSanitizer.
#
#   FUZZ_TARGETS="codec server"   the targets to run (default: codec dataset server client)
#   FUZZ_SECONDS=600              time budget per target
#   FUZZ_RUNS=1000000             stop after this many executions instead (whichever comes first)
#   FUZZ_ARGS="-max_len=8192"     more libFuzzer flags
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scratch="$here/.build-fuzz"
# Empty counts as unset: make passes every variable, set or not.
targets="${FUZZ_TARGETS:-codec dataset server client}"
seconds="${FUZZ_SECONDS:-180}"
runs="${FUZZ_RUNS:--1}"

binary() { echo "$scratch/release/Fuzz$(tr '[:lower:]' '[:upper:]' <<<"${1:0:1}")${1:1}"; }

cd "$here"
# Only the products asked for: the codec and dataset targets do not need the rest of tallyd.
# lld: gold fails on these objects (an internal error in its DWARF reader).
for target in $targets; do
    swift build -c release --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -g -Xswiftc -use-ld=lld \
        --product "$(basename "$(binary "$target")")"
done

# LeakSanitizer on every input, with the one-offs of the runtimes suppressed (lsan.supp says which).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# Swift's own crash backtracer reads memory ASan treats as off limits, and buries the report.
export SWIFT_BACKTRACE=enable=no

status=0
for target in $targets; do
    corpus="$scratch/corpus/$target"
    artifacts="$scratch/crashes/$target"
    mkdir -p "$corpus" "$artifacts"
    echo "== $target: ${seconds}s or $runs runs" >&2
    log="$scratch/$target.log"
    # Leaks: libFuzzer checks each input for leaks with a whole LeakSanitizer scan whenever its
    # frees trail its allocations, which is always so for the connection targets (their tasks
    # free on other threads after the input returns): 40 inputs/s instead of 600. So those run
    # with LeakSanitizer at exit only (a leak of any input still fails the run), and then every
    # input of the corpus they grew runs once more, alone, with the per-input check.
    leaks=()
    case "$target" in server|client) leaks=(-detect_leaks=0) ;; esac
    # One process, one job (libFuzzer's -jobs would fork workers that log to files of their own).
    # -rss_limit_mb: a 4 GiB bound per process, well over what a bounded decoder may hold.
    set +e
    "$(binary "$target")" "$corpus" "$here/Corpus/$target" "${leaks[@]}" \
        -max_total_time="$seconds" -runs="$runs" -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} >"$log" 2>&1
    rc=$?
    if [ "$rc" = 0 ] && [ ${#leaks[@]} -gt 0 ]; then
        "$(binary "$target")" "$corpus" "$here/Corpus/$target" -runs=0 -detect_leaks=1 -timeout=10 \
            -artifact_prefix="$artifacts/" >"$scratch/$target-leaks.log" 2>&1
        rc=$?
        grep -E 'ERROR|SUMMARY' "$scratch/$target-leaks.log" >&2
    fi
    set -e
    grep -E 'ERROR|SUMMARY|Done [0-9]+ runs|stat::' "$log" >&2 || true
    if [ "$rc" != 0 ]; then
        echo "== $target FAILED (exit $rc): see $log and $artifacts" >&2
        status=1
    fi
    # The last status line: executions, coverage (edges), features, exec/s.
    grep -E '^#[0-9]+' "$log" | tail -1 >&2 || true
done
exit $status
