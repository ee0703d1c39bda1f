#!/usr/bin/env python3
"""Writes a directory of realistic messages for timing iprev.

Messages are built from the project's test data: a third are the whole-message
fixtures (tests/data/messages, each with a fresh Message-ID), the rest are
assembled from the Received corpus (tests/data/received: 1 to 7 hops from
every MTA family and era) with the header fields real messages carry
(DKIM-Signature, ARC-*, Authentication-Results, MIME) and a body of 1 to 20
KiB. Deterministic: the same --count and --seed give the same files.

Usage: bench/make_corpus.py --count 5000 --out target/bench-corpus
       bench/make_corpus.py --count 50000 --mbox target/bench-50000.mbox
"""
import argparse
import glob
import json
import os
import random

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def load():
    received = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/data/received/*.json"))):
        with open(path, encoding="utf-8") as f:
            received.extend(case["raw"].replace("\r\n", "\n").replace("\n", "\r\n") for case in json.load(f))
    messages = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/data/messages/*.eml"))):
        with open(path, "rb") as f:
            messages.append(f.read())
    return received, messages


FILLER = (
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=s1;\r\n"
    "\th=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
    "\tb=dzdVyOfAKCdLXdJOc9G2q8LoXSlEniSbav+yuU4zGeeruD00lszZVoG4ZHRNiYzR\r\n"
    "ARC-Seal: i=1; a=rsa-sha256; t=1673000000; cv=none; d=example.org; s=arc;\r\n"
    "\tb=Jx8QmT2kLp4Rz6Vb0Nc3Xd5Fg7Hj9Kl1Zq2Wm4Er6Ty8Ui0Op3As5Df7Gh9Jk1Lz\r\n"
    "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.com;\r\n"
    "\tdkim=pass header.d=example.com; dmarc=pass header.from=example.com\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
)


def synthetic(rng, received, n):
    hops = [rng.choice(received) for _ in range(rng.randint(1, 7))]
    head = "".join("Received: " + raw + "\r\n" for raw in hops)
    body = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * rng.randint(18, 360)) + "\r\n"
    return (
        head
        + FILLER
        + "From: Sender %d <sender%d@example.com>\r\n" % (n, n)
        + "To: user@example.org\r\n"
        + "Subject: benchmark message %d\r\n" % n
        + "Date: Wed, 4 Jan 2023 10:11:12 +0000\r\n"
        + "Message-ID: <bench-%d@example.com>\r\n\r\n" % n
        + body
    ).encode("utf-8")


def message(rng, received, messages, n):
    if n % 3 == 0:
        return rng.choice(messages).replace(b"Message-ID: <", b"Message-ID: <b%d." % n, 1)
    return synthetic(rng, received, n)


def write_mbox(args, rng, received, messages):
    """The same messages in one mbox (mboxrd: body lines starting with
    `From ` or `>From ` get one more `>`)."""
    total = 0
    os.makedirs(os.path.dirname(os.path.abspath(args.mbox)), exist_ok=True)
    with open(args.mbox, "wb") as out:
        for n in range(args.count):
            data = message(rng, received, messages, n).replace(b"\r\n", b"\n")
            lines = [b">" + line if line.lstrip(b">").startswith(b"From ") else line for line in data.split(b"\n")]
            out.write(b"From bench@example.com Wed Jan  4 10:11:12 2023\n")
            out.write(b"\n".join(lines).rstrip(b"\n") + b"\n\n")
            total += len(data)
    print("wrote %d messages, %.1f MB, to %s" % (args.count, total / 1e6, args.mbox))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--out", default="target/bench-corpus")
    parser.add_argument("--seed", type=int, default=8601)
    parser.add_argument("--mbox", help="write one mbox file instead of a directory")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    received, messages = load()
    if args.mbox:
        write_mbox(args, rng, received, messages)
        return
    os.makedirs(args.out, exist_ok=True)
    for old in glob.glob(os.path.join(args.out, "*", "*.eml")):
        os.remove(old)
    total = 0
    for n in range(args.count):
        data = message(rng, received, messages, n)
        sub = os.path.join(args.out, "%03d" % (n % 100))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "m%06d.eml" % n), "wb") as f:
            f.write(data)
        total += len(data)
    print("wrote %d messages, %.1f MB, to %s" % (args.count, total / 1e6, args.out))


if __name__ == "__main__":
    main()
