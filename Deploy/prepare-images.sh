# Sourced by deploy-test.sh and replicas-test.sh (not run on its own): installs podman and makes the
# base images the Dockerfiles name. This machine has no image registry, so they are prepared here,
# not in the Dockerfiles: Debian bookworm from the configured Debian mirror (debootstrap), and a
# Swift builder made from that base plus the host's toolchain and the host's offline package mirror.
# Expects: $work (a scratch directory), $SUDO (empty when root, else sudo), step().
# shellcheck shell=bash disable=SC2154

# EXTRA_PACKAGES: more Debian packages the calling test needs.
install_podman() {
    step "installing podman"
    local missing="" p
    for p in podman buildah runc fuse-overlayfs slirp4netns uidmap debootstrap podman-compose catatonit \
             golang-github-containernetworking-plugin-dnsname ${EXTRA_PACKAGES:-}; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        # shellcheck disable=SC2086  # a list of package names
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
    fi
}

base_image() {
    step "base image: Debian bookworm from the configured mirror"
    if ! podman image exists docker.io/library/debian:bookworm-slim; then
        local mirror
        mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
        mirror=${mirror:-http://deb.debian.org/debian}
        $SUDO debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >/dev/null
        $SUDO tar -C "$work/rootfs" -c . | podman import - localhost/debian:bookworm >/dev/null
        podman tag localhost/debian:bookworm docker.io/library/debian:bookworm-slim
    fi
}

builder_image() {
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
}

# The tally image from the working tree (several minutes on a loaded machine).
tally_image() {
    step "building the images"
    local start
    start=$(date +%s)
    podman build --format docker -f Deploy/Dockerfile -t localhost/tally:latest . >"$work/build.log" 2>&1 \
        || { tail -40 "$work/build.log"; exit 1; }
    echo "tally image built in $(( $(date +%s) - start )) s: $(podman image inspect localhost/tally:latest --format '{{.Size}}') bytes"
}

# A throwaway CA and certificate for the proxy, and a publish token readable by tallyd's user.
local_secrets() {
    Deploy/make-local-ca.sh Deploy/certs localhost >/dev/null
    mkdir -p Deploy/secrets
    openssl rand -hex 32 | tr -d '\n' >Deploy/secrets/publish_token
    # Read by tallyd's user (uid 10001) inside the container.
    chmod 644 Deploy/secrets/publish_token
}
