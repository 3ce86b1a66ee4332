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
Deploy/make-local-ca.sh Deploy/certs >/dev/null
mkdir -p Deploy/secrets
openssl rand -hex 32 | tr -d '\n' >Deploy/secrets/publish_token
# Read by tallyd's user (uid 10001) inside the container.
chmod 644 Deploy/secrets/publish_token
swift build --product tally >/dev/null
tally="$(swift build --show-bin-path)/tally"
started=$(date +%s)
(cd Deploy && podman-compose -p "$PROJECT" up -d >"$work/up.log" 2>&1) || { tail -40 "$work/up.log"; exit 1; }
# The published port is on the host's loopback, but this sandbox hands loopback connections to
# published ports to its own egress proxy; so the host talks to the proxy container at its address
# on the frontend network (a namespace this test made), with a certificate naming that address.
proxy_ip=$(podman inspect "${PROJECT}_proxy_1" --format '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' | awk '{print $NF}')
Deploy/make-local-ca.sh Deploy/certs localhost "$proxy_ip" >/dev/null
podman restart "${PROJECT}_proxy_1" >/dev/null
export TALLY_SERVER="https://$proxy_ip:8443" TALLY_DATA_DIR="$work/data"
until "$tally" health --cacert Deploy/certs/ca.pem >/dev/null 2>&1; do
    [ $(( $(date +%s) - started )) -lt 120 ] || { echo "the stack did not become ready"; podman logs "${PROJECT}_tallyd_1" | tail -20; exit 1; }
    sleep 1
done
echo "ready through the proxy in $(( $(date +%s) - started )) s"

step "sync and query through the proxy"
"$tally" sync --cacert Deploy/certs/ca.pem
"$tally" totals --cacert Deploy/certs/ca.pem --from 2022-09-01 --to 2025-05-31 --by article
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
"$tally" publish "$work/new.yaml" --cacert Deploy/certs/ca.pem --token-file Deploy/secrets/publish_token
before=$("$tally" health --cacert Deploy/certs/ca.pem --format json | tr -d ' \n')

step "restarting the tallyd container: the data must survive on the volume"
podman restart "${PROJECT}_tallyd_1" >/dev/null
until "$tally" health --cacert Deploy/certs/ca.pem >/dev/null 2>&1; do sleep 1; done
after=$("$tally" health --cacert Deploy/certs/ca.pem --format json | tr -d ' \n')
version() { sed -E 's/.*"dataset_version":([0-9]+).*/\1/' <<<"$1"; }
[ "$(version "$before")" = "$(version "$after")" ] || { echo "dataset version changed across the restart: $before -> $after"; exit 1; }
"$tally" sync --cacert Deploy/certs/ca.pem
echo "dataset version $(version "$after") survived the restart"
echo "deploy-test passed"
