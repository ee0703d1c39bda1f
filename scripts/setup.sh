#!/bin/sh
# Installs what `make test` needs, skipping whatever is already there:
# the Rust pieces (wasm32 target, clippy, rustfmt, wasm-bindgen-cli at the
# exact version in Cargo.lock), the npm packages (package-lock.json), and
# Debian's Chromium and ChromeDriver for the browser tests.
set -eu
cd "$(dirname "$0")/.."

say() { echo "setup: $*" >&2; }

if ! command -v cargo >/dev/null 2>&1; then
    say "cargo not found; install Rust from https://rustup.rs"
    exit 1
fi
if command -v rustup >/dev/null 2>&1; then
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        rustup target add wasm32-unknown-unknown
    fi
    for component in clippy rustfmt; do
        if ! rustup component list --installed | grep -q "^$component"; then
            rustup component add "$component"
        fi
    done
fi

# wasm-bindgen-cli must match the wasm-bindgen crate exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ -n "$want" ] && [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (found: ${have:-none})"
    cargo install wasm-bindgen-cli --version "$want" --locked \
        || cargo install wasm-bindgen-cli --version "$want"
fi

# npm packages: binaryen (wasm-opt), typescript, eslint, playwright-core.
if ! command -v npm >/dev/null 2>&1; then
    say "npm not found; install Node.js 20 or later"
    exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi

# Debian's Chromium for the browser tests (never a downloaded browser).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    if command -v apt-get >/dev/null 2>&1; then
        say "installing chromium and chromium-driver"
        SUDO=""
        [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver \
            || { $SUDO apt-get update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; }
    else
        say "Chromium is needed for the browser tests: install chromium and chromium-driver"
        exit 1
    fi
fi

# cargo-fuzz, for make fuzz and the fuzz smoke test (needs the nightly toolchain).
if cargo +nightly --version >/dev/null 2>&1 && ! command -v cargo-fuzz >/dev/null 2>&1; then
    say "installing cargo-fuzz"
    cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi
