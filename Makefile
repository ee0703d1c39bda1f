# iprev: the two commands a newcomer needs are `make demo` and `make test`.
# Every target installs what it needs first, idempotently.

CARGO ?= cargo
SAMPLES := samples

.PHONY: all setup test fuzz fuzz-smoke dist size demo demo-offline bench-live lint fmt bench bench-cli bench-peers bench-batch bench-memory truth build release clean

all: test

## setup: install the toolchain pieces the build and tests need (idempotent)
setup:
	@./scripts/setup.sh

## test: everything CI runs: format, lints, native tests, the core for WebAssembly,
## the bridge in headless Chromium, the web page end to end
test: setup
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) clippy -p iprev-extension --target wasm32-unknown-unknown --all-targets --locked -- -D warnings
	$(CARGO) test --workspace --locked
	$(CARGO) build -p iprev-core --no-default-features --target wasm32-unknown-unknown --locked
	cd extension && CHROMEDRIVER=/usr/bin/chromedriver $(CARGO) test --target wasm32-unknown-unknown --locked
	./scripts/build-dist.sh
	node_modules/.bin/tsc --noEmit -p www
	node_modules/.bin/eslint www tests/e2e eslint.config.js
	node_modules/.bin/web-ext lint --source-dir dist/firefox --no-config-discovery
	$(CARGO) build -p iprev-doh-server --locked
	node --test tests/e2e/
	./scripts/fuzz.sh 5

## fuzz: every fuzz target for 10 minutes (FUZZ_SECONDS to change it)
fuzz: setup
	./scripts/fuzz.sh $${FUZZ_SECONDS:-600}

## fuzz-smoke: every fuzz target for a few seconds (part of make test)
fuzz-smoke: setup
	./scripts/fuzz.sh 5

## dist: the WebAssembly build and the static site in dist/www
dist: setup
	./scripts/build-dist.sh

## size: gzip sizes of the .wasm and of dist/www (after make dist)
size: dist
	./scripts/size.sh

## demo: check the bundled sample messages over DNS-over-HTTPS against a local test server
demo: setup
	./scripts/demo.sh

## demo-offline: parse and route the samples without any DNS
demo-offline: setup
	$(CARGO) build --release -p iprev-cli --locked
	./target/release/iprev check --offline --format text --color always $(SAMPLES)

## bench: criterion benchmark of parsing + routing over the test corpus
bench: setup
	$(CARGO) bench -p iprev-core --bench parse --locked

## bench-live: wall time of a 5-hop message against the test server with 100 ms latency
bench-live: setup
	$(CARGO) build --release -p iprev-cli -p iprev-doh-server --locked
	python3 bench/live_latency.py

## bench-cli: time `iprev check --offline --format json` over a generated directory
bench-cli: setup
	$(CARGO) build --release -p iprev-cli --locked
	python3 bench/make_corpus.py --count 5000 --out target/bench-corpus
	python3 bench/time_cli.py target/bench-corpus

## bench-peers: offline throughput on 5,000 messages against SpamAssassin's and
## Python mail-parser's Received parsers, in one run (installs both peers)
bench-peers: setup
	./bench/setup-peers.sh
	$(CARGO) build --release -p iprev-cli --locked
	BENCH_PYTHON=target/bench-venv/bin/python python3 bench/peers.py --count 5000

## bench-batch: the 5,000 messages checked live against the test server with 20 ms
## per answer: wall time, questions asked vs distinct (from the server's log)
bench-batch: setup
	$(CARGO) build --release -p iprev-cli -p iprev-doh-server --locked
	python3 bench/batch_dns.py --count 5000 --latency-ms 20

## bench-memory: peak RSS over one mbox of 5,000 and of 50,000 messages
bench-memory: setup
	$(CARGO) build --release -p iprev-cli --locked
	python3 bench/memory.py --sizes 5000,50000

## truth: how often the sender hop is the client the final receiver itself stated
## (Authentication-Results / Received-SPF), on real mail: TRUTH_DIR=folder-or-mbox
TRUTH_DIR ?= ../shared/corpus/phishing-pot-headers
truth: setup
	$(CARGO) build --release -p iprev-cli --locked
	python3 bench/truth.py $(TRUTH_DIR)

build:
	$(CARGO) build --workspace --locked

release:
	$(CARGO) build --release -p iprev-cli --locked

clean:
	$(CARGO) clean
