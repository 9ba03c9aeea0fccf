"""The people's tables (vanhoa/tables.py): the screen's cells, the CSV's bytes and the Excel
file's cells of one small frame with every kind of column, exact; the command line's machine
files are tests/test_export.py's."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import shutil
import subprocess
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from builders import signed_in
from streamlit.testing.v1 import AppTest
from test_data_page import assert_files_are_the_screen, csv_table, xlsx_table

from vanhoa import tables
from vanhoa.export import EXTRA_COLUMNS, TABLES
from vanhoa.ingest import ingest
from vanhoa.tables import Column

PERIODS = {"2022-H1": "6 tháng đầu năm 2022", "2022-Y": "Năm 2022"}
FORMULA = '=HYPERLINK("http://x","bấm")'


def frame() -> pd.DataFrame:
    """Three rows: a unit that met its goal, the provisional Office, a unit that has not filed."""
    return pd.DataFrame({
        "period": ["2022-Y", "2022-Y", "2022-H1"],
        "unit": ["Phòng Tổng hợp", "Toàn Văn phòng", "Phòng Kinh tế"],
        "numerator": [1234.0, 7.0, math.nan],
        "ratio": [0.99122807, 0.5, math.nan],
        "goal": [0.7, 1.0, 0.725],
        "met": [True, False, False],
        "status": ["đạt", "tạm tính", "chưa nộp"],
        "days_after_deadline": pd.array([-5, 0, 1234], dtype="int64"),
        "cost": pd.array([2_500_000, None, 0], dtype="Int64"),
        "date": pd.to_datetime(["2022-12-05", None, "2022-03-26"]),
        "filed_at": pd.to_datetime(["2022-12-05 14:05", "2022-11-30 08:00", None]),
        "current": [True, False, None],
        "content": [FORMULA, "-3 người, cả tổ", None],
    })


COLUMNS = ["period", "unit", "numerator", "ratio", "goal", "met", "status", "days_after_deadline", "cost", "date",
           "filed_at", "current", "content"]
HEADERS = ["Kỳ báo cáo", "Đơn vị", "Tử số", "Tỷ lệ", "Mục tiêu", "Đạt", "Tình trạng", "Số ngày sau hạn",
           "Kinh phí (đồng)", "Ngày", "Thời gian nộp", "Hiện hành", "Nội dung"]
SCREEN = [
    ["Năm 2022", "Phòng Tổng hợp", "1.234", "99,1 %", "70 %", "đạt", "đạt", "-5", "2.500.000 đ", "05/12/2022",
     "14:05 05/12/2022", "có", FORMULA],
    ["Năm 2022", "Toàn Văn phòng", "7", "50,0 %", "100 %", "—", "tạm tính", "0", "—", "—", "08:00 30/11/2022",
     "không", "-3 người, cả tổ"],
    ["6 tháng đầu năm 2022", "Phòng Kinh tế", "—", "—", "72,5 %", "—", "chưa nộp", "1.234", "0 đ", "26/03/2022",
     "—", "—", ""],
]


def test_screen_cells():
    shown = tables.screen_frame(frame(), COLUMNS, PERIODS)
    assert list(shown.columns) == HEADERS
    assert shown.values.tolist() == SCREEN


def test_csv_is_the_screen_with_empty_cells_for_the_dash_and_formulas_defused():
    assert tables.csv_bytes(frame(), COLUMNS, PERIODS) == (
        "\ufeffKỳ báo cáo,Đơn vị,Tử số,Tỷ lệ,Mục tiêu,Đạt,Tình trạng,Số ngày sau hạn,Kinh phí (đồng),Ngày,"
        "Thời gian nộp,Hiện hành,Nội dung\r\n"
        'Năm 2022,Phòng Tổng hợp,1.234,"99,1 %",70 %,đạt,đạt,-5,2.500.000 đ,05/12/2022,14:05 05/12/2022,có,'
        '"\'=HYPERLINK(""http://x"",""bấm"")"\r\n'
        'Năm 2022,Toàn Văn phòng,7,"50,0 %",100 %,,tạm tính,0,,,08:00 30/11/2022,không,"\'-3 người, cả tổ"\r\n'
        '6 tháng đầu năm 2022,Phòng Kinh tế,,,"72,5 %",,chưa nộp,1.234,0 đ,26/03/2022,,,\r\n'
    ).encode("utf-8")


def sheet_of(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def test_excel_has_the_headers_and_rows_with_typed_cells():
    sheet = sheet_of(tables.xlsx_bytes(frame(), COLUMNS, PERIODS))
    assert sheet.title == "Dữ liệu" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:M4"
    assert [c.value for c in sheet[1]] == HEADERS
    cells = [[(c.value, c.number_format) for c in row] for row in sheet.iter_rows(min_row=2)]
    assert cells == [
        [("Năm 2022", "General"), ("Phòng Tổng hợp", "General"), (1234, "#,##0"), (0.99122807, "0.0 %"),
         (0.7, "0 %"), ("đạt", "General"), ("đạt", "General"), (-5, "#,##0"), (2500000, '#,##0 "đ"'),
         (dt.datetime(2022, 12, 5), "dd/mm/yyyy"), (dt.datetime(2022, 12, 5, 14, 5), "hh:mm dd/mm/yyyy"),
         ("có", "General"), (FORMULA, "General")],
        [("Năm 2022", "General"), ("Toàn Văn phòng", "General"), (7, "#,##0"), (0.5, "0.0 %"), (1, "0 %"),
         (None, "General"), ("tạm tính", "General"), (0, "#,##0"), (None, "General"), (None, "General"),
         (dt.datetime(2022, 11, 30, 8, 0), "hh:mm dd/mm/yyyy"), ("không", "General"),
         ("-3 người, cả tổ", "General")],
        [("6 tháng đầu năm 2022", "General"), ("Phòng Kinh tế", "General"), (None, "General"), (None, "General"),
         (0.725, "0.0 %"), (None, "General"), ("chưa nộp", "General"), (1234, "#,##0"), (0, '#,##0 "đ"'),
         (dt.datetime(2022, 3, 26), "dd/mm/yyyy"), (None, "General"), (None, "General"), (None, "General")],
    ]
    assert [sheet.cell(2, col).data_type for col in (3, 10, 13)] == ["n", "d", "s"]


def test_excel_writes_no_formula():
    data = tables.xlsx_bytes(frame(), COLUMNS, PERIODS)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert parts and not any(b"<f>" in part or b"<f " in part for part in parts)


def test_a_verdict_without_a_status_is_the_word_of_met():
    shown = tables.screen_frame(pd.DataFrame({"met": [True, False, None]}), ["met"], {})
    assert shown["Đạt"].tolist() == ["đạt", "chưa đạt", "—"]


def test_a_page_may_name_its_own_headers_and_words():
    uploads = pd.DataFrame({"status": ["accepted", "rejected"], "version": pd.array([3, None], dtype="Int32"),
                            "uploaded_at": pd.to_datetime(["2026-12-03 09:05:00+07:00", None])})
    columns = [Column("status", "Tình trạng", "words", {"accepted": "đã lưu", "rejected": "bị từ chối"}),
               Column("version", "Phiên bản", "count"), Column("uploaded_at", "Thời gian", "time")]
    assert tables.screen_frame(uploads, columns, {}).values.tolist() == [
        ["đã lưu", "3", "09:05 03/12/2026"], ["bị từ chối", "—", "—"]]
    sheet = sheet_of(tables.xlsx_bytes(uploads, columns, {}))
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Tình trạng", "Phiên bản", "Thời gian"], ["đã lưu", 3, dt.datetime(2026, 12, 3, 9, 5)],
        ["bị từ chối", None, None]]


def test_no_rows_gives_the_headers():
    empty = frame().iloc[:0]
    assert list(tables.screen_frame(empty, COLUMNS, PERIODS).columns) == HEADERS
    assert tables.csv_bytes(empty, COLUMNS, PERIODS) == ("\ufeff" + ",".join(HEADERS) + "\r\n").encode("utf-8")
    sheet = sheet_of(tables.xlsx_bytes(empty, COLUMNS, PERIODS))
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [HEADERS]


def test_a_book_has_a_sheet_per_table_each_as_its_own_file():
    small = frame()
    book = openpyxl.load_workbook(io.BytesIO(tables.human_book(
        [("Chỉ tiêu", COLUMNS[:6], small), ("Hoạt động", ["date", "content", "cost"], small)], PERIODS)))
    assert book.sheetnames == ["Chỉ tiêu", "Hoạt động"]
    for sheet, columns in zip(book.worksheets, (COLUMNS[:6], ["date", "content", "cost"])):
        alone = sheet_of(tables.xlsx_bytes(small, columns, PERIODS))
        assert [[c.value for c in row] for row in sheet.iter_rows()] == \
            [[c.value for c in row] for row in alone.iter_rows()]


@pytest.mark.parametrize("name", list(TABLES))
def test_every_column_of_the_export_tables_is_described(name):
    """A column added to an export table (EXTRA_COLUMNS) needs its description here too: else
    it would be shown as raw text ('2022-Y', 'True', '0.5')."""
    names = TABLES[name][1] + EXTRA_COLUMNS[name]
    assert [c.name for c in tables.columns_of(name)] == names
    assert [n for n in names if n not in tables.COLUMNS] == []


def test_the_table_toolbar_offers_no_second_download():
    """The page's buttons are a table's one download: Streamlit's own CSV (the toolbar's) is off."""
    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


# ------------------------------------------------------------------ the pages: their files are their tables


def page_script(name: str):
    import importlib

    importlib.import_module(f"pages.{name}").render()


def open_page(name: str, role: str = "admin") -> AppTest:
    at = signed_in(AppTest.from_function(page_script, args=(name,), default_timeout=60), role).run()
    assert not at.exception
    return at


def files_of(at: AppTest, downloads) -> tuple[bytes, bytes]:
    every = {b.label: b for b in at.download_button}
    return downloads(every["Tải xuống CSV"]), downloads(every["Tải xuống Excel"])


def test_archive_files_are_its_table_and_a_refused_file_has_dashes(demo_copy, downloads, ref):
    done = ingest(demo_copy, b"%PDF-1.4 ...", "=bao-cao.pdf", "Lò Thị Hoa", ref=ref)
    assert done.status == "rejected"
    at = open_page("archive")
    shown = at.dataframe[0].value
    assert len(shown) == 24
    assert shown.iloc[0][["Tệp", "Người nộp", "Tình trạng", "Đơn vị", "Kỳ", "Phiên bản", "Kích thước (byte)"]] \
        .tolist() == ["=bao-cao.pdf", "Lò Thị Hoa", "bị từ chối", "", "—", "—", "12"]
    assert shown.iloc[-1][["Kỳ", "Phiên bản", "Tình trạng"]].tolist() == ["6 tháng đầu năm 2022", "1", "đã lưu"]
    assert_files_are_the_screen(shown, *files_of(at, downloads))


def test_audit_files_are_its_table_and_no_match_is_a_sentence(demo_copy, downloads):
    at = open_page("audit")
    assert_files_are_the_screen(at.dataframe[0].value, *files_of(at, downloads))
    at.text_input(key="audit_text").input("không có thao tác nào như thế").run()
    assert [i.value for i in at.info] == ["Không có dòng nào khớp với bộ lọc đã chọn. Hãy bỏ bớt điều kiện lọc."]
    assert not at.dataframe and not at.download_button


def test_commune_list_files_are_its_table(demo_copy, downloads):
    at = open_page("commune", "leader")
    listed = at.dataframe[1].value
    assert list(listed.columns) == ["Ngày", "Đơn vị", "Nội dung", "Loại hoạt động", "Số người tham gia", "Kinh phí",
                                    "Địa điểm", "Kết quả, ghi chú", "Nội dung Kế hoạch", "Kỳ báo cáo"]
    assert len(listed) == 8
    assert_files_are_the_screen(listed, *files_of(at, downloads))


def test_events_file_is_every_event_table_with_its_name_and_date(demo_copy, downloads):
    at = open_page("events", "leader")
    details = [d.value for d in at.dataframe if list(d.value.columns)[:3] == ["Đơn vị", "Đăng ký", "Tham gia"]]
    assert details and all(list(d.columns) == ["Đơn vị", "Đăng ký", "Tham gia", "Thành tích", "Ghi chú"]
                           for d in details)
    csv_data, xlsx_data = files_of(at, downloads)
    lines = csv_table(csv_data)
    assert lines[0] == ["Tên sự kiện", "Ngày", "Đơn vị", "Đăng ký", "Tham gia", "Thành tích", "Ghi chú"]
    assert [line[2:] for line in lines[1:]] == [["" if c == "—" else c for c in row]
                                                for detail in details for row in detail.values.tolist()]
    assert xlsx_table(xlsx_data) == lines
    summary = at.dataframe[0].value  # one row per event: its name and date, in the page's order
    assert list(dict.fromkeys((line[0], line[1]) for line in lines[1:])) == \
        list(zip(summary["Sự kiện"], summary["Ngày"]))


def test_history_snapshot_files_are_its_table(lake_store, monkeypatch, downloads):
    lake_store.reference()  # the schema: the store's first snapshots
    monkeypatch.setenv("VANHOA_DB", lake_store.target)
    at = open_page("history")
    shown = at.dataframe[-1].value
    assert list(shown.columns) == ["Ảnh chụp", "Thời gian", "Người thực hiện", "Thao tác"]
    assert len(shown) >= 2 and shown["Thao tác"].iloc[-1] == "(khởi tạo kho)"
    assert_files_are_the_screen(shown, *files_of(at, downloads))


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed (make test installs it)")
def test_a_vietnamese_spreadsheet_shows_the_excel_file_as_the_screen(tmp_path):
    """The number formats are Excel's, shown in the reader's locale: LibreOffice Calc in
    Vietnamese (vi-VN) shows every cell of the file as the screen does ('1.234', '99,1 %',
    '2.500.000 đ', '05/12/2022'); an empty cell where the screen shows '—'."""
    source = tmp_path / "bang.xlsx"
    source.write_bytes(tables.xlsx_bytes(frame(), COLUMNS, PERIODS))
    done = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,1066,false,true,true", "--outdir", str(tmp_path), str(source)],
        capture_output=True, timeout=180, env=os.environ | {"LANG": "vi_VN.UTF-8", "LC_ALL": "vi_VN.UTF-8"})
    assert done.returncode == 0, done.stderr
    shown = list(csv.reader(io.StringIO((tmp_path / "bang.csv").read_text(encoding="utf-8"), newline="")))
    assert shown == [HEADERS] + [["" if cell == "—" else cell for cell in row] for row in SCREEN]
