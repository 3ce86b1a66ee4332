#!/usr/bin/env bash
# make deploy-test: builds the image with podman, runs the compose stack (tallyd + HAProxy), syncs
# and queries through the proxy from the host, restarts the tallyd container and checks the data
# survived on the volume, then stops everything.
#
# This machine has no image registry, so the base images the Dockerfiles name are prepared here,
# not in the Dockerfiles: Debian bookworm from the configured Debian mirror (debootstrap), and a
# Swift builder made from that base plus the host's toolchain and the host's offline package mirror.
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

step "installing podman"
missing=""
for p in podman buildah runc fuse-overlayfs slirp4netns uidmap debootstrap podman-compose catatonit \
         golang-github-containernetworking-plugin-dnsname; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

step "base image: Debian bookworm from the configured mirror"
if ! podman image exists docker.io/library/debian:bookworm-slim; then
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    $SUDO debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >/dev/null
    $SUDO tar -C "$work/rootfs" -c . | podman import - localhost/debian:bookworm >/dev/null
    podman tag localhost/debian:bookworm docker.io/library/debian:bookworm-slim
fi

step "builder image: the base plus the host's Swift toolchain and package mirror"
if ! podman image exists docker.io/library/swift:6.3-bookworm; then
    mkdir -p "$work/swift-context"
    cp -a /opt/swift "$work/swift-context/swift"
    cp -a /opt/swift-packages "$work/swift-context/swift-packages"
    cat >"$work/swift-context/Containerfile" <<'CONTAINERFILE'
FROM docker.io/library/debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-12-dev libpython3-dev \
      libsqlite3-0 libstdc++-12-dev libxml2-dev libz3-dev libncurses6 pkg-config tzdata zlib1g-dev ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY swift /opt/swift
COPY swift-packages /opt/swift-packages
RUN git config --system url."/opt/swift-packages/".insteadOf https://github.com/ && /opt/swift/usr/bin/swift --version
ENV PATH=/opt/swift/usr/bin:$PATH
CONTAINERFILE
    podman build --format docker -t docker.io/library/swift:6.3-bookworm "$work/swift-context" >/dev/null
fi

step "building the images"
start=$(date +%s)
podman build --format docker -f Deploy/Dockerfile -t localhost/tally:latest . >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }
echo "tally image built in $(( $(date +%s) - start )) s: $(podman image inspect localhost/tally:latest --format '{{.Size}}') bytes"

step "starting the stack"
Deploy/make-local-ca.sh Deploy/certs localhost >/dev/null
mkdir -p Deploy/secrets
openssl rand -hex 32 | tr -d '\n' >Deploy/secrets/publish_token
# Read by tallyd's user (uid 10001) inside the container.
chmod 644 Deploy/secrets/publish_token
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
