#!/usr/bin/env bash
# make deploy-test: builds the image with podman, runs the compose stack (tallyd + HAProxy), syncs
# and queries through the proxy from the host, restarts the tallyd container and checks the data
# survived on the volume, then stops everything.
#
# This machine has no image registry, so the base images the Dockerfiles name are prepared here
# (prepare-images.sh), not in the Dockerfiles.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
export CONTAINERS_CONF="$root/Deploy/podman/containers.conf"
PROJECT=tally-deploy-test

cleanup() {
    (cd Deploy && podman-compose -p "$PROJECT" down -v >/dev/null 2>&1) || true
    podman network rm -f "${PROJECT}_backend" "${PROJECT}_frontend" >/dev/null 2>&1 || true
    $SUDO rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }

# shellcheck source=Deploy/prepare-images.sh
source Deploy/prepare-images.sh
install_podman
base_image
builder_image
tally_image

step "starting the stack"
local_secrets
swift build --product tally >/dev/null
tally="$(swift build --show-bin-path)/tally"
started=$(date +%s%N)
(cd Deploy && podman-compose -p "$PROJECT" up -d >"$work/up.log" 2>&1) || { tail -40 "$work/up.log"; exit 1; }
# From the host, as a user would: the published port on loopback, TLS verified with the local CA.
export TALLY_SERVER="https://localhost:8443" TALLY_DATA_DIR="$work/data"
tally() { "$tally" "$@" --cacert Deploy/certs/ca.pem; }
# podman 4.3 schedules no health checks and ignores `condition: service_healthy`: poll readiness.
wait_ready() {
    until tally health >"$work/health.log" 2>&1; do
        if [ $(( ($(date +%s%N) - started) / 1000000000 )) -ge 120 ]; then
            echo "the stack did not become ready in 120 s:"; cat "$work/health.log"
            podman logs --tail 20 "${PROJECT}_proxy_1"; podman logs --tail 20 "${PROJECT}_tallyd_1"
            exit 1
        fi
        sleep 0.2
    done
}
wait_ready
echo "ready through the proxy $(( ($(date +%s%N) - started) / 1000000 )) ms after 'up' was started"

# The image's HEALTHCHECK, run once by hand: podman schedules none without systemd.
podman healthcheck run "${PROJECT}_tallyd_1" 2>"$work/podman.log" || { echo "the image's HEALTHCHECK failed"; cat "$work/podman.log"; exit 1; }
echo "the image's HEALTHCHECK passes"

step "sync and query through the proxy"
tally sync
tally totals --from 2022-09-01 --to 2025-05-31 --by article
cat >"$work/new.yaml" <<'YAML'
figures:
  - id: deploy-test-figure
    category: prosecution
    jurisdiction: UA
    measure: verdicts
    articles: []
    period: 2025-05-01..2025-05-31
    kind: count
    value: "1"
    citations:
      - producer: Deploy test
        outlet: Tally
        published: unknown
        document: deploy-test
        quote: "one"
YAML
# A watch stream through the proxy sees the publication (since version 1: nothing is missed if the
# watch subscribes after the publication lands).
timeout 60 "$tally" watch --cacert Deploy/certs/ca.pem --since 1 --count 1 --format json >"$work/watch.log" 2>&1 &
watcher=$!
tally publish "$work/new.yaml" --token-file Deploy/secrets/publish_token
wait "$watcher" || { echo "the watch did not end cleanly:"; cat "$work/watch.log"; exit 1; }
grep -q '"deploy-test-figure"' "$work/watch.log" || { echo "the watch did not see the publication:"; cat "$work/watch.log"; exit 1; }
echo "the watch stream saw the publication"
before=$(tally health --format json | tr -d ' \n')

step "restarting the tallyd container: the data must survive on the volume"
# A watch running across the restart: it must resume and print what is published afterwards.
timeout 120 "$tally" watch --cacert Deploy/certs/ca.pem --since 2 --count 1 --format json >"$work/watch2.log" 2>"$work/watch2.err" &
watcher=$!
sleep 1
restarted=$(date +%s%N)
podman restart "${PROJECT}_tallyd_1" >/dev/null 2>"$work/podman.log" || { cat "$work/podman.log"; exit 1; }
# The very next call must succeed (the client retries within its deadline, the proxy follows
# tallyd to its new address), not just some call after a while.
after=$(tally health --format json | tr -d ' \n')
echo "first call after the restart answered in $(( ($(date +%s%N) - restarted) / 1000000 )) ms"
version() { sed -E 's/.*"dataset_version":([0-9]+).*/\1/' <<<"$1"; }
digest() { sed -E 's/.*"digest":"([0-9a-f]+)".*/\1/' <<<"$1"; }
# A lost volume would show as version 1 (tallyd seeds an empty database from the embedded dataset).
[ "$(version "$before")" -ge 2 ] || { echo "the publication did not make a new version: $before"; exit 1; }
[ "$(version "$before")" = "$(version "$after")" ] && [ "$(digest "$before")" = "$(digest "$after")" ] \
    || { echo "the dataset changed across the restart: $before -> $after"; exit 1; }
sed 's/deploy-test-figure/deploy-test-figure-2/' "$work/new.yaml" >"$work/new2.yaml"
tally publish "$work/new2.yaml" --token-file Deploy/secrets/publish_token
wait "$watcher" || { echo "the watch did not survive the restart:"; cat "$work/watch2.err"; exit 1; }
grep -q '"deploy-test-figure-2"' "$work/watch2.log" || { echo "the resumed watch missed the publication:"; cat "$work/watch2.log" "$work/watch2.err"; exit 1; }
echo "the watch survived the restart: $(cat "$work/watch2.err")"
tally figures --producer "Deploy test" --format json | grep -q '"deploy-test-figure"' \
    || { echo "the published figure is gone after the restart"; exit 1; }
tally sync
echo "dataset version $(version "$after") (digest $(digest "$after" | cut -c1-16)…) survived the restart"

step "stopping: tallyd drains and exits 0"
podman stop -t 30 "${PROJECT}_tallyd_1" >/dev/null 2>"$work/podman.log" || { cat "$work/podman.log"; exit 1; }
status=$(podman inspect "${PROJECT}_tallyd_1" --format '{{.State.ExitCode}}')
[ "$status" = 0 ] || { echo "tallyd exited with $status"; podman logs --tail 20 "${PROJECT}_tallyd_1"; exit 1; }
(cd Deploy && podman-compose -p "$PROJECT" down -v >/dev/null 2>&1)
echo "deploy-test passed"
