#!/usr/bin/env python3
"""Peak memory (maximum resident set size) of iprev over one mbox at two
sizes, 5,000 and 50,000 messages by default: `check --offline` (every report
printed) and `summary --zone` (the live path, answers from a zone file, the
shared DNS cache and the per-server table). Flat numbers mean streaming.
Usage: bench/memory.py [--sizes 5000,50000]"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
IPREV = os.path.join(ROOT, "target/release/iprev")


def peak_rss_mb(command):
    with open(os.devnull, "wb") as null:
        child = subprocess.Popen(command, stdout=null, stderr=null)
        _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1, 3):
        sys.exit("%s failed: %d" % (" ".join(command), status))
    return usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,50000")
    args = parser.parse_args()
    zone = os.path.join(ROOT, "samples/zone.txt")
    print("%-10s %10s %22s %22s" % ("messages", "mbox MB", "check --offline MB", "summary --zone MB"))
    for size in [int(s) for s in args.sizes.split(",")]:
        mbox = os.path.join(ROOT, "target/bench-%d.mbox" % size)
        if not os.path.exists(mbox):
            subprocess.run([sys.executable, os.path.join(HERE, "make_corpus.py"), "--count", str(size),
                            "--mbox", mbox], check=True, stdout=subprocess.DEVNULL)
        offline = peak_rss_mb([IPREV, "check", "--offline", "--format", "json", mbox])
        summary = peak_rss_mb([IPREV, "summary", "--zone", zone, "--format", "json", mbox])
        print("%-10d %10.0f %22.1f %22.1f" % (size, os.path.getsize(mbox) / 1e6, offline, summary))


if __name__ == "__main__":
    main()
