"""Concurrent uploads into one store (a file, and DuckLake over PostgreSQL): real command-line
processes (`python -m vanhoa --db X ingest FILE…`) and threads of this process, for the same and for
different units, at once.

Every valid return is stored exactly once, each unit and period's versions are 1..n without a gap
or a repeat, every file sent has its row in `uploads` (nothing lost), every process exits 0.
No timing is asserted here: the budgets are measured by `make bench`.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from builders import good_sheets, workbook_bytes

from vanhoa import ROOT
from vanhoa.ingest import ingest
from vanhoa.store import Store

H1, Y = "6 tháng đầu năm 2022", "Năm 2022"
TH, KT, NC, KGVX = "Phòng Tổng hợp", "Phòng Kinh tế", "Phòng Nội chính", "Phòng Khoa giáo - Văn xã"
CODES = {TH: "TH", KT: "KT", NC: "NC", KGVX: "KGVX"}
PERIODS = {H1: "2022-H1", Y: "2022-Y"}

# who sends what: four processes, four threads; Phòng Tổng hợp's 6-month return is contended by
# two processes and a thread at once
PROCESSES = [
    [(TH, H1)] * 3,
    [(TH, H1)] * 3,
    [(KT, H1)] * 3,
    [(TH, Y), (NC, H1), (KT, Y)],
]
THREADS = [
    [(TH, H1)] * 3,
    [(TH, Y)] * 3,
    [(KGVX, H1)] * 2 + [None],  # None: a broken file, rejected and still kept
    [(KT, H1)] * 3,
]


def unique_return(unit: str, period: str, number: int) -> bytes:
    """A valid return whose bytes no other file shares (one activity's wording carries a number)."""
    sheets = good_sheets(unit, period)
    sheets["Hoạt động"][2][1] = f"Giao lưu văn nghệ lần {number}"
    return workbook_bytes(sheets)


def broken_return() -> bytes:
    sheets = good_sheets(KGVX, H1)
    sheets["Chỉ tiêu"][1][2] = 99  # more staff meeting the standard than staff
    return workbook_bytes(sheets)


class CliRuns:
    """`python -m vanhoa --db DB ingest FILES…` processes started at once, their output read as it comes.

    `first_line` is set when any process has printed its first line (stored its first file)."""

    def __init__(self, db: str, batches: list[list[Path]]) -> None:
        env = {k: v for k, v in os.environ.items() if k != "VANHOA_DB"}
        env["PYTHONIOENCODING"] = "utf-8"
        self.first_line = threading.Event()
        self.out: list[list[str]] = [[] for _ in batches]
        self.err: list[list[str]] = [[] for _ in batches]
        self.procs, self._readers = [], []
        for index, paths in enumerate(batches):
            proc = subprocess.Popen(
                [sys.executable, "-m", "vanhoa", "--db", str(db), "ingest", *map(str, paths), "--by", f"proc{index}"],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
            self.procs.append(proc)
            for stream, lines in ((proc.stdout, self.out[index]), (proc.stderr, self.err[index])):
                reader = threading.Thread(target=self._read, args=(stream, lines, stream is proc.stdout))
                reader.start()
                self._readers.append(reader)

    def _read(self, stream, lines: list[str], signal: bool) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))
            if signal:
                self.first_line.set()

    def wait(self) -> list[int]:
        codes = [proc.wait(timeout=180) for proc in self.procs]
        for reader in self._readers:
            reader.join(timeout=30)
        return codes


@pytest.fixture(params=["embedded", "ducklake"])
def shared_target(request, tmp_path) -> str:
    """Where everybody writes: one DuckDB file (one writer process at a time, the file lock), or
    DuckLake over PostgreSQL (writers commit side by side; the loser of a conflict is retried)."""
    if request.param == "embedded":
        return str(tmp_path / "shared.duckdb")
    return request.getfixturevalue("lake_store").target


def write_batches(folder: Path) -> tuple[list[list[Path]], dict[str, tuple[str, str]]]:
    """The files each process and thread sends, written to `folder`, and the valid ones' sha256 ->
    (unit code, period code); None in a batch is the one broken return."""
    number = 0
    valid: dict[str, tuple[str, str]] = {}
    batches: list[list[Path]] = []
    for batch in PROCESSES + THREADS:
        paths = []
        for item in batch:
            number += 1
            raw = broken_return() if item is None else unique_return(item[0], item[1], number)
            if item is not None:
                valid[hashlib.sha256(raw).hexdigest()] = (CODES[item[0]], PERIODS[item[1]])
            path = folder / f"bao-cao-{number:02d}.xlsx"
            path.write_bytes(raw)
            paths.append(path)
        batches.append(paths)
    return batches, valid


def test_processes_and_threads_write_at_once_and_nothing_is_lost_or_doubled(shared_target, tmp_path):
    db = shared_target
    store = Store(db)
    ref = store.reference()  # also creates the schema, so that no writer has to
    batches, valid = write_batches(tmp_path)
    sent = sum(len(paths) for paths in batches)
    assert len(valid) == sent - 1  # every valid file differs from every other

    runs = CliRuns(db, batches[:len(PROCESSES)])
    statuses: list[str] = []
    errors: list[BaseException] = []

    def write(paths: list[Path], name: str) -> None:
        runs.first_line.wait(timeout=120)  # start while the processes are writing
        mine = Store(db)
        try:
            for path in paths:
                statuses.append(ingest(mine, path.read_bytes(), path.name, name, ref=ref).status)
        except BaseException as exc:  # noqa: BLE001 - pragma: no cover; the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(paths, f"thread{i}"))
               for i, paths in enumerate(batches[len(PROCESSES):])]
    for thread in threads:
        thread.start()
    codes = runs.wait()
    for thread in threads:
        thread.join(timeout=180)

    assert codes == [0] * len(PROCESSES), runs.err
    # a writer that waits for another process's turn over a second says so (and nothing else)
    told = re.compile(r"Kho dữ liệu shared\.duckdb đang được tiến trình khác \(tiến trình \d+\) dùng; "
                      r"đang chờ \(tối đa 20 giây\)…")
    assert [[line for line in err if not told.fullmatch(line)] for err in runs.err] == [[] for _ in PROCESSES]
    for lines, paths in zip(runs.out, batches):
        assert len(lines) == len(paths) and all(line.startswith("Đã nhận: ") for line in lines), lines
    assert errors == []
    assert Counter(statuses) == {"accepted": sum(len(b) for b in THREADS) - 1, "rejected": 1}

    with store.connect() as con:
        stored = con.execute("select sha256, unit_code, period_code, version from returns").fetchall()
        uploads = con.execute("select status, sha256, unit_code, period_code, version from uploads").fetchall()
        kept = {sha for (sha,) in con.execute("select sha256 from files").fetchall()}
    # every valid return stored exactly once, under its own unit and period
    assert len(stored) == len(valid)
    assert {sha: (unit, period) for sha, unit, period, _ in stored} == valid
    # versions of each unit and period: 1..n, no gap, no repeat
    versions: dict[tuple[str, str], list[int]] = {}
    for _, unit, period, version in stored:
        versions.setdefault((unit, period), []).append(version)
    expected = Counter(valid.values())
    assert {pair: sorted(v) for pair, v in versions.items()} == {
        pair: list(range(1, n + 1)) for pair, n in expected.items()}
    assert expected[("TH", "2022-H1")] == 9  # the contended return: two processes and a thread
    # nothing lost: one upload row per file sent, the rejected one too, every file's bytes kept
    assert len(uploads) == sent
    assert Counter(status for status, *_ in uploads) == {"accepted": len(valid), "rejected": 1}
    assert sorted((sha, unit, period, version) for status, sha, unit, period, version in uploads
                  if status == "accepted") == sorted(stored)
    assert kept == {sha for _, sha, *_ in uploads}


def test_threads_opening_the_store_at_once_never_fail(tmp_path):
    db = tmp_path / "read.duckdb"
    Store(db).is_empty()
    failures: list[str] = []
    opened = Counter()
    start = threading.Barrier(4)

    def read(name: str) -> None:
        start.wait()
        for _ in range(1000):  # stops at the first failure; about 4 s when there is none
            if failures:
                return
            try:
                Store(db).is_empty()
                opened[name] += 1
            except Exception as exc:  # noqa: BLE001 - the failure this test is about
                failures.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=read, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == [], f"failed after {sum(opened.values())} opens: {failures[0]}"
