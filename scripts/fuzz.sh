#!/bin/sh
# `make fuzz` (10 minutes per target) and `make fuzz-smoke` (a few seconds
# each, part of `make test`): every cargo-fuzz target, seeded from
# tests/data, with libFuzzer's final statistics kept in target/fuzz-<name>.log.
# A crash stops the run; its input is in fuzz/artifacts/<target>/ and belongs
# in tests/data/fuzz/<target>/ once fixed (core/tests/fuzz_regressions.rs).
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-600}
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: the nightly toolchain is not installed (rustup toolchain install nightly); skipping" >&2
    exit 0
fi
python3 scripts/fuzz-seeds.py >/dev/null
mkdir -p target
cd fuzz
# FUZZ_TARGETS="received message" limits a run to some targets.
for target in ${FUZZ_TARGETS:-message received authres dns_wire dns_json zone iprev_machine}; do
    log=../target/fuzz-$target.log
    if ! cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 > "$log" 2>&1; then
        echo "fuzz: $target FAILED, see target/fuzz-$target.log and fuzz/artifacts/$target/" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    echo "fuzz: $target: ${runs:-?} executions in ${seconds} s, no crash"
done
