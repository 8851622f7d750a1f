#!/usr/bin/env python3
"""Run a command while one busy process per core keeps the machine loaded.

    python scripts/cpu-hog.py -- pytest -q          # the suite on a busy machine
    python scripts/cpu-hog.py --procs 4 -- pytest -q tests/tui

The hog processes spin in pure Python (no I/O) and are stopped when the command ends; the exit
status is the command's. docs/development.md ("Tests on a busy machine").
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys


def spin(stop: multiprocessing.synchronize.Event) -> None:
    n = 0
    while not stop.is_set():
        for _ in range(100_000):
            n += 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, default=os.cpu_count() or 2, help="busy processes")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ...")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command after --")
    stop = multiprocessing.Event()
    hogs = [
        multiprocessing.Process(target=spin, args=(stop,), daemon=True) for _ in range(args.procs)
    ]
    for hog in hogs:
        hog.start()
    try:
        return subprocess.call(command)
    finally:
        stop.set()
        for hog in hogs:
            hog.join(timeout=5)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
