"""Section 7 of `make bench`: the same province-scale data on DuckLake with its catalog in a
throwaway PostgreSQL: the export tables compared with the embedded store's, queries side by side,
concurrent writers from three "servers"."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from vanhoa.reference import Reference
from vanhoa.store import Store
from vanhoa_tools.bench.concurrency import concurrency_section
from vanhoa_tools.bench.measure import Row, median_time, millis, secs, show_params
from vanhoa_tools.bench.queries import PROVINCE
from vanhoa_tools.pgserver import PostgresServer
from vanhoa_tools.synth import synthesize

TITLE = "The same store on DuckLake over PostgreSQL (several app servers)"


def _frame_digest(frame) -> tuple[int, int]:
    """(rows, a hash of every cell in order): equal digests mean the same table to download."""
    import pandas as pd

    return len(frame), int(pd.util.hash_pandas_object(frame.astype(str), index=False).sum())


def ducklake_section(folder: Path, ref: Reference, embedded: Store, period: str) -> list[Row]:
    """The same province-scale data on DuckLake with its catalog in a throwaway PostgreSQL: the
    export tables compared with the embedded store's, queries side by side, concurrent writers."""
    from vanhoa.export import TABLES, table_frame

    rows: list[Row] = []
    with PostgresServer() as pg:
        os.environ["VANHOA_DATA_PATH"] = str(folder / "lake-files")
        pg.create_database("province")
        lake = Store(pg.lake_target("province"))
        started = time.perf_counter()
        synthesize(lake, PROVINCE["units"], PROVINCE["periods"], PROVINCE["activities"], PROVINCE["events"], seed=0)
        rows.append(Row("Sinh cùng dữ liệu quy mô tỉnh vào DuckLake (PostgreSQL + Parquet)",
                        secs(time.perf_counter() - started)))

        today = dt.date(int(period[:4]), 12, 20)
        same, compared, differing = 0, 0, []
        for name in TABLES:
            for chosen in (None, period):
                filters = {"period": chosen} if chosen else {}
                if name == "completeness":
                    filters["today"] = today
                compared += 1
                embedded_frame, lake_frame = table_frame(embedded, name, **filters), table_frame(lake, name, **filters)
                if _frame_digest(embedded_frame) == _frame_digest(lake_frame):
                    same += 1
                else:
                    differing.append(f"{name} {chosen or 'mọi kỳ'}")
        rows.append(Row("Bảng xuất (export) giống hệt kho tệp: 5 bảng × (mọi kỳ, kỳ " + period + ")",
                        f"{same}/{compared}", "tất cả", same == compared,
                        "so từng ô theo thứ tự" + ("; khác: " + ", ".join(differing) if differing else "")))

        for name, params in (("progress", {"period": period}), ("completeness", {"period": period, "today": today}),
                             ("commune_timeline", {}), ("activities", {"period": period, "limit": 1000}),
                             ("returns", {})):
            lake_time = median_time(lambda name=name, params=params: lake.query(name, **params), 5)
            file_time = median_time(lambda name=name, params=params: embedded.query(name, **params), 5)
            rows.append(Row(f"DuckLake: queries/{name}.sql ({show_params(params)})", millis(lake_time), "", None,
                            f"kho tệp cùng lượt: {millis(file_time)}"))
        lake.release()
        pg.create_database("concurrent")  # an empty lake, so that every count below is this run's
        rows += concurrency_section(folder, ref, target=pg.lake_target("concurrent"), processes=3, threads_count=2,
                                    label="cùng một kho DuckLake (3 máy chủ ghi cùng lúc)")
    return rows

