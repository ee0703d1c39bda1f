#!/usr/bin/env python3
"""A batch DNS check of the benchmark corpus against the project's DoH test
server with 20 ms added to every answer: wall time, the questions the
messages needed, and from the server's own log the questions it was asked
in total and the distinct ones (equal when every question is asked once).

The zone gives two thirds of the corpus's public relays a PTR name that
resolves back, one in six a PTR name that points elsewhere, and the rest
no PTR; an SOA makes negative answers cacheable (RFC 2308).
Usage: bench/batch_dns.py [--count 5000] [--latency-ms 20] [--max-concurrent 16]"""
import argparse
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
IPREV = os.path.join(ROOT, "target/release/iprev")
SERVER = os.path.join(ROOT, "target/release/iprev-doh-server")


def public_relays(corpus):
    out = subprocess.run([IPREV, "check", "--offline", "--format", "json", corpus], capture_output=True,
                         check=False).stdout
    relays = set()
    for line in out.splitlines():
        report = json.loads(line)
        for hop in report.get("hops", []):
            if hop.get("ip_scope") == "public" and hop.get("from_ip"):
                relays.add(hop["from_ip"])
    return sorted(relays)


def zone_text(relays):
    lines = ["$TTL 3600", ". IN SOA ns.bench.example. host.bench.example. 1 3600 600 86400 300"]
    for n, ip in enumerate(relays):
        address = ipaddress.ip_address(ip)
        rrtype = "A" if address.version == 4 else "AAAA"
        name = "relay%d.bench.example." % n
        if n % 6 < 4:
            lines += ["%s. IN PTR %s" % (address.reverse_pointer, name), "%s IN %s %s" % (name, rrtype, ip)]
        elif n % 6 == 4:
            other = "192.0.2.1" if rrtype == "A" else "2001:db8::1"
            lines += ["%s. IN PTR %s" % (address.reverse_pointer, name), "%s IN %s %s" % (name, rrtype, other)]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--latency-ms", default="20")
    parser.add_argument("--max-concurrent", default="16")
    parser.add_argument("--corpus", default=os.path.join(ROOT, "target/bench-corpus"))
    args = parser.parse_args()
    subprocess.run([sys.executable, os.path.join(HERE, "make_corpus.py"), "--count", str(args.count),
                    "--out", args.corpus], check=True)
    relays = public_relays(args.corpus)
    work = tempfile.mkdtemp(prefix="iprev-batch-dns-")
    zone = os.path.join(work, "bench.zone")
    log = os.path.join(work, "requests.log")
    with open(zone, "w") as f:
        f.write(zone_text(relays))
    server = subprocess.Popen([SERVER, "--zone", zone, "--latency-ms", args.latency_ms, "--log", log],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip().removeprefix("listening on ")
        start = time.perf_counter()
        run = subprocess.run([IPREV, "check", "--stats", "--format", "json", "--max-concurrent", args.max_concurrent,
                              "--resolver", url, args.corpus], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, check=False)
        elapsed = time.perf_counter() - start
    finally:
        server.stdin.close()
        server.wait(timeout=10)
    reports = [json.loads(line) for line in run.stdout.splitlines()]
    results = {}
    for report in reports:
        hop = report["hops"][report["sender_hop"]] if report.get("sender_hop") is not None else None
        result = (hop or {}).get("iprev") or {}
        results[result.get("result", "none")] = results.get(result.get("result", "none"), 0) + 1
    with open(log) as f:
        questions = [" ".join(line.split()[3:5]) for line in f if line.strip()]
    stats = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
    needed = re.search(r"(\d+) questions needed", stats)
    print("%d messages, %d distinct public relays; %s ms per answer, --max-concurrent %s"
          % (len(reports), len(relays), args.latency_ms, args.max_concurrent))
    print("wall time: %.2f s (%.0f messages/s)" % (elapsed, len(reports) / elapsed))
    print("sender-hop results: %s" % ", ".join("%s %d" % kv for kv in sorted(results.items())))
    print("questions the messages needed: %s" % (needed.group(1) if needed else "?"))
    print("asked of the server: %d; distinct: %d; %s" % (len(questions), len(set(questions)),
          "every question asked once" if len(questions) == len(set(questions)) else "SOME ASKED TWICE"))


if __name__ == "__main__":
    main()
