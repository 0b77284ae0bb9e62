#!/usr/bin/env python3
"""Where a process's page faults land: by mapping, and within the main program by ELF
section (perf record -e page-faults -d; needs perf_event_paranoid <= 2).

    bench/startup/faults.py [-v] PROGRAM ARGS...

Prints the count per mapping (the object and its r/w/x mapping, the heap, the stack,
anonymous memory, SQLite's -shm file) and, for PROGRAM itself, per section (.text,
.rodata, .data.rel.ro, .data, .bss, ...); -v lists the program's faults with the symbol
nearest each address.
"""
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile


def sections(path):
    """[(vaddr, end, name)] of the allocated sections of an ELF file."""
    out = subprocess.run(["readelf", "-SW", path], capture_output=True, text=True).stdout
    res = []
    for m in re.finditer(r"\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S+)",
                         out):
        name, addr, size, flags = m.group(1), int(m.group(2), 16), int(m.group(3), 16), m.group(4)
        if "A" in flags and size:
            res.append((addr, addr + size, name))
    return sorted(res)


def symbols(path):
    out = subprocess.run(["nm", "-n", "--defined-only", path], capture_output=True,
                         text=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3:
            syms.append((int(f[0], 16), f[2]))
    return syms


def main():
    verbose = sys.argv[1] == "-v"
    argv = sys.argv[2:] if verbose else sys.argv[1:]
    prog = os.path.realpath(subprocess.run(["which", argv[0]], capture_output=True,
                                           text=True).stdout.strip() or argv[0])
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "pf.data")
        subprocess.run(["perf", "record", "-q", "-e", "page-faults", "-c", "1", "-d", "-o", data,
                        "--"] + argv, check=True, stdout=subprocess.DEVNULL)
        script = subprocess.run(["perf", "script", "-i", data, "--show-mmap-events", "-F",
                                 "comm,event,addr"], capture_output=True, text=True).stdout
    maps, faults = [], []
    for line in script.splitlines():
        m = re.search(r"PERF_RECORD_MMAP2? \S+ \[(0x[0-9a-f]+)\((0x[0-9a-f]+)\) @ (\S+)"
                      r".*\]: (\S+) (.*)$", line)
        if m:
            start, size, off = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
            maps.append((start, start + size, m.group(4), m.group(5).strip(), off))
            continue
        m = re.search(r"page-faults:?\s+([0-9a-f]+)", line)
        if m:
            faults.append(int(m.group(1), 16))
    secs = sections(prog)
    base = None
    for start, end, prot, name, off in maps:
        if os.path.realpath(name) == prog and off == "0":
            base = start
    counts, in_prog = collections.Counter(), []
    for a in faults:
        where = "[heap/anon or unmapped]"
        for start, end, prot, name, off in reversed(maps):
            if start <= a < end:
                where = "%s %s" % (os.path.basename(name), prot)
                if os.path.realpath(name) == prog or (name == "//anon" and base and
                                                      start < base + secs[-1][1] + (1 << 20)
                                                      and start >= base):
                    in_prog.append(a)
                break
        counts[where] += 1
    print("%d page faults: %s" % (len(faults), " ".join(argv)))
    for where, n in counts.most_common():
        print("%5d  %s" % (n, where))
    if base is None:
        return
    by_sec, syms = collections.Counter(), symbols(prog)
    keys = [s[0] for s in syms]
    rows = []
    for a in in_prog:
        off = a - base
        name = next((n for s, e, n in secs if s <= off < e), "(none)")
        by_sec[name] += 1
        i = bisect.bisect_right(keys, off) - 1
        rows.append((off, name, syms[i][1] if i >= 0 else "?"))
    print("in %s, by section:" % os.path.basename(prog))
    for name, n in by_sec.most_common():
        print("%5d  %s" % (n, name))
    if verbose:
        for off, name, sym in sorted(rows):
            print("  %#9x %-14s %s" % (off, name, sym))


if __name__ == "__main__":
    main()
