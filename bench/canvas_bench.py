#!/usr/bin/env python3
"""Canvas redraw benchmark: CPU per redraw and bytes to the terminal.

    python3 bench/canvas_bench.py WEIR [--nodes 500] [--cols 200] [--rows 50] [--runs 5]

Writes a NODES-node pipeline (bench/gen_pipeline.py, without layout.yaml so
weir lays it out), runs WEIR on it in a pseudo-terminal of COLS x ROWS with
TERM=xterm-256color, and sends, per run:
  - 200 navigation keys (Tab, arrows, [ and ]) one at a time,
  - 20 full repaints (Ctrl-L, which clears and redraws the whole screen),
  - 10 resizes (TIOCSWINSZ + SIGWINCH, alternating two sizes).
For each key it counts the bytes weir writes until the terminal is quiet
(40 ms), and reads weir's own CPU time per event from WEIR_BENCH_LOG
(CLOCK_PROCESS_CPUTIME_ID around handling the event and drawing).  Reports
medians over all runs.  Python 3 standard library only.
"""

import argparse
import os
import pty
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyutil import drain, set_size  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def run_once(weir, folder, cols, rows, log):
    pid, fd = pty.fork()
    if pid == 0:
        env = {"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "LANG": "C.UTF-8",
               "LC_ALL": "C.UTF-8", "HOME": folder, "WEIR_BENCH_LOG": log}
        os.execve(weir, [weir, folder], env)
    set_size(fd, rows, cols)
    os.kill(pid, signal.SIGWINCH)
    first = drain(fd, quiet=0.5, limit=20)
    keys = []
    # Arrow keys as a terminal in keypad-transmit mode sends them (weir
    # turns that mode on, as every curses program does).
    nav = [b"\t", b"\t", b"\x1bOC", b"\x1bOB", b"\x1bOB", b"\t", b"\x1bOA", b"]", b"[", b"\x1bOD"]
    out = {"nav": [], "repaint": [], "resize": [], "first": first, "by_key": {}}
    names = {b"\t": "Tab", b"\x1bOC": "Right", b"\x1bOB": "Down", b"\x1bOA": "Up",
             b"\x1bOD": "Left", b"]": "]", b"[": "["}
    for i in range(200):
        k = nav[i % len(nav)]
        os.write(fd, k)
        n = drain(fd)
        out["nav"].append(n)
        out["by_key"].setdefault(names[k], []).append(n)
    for i in range(20):
        os.write(fd, b"\x0c")
        out["repaint"].append(drain(fd))
    for i in range(10):
        set_size(fd, rows - (i % 2), cols - (i % 2))
        os.kill(pid, signal.SIGWINCH)
        out["resize"].append(drain(fd))
    os.write(fd, b"q")
    drain(fd, quiet=0.2)
    os.write(fd, b"d")  # should the quit ask (it should not: nothing was edited)
    drain(fd, quiet=0.2)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    os.close(fd)
    # weir's own log: one line per event, in order: the keys above.
    cpu = {"nav": [], "repaint": [], "resize": [], "full_nav": 0}
    with open(log) as f:
        lines = [l.split() for l in f if l.strip()]
    ev = [(int(k), int(ns), int(full)) for k, ns, full in lines]
    # events: [initial resize], 200 nav, 20 repaint, 10 resize, q
    KEY_RESIZE = 0x1000000 | 0o632
    i = 0
    while i < len(ev) and ev[i][0] == KEY_RESIZE:
        i += 1
    navs = ev[i:i + 200]
    cpu["nav"] = [ns for _, ns, _ in navs]
    cpu["nav_full"] = [full for _, _, full in navs]
    cpu["full_nav"] = sum(full for _, _, full in navs)
    rep = ev[i + 200:i + 220]
    cpu["repaint"] = [ns for _, ns, _ in rep]
    cpu["resize"] = [ns for k, ns, _ in ev[i + 220:] if k == KEY_RESIZE]
    return out, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("weir")
    ap.add_argument("--nodes", type=int, default=500)
    ap.add_argument("--cols", type=int, default=200)
    ap.add_argument("--rows", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    weir = os.path.abspath(args.weir)
    tmp = tempfile.mkdtemp(prefix="weir-canvas-bench.")
    try:
        folder = os.path.join(tmp, "p")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_pipeline.py"), folder,
                        "--nodes", str(args.nodes)], check=True, stdout=subprocess.DEVNULL)
        os.remove(os.path.join(folder, "layout.yaml"))
        moved, still = [], []
        nav_b, rep_b, res_b, nav_c, rep_c, res_c, full_nav, first = [], [], [], [], [], [], [], []
        for r in range(args.runs):
            log = os.path.join(tmp, "log%d" % r)
            out, cpu = run_once(weir, folder, args.cols, args.rows, log)
            for b, ns, full in zip(out["nav"], cpu["nav"], cpu["nav_full"]):
                (moved if full else still).append((b, ns))
            nav_b += out["nav"]
            rep_b += out["repaint"]
            res_b += out["resize"]
            first.append(out["first"])
            nav_c += cpu["nav"]
            rep_c += cpu["repaint"]
            res_c += cpu["resize"]
            full_nav.append(cpu["full_nav"])
            last_by_key = out["by_key"]
        med = statistics.median
        q90 = lambda xs: sorted(xs)[int(len(xs) * 0.9)] if xs else 0
        print("canvas: %d nodes, %dx%d, %d runs" % (args.nodes, args.cols, args.rows, args.runs))
        print("  first screen                 %8d bytes" % med(first))
        print("  navigation key   CPU median  %8.3f ms   p90 %.3f ms   mean %.3f ms" %
              (med(nav_c) / 1e6, q90(nav_c) / 1e6, statistics.mean(nav_c) / 1e6))
        print("                   bytes median %7d      p90 %d   mean %.0f" %
              (med(nav_b), q90(nav_b), statistics.mean(nav_b)))
        print("                   keys that scrolled the view: %.1f of 200 (median)" %
              med(full_nav))
        for name, xs in (("view still", still), ("view moved", moved)):
            if xs:
                print("    %s: %d keys, CPU median %.3f ms max %.3f ms, bytes median %d max %d" %
                      (name, len(xs), med([n for _, n in xs]) / 1e6,
                       max(n for _, n in xs) / 1e6, med([b for b, _ in xs]),
                       max(b for b, _ in xs)))
        print("  bytes by key (last run): " + ", ".join(
            "%s median %d max %d" % (k, med(v), max(v)) for k, v in sorted(last_by_key.items())))
        print("  full repaint     CPU median  %8.3f ms   bytes median %d" %
              (med(rep_c) / 1e6, med(rep_b)))
        print("  resize           CPU median  %8.3f ms   bytes median %d" %
              (med(res_c) / 1e6 if res_c else 0, med(res_b)))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
