"""Section 6 of `make bench`: concurrent uploads, command-line processes and threads of this
process writing into one store at once (a DuckDB file, or DuckLake for section 7)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from vanhoa import ROOT
from vanhoa.ingest import ingest
from vanhoa.reference import Reference
from vanhoa.store import Store
from vanhoa_tools.bench.measure import Row, child_env, secs, synthetic_return

TITLE = "Concurrent uploads"


def concurrency_section(folder: Path, ref: Reference, target: str | None = None, processes: int = 4,
                        threads_count: int = 4, label: str = "cùng một kho") -> list[Row]:
    """Command-line processes and threads of this process, 5 files each, all at once, into one
    store (a DuckDB file by default; DuckLake when `target` says so)."""
    store_path = target or str(folder / "concurrent.duckdb")
    Store(store_path).is_empty()
    files = _batches(folder, ref, processes, threads_count, label)
    env = child_env()
    waits: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    procs = [(subprocess.Popen([sys.executable, "-m", "vanhoa", "--db", str(store_path), "ingest",
                                *map(str, batch)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True), time.perf_counter()) for batch in files[:processes]]

    def thread_worker(batch: list[Path]) -> None:
        store = Store(store_path)
        for path in batch:
            began = time.perf_counter()
            done = ingest(store, path.read_bytes(), path.name, "bench-thread", ref=ref)
            waits.append(time.perf_counter() - began)
            if done.status != "accepted":
                errors.append(f"{path.name}: {done.status}")

    threads = [threading.Thread(target=thread_worker, args=(batch,)) for batch in files[processes:]]
    for thread in threads:
        thread.start()
    process_times = []
    for proc, began in procs:
        out, err = proc.communicate(timeout=300)
        process_times.append(time.perf_counter() - began)
        if proc.returncode != 0:
            errors.append(f"exit {proc.returncode}: {err.strip()[:200]}")
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    stored, distinct, uploads, gaps = _what_was_stored(Store(store_path))
    sent = sum(len(b) for b in files)
    exact = not errors and stored == distinct == uploads == sent and gaps == 0
    return [
        Row(f"Nạp đồng thời: {processes} tiến trình `python -m vanhoa ingest` + {threads_count} luồng, mỗi nơi 5 tệp, "
            f"{label}",
            secs(wall), "mỗi tệp chờ vài giây", exact and max(waits, default=0) <= 5,
            f"{sent} tệp gửi, {stored} phiên bản lưu, {distinct} tệp khác nhau, {uploads} dòng uploads, "
            f"{gaps} cặp đơn vị-kỳ lệch số phiên bản{'; ' + '; '.join(errors[:3]) if errors else ''}"),
        Row("  trong đó: lâu nhất một tiến trình (khởi động + 5 tệp)", secs(max(process_times))),
        Row("  trong đó: lâu nhất một tệp ở luồng (kể cả chờ khóa)", secs(max(waits, default=0)),
            "", None, f"trung vị {secs(statistics.median(waits)) if waits else '-'}"),
    ]



def _batches(folder: Path, ref: Reference, processes: int, threads_count: int, label: str) -> list[list[Path]]:
    """Five return files for each process and thread; the first two processes and the first two
    threads file for one shared unit (they race for its version numbers), the others each for its own."""
    names = list(ref.units.values())
    files: list[list[Path]] = []
    for worker in range(processes + threads_count):
        batch = []
        for item in range(5):
            path = folder / f"conc_{label[:3]}_{worker}_{item}.xlsx"
            shared = worker in (0, 1, processes, processes + 1)
            unit = names[0] if shared else names[1 + worker % (len(names) - 1)]
            path.write_bytes(synthetic_return(50, 10, unit=unit, seed=worker * 5 + item))
            batch.append(path)
        files.append(batch)
    return files


def _what_was_stored(store: Store) -> tuple[int, int, int, int]:
    """(versions stored, distinct files, upload rows, unit-period pairs whose versions are not 1..n)."""
    with store.connect() as con:
        stored, distinct, uploads = con.execute(
            "select count(*), count(distinct sha256), (select count(*) from uploads) from returns").fetchone()
        gaps = con.execute("""select count(*) from (select unit_code, period_code, count(*) n, max(version) m,
                                  count(distinct version) d from returns group by all)
                              where n <> m or d <> n""").fetchone()[0]
    return stored, distinct, uploads, gaps
