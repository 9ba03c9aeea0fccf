"""What every section of `make bench` measures with: medians after a warm-up, a table row beside
its budget, the peak memory of a block, a synthetic return of any size, the child processes'
environment."""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import threading
import time
from dataclasses import dataclass

import xlsxwriter

from vanhoa import ROOT
from vanhoa.form import spec

KINDS = spec.ACTIVITY_KINDS
SECTION_NOTES: dict[str, str] = {}  # a section's explanation, printed under its table (by its title)


def synthetic_return(activities: int, events: int, unit: str = "Phòng Tổng hợp", seed: int = 0) -> bytes:
    """A well-formed return with the given numbers of activity and event rows."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    info = book.add_worksheet(spec.SHEET_INFO)
    for row, (label, value) in enumerate([("Đơn vị", unit), ("Kỳ báo cáo", "Năm 2022"), ("Người lập", "Bench")]):
        info.write_string(row, 0, label)
        info.write_string(row, 1, value)
    staff = book.add_worksheet(spec.SHEET_STAFF)
    staff.write_row(0, 0, [c.header for c in spec.STAFF_COLUMNS])
    staff.write_row(1, 0, ["Cán bộ, công chức", 40 + seed % 7, 40, 30, 35, 34])
    staff.write_row(2, 0, ["Viên chức", 10, 10, 8, 9, 9])
    staff.write_row(3, 0, ["Lao động hợp đồng", 12, 12, 9, 10, 9])
    standard = book.add_worksheet(spec.SHEET_STANDARD)
    standard.write_row(0, 0, ["Tiêu chuẩn", "Đạt", "Ghi chú"])
    for row, (_, text) in enumerate(spec.CRITERIA, start=1):
        standard.write_row(row, 0, [text, "Có"])
    acts = book.add_worksheet(spec.SHEET_ACTIVITIES)
    acts.write_row(0, 0, [c.header for c in spec.ACTIVITY_COLUMNS])
    start = dt.datetime(2022, 1, 1)
    for i in range(activities):
        row = i + 1
        acts.write_datetime(row, 0, start + dt.timedelta(days=(i * 7 + seed) % 365), date_format)
        acts.write_string(row, 1, f"Hoạt động số {i + 1}: sinh hoạt văn hóa, thể thao của cán bộ")
        acts.write_string(row, 2, KINDS[i % len(KINDS)])
        acts.write_string(row, 3, "Chiềng Xuân" if i % 5 == 0 else "Tô Hiệu")
        acts.write_string(row, 4, "Hội trường")
        acts.write_number(row, 5, 10 + i % 40)
        acts.write_number(row, 6, 500000 * (i % 9))
        acts.write_string(row, 7, "Hoàn thành")
        acts.write_string(row, 8, f"III.{1 + i % 5}")
    events_sheet = book.add_worksheet(spec.SHEET_EVENTS)
    events_sheet.write_row(0, 0, [c.header for c in spec.EVENT_COLUMNS])
    for i in range(events):
        row = i + 1
        events_sheet.write_string(row, 0, "Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)")
        events_sheet.write_datetime(row, 1, dt.datetime(2022, 5, 14), date_format)
        events_sheet.write_string(row, 2, "Mộc Châu")
        events_sheet.write_number(row, 3, 12)
        events_sheet.write_number(row, 4, 10)
    book.close()
    return buffer.getvalue()


def median_time(action, runs: int) -> float:
    action()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def timed_runs(action, runs: int, slow: float = 3.0) -> tuple[float, object]:
    """(median seconds of `runs` runs after a warm-up, last result); 3 runs when one takes > slow."""
    started = time.perf_counter()
    result = action()
    if time.perf_counter() - started > slow:
        runs = min(runs, 3)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


# ---------------------------------------------------------------- report rows


@dataclass
class Row:
    measure: str
    value: str  # what was measured, with its unit
    budget: str = ""
    ok: bool | None = None  # None: no budget (a breakdown or a comparison)
    note: str = ""

    def cells(self) -> str:
        verdict = "" if self.ok is None else (" ✅" if self.ok else " ❌ vượt ngân sách")
        return f"| {self.measure} | {self.value} | {self.budget}{verdict} | {self.note} |"


def secs(seconds: float) -> str:
    return f"{seconds:.3f} s"


def millis(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def show_params(params: dict) -> str:
    if not params:
        return "không tham số"
    return ", ".join(f"{k}={v}" for k, v in params.items())


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a measured child process: this one's, the repository first on the path
    (a checkout that was not installed still imports its own vanhoa), and `extra`."""
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), **extra)


def _memory_rss() -> int:
    """Resident memory of this process in bytes (psutil when installed, else /proc)."""
    try:
        import psutil

        return psutil.Process().memory_info().rss
    except ImportError:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakMemory:
    """Peak RSS growth over a block, sampled every 2 ms in a thread."""

    def __enter__(self) -> PeakMemory:
        self.baseline = self.peak = _memory_rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, _memory_rss())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _memory_rss())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.baseline) / 2**20

