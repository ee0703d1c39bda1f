#!/usr/bin/env python3
"""The Python mail-parser package over a list of message files (read from
stdin): parse_from_file(path).received for each. Prints: messages, Received
entries found, seconds."""
import sys
import time

import mailparser

files = [line.rstrip("\n") for line in sys.stdin if line.strip()]
found = 0
start = time.perf_counter()
for path in files:
    found += len(mailparser.parse_from_file(path).received)
print(len(files), found, "%.6f" % (time.perf_counter() - start))
