"""Section 8 of `make bench`: the command line's start, whole process. `python -m vanhoa --help`
imports only argparse (the store, DuckDB and pandas load once a command runs), so it answers in
well under half a second; beside it, a Python that does nothing (`python -c pass`)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from vanhoa import ROOT
from vanhoa_tools.bench.measure import Row, child_env, secs

HELP_BUDGET = 0.4
RUNS = 7
TITLE = "Command line (whole process)"


def process_time(argv: list[str], runs: int = RUNS) -> float:
    """Median wall time of `python argv…` from start to exit, after one warm-up run (file cache)."""
    times = []
    for run in range(runs + 1):
        started = time.perf_counter()
        subprocess.run([sys.executable, *argv], cwd=ROOT, env=child_env(), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True, timeout=60)
        if run:
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def cli_section() -> list[Row]:
    shown = process_time(["-m", "vanhoa", "--help"])
    bare = process_time(["-c", "pass"])
    return [
        Row("Dòng lệnh: `python -m vanhoa --help`, cả tiến trình (khởi động đến khi thoát)", secs(shown),
            f"{HELP_BUDGET} s", shown <= HELP_BUDGET, f"trung vị {RUNS} lần sau một lần khởi động"),
        Row("So sánh: `python -c pass` (Python không làm gì)", secs(bare)),
    ]
