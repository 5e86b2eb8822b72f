#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Plots of make bench, with gnuplot (SVG).

Usage: bench-plots.py OUTDIR NAME:TITLE...

For each boot NAME (its console log in build/boot/bench-NAME/console.log)
writes to OUTDIR:
  cost-NAME.svg  cost per transfer against transfer size, per way (a, b,
                 c, d, n, m, e of bench/dmabuf-bench.c), one panel per
                 exporter (buffer size = transfer size)
  ffs-NAME.svg   FunctionFS: MiB/s and CPU seconds per GiB against size,
                 read()/write() and DMA-BUF, IN and OUT
  iio-NAME.svg   IIO: the same, read() against DMA-BUF blocks (2 and 4
                 buffers queued)
with the data files (.dat) and gnuplot scripts (.gp) next to them. A boot
without a table gets no plot of it. Prints the files written.
"""
import os
import re
import subprocess
import sys

BUILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build")
WAYS = ["a map/unmap", "b req-coh", "c brackets", "d imp-sync", "n no sync",
        "m memcpy", "e brk alone"]
EXPORTERS = ["udmabuf", "system", "cma"]


def tagged(log, tag):
    """The lines the programs printed as '# TAG ...', without the tag."""
    out = []
    for line in log.splitlines():
        m = re.search(r"# %s (.*)" % tag, line)
        if m:
            out.append(re.sub(r"\[ *[0-9.]+\] .*", "", m.group(1)).split())
    return out


def number(s):
    try:
        return float(s)
    except ValueError:
        return None


def gnuplot(outdir, base, script):
    gp = os.path.join(outdir, base + ".gp")
    with open(gp, "w") as f:
        f.write(script)
    subprocess.run(["gnuplot", gp], check=True, cwd=outdir)
    return os.path.join(outdir, base + ".svg")


COMMON = """set terminal svg size %d,%d dynamic font 'sans,11' noenhanced
set output '%s.svg'
set logscale x 2
set xtics ('4K' 4096, '16K' 16384, '64K' 65536, '256K' 262144, '1M' 1048576, '4M' 4194304, '16M' 16777216)
set grid
set key below
"""


def plot_cost(outdir, name, title, rows):
    base = "cost-" + name
    dat = os.path.join(outdir, base + ".dat")
    blocks = 0
    with open(dat, "w") as f:
        for exporter in EXPORTERS:
            f.write("# %s: size then ns of %s\n" % (exporter, ", ".join(WAYS)))
            for r in rows:
                if len(r) < 3 + len(WAYS) or r[0] != exporter or r[1] != r[2]:
                    continue
                vals = [number(v) for v in r[3:3 + len(WAYS)]]
                f.write(" ".join([r[1]] + ["NaN" if v is None else "%g" % v
                                           for v in vals]) + "\n")
            f.write("\n\n")
            blocks += 1
    script = COMMON % (1500, 560, base)
    script += "set logscale y 10\nset ylabel 'ns per transfer'\nset xlabel 'transfer = buffer size'\n"
    script += "set xrange [3000:22000000]\n"
    script += "set multiplot layout 1,3 title \"cost per transfer, %s\"\n" % title
    for i, exporter in enumerate(EXPORTERS):
        script += "set title '%s'\n" % exporter
        plots = ["'%s' index %d using 1:%d with linespoints title '%s'"
                 % (base + ".dat", i, 2 + w, WAYS[w]) for w in range(len(WAYS))]
        script += "plot " + ", \\\n     ".join(plots) + "\n"
    script += "unset multiplot\n"
    return gnuplot(outdir, base, script)


def plot_throughput(outdir, kind, name, title, rows):
    base = "%s-%s" % (kind, name)
    dat = os.path.join(outdir, base + ".dat")
    if kind == "ffs":
        groups = ["IN", "OUT"]
        labels = ("read()/write()", "DMA-BUF")
    else:
        groups = [None]
        labels = ("read()", "DMA-BUF, 2 buffers")
    with open(dat, "w") as f:
        for g in groups:
            f.write("# %s: size copy-MiB/s dmabuf-MiB/s copy-CPU dmabuf-CPU%s\n"
                    % (g or "all", "" if g else " dmabuf4-MiB/s dmabuf4-CPU"))
            for r in rows:
                if g and r[0] != g:
                    continue
                vals = r[1:6] if g else r[0:5]
                if len(vals) < 5 or number(vals[0]) is None:
                    continue
                if not g:
                    # IIO: the four-buffer DMA-BUF run, columns 8 and 9.
                    vals += r[7:9] if len(r) >= 9 else ["NaN", "NaN"]
                f.write(" ".join(vals) + "\n")
            f.write("\n\n")
    script = COMMON % (1100, 520, base)
    script += "set xlabel 'transfer size'\nset xrange [50000:22000000]\n"
    script += "set multiplot layout 1,2 title \"%s, %s\"\n" % (
        "FunctionFS over dummy_hcd" if kind == "ffs" else "IIO, emulated input device", title)
    for col, (ylabel, c1, c2) in enumerate([("MiB/s", 2, 3), ("CPU s per GiB", 4, 5)]):
        script += "set ylabel '%s'\nset title '%s'\n" % (ylabel, ylabel)
        plots = []
        for i, g in enumerate(groups):
            suffix = " " + g if g else ""
            plots.append("'%s' index %d using 1:%d with linespoints title '%s%s'"
                         % (base + ".dat", i, c1, labels[0], suffix))
            plots.append("'%s' index %d using 1:%d with linespoints title '%s%s'"
                         % (base + ".dat", i, c2, labels[1], suffix))
            if not g:
                plots.append("'%s' index %d using 1:%d with linespoints title '%s'"
                             % (base + ".dat", i, 6 + col, "DMA-BUF, 4 buffers"))
        script += "plot " + ", \\\n     ".join(plots) + "\n"
    script += "unset multiplot\n"
    return gnuplot(outdir, base, script)


def main():
    outdir = os.path.abspath(sys.argv[1])
    os.makedirs(outdir, exist_ok=True)
    for arg in sys.argv[2:]:
        name, title = arg.split(":", 1)
        try:
            with open(os.path.join(BUILD, "boot", "bench-" + name, "console.log"),
                      errors="replace") as f:
                log = f.read()
        except OSError:
            continue
        cost = [r for r in tagged(log, "BENCH") if r and r[0] in EXPORTERS]
        if cost:
            print(plot_cost(outdir, name, title, cost))
        ffs = [r for r in tagged(log, "THROUGHPUT") if r and r[0] in ("IN", "OUT")]
        if ffs:
            print(plot_throughput(outdir, "ffs", name, title, ffs))
        iio = [r for r in tagged(log, "IIOTHROUGHPUT")
               if len(r) > 1 and number(r[0]) is not None and number(r[1]) is not None]
        if iio:
            print(plot_throughput(outdir, "iio", name, title, iio))


if __name__ == "__main__":
    main()
