#!/usr/bin/env python3
"""Prints a PNG's size and how many distinct colours it has: a screenshot of a rendered
screen has many, a blank or black one has one or two. Exits 1 below MIN_COLOURS.
Usage: pngcheck.py FILE MIN_COLOURS"""
import struct
import sys
import zlib

path, minimum = sys.argv[1], int(sys.argv[2])
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit(f"{path}: not a PNG")
pos, idat, header = 8, b"", None
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        header = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
width, height, depth, colour, _, _, interlace = header
if depth != 8 or colour not in (2, 6) or interlace:
    sys.exit(f"{path}: unexpected PNG format {header}")
bpp = 3 if colour == 2 else 4
raw, stride = zlib.decompress(idat), width * bpp
rows, previous = [], bytearray(stride)
for y in range(height):
    kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = previous[x]
        c = previous[x - bpp] if x >= bpp else 0
        if kind == 1:
            line[x] = (line[x] + a) & 0xFF
        elif kind == 2:
            line[x] = (line[x] + b) & 0xFF
        elif kind == 3:
            line[x] = (line[x] + (a + b) // 2) & 0xFF
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    rows.append(bytes(line))
    previous = line
colours = {row[i:i + 3] for row in rows[::4] for i in range(0, stride, bpp * 4)}
print(f"{path}: {width}x{height}, {len(colours)} colours (sampled)")
sys.exit(0 if len(colours) >= minimum else 1)
