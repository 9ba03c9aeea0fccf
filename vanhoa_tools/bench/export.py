"""Section 4 of `make bench`: a filtered XLSX export of about 100,000 activity rows (query + file)."""

from __future__ import annotations

import statistics
import time

from vanhoa.formats import fmt_int
from vanhoa.store import Store
from vanhoa_tools.bench.measure import Row, secs, timed_runs

EXPORT_BUDGET = 5.0
TITLE = "Filtered XLSX export"


def export_section(store: Store, period: str) -> list[Row]:
    from vanhoa.export import table_frame, to_xlsx_bytes

    steps: list[tuple[float, float]] = []

    def export() -> tuple[int, int]:
        started = time.perf_counter()
        frame = table_frame(store, "activities", period=period)
        queried = time.perf_counter()
        data = to_xlsx_bytes(frame, sheet="activities")
        steps.append((queried - started, time.perf_counter() - queried))
        return len(frame), len(data)

    seconds, (count, size) = timed_runs(export, 3, slow=1e9)
    query = statistics.median(q for q, _ in steps[1:])
    writing = statistics.median(w for _, w in steps[1:])
    return [
        Row(f"Xuất XLSX bảng activities lọc theo kỳ {period}: truy vấn + ghi tệp", secs(seconds), "5 s",
            seconds <= EXPORT_BUDGET, f"{fmt_int(count)} dòng, {size / 2**20:.1f} MB"),
        Row("  trong đó: truy vấn (table_frame)", secs(query)),
        Row("  trong đó: ghi XLSX (to_xlsx_bytes)", secs(writing)),
    ]

