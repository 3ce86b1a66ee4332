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
# librsvg2-bin (rsvg-convert) renders `tally chart --output x.png`, with DejaVu as its sans-serif.
# chromium loads the page through HAProxy in the browser test (81 MB download); prometheus brings
# promtool, which checks /metrics (19 MB, with the server it is part of: no lighter package has it);
# xxd is in a README example the README test runs. sslscan is the independent TLS scanner the tests
# judge the proxy's and tallyd's TLS with. postgresql is the server the PostgreSQL store's tests run
# against (Tests/Support/with-postgres.sh makes a throwaway cluster of it for the test run).
APT_PACKAGES := pkg-config libnghttp2-dev zlib1g-dev libsqlite3-dev python3 python3-venv \
	curl nghttp2-client nghttp2-server haproxy openssl librsvg2-bin fonts-dejavu-core \
	chromium prometheus xxd sslscan postgresql
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

PREFIX ?= /usr/local
DESTDIR ?=
# What `make install` builds; install-test uses the debug build `make test` has just made.
CONFIGURATION ?= release
BUILD_INFO := Sources/CTallyBuildInfo/generated/commit.h

.PHONY: all deps venv build-info build test run bench soak vectors clean deploy-test install install-test

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

## build-info: the git commit for --version, in a git-ignored header, rewritten only when it changes
## (and then build_info.c touched, so the build notices a header that did not exist before)
build-info:
	@commit=$$(git -C "$(CURDIR)" rev-parse --short=12 HEAD 2>/dev/null || echo unknown); \
	if [ "$$commit" != unknown ] && ! git -C "$(CURDIR)" diff --quiet HEAD -- 2>/dev/null; then commit="$$commit-dirty"; fi; \
	line="#define TALLY_GIT_COMMIT \"$$commit\""; \
	if [ "$$(cat $(BUILD_INFO) 2>/dev/null)" != "$$line" ]; then \
		mkdir -p $(dir $(BUILD_INFO)) && echo "$$line" > $(BUILD_INFO) && touch Sources/CTallyBuildInfo/build_info.c; \
	fi

build: deps build-info
	$(SWIFT) build

## test: every test, with the independent peers required rather than skipped; one at a time
## (--no-parallel: 4 minutes here, against 2 in parallel, but in parallel the suite hung in 2 of 3
## runs, every test awaiting something, after this session's additions; see the closing note), and a throwaway
## PostgreSQL server for the run (started before, removed after: Tests/Support/with-postgres.sh)
test: deps venv build-info
	$(SWIFT) build --build-tests
	TALLY_PYTHON="$(CURDIR)/$(PYTHON)" TALLY_REQUIRE_PEERS=1 Tests/Support/with-postgres.sh $(SWIFT) test --no-parallel
	$(MAKE) install-test

## run: build and start tallyd on the embedded dataset (database in .tally/, created when missing)
run: deps build-info
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
	Benchmarks/http2/allocations.sh
	Benchmarks/sync/run.sh

## soak: a release tallyd under 2,000 connections (1,000 watching), a publish a second and a Totals
## load, for SOAK_MINUTES (default 10); a table a minute, pass or fail at the end (Tests/Soak/soak.py)
soak: deps venv build-info
	Tests/Soak/run.sh

## fuzz: the libFuzzer targets of Fuzz/ (codec, dataset, server, client), built with
## -sanitize=fuzzer,address in a build folder of their own, FUZZ_SECONDS each (default 180);
## FUZZ_TARGETS picks some, FUZZ_RUNS stops each after that many executions (Fuzz/fuzz.sh)
.PHONY: fuzz fuzz-seeds
fuzz: deps build-info
	FUZZ_SECONDS="$(FUZZ_SECONDS)" FUZZ_TARGETS="$(FUZZ_TARGETS)" FUZZ_RUNS="$(FUZZ_RUNS)" Fuzz/fuzz.sh

## fuzz-seeds: write the seed corpora (Fuzz/Corpus) anew from real messages, files and exchanges
fuzz-seeds: deps build-info
	TALLY_FUZZ_WRITE_SEEDS=1 $(SWIFT) test --filter SeedCorpusWriter

## deploy-test: build the image with podman, run tallyd behind HAProxy, sync and query through it
deploy-test: deps
	Deploy/deploy-test.sh

## deploy-replicas-test: the replica stack with podman (PostgreSQL, three tallyd replicas, HAProxy):
## publish, kill a replica under a watch and under reads, restart the database, 1 vs 3 replicas
.PHONY: deploy-replicas-test
deploy-replicas-test: deps
	Deploy/replicas-test.sh

## vectors: regenerate Proto/vectors/*.bin from their text form with Python's protobuf, then the
## LtHash16 vectors (which hash two of those figures) with the Python reference
vectors: venv
	$(PYTHON) Tests/Interop/protobuf_peer.py vectors Proto/vectors
	$(PYTHON) Tests/Interop/lthash_peer.py vectors Proto/vectors/lthash16.json

## install: release builds of tally and tallyd, shell completions and man pages, under
## $(DESTDIR)$(PREFIX) (default /usr/local). Man pages come from swift-argument-parser's
## generate-manual plugin (it builds the package's products, then asks each for its help).
install: deps build-info
	$(SWIFT) build -c $(CONFIGURATION) --product tally
	$(SWIFT) build -c $(CONFIGURATION) --product tallyd
	$(SWIFT) package generate-manual --configuration $(CONFIGURATION)
	@bin="$$($(SWIFT) build -c $(CONFIGURATION) --show-bin-path)"; \
	man=".build/plugins/GenerateManual/outputs"; \
	root="$(DESTDIR)$(PREFIX)"; \
	set -e; \
	install -d "$$root/bin" "$$root/share/man/man1" "$$root/share/bash-completion/completions" \
		"$$root/share/zsh/site-functions" "$$root/share/fish/vendor_completions.d"; \
	for tool in tally tallyd; do \
		install -m 755 "$$bin/$$tool" "$$root/bin/$$tool"; \
		"$$bin/$$tool" --generate-completion-script bash > "$$root/share/bash-completion/completions/$$tool"; \
		"$$bin/$$tool" --generate-completion-script zsh > "$$root/share/zsh/site-functions/_$$tool"; \
		"$$bin/$$tool" --generate-completion-script fish > "$$root/share/fish/vendor_completions.d/$$tool.fish"; \
		install -m 644 "$$man/$$tool/"*.1 "$$root/share/man/man1/"; \
	done; \
	echo "installed tally and tallyd under $$root"

## install-test: make install into a temporary DESTDIR, then check every file it should have put there
## (from the debug build, which `make test` has made anyway: the layout is what is tested)
install-test:
	@dest=$$(mktemp -d); trap 'rm -rf "$$dest"' EXIT; \
	$(MAKE) --no-print-directory install DESTDIR="$$dest" PREFIX=/usr CONFIGURATION=debug && \
	Tests/Install/check-install.sh "$$dest" /usr

clean:
	rm -rf .build Benchmarks/.build $(VENV)
