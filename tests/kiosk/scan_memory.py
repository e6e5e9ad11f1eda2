#!/usr/bin/env python3
"""Searches a live process's memory for a secret, as an attacker with root would.

Usage: scan_memory.py PID SECRET
Reads every readable mapping through /proc/PID/mem and looks for SECRET as ASCII and as
UTF-16LE (a QString). Prints each hit with its mapping and exits 1 if there is any.
"""
import sys

pid, secret = int(sys.argv[1]), sys.argv[2]
needles = {"ascii": secret.encode(), "utf-16": secret.encode("utf-16-le")}
hits, scanned = [], 0
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
    for line in maps:
        fields = line.split()
        start, end = (int(x, 16) for x in fields[0].split("-"))
        if "r" not in fields[1] or (len(fields) > 5 and fields[5] in ("[vvar]", "[vsyscall]")):
            continue
        try:
            mem.seek(start)
            data = mem.read(end - start)
        except OSError:
            continue
        scanned += len(data)
        for kind, needle in needles.items():
            at = data.find(needle)
            while at >= 0:
                hits.append(f"{kind} at {start + at:#x} in {' '.join(fields[5:]) or '[anonymous]'} ({fields[1]})")
                at = data.find(needle, at + 1)
print(f"scanned {scanned / 1e6:.1f} MB of process {pid}: {len(hits)} hit(s)")
for hit in hits:
    print("  " + hit)
sys.exit(1 if hits else 0)
