"""The downloadable tables (vanhoa/export.py): exact CSV bytes, XLSX cells as openpyxl reads them,
and text that a spreadsheet would run as a formula never written as one."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from builders import good_sheets, workbook_bytes
from test_cli import SPEC_COLUMNS

from vanhoa.export import HEADERS_VI, CellStyle, styled_book, table_frame, to_csv_bytes, to_xlsx_bytes
from vanhoa.ingest import ingest

FORMULA_TEXTS = ["=1+1", '=HYPERLINK("http://x","bấm")', "+84 212 3852 000", "-3 người", "@SUM(A1)",
                 "\t=1+1", "\r=1+1"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def small_frame() -> pd.DataFrame:
    """Two rows with every kind of cell: text with a comma, a date, a timestamp, integral and
    fractional floats, an int, a boolean, and missing values of each type."""
    return pd.DataFrame({
        "period": ["2022-H1", "2022-Y"],
        "unit": ["Phòng Tổng hợp", "Phòng Kinh tế"],
        "date": [dt.date(2022, 3, 5), None],
        "filed_at": pd.to_datetime(["2022-06-10 09:20:00", None]),
        "participants": [12.0, math.nan],
        "version": pd.array([2, None], dtype="Int64"),
        "ratio": [0.5, math.nan],
        "met": [True, False],
        "days_after_deadline": [-5, 7],
        "content": ["Giao lưu, văn nghệ", None],
    })


def read_xlsx(data: bytes):
    """The first sheet of an .xlsx as openpyxl reads it."""
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def formulas_in(data: bytes) -> list[str]:
    """Every <f> element of every sheet part: a live formula, whatever openpyxl makes of it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [name for name in archive.namelist()
                if name.startswith("xl/worksheets/") and re.search(rb"<f[ >/]", archive.read(name))]


def test_formulas_in_finds_a_live_formula():
    """The check the tests below rely on does see a formula written as one."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet().write_formula("A1", "=1+1")
    book.close()
    assert formulas_in(buffer.getvalue()) == ["xl/worksheets/sheet1.xml"]
    assert read_xlsx(buffer.getvalue())["A1"].data_type == "f"


# ------------------------------------------------------------------ CSV


def test_csv_exact_bytes():
    assert to_csv_bytes(small_frame()) == (
        "\ufeffperiod,unit,date,filed_at,participants,version,ratio,met,days_after_deadline,content\r\n"
        '2022-H1,Phòng Tổng hợp,2022-03-05,2022-06-10 09:20:00,12,2,0.5,true,-5,"Giao lưu, văn nghệ"\r\n'
        "2022-Y,Phòng Kinh tế,,,,,,false,7,\r\n"
    ).encode("utf-8")


def test_csv_date_columns_are_iso_days_even_as_timestamps():
    """DuckDB hands dates to pandas as datetime64: a `date` is still written as a day."""
    frame = pd.DataFrame({"date": pd.to_datetime(["2022-03-05", None]),
                          "deadline": [pd.Timestamp("2022-06-15"), pd.NaT]})
    assert to_csv_bytes(frame) == b"\xef\xbb\xbfdate,deadline\r\n2022-03-05,2022-06-15\r\n,\r\n"


def test_csv_of_an_empty_table_is_the_header_only():
    frame = pd.DataFrame({name: [] for name in SPEC_COLUMNS["events"]})
    assert to_csv_bytes(frame) == ("\ufeff" + ",".join(SPEC_COLUMNS["events"]) + "\r\n").encode("utf-8")


def test_csv_keeps_line_breaks_and_quotes_inside_one_cell():
    frame = pd.DataFrame({"result": ['Đạt giải "Nhất"\ntoàn tỉnh']})
    assert to_csv_bytes(frame) == '\ufeffresult\r\n"Đạt giải ""Nhất""\ntoàn tỉnh"\r\n'.encode("utf-8")


@pytest.mark.parametrize("text", FORMULA_TEXTS)
def test_csv_text_that_looks_like_a_formula_is_made_inert(text):
    data = to_csv_bytes(pd.DataFrame({"content": [text], "place": ["Trụ sở"]}))
    (cell, place), = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1:]
    assert (cell, place) == ("'" + text, "Trụ sở")


def test_csv_hyperlink_formula_exact_bytes():
    data = to_csv_bytes(pd.DataFrame({"content": ['=HYPERLINK("http://x","bấm")']}))
    assert data == '\ufeffcontent\r\n"\'=HYPERLINK(""http://x"",""bấm"")"\r\n'.encode("utf-8")


@pytest.mark.parametrize("text", ["Tổng kết", "a=b", "III.1", "1.200", "'=đã có dấu nháy"])
def test_csv_ordinary_text_is_unchanged(text):
    data = to_csv_bytes(pd.DataFrame({"content": [text]}))
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1] == [text]


def test_csv_negative_numbers_stay_numbers():
    data = to_csv_bytes(pd.DataFrame({"days_after_deadline": [-5, 0]}))
    assert data == b"\xef\xbb\xbfdays_after_deadline\r\n-5\r\n0\r\n"


# ------------------------------------------------------------------ XLSX


def test_xlsx_headers_are_vietnamese_and_the_header_row_is_frozen():
    sheet = read_xlsx(to_xlsx_bytes(small_frame(), sheet="progress"))
    assert sheet.title == "progress"
    assert [c.value for c in sheet[1]] == [
        "Kỳ báo cáo", "Đơn vị", "Ngày", "Thời gian nộp", "Số người tham gia", "Phiên bản", "Tỷ lệ", "Đạt",
        "Số ngày sau hạn", "Nội dung"]
    assert [c.value for c in sheet[1]] == [HEADERS_VI[name] for name in small_frame().columns]
    assert sheet.freeze_panes == "A2"


def test_xlsx_typed_cells():
    sheet = read_xlsx(to_xlsx_bytes(small_frame()))
    row = {name: sheet.cell(2, col) for col, name in enumerate(small_frame().columns, start=1)}
    assert (row["period"].data_type, row["period"].value) == ("s", "2022-H1")
    assert row["date"].is_date and row["date"].value == dt.datetime(2022, 3, 5)
    assert row["filed_at"].is_date and row["filed_at"].value == dt.datetime(2022, 6, 10, 9, 20)
    assert (row["participants"].data_type, row["participants"].value) == ("n", 12)
    assert (row["version"].data_type, row["version"].value) == ("n", 2)
    assert (row["days_after_deadline"].data_type, row["days_after_deadline"].value) == ("n", -5)
    assert (row["met"].data_type, row["met"].value) == ("b", True)
    assert (row["ratio"].data_type, row["ratio"].value, row["ratio"].number_format) == ("n", 0.5, "0.0%")
    assert sheet.cell(3, 8).value is False
    assert [sheet.cell(3, col).value for col in (3, 4, 5, 6, 7, 10)] == [None] * 6  # missing values: empty


def test_xlsx_goal_is_a_percent():
    sheet = read_xlsx(to_xlsx_bytes(pd.DataFrame({"goal": [0.7, 1.0]})))
    assert [(c.value, c.number_format) for c in (sheet["A2"], sheet["A3"])] == [(0.7, "0.0%"), (1, "0.0%")]


# "\r" is left out: xlsxwriter stores it as "_x000D_", which Excel decodes and openpyxl does not.
@pytest.mark.parametrize("text", [t for t in FORMULA_TEXTS if "\r" not in t])
def test_xlsx_text_that_looks_like_a_formula_stays_text(text):
    data = to_xlsx_bytes(pd.DataFrame({"content": [text]}))
    cell = read_xlsx(data)["A2"]
    assert (cell.data_type, cell.value) == ("s", text)
    assert formulas_in(data) == []


def test_xlsx_unknown_columns_keep_their_names_and_headers_may_be_given():
    assert [c.value for c in read_xlsx(to_xlsx_bytes(pd.DataFrame({"unit_code": ["TH"]})))[1]] == ["unit_code"]
    data = to_xlsx_bytes(pd.DataFrame({"unit": ["TH"]}), headers={"unit": "Mã đơn vị"})
    assert read_xlsx(data)["A1"].value == "Mã đơn vị"


def test_xlsx_missing_value_of_a_nullable_integer_column_is_an_empty_cell():
    """pd.NA (DuckDB's INTEGER column with NULLs, e.g. `version` of a unit that has not filed) was
    once written as the text '<NA>'."""
    sheet = read_xlsx(to_xlsx_bytes(small_frame()))
    assert sheet.cell(3, 6).value is None


def test_a_styled_column_gets_its_style_and_the_others_the_command_lines_cells():
    """styled_book (the people's files of vanhoa.tables): a column with a CellStyle is a date or
    a number in the format it names, value by value; a column without one, and the command
    line's file, are written as before."""
    frame = pd.DataFrame({"filed_at": pd.to_datetime(["2022-06-10 09:20:00"]), "goal": [0.725], "cost": [2500000],
                          "participants": [12]})
    styles = {"filed_at": CellStyle(as_date=True),
              "goal": CellStyle(number_format=lambda v: "0 %" if (v * 100).is_integer() else "0.0 %"),
              "cost": CellStyle(number_format=lambda v: '#,##0 "đ"', width=14)}
    sheet = read_xlsx(styled_book([("Dữ liệu", frame, HEADERS_VI, styles)]))
    assert [(c.value, c.number_format) for c in sheet[2]] == [
        (dt.datetime(2022, 6, 10), "dd/mm/yyyy"), (0.725, "0.0 %"), (2500000, '#,##0 "đ"'), (12, "#,##0")]
    money = pd.DataFrame({"cost": [100_000_000]})  # '100.000.000 đ' needs 13 characters, 'Tiền' 4
    widths = [read_xlsx(styled_book([("Dữ liệu", money, {"cost": "Tiền"}, chosen)])).column_dimensions["A"].width
              for chosen in ({"cost": styles["cost"]}, {})]
    assert widths == [15.7109375, 9.7109375]  # 14 + 1 and the least, 8 + 1 (xlsxwriter adds 5/7 of padding)
    plain = read_xlsx(to_xlsx_bytes(frame))
    assert [(c.value, c.number_format) for c in plain[2]] == [
        (dt.datetime(2022, 6, 10, 9, 20), "hh:mm dd/mm/yyyy"), (0.725, "0.0%"), (2500000, "#,##0"), (12, "#,##0")]
    with zipfile.ZipFile(io.BytesIO(to_xlsx_bytes(frame))) as archive:  # no format a cell does not use
        assert "đ" not in archive.read("xl/styles.xml").decode()


def test_every_table_has_the_spec_columns_first(store):
    for name, columns in SPEC_COLUMNS.items():
        assert list(table_frame(store, name).columns)[: len(columns)] == columns


# ------------------------------------------------------------------ end to end


@pytest.fixture
def formula_store(store, ref):
    """A store holding one return whose two activities' contents are a HYPERLINK formula and "@SUM(A1)"."""
    sheets = good_sheets()
    sheets["Hoạt động"][1][1] = '=HYPERLINK("http://x","bấm")'
    sheets["Hoạt động"][2][1] = "@SUM(A1)"
    done = ingest(store, workbook_bytes(sheets), "cong-thuc.xlsx", "Lò Thị Hoa", ref=ref)
    assert done.status == "accepted", [p.line() for p in done.checked.problems]
    return store


def test_formula_like_contents_are_exported_inert(formula_store):
    frame = table_frame(formula_store, "activities")
    assert list(frame["content"]) == ['=HYPERLINK("http://x","bấm")', "@SUM(A1)"]

    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"), newline="")))
    content = rows[0].index("content")
    assert [row[content] for row in rows[1:]] == ['\'=HYPERLINK("http://x","bấm")', "'@SUM(A1)"]
    assert [cell for row in rows for cell in row if cell.startswith(FORMULA_START)] == []

    data = to_xlsx_bytes(frame, sheet="activities")
    sheet = read_xlsx(data)
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c for c in cells if c.data_type == "f"] == []
    assert formulas_in(data) == []
    column = [c.value for c in sheet[1]].index("Nội dung") + 1
    assert [(sheet.cell(r, column).data_type, sheet.cell(r, column).value) for r in (2, 3)] == [
        ("s", '=HYPERLINK("http://x","bấm")'), ("s", "@SUM(A1)")]
