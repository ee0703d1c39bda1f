#!/usr/bin/env python3
"""Times `iprev check --offline --format json DIR` (best of 3 runs) and prints
messages/s and MB/s. Usage: bench/time_cli.py DIR [IPREV]"""
import os
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    directory = sys.argv[1]
    iprev = sys.argv[2] if len(sys.argv) > 2 else "./target/release/iprev"
    files = [os.path.join(d, f) for d, _, names in os.walk(directory) for f in names if f.endswith(".eml")]
    total = sum(os.path.getsize(f) for f in files)
    best = None
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([iprev, "check", "--offline", "--format", "json", directory], check=False,
                       stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print("messages: %d, %.1f MB" % (len(files), total / 1e6))
    print("best of 3: %.3f s = %.0f messages/s, %.1f MB/s" % (best, len(files) / best, total / 1e6 / best))


if __name__ == "__main__":
    main()
