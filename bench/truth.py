#!/usr/bin/env python3
"""Sender-hop truth on real mail: does iprev's sender hop agree with the
client address the final receiver itself stated?

For every message under the given paths (files, folders, mbox files: what
`iprev check` reads), the script reads the header block itself and takes the
receiver's statement of the client it judged from the topmost field that
states one:

- `Authentication-Results` (not `ARC-Authentication-Results`): Microsoft's
  `(sender IP is X)`, `smtp.remote-ip=X`, `policy.iprev=X`;
- `Received-SPF`: `client-ip=X`.

It then runs `iprev check --offline --format json` over the same paths and
compares the sender hop's client address with that statement. It prints the
share of agreeing messages among those that carry a statement, every
disagreement (the hop chosen and the hop holding the stated address), and
how many sender hops are retrieval hops (fetchmail, getmail, `with IMAP`,
`with POP3`, `(single-drop)`): those can never be right.

The statement is read here with its own small parser, not iprev's, so that
a fault in iprev's header reading cannot hide a disagreement.

Usage: bench/truth.py [--iprev PATH] [--list N] [--json] PATH...
Exit status: 0, or 1 when --min-agreement is given and not met."""
import argparse
import email
import email.policy
import ipaddress
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
DEFAULT_IPREV = os.path.join(ROOT, "target/release/iprev")

ADDRESS = r"\[?(?:IPv6:)?([0-9A-Fa-f:.]+)\]?"
STATEMENTS = {
    "authentication-results": [
        ("sender IP is", re.compile(r"\bsender IP is " + ADDRESS, re.I)),
        ("smtp.remote-ip", re.compile(r"\bsmtp\.remote-ip\s*=\s*\"?" + ADDRESS, re.I)),
        ("policy.iprev", re.compile(r"\bpolicy\.iprev\s*=\s*\"?" + ADDRESS, re.I)),
    ],
    "received-spf": [
        ("client-ip", re.compile(r"\bclient-ip\s*=\s*\"?" + ADDRESS, re.I)),
    ],
}
RETRIEVAL = re.compile(r"\bfetchmail\b|\bgetmail\b|\(single-drop\)|\bwith\s+(?:IMAP|POP3?)\w*\b", re.I)


def canonical(text):
    """The address as iprev writes it (IPv4-mapped IPv6 as IPv4), or None."""
    try:
        address = ipaddress.ip_address(text.strip().rstrip(".;,)"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def header_block(data):
    """The bytes up to the first empty line."""
    data = data.lstrip(b"\xef\xbb\xbf")
    match = re.search(rb"\r?\n\r?\n", data)
    return data[: match.start()] if match else data


def statement(block):
    """(kind, address, field name) of the topmost field stating a client."""
    message = email.message_from_bytes(block + b"\n\n", policy=email.policy.compat32)
    for name, value in message.items():
        patterns = STATEMENTS.get(name.lower())
        if not patterns:
            continue
        flat = re.sub(r"\s+", " ", str(value))
        for kind, pattern in patterns:
            found = pattern.search(flat)
            if found and canonical(found.group(1)):
                return kind, canonical(found.group(1)), name
    return None


def mbox_messages(data):
    """Messages of an mbox, split at `From ` lines as iprev does."""
    starts = [m.start() for m in re.finditer(rb"(?m)^From ", data)]
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(data)
        body = data[start:end]
        yield body[body.find(b"\n") + 1:]


def raw_block(source, cache):
    """The header block of a report's source (`path` or `path#N`)."""
    path, _, number = source.partition("#")
    if not number:
        with open(path, "rb") as handle:
            return header_block(handle.read(4 << 20))
    if path not in cache:
        with open(path, "rb") as handle:
            cache.clear()
            cache[path] = list(mbox_messages(handle.read()))
    messages = cache[path]
    index = int(number) - 1
    return header_block(messages[index]) if index < len(messages) else b""


def describe(hop):
    if hop is None:
        return "none"
    name = hop.get("from_rdns") or hop.get("from_helo") or "?"
    return f"#{hop['index']} {name} [{hop.get('from_ip')}] -> {hop.get('by')}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--iprev", default=os.environ.get("IPREV", DEFAULT_IPREV))
    parser.add_argument("--list", type=int, default=50, help="disagreements to print (default 50, -1 all)")
    parser.add_argument("--json", action="store_true", help="print the figures and disagreements as JSON")
    parser.add_argument("--min-agreement", type=float, help="exit 1 when the agreement (%%) is lower")
    args = parser.parse_args()

    run = subprocess.run([args.iprev, "check", "--offline", "--format", "json", *args.paths],
                         capture_output=True, text=True, check=False)
    if run.returncode == 2 and not run.stdout:
        sys.exit(f"truth.py: iprev failed: {run.stderr.strip()}")

    counts = {"messages": 0, "unreadable": 0, "with_statement": 0, "agree": 0, "disagree": 0,
              "stated_address_in_no_hop": 0, "retrieval_sender_hops": 0}
    kinds = {}
    disagreements = []
    cache = {}
    for line in run.stdout.splitlines():
        report = json.loads(line)
        if "error" in report:
            counts["unreadable"] += 1
            continue
        counts["messages"] += 1
        hops = report["hops"]
        chosen = hops[report["sender_hop"]] if report.get("sender_hop") is not None else None
        if chosen is not None and (chosen.get("role") == "retrieval" or RETRIEVAL.search(chosen["raw"])):
            counts["retrieval_sender_hops"] += 1
        stated = statement(raw_block(report["source"], cache))
        if stated is None:
            continue
        kind, address, field = stated
        counts["with_statement"] += 1
        kinds[kind] = kinds.get(kind, 0) + 1
        if chosen is not None and chosen.get("from_ip") and canonical(chosen["from_ip"]) == address:
            counts["agree"] += 1
            continue
        counts["disagree"] += 1
        holders = [h for h in hops if h.get("from_ip") and canonical(h["from_ip"]) == address]
        if not holders:
            counts["stated_address_in_no_hop"] += 1
        disagreements.append({
            "source": report["source"],
            "stated": address,
            "statement": f"{field}: {kind}",
            "chosen": describe(chosen),
            "stated_hop": describe(holders[-1]) if holders else "no hop has this client",
        })

    share = 100.0 * counts["agree"] / counts["with_statement"] if counts["with_statement"] else 100.0
    if args.json:
        print(json.dumps({"counts": counts, "statements": kinds, "agreement_percent": round(share, 2),
                          "disagreements": disagreements}, indent=1))
    else:
        print(f"messages {counts['messages']} (unreadable {counts['unreadable']}); "
              f"with a receiver's statement {counts['with_statement']} "
              f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")
        print(f"sender hop agrees with the statement: {counts['agree']}/{counts['with_statement']} = {share:.2f}%")
        print(f"disagreements {counts['disagree']} (stated address is no hop's client: "
              f"{counts['stated_address_in_no_hop']}); retrieval hops taken as sender hop: "
              f"{counts['retrieval_sender_hops']}")
        shown = disagreements if args.list < 0 else disagreements[: args.list]
        for d in shown:
            print(f"  {d['source']}\n    stated {d['stated']} ({d['statement']})\n"
                  f"    chosen {d['chosen']}\n    stated hop {d['stated_hop']}")
        if len(shown) < len(disagreements):
            print(f"  ... {len(disagreements) - len(shown)} more (--list -1 for all)")
    if args.min_agreement is not None and share < args.min_agreement:
        sys.exit(1)


if __name__ == "__main__":
    main()
