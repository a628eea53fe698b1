#!/usr/bin/env python3
"""Editor pane benchmark: CPU per keystroke of the SQL editor hosted in the
canvas (issue 4), from the key to the screen, in a 10,000-line SQL file.

    python3 bench/editpane_bench.py WEIR [--cols 120] [--rows 40] [--runs 5]

Makes a pipeline with `WEIR new`, replaces its SQL node's file with 10,000
lines, runs WEIR on it in a pseudo-terminal (TERM=xterm-256color), opens the
editor on the SQL node (Tab, e), goes to line 5,000 (Ctrl-L) and, per run:
  - types 200 characters one at a time (waiting for each to be drawn),
  - pages down 50 times (PgDn).
Each keystroke's CPU time is weir's own CLOCK_PROCESS_CPUTIME_ID around
handling the key and drawing the whole screen (canvas, pane, status bars),
from WEIR_BENCH_LOG; bytes are what weir writes until the terminal is quiet
for 40 ms.  Validation runs in idle time (250 ms after the last key), not
inside a keystroke, so it is not in these figures.  Medians over all runs.
Python 3 standard library only.
"""

import argparse
import os
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyutil import drain, set_size  # noqa: E402

KEY_FN = 0x1000000
KEY_NPAGE = 0o522


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("weir")
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    weir = os.path.abspath(args.weir)
    tmp = tempfile.mkdtemp(prefix="weir-editpane-bench.")
    try:
        subprocess.run([weir, "new", "shop"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        d = os.path.join(tmp, "shop")
        with open(os.path.join(d, "sql", "enrich.sql"), "w") as f:
            for i in range(10000):
                f.write("SELECT id, amount * 2 AS twice, 'text %d' FROM orders WHERE amount > %d"
                        " -- line %d\n" % (i, i, i))
        log = os.path.join(tmp, "bench.log")
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8",
                   WEIR_BENCH_LOG=log, HOME=tmp)
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(weir, [weir, d], env)
        set_size(fd, args.rows, args.cols)
        drain(fd, 0.3)
        for k in (b"\t", b"e"):
            os.write(fd, k)
            drain(fd, 0.2)
        os.write(fd, b"\x0c5000\r")  # Ctrl-L: go to line 5,000
        drain(fd, 0.3)
        typed, paged = [], []
        for _ in range(args.runs):
            for i in range(200):
                os.write(fd, b"ABCDEFGHIJ"[i % 10:i % 10 + 1])
                typed.append(drain(fd))
            for _ in range(50):
                os.write(fd, b"\033[6~")
                paged.append(drain(fd))
            os.write(fd, b"\x0c5000\r")
            drain(fd, 0.3)
        os.write(fd, b"\x11")  # Ctrl-Q leaves the editor; q, d: quit, discard
        drain(fd, 0.2)
        os.write(fd, b"q")
        drain(fd, 0.2)
        os.write(fd, b"d")
        drain(fd, 0.3)
        os.waitpid(pid, 0)
        cpu = {"type": [], "pgdn": []}
        with open(log) as f:
            for line in f:
                key, ns, _ = line.split()
                key = int(key)
                if 0x41 <= key <= 0x4A:  # the typed letters only
                    cpu["type"].append(int(ns) / 1e6)
                elif key == KEY_FN | KEY_NPAGE:
                    cpu["pgdn"].append(int(ns) / 1e6)
        print("editor pane, 10,000-line SQL file, %dx%d, %d runs" % (args.cols, args.rows, args.runs))
        print("| keystroke | keys | CPU median | CPU p99 | CPU max | bytes median |")
        print("|---|---|---|---|---|---|")
        for name, xs, bs in (("type a character", cpu["type"], typed), ("PgDn", cpu["pgdn"], paged)):
            xs = sorted(xs)
            p99 = xs[min(len(xs) - 1, int(len(xs) * 0.99))]
            print("| %s | %d | %.3f ms | %.3f ms | %.3f ms | %d |" %
                  (name, len(xs), statistics.median(xs), p99, xs[-1], statistics.median(bs)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
