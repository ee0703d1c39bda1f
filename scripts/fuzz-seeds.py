#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora (fuzz/corpus/<target>/) from tests/data:
messages, Received values, Authentication-Results values, zone files, and
DNS answers in wire and JSON form. Run by `make fuzz` and `make fuzz-smoke`."""
import glob
import hashlib
import json
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "fuzz", "corpus")


def put(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def name(text):
    out = b""
    for label in text.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def response(qname, qtype, answers, rcode=0, tc=False):
    flags = 0x8180 | (0x0200 if tc else 0) | rcode
    msg = struct.pack(">HHHHHH", 0, flags, 1, len(answers), 0, 0)
    msg += name(qname) + struct.pack(">HH", qtype, 1)
    for owner, rtype, rdata in answers:
        owner_bytes = b"\xc0\x0c" if owner == qname else name(owner)
        msg += owner_bytes + struct.pack(">HHIH", rtype, 1, 300, len(rdata)) + rdata
    return msg


def main():
    for path in glob.glob(os.path.join(ROOT, "tests/data/messages/*.eml")) + glob.glob(os.path.join(ROOT, "samples/*.eml")):
        put("message", open(path, "rb").read())
    for path in glob.glob(os.path.join(ROOT, "tests/data/inputs/*")):
        if not path.endswith(".json"):
            put("message", open(path, "rb").read())
    for path in glob.glob(os.path.join(ROOT, "tests/data/received/*.json")):
        for case in json.load(open(path, encoding="utf-8")):
            put("received", case["raw"])
    for path in glob.glob(os.path.join(ROOT, "tests/data/authres/*.json")):
        for case in json.load(open(path, encoding="utf-8")):
            put("authres", case["raw"])
    for path in glob.glob(os.path.join(ROOT, "samples/zone.txt")) + glob.glob(os.path.join(ROOT, "tests/e2e/zone.txt")):
        put("zone", open(path, "rb").read())
    rev = "142.69.2.81.in-addr.arpa"
    put("dns_wire", b"\x00" + response(rev, 12, [(rev, 12, name("mail.example.net"))]))
    put("dns_wire", b"\x00" + response(rev, 12, [(rev, 5, name("142.128/25.69.2.81.in-addr.arpa")), ("142.128/25.69.2.81.in-addr.arpa", 12, name("mail.example.net"))]))
    put("dns_wire", b"\x00" + response(rev, 12, [], rcode=3))
    put("dns_wire", b"\x01" + response("mail.example.net", 1, [("mail.example.net", 1, bytes([81, 2, 69, 142]))]))
    put("dns_wire", b"\x02" + response("mail.example.net", 28, [("mail.example.net", 28, bytes(16))], tc=True))
    put("dns_json", json.dumps({"Status": 0, "Question": [{"name": "mail.example.net.", "type": 1}], "Answer": [{"name": "mail.example.net.", "type": 1, "TTL": 60, "data": "81.2.69.142"}]}))
    put("dns_json", json.dumps({"Status": 3, "Authority": [{"name": "example.net.", "type": 6, "TTL": 300, "data": "ns. host. 1 2 3 4 60"}]}))
    put("iprev_machine", bytes(range(64)))
    put("iprev_machine", b"\x00\x05\x03" + b"\x01\x00\x02\x00\x00\x00\x03\x02\x00\x00\x00" * 8)
    print("seeds in", OUT)


if __name__ == "__main__":
    main()
