#!/usr/bin/env python3
"""Offline Received-chain parsing throughput: iprev against the two tools an
admin would otherwise reach for, on the same corpus, in one run.

- iprev: `iprev check --offline --format json DIR` (the whole process: start,
  directory walk, reading, parsing, routing, JSON output), on all cores and,
  for reference, pinned to one core (taskset);
- SpamAssassin's Received parser (Mail::SpamAssassin::Message::Metadata::
  Received, through extract_message_metadata; start-up not counted);
- the Python mail-parser package (parse_from_file(path).received).

Each is run 5 times; the best time counts. Prints a table and iprev's ratio
to the faster peer. Needs the peers: `make bench-peers` installs them.
Usage: bench/peers.py [--count 5000] [--corpus DIR]"""
import argparse
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
IPREV = os.path.join(ROOT, "target/release/iprev")
PYTHON = os.environ.get("BENCH_PYTHON", sys.executable)


def best_of(runs, fn):
    results = [fn() for _ in range(runs)]
    return min(results, key=lambda r: r[0])


def time_iprev(corpus, pin):
    """The whole process, its JSON Lines report written to /dev/null; the
    message count comes from --stats on standard error."""
    command = [IPREV, "check", "--offline", "--stats", "--format", "json", corpus]
    if pin:
        command = ["taskset", "-c", "0"] + command
    start = time.perf_counter()
    run = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - start
    return elapsed, int(run.stderr.split("iprev: ")[-1].split()[0])


def time_peer(script, interpreter, files):
    out = subprocess.run([interpreter, os.path.join(HERE, "peers", script)], input="\n".join(files) + "\n",
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[2]), int(out[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--corpus", default=os.path.join(ROOT, "target/bench-corpus"))
    args = parser.parse_args()
    subprocess.run([sys.executable, os.path.join(HERE, "make_corpus.py"), "--count", str(args.count),
                    "--out", args.corpus], check=True)
    files = sorted(os.path.join(d, f) for d, _, names in os.walk(args.corpus) for f in names if f.endswith(".eml"))
    megabytes = sum(os.path.getsize(f) for f in files) / 1e6
    cores = os.cpu_count()
    rows = [
        ("iprev (%d cores)" % cores, best_of(5, lambda: time_iprev(args.corpus, False))),
    ]
    if shutil.which("taskset"):
        rows.append(("iprev (1 core)", best_of(5, lambda: time_iprev(args.corpus, True))))
    sa = ("SpamAssassin %s Received parser" % subprocess.run(
        ["perl", "-MMail::SpamAssassin", "-e", "print Mail::SpamAssassin::Version()"],
        capture_output=True, text=True, check=True).stdout, best_of(5, lambda: time_peer("spamassassin_received.pl", "perl", files)))
    mp_version = subprocess.run([PYTHON, "-c", "import importlib.metadata as m; print(m.version('mail-parser'))"],
                                capture_output=True, text=True, check=True).stdout.strip()
    mp = ("Python mail-parser %s" % mp_version, best_of(5, lambda: time_peer("mailparser_received.py", PYTHON, files)))
    rows += [sa, mp]
    print("%d messages, %.1f MB (bench/make_corpus.py, seed 8601)" % (len(files), megabytes))
    print("%-36s %9s %12s %9s" % ("tool", "seconds", "messages/s", "MB/s"))
    for name, (seconds, count) in rows:
        if count != len(files):
            sys.exit("%s handled %d of %d messages" % (name, count, len(files)))
        print("%-36s %9.3f %12.0f %9.1f" % (name, seconds, count / seconds, megabytes / seconds))
    iprev_rate = len(files) / rows[0][1][0]
    faster_peer = max(sa, mp, key=lambda r: r[1][1] / r[1][0])
    print("iprev / %s: %.1fx" % (faster_peer[0], iprev_rate / (faster_peer[1][1] / faster_peer[1][0])))
    if len(rows) == 4:
        one_core = len(files) / rows[1][1][0]
        print("iprev on one core / %s: %.1fx" % (faster_peer[0], one_core / (faster_peer[1][1] / faster_peer[1][0])))


if __name__ == "__main__":
    main()
