#!/bin/sh
# `make size`: gzip sizes of the WebAssembly module and of dist/www.
set -eu
cd "$(dirname "$0")/.."
wasm=dist/www/pkg/iprev_extension_bg.wasm
[ -f "$wasm" ] || { echo "size: run make dist first" >&2; exit 1; }
raw=$(wc -c < "$wasm")
gz=$(gzip -9c "$wasm" | wc -c)
total_raw=$(find dist/www -type f -exec cat {} + | wc -c)
total_gz=$(find dist/www -type f | while read -r f; do gzip -9c "$f" | wc -c; done | awk '{s+=$1} END {print s}')
echo "wasm:     $raw bytes, $gz bytes gzip -9"
echo "dist/www: $total_raw bytes, $total_gz bytes gzip -9 (each file compressed alone)"
