"""ptyutil: what the terminal benchmarks (canvas_bench.py, editpane_bench.py)
share for driving weir in a pseudo-terminal."""
import fcntl
import os
import select
import struct
import termios
import time


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def drain(fd, quiet=0.04, limit=5.0):
    """Read until nothing arrives for `quiet` seconds; return the byte count."""
    total = 0
    end = time.monotonic() + limit
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            break
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        total += len(data)
    return total
