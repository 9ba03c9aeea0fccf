"""Hostile workbooks (tests/hostile.py) cannot take the server down: each is refused within 10 s and
a small amount of memory with one Vietnamese line, and a reader that dies anyway (abort, panic,
memory, time) becomes a refusal that is archived and audited like any other rejected file."""

from __future__ import annotations

import glob
import io
import os
import subprocess
import sys
import threading
import time

import hostile
import psutil
import pytest
from builders import good_sheets

from vanhoa import ROOT
from vanhoa.form import isolate, read
from vanhoa.form.read import WorkbookRejected, read_workbook
from vanhoa.ingest import check, ingest

DEMO = sorted(glob.glob(str(ROOT / "data" / "demo" / "*.xlsx")))[0]
TOO_FAR_COLUMN = ("Tệp bị từ chối: trang 'Thông tin' có ô ở cột thứ {}, vượt quá cột cuối cùng của Excel (XFD, cột thứ "
                  "16.384): tệp bị hỏng hoặc bị sửa ngoài Excel.")
PASSWORD = "Tệp được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại."
OLE = "Tệp bị hỏng: cấu trúc của tệp .xls không hợp lệ ({})."


def _ods() -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="odf") as writer:
        for name, grid in good_sheets().items():
            pd.DataFrame(grid).to_excel(writer, sheet_name=name, header=False, index=False)
    return buffer.getvalue()


HOSTILE = {
    "xlsb-4-billion-columns-apart": (hostile.xlsb_cells_far_apart, "bao-cao.xlsb",
                                     TOO_FAR_COLUMN.format("4.000.000.001")),
    "xlsb-cell-at-XFD1048576": (hostile.xlsb_last_cell, "bao-cao.xlsb",
                                "Tệp bị từ chối: trang 'Thông tin' có dữ liệu kéo tới dòng 1.048.576, vượt giới hạn "
                                "200.000 dòng của biểu mẫu."),
    "xlsb-column-100-million": (hostile.xlsb_far_column, "bao-cao.xlsb", TOO_FAR_COLUMN.format("100.000.001")),
    "xls-cell-at-IV65536": (hostile.xls_last_cell, "bao-cao.xls",
                            "Tệp bị từ chối: trang 'Chỉ tiêu' có dữ liệu kéo tới dòng 65.536 và cột thứ 256, tức "
                            "16.777.216 ô, vượt giới hạn 5.000.000 ô của biểu mẫu."),
    "xls-directory-chain-loop": (hostile.xls_directory_loop, "bao-cao.xls",
                                 OLE.format("chuỗi khối của thư mục lặp vòng")),
    "xls-difat-chain-loop": (hostile.xls_difat_loop, "bao-cao.xls",
                             OLE.format("chuỗi khối DIFAT lặp vòng hoặc trỏ ra ngoài tệp")),
    "xls-stream-loop-declared-4-GB": (hostile.xls_stream_loop, "bao-cao.xls",
                                      OLE.format("luồng Workbook khai báo 4.294.967.040 byte, lớn hơn cả tệp")),
    "xls-dimensions-4-billion-rows": (lambda: hostile.xls_with_dimensions(4_000_000_000, 256), "bao-cao.xls",
                                      "Tệp bị hỏng: trang 'Chỉ tiêu' khai báo vùng dữ liệu từ dòng 1 tới dòng "
                                      "4.000.000.000, cột thứ 1 tới cột thứ 256, vượt quá một trang tính .xls (65.536 "
                                      "dòng × 256 cột)."),
    "xls-mini-stream-loop": (hostile.xls_mini_stream_loop, "bao-cao.xls",
                             OLE.format("chuỗi khối của luồng Workbook lặp vòng")),
    "xls-mini-stream-out-of-range": (hostile.xls_mini_stream_out_of_range, "bao-cao.xls",
                                     OLE.format("chuỗi khối của luồng Workbook trỏ ra ngoài tệp")),
    "xls-mini-fat-count-4-billion": (lambda: hostile.xls_mini_fat_count(0xFFFFFF00), "bao-cao.xls",
                                     OLE.format("phần đầu khai báo số khối vượt quá kích thước tệp")),
    "xls-password": (hostile.xls_encrypted, "bao-cao.xls", PASSWORD),
    "ods-password": (lambda: hostile.ods_encrypted(_ods()), "bao-cao.ods", PASSWORD),
}


class Peak:
    """Peak growth of this process's resident memory over a block, sampled every 2 ms."""

    def __enter__(self):
        self.process = psutil.Process()
        self.base = self.peak = self.process.memory_info().rss
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        self.started = time.perf_counter()
        return self

    def _sample(self):
        while not self.stop.wait(0.002):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.stop.set()
        self.thread.join()
        self.growth_mb = (max(self.peak, self.process.memory_info().rss) - self.base) / 2**20


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_is_refused_fast_and_small_in_process(case):
    """The size guard refuses it in this process before calamine allocates anything."""
    make, name, message = HOSTILE[case]
    raw = make()
    assert len(raw) < 20_000
    with Peak() as peak, pytest.raises(WorkbookRejected) as caught:
        read_workbook(raw, name)
    assert str(caught.value) == message
    assert peak.seconds < 10
    assert peak.growth_mb < 100, f"+{peak.growth_mb:.0f} MB"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_is_refused_through_the_isolated_reader(case, store):
    """The same refusal through ingest (the reader's worker process): archived, audited."""
    make, name, message = HOSTILE[case]
    raw = make()
    done = ingest(store, raw, name, "vanthu.th")
    assert done.status == "rejected"
    assert [p.message for p in done.checked.errors] == [message]
    with store.connect() as con:
        assert con.execute("select filename, status from uploads").fetchall() == [(name, "rejected")]
        assert con.execute("select action, target from audit_log where action like 'tải lên%'").fetchall() == [
            ("tải lên (bị từ chối)", name)]


SAFE = "Tệp bị từ chối: không đọc được tệp một cách an toàn (bộ đọc dừng vì {})."


@pytest.mark.timeout(60)
@pytest.mark.parametrize("action, why", [
    ("abort", "lỗi nghiêm trọng hoặc hết bộ nhớ (tín hiệu SIGABRT)"),
    ("panic", "lỗi trong thư viện đọc bảng tính"),
    ("sleep", "đọc quá 2 giây"),
    ("memory", "vượt giới hạn bộ nhớ 1.536 MB"),
])
def test_a_reader_that_dies_becomes_a_refusal_with_its_upload_row(monkeypatch, store, action, why):
    """The reader's child aborts (as Rust does when an allocation fails), panics, hangs or fills its
    memory: the app process goes on, the file is kept as rejected, the audit log has its row, and the
    next file reads normally."""
    raw = open(DEMO, "rb").read()
    monkeypatch.setattr(isolate, "_TEST_ACTION", action)
    monkeypatch.setattr(isolate, "TIME_LIMIT", 2.0)
    with Peak() as peak:
        done = ingest(store, raw, "bao-cao.xlsx", "vanthu.th")
    assert done.status == "rejected"
    assert [p.message for p in done.checked.errors] == [SAFE.format(why)]
    assert peak.seconds < 15 and peak.growth_mb < 100
    with store.connect() as con:
        assert con.execute("select filename, status from uploads").fetchall() == [("bao-cao.xlsx", "rejected")]
        assert con.execute("select count(*) from audit_log where action = 'tải lên (bị từ chối)'").fetchone() == (1,)
    monkeypatch.setattr(isolate, "_TEST_ACTION", None)
    assert ingest(store, raw, "bao-cao.xlsx", "vanthu.th").status == "accepted"


def test_the_isolated_reader_gives_the_same_grids_and_error_cells_as_in_process():
    raw = open(DEMO, "rb").read()
    assert isolate.read_workbook_isolated(raw, "a.xlsx") == read_workbook(raw, "a.xlsx")
    xls = hostile.xls_of(good_sheets())  # an .xls, to cross the format boundary too
    assert isolate.read_workbook_isolated(xls, "a.xls") == read_workbook(xls, "a.xls")


def test_cell_error_survives_the_worker_as_cell_error():
    from vanhoa.form.read import CellError

    raw = read.Workbook("a.xlsx", "xlsx", {"Chỉ tiêu": [["#DIV/0!"]]})
    raw.sheets["Chỉ tiêu"][0][0] = CellError("#DIV/0!")
    back = isolate.decode_reply(isolate.encode_reply(("ok", raw)))[1]
    assert type(back.sheets["Chỉ tiêu"][0][0]) is CellError and back == raw


def test_the_reply_unpickler_refuses_other_types():
    import pickle

    with pytest.raises(pickle.UnpicklingError):
        isolate.decode_reply(pickle.dumps(("ok", subprocess.Popen, 0)))


def test_a_panic_in_calamine_in_process_is_a_refusal_not_a_traceback(monkeypatch):
    """python-calamine raises a Rust panic as pyo3_runtime.PanicException, a BaseException: it was
    not caught, and read_workbook then called close() on None (AttributeError in English)."""
    panic = type("PanicException", (BaseException,), {})

    def explode(_filelike):
        raise panic("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(read.calamine.CalamineWorkbook, "from_filelike", explode)
    raw = open(DEMO, "rb").read()
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(raw, "bao-cao.xlsx")
    assert str(caught.value) == "Tệp bị hỏng, không đọc được: bộ đọc gặp lỗi ở cấu trúc bên trong của tệp."


@pytest.mark.timeout(60)
def test_empty_last_rows_in_guide_and_staff_sheets_are_accepted(ref):
    """LibreOffice often ends a sheet with an empty row 1,048,576 (here with two formatted empty
    cells): in `Hướng dẫn`, which the form does not read, and in `Chỉ tiêu`, which it does. calamine
    keeps no cell of them; the return is valid."""
    raw = hostile.xlsx_with_last_row(open(DEMO, "rb").read(), ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml"))
    import zipfile

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert [part for part in archive.namelist() if b'<row r="1048576"' in archive.read(part)] == [
            "xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml"]
    checked = check(raw, "bao-cao.xlsx", ref)
    assert checked.ok, [p.line() for p in checked.problems]
    plain = check(open(DEMO, "rb").read(), "bao-cao.xlsx", ref)
    assert [s.total for s in checked.outcome.ret.staff] == [s.total for s in plain.outcome.ret.staff]


@pytest.mark.timeout(60)
def test_an_empty_last_row_without_cells_is_accepted(ref):
    raw = hostile.xlsx_with_last_row(open(DEMO, "rb").read(), ("xl/worksheets/sheet3.xml",), styled_cell=False)
    assert check(raw, "bao-cao.xlsx", ref).ok


@pytest.mark.timeout(120)
def test_the_command_line_batch_goes_on_after_hostile_files(tmp_path):
    """`ingest` of hostile files and a valid return: each hostile file is refused with its line, the
    valid one is stored, and the exit code says a file was refused (1), not a crash (134)."""
    files = []
    for case in ("xlsb-4-billion-columns-apart", "xls-directory-chain-loop"):
        make, name, _ = HOSTILE[case]
        path = tmp_path / f"{case}{name[-5:]}"
        path.write_bytes(make())
        files.append(str(path))
    files.append(DEMO)
    done = subprocess.run([sys.executable, "-m", "vanhoa", "--db", str(tmp_path / "s.duckdb"), "ingest", *files],
                          cwd=ROOT, capture_output=True, text=True, timeout=100)
    assert done.returncode == 1, done.stderr[-800:]
    assert "4.000.000.001" in done.stdout and "chuỗi khối của thư mục lặp vòng" in done.stdout
    assert "Traceback" not in done.stderr
    from vanhoa.store import Store

    with Store(tmp_path / "s.duckdb").connect() as con:
        assert sorted(con.execute("select status from uploads").fetchall()) == [
            ("accepted",), ("rejected",), ("rejected",)]


def test_an_xls_whose_dimensions_span_the_whole_sheet_is_read():
    """An empty formatted row at 65.536 makes DIMENSIONS span the whole BIFF8 sheet (65.536 × 256):
    calamine only reserves for it; the file is read, in the worker, not refused."""
    raw = hostile.xls_with_dimensions(65_536, 256)
    workbook = isolate.read_workbook_isolated(raw, "bao-cao.xls")
    assert workbook.sheets["Chỉ tiêu"] == [["Nhóm", ""], ["Cán bộ, công chức", 9.0]]


def test_an_xlsb_reads_and_a_far_cell_in_a_sheet_the_form_does_not_read_is_ignored():
    """The guard walks only the sheets the form reads: calamine opens an .xlsb's sheet only when
    asked for it, so a far cell in `Hướng dẫn` costs nothing."""
    raw = hostile.xlsb({"Hướng dẫn": hostile.xlsb_sheet([(0, 0, "Đọc kỹ"), (0, 4_000_000_000, 1.0)]),
                        "Thông tin": hostile.xlsb_sheet([(0, 0, "Đơn vị"), (0, 1, "Phòng Tổng hợp"),
                                                         (1, 0, "Kỳ báo cáo"), (1, 1, 2022.0)])})
    workbook = isolate.read_workbook_isolated(raw, "bao-cao.xlsb")
    assert workbook.format == "xlsb"
    assert workbook.sheets == {"Thông tin": [["Đơn vị", "Phòng Tổng hợp"], ["Kỳ báo cáo", 2022.0]]}


def test_a_small_xls_whose_workbook_stream_is_in_the_mini_stream_is_read():
    # Excel stores a Workbook stream under 4,096 bytes in the mini stream; its 64-byte mini sectors
    # outnumber the file's 512-byte sectors, so they are bounded by the mini stream, not the file
    # (30 readable public .xls were refused as damaged when they were).
    raw = hostile.xls_in_mini_stream()
    assert len(raw) // 512 < 1900 // 64  # a mini sector number beyond the file's sector count
    book = read_workbook(raw, "bao-cao.xls")
    assert book.sheets == {"Thông tin": [["Đơn vị", "Phòng Tổng hợp"], ["Kỳ báo cáo", "Năm 2022"]],
                           "Chỉ tiêu": [["Nhóm", ""], ["Cán bộ, công chức", 9]]}


def test_an_xls_that_overstates_its_mini_fat_count_is_read():
    # ExcelLibrary writes 17 mini FAT sectors into the header of a 7-sector file; calamine and
    # Excel follow the chain to its end and read it.
    raw = hostile.xls_mini_fat_count(17)
    assert len(raw) // 512 < 17
    assert read_workbook(raw, "bao-cao.xls").sheets["Chỉ tiêu"] == [["Nhóm", ""], ["Cán bộ, công chức", 9]]


@pytest.mark.timeout(120)
def test_a_rust_panic_says_one_vietnamese_line_and_nothing_on_stderr(tmp_path):
    """Two files on which calamine panics, through the command line with RUST_BACKTRACE=1 (as a
    developer's shell may have it): the worker's stderr is not the command's, so no English panic
    message or backtrace reaches the clerk, and the refusal names no Rust or Python class."""
    files = []
    for name, make in (("thieu-quan-he.xlsb", hostile.xlsb_missing_relationship),
                       ("sst-cat-ngang.xls", hostile.xls_sst_cut_before_empty_continue)):
        (tmp_path / name).write_bytes(make())
        files.append(str(tmp_path / name))
    done = subprocess.run([sys.executable, "-m", "vanhoa", "--db", str(tmp_path / "s.duckdb"), "ingest", *files],
                          cwd=ROOT, capture_output=True, text=True, timeout=100,
                          env=dict(os.environ, RUST_BACKTRACE="1"))
    assert done.returncode == 1
    assert done.stderr == ""
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert [line for line in lines if line.startswith("  ")] == [
        "  Lỗi: Tệp bị hỏng, không đọc được: bộ đọc gặp lỗi ở cấu trúc bên trong của tệp."] * 2
    assert "Exception" not in done.stdout and "panicked" not in done.stdout


def test_the_server_log_keeps_what_the_reader_said(caplog):
    """The clerk's line names no class; the log (info, so the command line's stderr stays quiet
    without a logging set-up) keeps calamine's own words for whoever looks into the file."""
    import logging

    with caplog.at_level(logging.INFO, logger="vanhoa.form.isolate"):
        with pytest.raises(WorkbookRejected) as caught:
            isolate.read_workbook_isolated(hostile.xlsb_missing_relationship(), "thieu-quan-he.xlsb")
    assert str(caught.value) == read.CORRUPT
    assert [r.getMessage() for r in caplog.records if r.name == "vanhoa.form.isolate"] == [
        "reader worker, thieu-quan-he.xlsb: rejected (PanicException: no entry found for key)"]
