#!/usr/bin/env python3
"""Wall time of `iprev check` on a 5-hop message (m365-to-m365.eml: five public
relays, checked with --all-hops) against the project's DoH test server with 100 ms added to every
answer. Every public relay gets two PTR names that resolve back, so the check
asks 5 PTR questions, then 10 forward questions (plus the HELO name): two
sequential rounds. Prints the median of 15 runs, and the rounds and questions
the report counted. Usage: bench/live_latency.py [LATENCY_MS]"""
import ipaddress
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
IPREV = os.path.join(ROOT, "target/release/iprev")
SERVER = os.path.join(ROOT, "target/release/iprev-doh-server")
MESSAGE = os.path.join(ROOT, "tests/data/messages/m365-to-m365.eml")


def reverse(ip):
    return ipaddress.ip_address(ip).reverse_pointer


def main():
    latency = sys.argv[1] if len(sys.argv) > 1 else "100"
    offline = json.loads(subprocess.check_output([IPREV, "check", "--offline", "--format", "json", MESSAGE]))
    lines = ["$TTL 300"]
    for hop in offline["hops"]:
        if hop["ip_scope"] != "public":
            continue
        ip = hop["from_ip"]
        rrtype = "A" if ipaddress.ip_address(ip).version == 4 else "AAAA"
        for name in ("h%d.ptr.example.net." % hop["index"], "h%d.alias.example.net." % hop["index"]):
            lines.append("%s. IN PTR %s" % (reverse(ip), name))
            lines.append("%s IN %s %s" % (name, rrtype, ip))
    with tempfile.NamedTemporaryFile("w", suffix=".zone", delete=False) as zone:
        zone.write("\n".join(lines) + "\n")
    server = subprocess.Popen([SERVER, "--zone", zone.name, "--latency-ms", latency],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip().removeprefix("listening on ")
        times = []
        report = None
        for _ in range(15):
            start = time.perf_counter()
            output = subprocess.run([IPREV, "check", "--all-hops", "--resolver", url, "--format", "json", MESSAGE],
                                    capture_output=True, text=True, check=False).stdout
            times.append(time.perf_counter() - start)
            report = json.loads(output)
        print("5-hop message, %s ms per answer: median %.0f ms, best %.0f ms (15 runs, whole process)"
              % (latency, statistics.median(times) * 1000, min(times) * 1000))
        print("rounds: %d, questions: %d" % (report["dns"]["rounds"], report["dns"]["questions"]))
    finally:
        server.stdin.close()
        server.wait(timeout=10)
        os.unlink(zone.name)


if __name__ == "__main__":
    main()
