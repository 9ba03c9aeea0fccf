"""Section 5 of `make bench`: hostile files (zip bombs, a million-row sheet, a cell at Excel's
last row) refused: time and memory growth (RSS, sampled), each in a fresh process so that memory
freed by earlier steps cannot hide growth."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from vanhoa import ROOT
from vanhoa.store import Store
from vanhoa_tools.bench.measure import Row, child_env, secs, synthetic_return

HOSTILE_SECONDS, HOSTILE_MB = 2.0, 200
TITLE = "Hostile files (each in a fresh process)"


def _bomb_declared(inflated_mb: int) -> bytes:
    """An .xlsx whose sheet inflates to `inflated_mb` MB of spaces (its size declared honestly)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b" " * (1 << 20)
            for _ in range(inflated_mb):
                part.write(chunk)
    return buffer.getvalue()


def _bomb_many_parts(parts: int, part_mb: int = 10) -> bytes:
    """Many parts of exactly `part_mb` MB each: under the per-part ratio check and the declared
    total, so the reader must inflate all of them (in chunks) before it can refuse the file."""
    buffer = io.BytesIO()
    chunk = b"\0" * (part_mb << 20)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for index in range(parts):
            archive.writestr(f"xl/media/image{index + 1}.bin", chunk)
    return buffer.getvalue()


def _million_rows(rows: int) -> bytes:
    """A real return whose activity sheet has `rows` filled rows (written as XML directly)."""
    source = zipfile.ZipFile(io.BytesIO(synthetic_return(1, 1)))
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ' \
           b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    body = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{44562 + r % 365}</v></c><c r="B{r}" t="inlineStr"><is><t>Hoạt động '
        f'số {r}</t></is></c><c r="C{r}" t="inlineStr"><is><t>Khác</t></is></c><c r="F{r}"><v>{r % 40}</v></c>'
        f'</row>' for r in range(2, rows + 2)).encode()
    sheet = head + body + b"</sheetData></worksheet>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for info in source.infolist():
            data = sheet if info.filename == "xl/worksheets/sheet4.xml" else source.read(info)
            archive.writestr(info.filename, data)
    return buffer.getvalue()


def _last_row_cell() -> bytes:
    """A real return with one more cell in the activity sheet, at Excel's last row (1,048,576)."""
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(synthetic_return(1, 1)))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet4.xml":
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x'
                                                      b'</t></is></c></row></sheetData>')
            archive.writestr(info.filename, data)
    return buffer.getvalue()


_HOSTILE_CHILD = r"""
import json, statistics, sys, time
from pathlib import Path
from vanhoa_tools.bench.measure import PeakMemory
from vanhoa.ingest import ingest
from vanhoa.store import Store
raw = Path(sys.argv[1]).read_bytes()
store = Store(sys.argv[2])
ref = store.reference()
with PeakMemory() as memory:  # the first run, cold: nothing freed earlier can hide its growth
    started = time.perf_counter()
    done = ingest(store, raw, Path(sys.argv[1]).name, "bench", ref=ref)
    first = time.perf_counter() - started
times = []
for _ in range(3):
    started = time.perf_counter()
    ingest(store, raw, Path(sys.argv[1]).name, "bench", ref=ref)
    times.append(time.perf_counter() - started)
print(json.dumps({"status": done.status, "message": done.checked.errors[0].message if done.checked.errors else "",
                  "first": first, "median": statistics.median(times), "growth_mb": memory.growth_mb}))
"""


def hostile_section(folder: Path) -> list[Row]:
    cases = [
        ("Zip bomb: trang tính giải nén 400 MB (khai báo đúng kích thước)", _bomb_declared(400)),
        ("Zip bomb: trang tính 250 MB, tỷ lệ nén bất thường", _bomb_declared(250)),
        ("Zip bomb: 29 phần × 10 MB, dưới mọi ngưỡng khai báo (phải giải nén hết)", _bomb_many_parts(29)),
        ("Trang Hoạt động 1.000.000 dòng có dữ liệu", _million_rows(1_000_000)),
        ("Trang Hoạt động có một ô ở dòng 1.048.576", _last_row_cell()),
    ]
    store_path = folder / "hostile.duckdb"
    Store(store_path).is_empty()
    rows = []
    env = child_env()
    for index, (label, raw) in enumerate(cases):
        path = folder / f"hostile{index}.xlsx"
        path.write_bytes(raw)
        done = subprocess.run([sys.executable, "-c", _HOSTILE_CHILD, str(path), str(store_path)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            rows.append(Row(label, "lỗi", "2 s; 200 MB", False, done.stderr.strip().splitlines()[-1][:200]))
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        refused = result["status"] == "rejected"
        ok = refused and result["median"] <= HOSTILE_SECONDS and result["growth_mb"] <= HOSTILE_MB
        rows.append(Row(label, f"{secs(result['median'])}; +{result['growth_mb']:.0f} MB",
                        "2 s; 200 MB", ok,
                        f"{len(raw) / 2**20:.1f} MB; lần đầu {result['first']:.2f} s; "
                        f"{'bị từ chối' if refused else 'KHÔNG bị từ chối'}: {result['message']}"))
    return rows

