#!/bin/sh
# Installs the two peers bench/peers.py compares iprev with (idempotent):
# Debian's spamassassin, and the PyPI mail-parser package in a virtual
# environment under target/bench-venv. Not part of `make test`.
set -eu
cd "$(dirname "$0")/.."
if ! perl -MMail::SpamAssassin -e 1 2>/dev/null; then
    apt-get install -y --no-install-recommends spamassassin
fi
if [ ! -x target/bench-venv/bin/python ]; then
    python3 -m venv target/bench-venv
fi
if ! target/bench-venv/bin/python -c 'import mailparser' 2>/dev/null; then
    target/bench-venv/bin/pip install --quiet mail-parser
fi
