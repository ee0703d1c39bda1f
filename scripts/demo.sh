#!/bin/sh
# `make demo`: the real DNS-over-HTTPS path, offline. Starts the project's
# DoH test server on 127.0.0.1 with samples/zone.txt (what public DNS would
# say about the sample messages' relays), then checks samples/ against it.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --locked -q -p iprev-cli -p iprev-doh-server
out=$(mktemp)
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out"' EXIT INT TERM
./target/release/iprev-doh-server --zone samples/zone.txt --ignore-stdin > "$out" &
pid=$!
for _ in $(seq 1 50); do
    [ -s "$out" ] && break
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$out")
[ -n "$url" ] || { echo "demo: the DoH test server did not start" >&2; exit 1; }
echo "DoH test server: $url (answers from samples/zone.txt)"
echo
set +e
./target/release/iprev check --resolver "$url" --format text --color always samples
code=$?
set -e
echo
echo "iprev exit code: $code (0: every sender hop passes, 1: some fail, 3: temporary DNS errors)"
