# Tally: `make run` serves the embedded dataset, `make test` passes the tests.
# Both install what a fresh Debian machine with only the Swift toolchain lacks.

SHELL := /bin/bash
SWIFT ?= swift
VENV := .venv
PYTHON := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8080

# Build and test dependencies from Debian. nghttp2-client/-server, curl and haproxy are the
# independent HTTP/2 peers the interop tests and benchmarks run against.
APT_PACKAGES := pkg-config libnghttp2-dev zlib1g-dev libsqlite3-dev python3 python3-venv \
	curl nghttp2-client nghttp2-server haproxy openssl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps venv build test run bench vectors clean deploy-test

all: build

## deps: install missing Debian packages (idempotent; sudo only when not root)
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## venv: the Python peers (protoc via grpcio-tools, protobuf, h2) for interop tests
venv: $(VENV)/.installed
$(VENV)/.installed: Tests/Interop/requirements.txt | deps
	rm -rf $(VENV)
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r Tests/Interop/requirements.txt
	touch $@

build: deps
	$(SWIFT) build

## test: every test, with the independent peers required rather than skipped
test: deps venv
	$(SWIFT) build --build-tests
	TALLY_PYTHON="$(CURDIR)/$(PYTHON)" TALLY_REQUIRE_PEERS=1 $(SWIFT) test

## run: build and start tallyd on the embedded dataset (database in .tally/, created when missing)
run: deps
	$(SWIFT) build --product tallyd
	@mkdir -p .tally
	@echo "tallyd on http://$(HOST):$(PORT) (h2c). Try, in another terminal:"
	@echo "  curl --http2-prior-knowledge http://$(HOST):$(PORT)/readyz"
	@echo "  curl --http2-prior-knowledge http://$(HOST):$(PORT)/metrics"
	@echo "Stop with Ctrl-C (it drains in-flight calls first)."
	$(SWIFT) run tallyd --host $(HOST) --port $(PORT) --database .tally/tally.sqlite

## bench: codec next to swift-protobuf, tallyd next to nghttpd and grpc-swift-2 under h2load, sync of 1M figures (release builds)
bench: deps venv
	cd Benchmarks && $(SWIFT) run -c release TallyBenchmarks
	Benchmarks/http2/run.sh
	Benchmarks/sync/run.sh

## deploy-test: build the image with podman, run tallyd behind HAProxy, sync and query through it
deploy-test: deps
	Deploy/deploy-test.sh

## vectors: regenerate Proto/vectors/*.bin from their text form with Python's protobuf
vectors: venv
	$(PYTHON) Proto/vectors/generate.py

clean:
	rm -rf .build Benchmarks/.build $(VENV)
