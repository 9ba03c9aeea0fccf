"""`make bench` (`python -m vanhoa_tools.bench`): every section in turn, then BENCHMARKS.md.

`--only NAME[,NAME…]` runs the named sections alone (ingest, province, queries, pages, export,
hostile, concurrency, ducklake, cli) and prints their tables without writing BENCHMARKS.md: a
quick check that a section starts, e.g. `python -m vanhoa_tools.bench --only cli`. A section on
the province-scale store (queries, pages, export, ducklake) builds that store first (minutes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import tempfile
import time
from functools import cached_property
from pathlib import Path

from vanhoa import ROOT
from vanhoa.reference import Reference
from vanhoa_tools.bench import cli, concurrency, ducklake, export, hostile, ingest, pages, queries
from vanhoa_tools.bench.measure import SECTION_NOTES, Row

METHOD = (
    "Method: median of several runs after one warm-up run (5 runs for queries, 3 for slower steps); "
    "each ingest run commits a new file (a new version) into an on-disk DuckDB store. Queries run "
    "through `Store.query` as the app does on a cache miss (a cursor of the process's open store, "
    "run, to pandas); the note gives the same query on a cursor held through the runs; a query marked "
    "XUẤT fetches a whole table for a file or the command line and has no page budget (its file is "
    "timed under the export budget). Pages run through the router with AppTest as a signed-in "
    "administrator, each in a fresh process (three processes per page, the median of each figure): "
    "cold is the first run after `st.cache_data.clear()`, warm the median of the 3 runs after it. "
    "Memory of hostile files is the peak growth of the process's resident set during the first "
    "(cold) run, sampled every 2 ms; the app's memory is the peak resident set of one process that "
    "ran every page. The command line is timed whole-process (start to exit), the median of 7 runs.")


class _Run:
    """What the sections share: a scratch folder, the reference data, and the province-scale store,
    built once by the first section that needs it."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="vanhoa-bench-"))
        self.ref = Reference.from_csv()

    @cached_property
    def province(self):  # (build rows, query rows, store, period)
        return queries.province_section(self.folder)

    @property
    def store(self):
        return self.province[2]

    @property
    def period(self) -> str:
        return self.province[3]


# (name for --only, title in BENCHMARKS.md, what is printed while it runs, the section)
SECTIONS = [
    ("ingest", ingest.TITLE, "nạp báo cáo", lambda run: ingest.ingest_section(run.folder, run.ref)),
    ("province", queries.BUILD_TITLE, "kho quy mô tỉnh", lambda run: run.province[0]),
    ("queries", queries.QUERIES_TITLE, "truy vấn", lambda run: run.province[1]),
    ("pages", pages.TITLE, "các trang", lambda run: pages.pages_section(run.folder, run.period)),
    ("export", export.TITLE, "xuất XLSX", lambda run: export.export_section(run.store, run.period)),
    ("hostile", hostile.TITLE, "tệp độc hại", lambda run: hostile.hostile_section(run.folder)),
    ("concurrency", concurrency.TITLE, "nạp đồng thời",
     lambda run: concurrency.concurrency_section(run.folder, run.ref)),
    ("ducklake", ducklake.TITLE, "DuckLake trên PostgreSQL",
     lambda run: ducklake.ducklake_section(run.folder, run.ref, run.store, run.period)),
    ("cli", cli.TITLE, "dòng lệnh", lambda run: cli.cli_section()),
]


def _table(rows: list[Row], first: str = "measure") -> list[str]:
    lines = [f"| {first} | median | budget | note |", "|---|---:|---:|---|"]
    return lines + [row.cells() for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vanhoa_tools.bench")
    parser.add_argument("--only", help="các mục cần đo, cách nhau bằng dấu phẩy: "
                                       + ", ".join(name for name, *_ in SECTIONS))
    args = parser.parse_args(argv)
    wanted = args.only.split(",") if args.only else [name for name, *_ in SECTIONS]
    unknown = set(wanted) - {name for name, *_ in SECTIONS}
    if unknown:
        parser.error("không có mục " + ", ".join(sorted(unknown)))
    began, load_before = time.perf_counter(), os.getloadavg()
    run = _Run()
    chosen = [section for section in SECTIONS if section[0] in wanted]
    sections: list[tuple[str, list[Row]]] = []
    for number, (_, title, saying, measure) in enumerate(chosen, start=1):
        print(f"{number}/{len(chosen)} {saying}…", flush=True)
        sections.append((title, measure(run)))
    text = _document(sections, began, load_before, os.getloadavg())
    if not args.only:
        (ROOT / "BENCHMARKS.md").write_text(text, encoding="utf-8")
    print(text)
    shutil.rmtree(run.folder, ignore_errors=True)
    return 0


def _document(sections: list[tuple[str, list[Row]]], began: float, load_before, load_after) -> str:
    """BENCHMARKS.md: the machine, the method, the count of missed budgets, a table a section."""
    every = [row for _, rows in sections for row in rows]
    missed = [row for row in every if row.ok is False]
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{_total_memory_gb():.0f} GB RAM, Python {platform.python_version()}, {platform.system()} "
        f"{platform.release()}, DuckDB {_version('duckdb')}, pandas {_version('pandas')}.  ",
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} with `make bench` (`python -m vanhoa_tools.bench`) in "
        f"{(time.perf_counter() - began) / 60:.1f} min; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after (other work on the machine slows every figure).  ",
        METHOD,
        "",
        f"**{len(missed)} budget{'s' if len(missed) != 1 else ''} missed** of "
        f"{sum(1 for row in every if row.ok is not None)}"
        + (": " + "; ".join(f"{row.measure} ({row.value})" for row in missed) + "." if missed else "."),
    ]
    for title, rows in sections:
        lines += ["", f"## {title}", ""] + _table(rows)
        if title in SECTION_NOTES:
            lines += ["", SECTION_NOTES[title]]
    return "\n".join(lines) + "\n"


def _version(package: str) -> str:
    from importlib.metadata import version

    try:
        return version(package)
    except Exception:  # noqa: BLE001 - a version that cannot be read is written '?'
        return "?"


def _total_memory_gb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        return 0.0

