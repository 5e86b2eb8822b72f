#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The tables of a make bench run, narrowed for the cover letter.

Usage: bench-cover.py [LOG]   (LOG: what make bench printed; default stdin)

make bench prints wide tables (ns, every column named in full). The cover
letter of the access series quotes the same figures in mail width: the
cost per transfer in us, the ratios beside it, each target's line, and the
FunctionFS and IIO throughput tables with their ratios and verdicts. This
reads the output of one run and prints those blocks, boot by boot, in the
order make bench printed them, so that the cover letter's figures are
those of one run and nothing is copied by hand.
"""
import re
import sys

SIZES = {4096: "4K", 65536: "64K", 262144: "256K", 1048576: "1M",
         4194304: "4M", 16777216: "16M"}


def size(v):
    return SIZES.get(int(v), v)


def us(v):
    """ns as printed by dmabuf-bench, in us with 3 significant figures."""
    try:
        x = float(v) / 1000
    except ValueError:
        return {"refused": "refus"}.get(v, v)
    if x >= 100:
        return "%.0f" % x
    return "%.2f" % x


def cost(rows, targets, out):
    out.append("  us per transfer:")
    out.append("          size xfer       a      b      c      d      n      m      e")
    for r in rows:
        out.append("  %-7s %4s %4s " % (r[0], size(r[1]), size(r[2])) +
                   " ".join("%6s" % us(v) for v in r[3:10]))
    out.append("")
    out.append("          size xfer    c/n    e/m      a/c   d/c")
    for r in rows:
        out.append("  %-7s %4s %4s %6s %6s %8s %5s" % (r[0], size(r[1]), size(r[2]),
                                                     r[10], r[11], r[12], r[13]))
    if targets:
        out.append("")
        out.append("  targets:")
        for t in targets:
            out.append("  " + re.sub(r"\s+", " ", t[len("target "):]).strip())


def ffs(rows, out):
    out.append("  dir  size  rw MiB/s  db MiB/s  rw CPU  db CPU  rw +-  db +-  db/rw MiB/s  db/rw CPU")
    for r in rows:
        # dir size rw db rwc dbc rw+- db+-, then "R >= 1 VERDICT R <= 0.7 VERDICT"
        line = "  %-4s %5s %9s %9s %7s %7s %6s %6s" % (r[0], size(r[1]), r[2], r[3],
                                                     r[4], r[5], r[6], r[7])
        if len(r) >= 12:
            line += "  %5s %-6s" % (r[8], r[11])
        if len(r) >= 16:
            line += "  %5s %s" % (r[12], r[15])
        out.append(line.rstrip())


def iio(rows, out):
    out.append("  size  read MiB/s  db MiB/s  db4 MiB/s  read CPU  db CPU  db4 CPU  db/read   db4/read")
    for r in rows:
        # size rd db rdc dbc rd+- db+- d4 d4c, then "R >= 1 VERDICT" twice
        line = "  %4s %11s %9s %10s %9s %7s %8s" % (size(r[0]), r[1], r[2], r[7],
                                                    r[3], r[4], r[8])
        if len(r) >= 13:
            line += "  %4s %-6s" % (r[9], r[12])
        if len(r) >= 17:
            line += " %4s %s" % (r[13], r[16])
        out.append(line.rstrip())


def main():
    text = open(sys.argv[1], errors="replace").read() if len(sys.argv) > 1 else sys.stdin.read()
    out = []
    section = None
    boot = None
    rows, targets = [], []

    def flush():
        if boot is None or not (rows or targets):
            return
        out.append("")
        out.append("%s (%s):" % (boot, section))
        if section == "cost":
            cost(rows, targets, out)
        elif section == "ffs":
            ffs(rows, out)
        elif section == "iio":
            iio(rows, out)

    for line in text.splitlines():
        if line.startswith("== "):
            flush()
            rows, targets, boot = [], [], None
            section = ("cost" if "cost per transfer" in line else
                       "ffs" if "FunctionFS" in line else
                       "iio" if "IIO" in line else None)
            continue
        if section is None:
            continue
        if line.startswith("boot: "):
            flush()
            rows, targets = [], []
            boot = line[len("boot: "):]
            continue
        f = line.split()
        if not f:
            continue
        if section == "cost":
            if f[0] == "target":
                targets.append(line.strip())
            elif f[0] in ("udmabuf", "system", "cma") and len(f) >= 14:
                rows.append(f)
        elif section == "ffs" and f[0] in ("IN", "OUT") and len(f) >= 8:
            rows.append(f)
        elif section == "iio" and f[0].isdigit() and f[1] != "CPUs," and len(f) >= 9:
            rows.append(f)
    flush()
    print("\n".join(out).lstrip("\n"))


if __name__ == "__main__":
    main()
