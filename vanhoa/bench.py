"""`make bench`: ingest timings on this machine, beside the plain alternative, into BENCHMARKS.md.

Method: each figure is the median of several runs after one warm-up run. Budgets are those of
the scale issue; a missed budget is printed as such, never hidden.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

from vanhoa import ROOT
from vanhoa.form import spec
from vanhoa.form.read import read_workbook
from vanhoa.form.rules import validate
from vanhoa.ingest import ingest
from vanhoa.reference import Reference
from vanhoa.store import Store

KINDS = spec.ACTIVITY_KINDS


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


def main() -> int:
    import pandas as pd

    ref = Reference.from_csv()
    folder = Path(tempfile.mkdtemp(prefix="vanhoa-bench-"))
    rows = []

    def ingest_each(store: Store, files: list[bytes]) -> float:
        """Median ingest time of `files` (each a new version), after the first as warm-up."""
        times = []
        for raw in files:
            started = time.perf_counter()
            done = ingest(store, raw, "bench.xlsx", "bench", ref=ref)
            times.append(time.perf_counter() - started)
            assert done.status == "accepted", done.checked.errors[:3]
        return statistics.median(times[1:])

    typical_files = [synthetic_return(50, 10, seed=seed) for seed in range(8)]
    rows.append(("Nạp một báo cáo điển hình (3 nhóm, 50 hoạt động, 10 sự kiện): đọc + kiểm tra + lưu",
                 ingest_each(Store(folder / "typical.duckdb"), typical_files), 0.3,
                 f"{len(typical_files[0]) // 1024} KB"))

    big_files = [synthetic_return(50_000, 10, seed=seed) for seed in range(4)]
    big = big_files[0]
    big_median = ingest_each(Store(folder / "big.duckdb"), big_files)
    rows.append(("Nạp báo cáo 50.000 dòng hoạt động: đọc + kiểm tra + lưu", big_median, 5.0,
                 f"{len(big) // 1024} KB"))

    read_only = median_time(lambda: read_workbook(big, "big.xlsx"), 3)
    validate_only = median_time(lambda: validate(read_workbook(big, "big.xlsx"), ref), 3) - read_only
    plain = median_time(lambda: pd.read_excel(io.BytesIO(big), sheet_name=None, engine="openpyxl"), 3)
    rows.append(("  trong đó: đọc tệp (calamine, có kiểm tra zip bomb)", read_only, None, ""))
    rows.append(("  trong đó: kiểm tra quy tắc", validate_only, None, ""))
    rows.append(("So sánh: chỉ đọc cùng tệp bằng pandas.read_excel(engine='openpyxl')", plain, None,
                 f"nhanh hơn {plain / big_median:.1f} lần (yêu cầu ≥ 5 lần)".replace(".", ",")))

    lines = [
        "# Benchmarks",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}.  ",
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} with `make bench` (`python -m vanhoa.bench`).  ",
        "Method: median of several runs after one warm-up run; each ingest run commits a new file "
        "(a new version) into an on-disk DuckDB store.",
        "",
        "| measure | median (s) | budget (s) | note |",
        "|---|---:|---:|---|",
    ]
    for name, seconds, budget, note in rows:
        verdict = "" if budget is None else (" ✅" if seconds <= budget else " ❌ over budget")
        lines.append(f"| {name} | {seconds:.3f} | {'' if budget is None else budget}{verdict} | {note} |")
    text = "\n".join(lines) + "\n"
    (ROOT / "BENCHMARKS.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
