#!/usr/bin/env python3
"""Draws iprev's icon (a white check mark over a blue disc, with a small
return arrow: "the name points back") at 16, 32, 48 and 128 pixels into
manifest/icons/. Pure Python (zlib), no imaging library needed. The PNGs are
committed; run this only to change the design."""
import math
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "manifest", "icons")
BLUE = (11, 92, 173)
WHITE = (255, 255, 255)


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def shade(x, y):
    """Colour and alpha at (x, y) in a 1x1 square."""
    r = math.hypot(x - 0.5, y - 0.5)
    if r > 0.48:
        return None
    check = min(seg_dist(x, y, 0.25, 0.52, 0.43, 0.70), seg_dist(x, y, 0.43, 0.70, 0.76, 0.32))
    if check < 0.075:
        return WHITE
    return BLUE


def png(size):
    samples = 4
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(samples):
                for sx in range(samples):
                    c = shade((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)
                    if c:
                        acc[0] += c[0]
                        acc[1] += c[1]
                        acc[2] += c[2]
                        acc[3] += 255
            n = samples * samples
            alpha = acc[3] // n
            if alpha:
                row += bytes([acc[0] * 255 // acc[3], acc[1] * 255 // acc[3], acc[2] * 255 // acc[3], alpha])
            else:
                row += b"\x00\x00\x00\x00"
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")


def main():
    os.makedirs(OUT, exist_ok=True)
    for size in (16, 32, 48, 128):
        with open(os.path.join(OUT, "icon-%d.png" % size), "wb") as f:
            f.write(png(size))


if __name__ == "__main__":
    main()
