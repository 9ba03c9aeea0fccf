"""The XLSX writer (vanhoa/export.py), cell by cell: every kind of value a query gives, as
openpyxl and python-calamine (the app's own reader) read it back, with its exact number format,
the widths, the frozen header row and the filter. No timing here: that is `make bench`'s job."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
import python_calamine
from test_export import small_frame

from vanhoa import xlsx_writer
from vanhoa.export import TABLES, excel_serial, styled_book, table_frame, to_xlsx_book, to_xlsx_bytes
from vanhoa.xlsx_writer import xml_text

GENERAL = "General"


def cells(data: bytes, sheet: int = 0) -> list[list]:
    """Each row of a sheet as (value, number format), None for an empty cell."""
    rows = openpyxl.load_workbook(io.BytesIO(data)).worksheets[sheet].iter_rows()
    return [[None if c.value is None else (c.value, c.number_format) for c in row] for row in rows]


def calamine_rows(data: bytes) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)


def test_every_cell_of_a_small_frame():
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(small_frame()))).worksheets[0]
    assert [[(c.data_type, c.value, c.number_format) for c in row] for row in sheet.iter_rows(min_row=2)] == [
        [("s", "2022-H1", GENERAL), ("s", "Phòng Tổng hợp", GENERAL), ("d", dt.datetime(2022, 3, 5), "dd/mm/yyyy"),
         ("d", dt.datetime(2022, 6, 10, 9, 20), "hh:mm dd/mm/yyyy"), ("n", 12, "#,##0"), ("n", 2, "#,##0"),
         ("n", 0.5, "0.0%"), ("b", True, GENERAL), ("n", -5, "#,##0"), ("s", "Giao lưu, văn nghệ", GENERAL)],
        [("s", "2022-Y", GENERAL), ("s", "Phòng Kinh tế", GENERAL), ("n", None, GENERAL), ("n", None, GENERAL),
         ("n", None, GENERAL), ("n", None, GENERAL), ("n", None, GENERAL), ("b", False, GENERAL),
         ("n", 7, "#,##0"), ("n", None, GENERAL)],
    ]
    # header: at least 8 and at most 40 characters; a date 11, a time 16, text its first line + 1;
    # then 1 more, and Excel's padding of 5/7 of a character (adjacent equal widths share one <col>: G and H)
    assert {k: d.width - 0.7109375 for k, d in sheet.column_dimensions.items()} == {
        "A": 11, "B": 16, "C": 12, "D": 17, "E": 18, "F": 10, "G": 9, "I": 16, "J": 20}
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:J3")
    assert [c.font.b for c in sheet[1]] == [True] * 10 and sheet["A1"].fill.fgColor.rgb == "FFE8EEF7"


def test_excel_serials_count_excels_29_february_1900():
    assert [excel_serial(dt.datetime(*day)) for day in [(1900, 1, 1), (1900, 2, 28), (1900, 3, 1), (2022, 3, 5)]] == [
        1, 59, 61, 44625]
    assert excel_serial(dt.datetime(2022, 6, 10, 9, 20)) == 44722 + (9 * 60 + 20) / 1440


def test_old_dates_and_times_read_back_as_written():
    frame = pd.DataFrame({
        "date": pd.to_datetime(["1900-01-01", "1900-03-01", "1970-01-01 12:34:56"], format="ISO8601"),
        "when": pd.to_datetime(["1900-01-01 06:00", "1900-02-28", "1970-01-01 12:34:56.789"], format="ISO8601")})
    assert cells(to_xlsx_bytes(frame))[1:] == [
        [(dt.datetime(1900, 1, 1), "dd/mm/yyyy"), (dt.datetime(1900, 1, 1, 6), "hh:mm dd/mm/yyyy")],
        [(dt.datetime(1900, 3, 1), "dd/mm/yyyy"), (dt.datetime(1900, 2, 28), "hh:mm dd/mm/yyyy")],
        [(dt.datetime(1970, 1, 1), "dd/mm/yyyy"), (dt.datetime(1970, 1, 1, 12, 34, 56, 789000), "hh:mm dd/mm/yyyy")],
    ]


def test_other_dtypes():
    frame = pd.DataFrame({"a": pd.array([True, None, False], dtype="boolean"), "b": pd.Categorical(["u", "v", "u"]),
                          "c": np.array([1, 2, 3], dtype="uint8"), "d": pd.array([1.5, None, 2.0], dtype="Float64")})
    assert cells(to_xlsx_bytes(frame))[1:] == [
        [(True, GENERAL), ("u", GENERAL), (1, "#,##0"), (1.5, GENERAL)],
        [None, ("v", GENERAL), (2, "#,##0"), None],
        [(False, GENERAL), ("u", GENERAL), (3, "#,##0"), (2, "#,##0")],
    ]


def test_objects_of_every_type_in_one_column_are_each_their_own_cell():
    """1, 1.0 and True compare equal: in an object column each value is judged on its own."""
    mixed = pd.Series([1, 2.5, "a", None, True, dt.date(2022, 1, 1), dt.datetime(2022, 1, 1, 5, 6), pd.NA, pd.NaT,
                       np.nan, np.int64(3), np.float32(1.5), dt.time(5, 6), dt.timedelta(days=1)], dtype=object)
    day, moment = dt.datetime(2022, 1, 1), dt.datetime(2022, 1, 1, 5, 6)
    assert cells(to_xlsx_bytes(pd.DataFrame({"content": mixed, "date": mixed, "ratio": mixed})))[1:] == [
        [(1, "#,##0"), (1, "#,##0"), (1, "0.0%")],
        [(2.5, GENERAL), (2.5, GENERAL), (2.5, "0.0%")],
        [("a", GENERAL)] * 3,
        [None] * 3,
        [(True, GENERAL)] * 3,
        [(day, "dd/mm/yyyy")] * 3,
        [(moment, "hh:mm dd/mm/yyyy"), (day, "dd/mm/yyyy"), (moment, "hh:mm dd/mm/yyyy")],  # `date`: the day
        [None] * 3, [None] * 3, [None] * 3,
        [(3, "#,##0"), (3, "#,##0"), (3, "0.0%")],
        [(1.5, GENERAL), (1.5, GENERAL), (1.5, "0.0%")],
        [("05:06:00", GENERAL)] * 3,
        [("1 day, 0:00:00", GENERAL)] * 3,
    ]


def test_large_and_small_numbers():
    frame = pd.DataFrame({"a": [2**53 + 1, 10**16, -(10**17), 5], "b": [1e20, 1e-7, 123456.789, 1 / 3]})
    assert cells(to_xlsx_bytes(frame))[1:] == [
        [(2**53, "#,##0"), (1e20, "#,##0")], [(10**16, "#,##0"), (1e-7, GENERAL)],
        [(-(10**17), "#,##0"), (123456.789, GENERAL)], [(5, "#,##0"), (1 / 3, GENERAL)]]


def test_odd_text_stays_the_text_it_was():
    """Formula-like text is text, never a formula; control characters, a leading space, an empty
    text and a literal '_x000D_' come back as they went in (python-calamine decodes Excel's
    _xHHHH_ escapes as Excel does); text over Excel's 32,767 characters is cut there."""
    texts = ["=1+1", '=HYPERLINK("http://x","bấm")', "+84 212", "-3 người", "@SUM(A1)", "\t=1+1", "\r=1+1", "",
             " lề", "a\nb", "x\x01y", "_x000D_", "x" * 40_000, "é" * 20_000]
    data = to_xlsx_bytes(pd.DataFrame({"content": texts}))
    assert [row[0] for row in calamine_rows(data)] == ["Nội dung", *texts[:-2], "x" * 32_767, "é" * 20_000]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_empty_frames_and_gaps():
    assert cells(to_xlsx_bytes(pd.DataFrame())) == []
    no_rows = to_xlsx_bytes(pd.DataFrame({name: [] for name in ["period", "unit", "date"]}))
    assert cells(no_rows) == [[("Kỳ báo cáo", GENERAL), ("Đơn vị", GENERAL), ("Ngày", GENERAL)]]
    assert openpyxl.load_workbook(io.BytesIO(no_rows)).worksheets[0].auto_filter.ref == "A1:C2"
    gaps = pd.DataFrame({"a": [None] * 3 + ["x", None], "b": pd.array([None, 1, None, None, None], dtype="Int32")})
    assert calamine_rows(to_xlsx_bytes(gaps)) == [["a", "b"], ["", ""], ["", 1.0], ["", ""], ["x", ""]]


def test_several_sheets_with_given_headers():
    data = to_xlsx_book([("a" * 40, small_frame()), ("b", pd.DataFrame({"unit": ["TH"]}))],
                        headers={"unit": "Mã đơn vị"})
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["a" * 31, "b"]
    assert [c.value for c in book["b"][1]] == ["Mã đơn vị"] and book["b"]["A2"].value == "TH"
    assert book["a" * 31]["B1"].value == "Mã đơn vị" and book["a" * 31]["A1"].value == "period"


def test_every_row_of_a_long_table_in_order():
    """The rows are joined a chunk at a time (xlsx_writer.CHUNK_ROWS): thousands of rows, each in its place."""
    index = np.arange(3_000)
    frame = pd.DataFrame({"unit": pd.Series([f"Đơn vị {i % 37}" for i in index], dtype="str"),
                          "date": pd.Timestamp("2026-01-01") + pd.to_timedelta(index % 365, unit="D"),
                          "participants": pd.array([None if i % 13 == 0 else i for i in index], dtype="Int32")})
    rows = calamine_rows(to_xlsx_bytes(frame))
    assert len(rows) == 3_001
    assert rows[1:] == [[f"Đơn vị {i % 37}", (dt.date(2026, 1, 1) + dt.timedelta(days=int(i % 365))),
                         "" if i % 13 == 0 else float(i)] for i in index]


def test_every_demo_table_keeps_its_rows_and_headers(demo_copy):
    for name in TABLES:
        frame = table_frame(demo_copy, name)
        rows = calamine_rows(to_xlsx_bytes(frame, sheet=name))
        assert len(rows) == len(frame) + 1, name
        assert rows[1][frame.columns.get_loc("unit")] == frame["unit"].iloc[0], name


def test_xml_text_escapes_what_xml_cannot_hold_as_excel_does():
    assert xml_text('a&b<c>"d\'') == "a&amp;b&lt;c&gt;&quot;d'"
    assert xml_text("\r=1\x01\t\n") == "_x000D_=1_x0001_\t\n"  # tab and newline are XML's own
    assert xml_text("_x000D_ _x00zz_ _x12AB_") == "_x005F_x000D_ _x00zz_ _x005F_x12AB_"
    assert xml_text("x\uffff\ud800") == "x_xFFFF__xD800_"  # never in XML 1.0: kept as Excel's escape
    assert xml_text("é" * 40_000) == "é" * 32_767 and xml_text("😀" * 20_000) == "😀" * 16_383  # UTF-16 units


def test_the_files_parts():
    """The parts Excel needs and no more; the header style and only the number formats a cell uses."""
    data = to_xlsx_bytes(small_frame())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                                      "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", "xl/styles.xml",
                                      "xl/sharedStrings.xml"]
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
        styles = archive.read("xl/styles.xml").decode()
        workbook = archive.read("xl/workbook.xml").decode()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert ('<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
            '<numFmt numFmtId="165" formatCode="hh:mm dd/mm/yyyy"/><numFmt numFmtId="166" formatCode="0.0%"/>'
            "</numFmts>") in styles  # "#,##0" is Excel's format 3
    assert '<cellXfs count="6">' in styles
    assert ('<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            "&quot;Dữ liệu&quot;" not in workbook and "'Dữ liệu'!$A$1:$J$3</definedName>" in workbook)
    assert '<dimension ref="A1:J3"/>' in sheet and '<pane ySplit="1" topLeftCell="A2"' in sheet
    assert '<c r="H3" t="b"><v>0</v></c>' in sheet and '<c r="E2" s="4"><v>12</v></c>' in sheet
    money = styled_book([("Tiền", pd.DataFrame({"cost": [5]}), {}, {})])
    with zipfile.ZipFile(io.BytesIO(money)) as archive:
        assert "<numFmts" not in archive.read("xl/styles.xml").decode()


def test_a_row_without_a_cell_is_left_out():
    data = to_xlsx_bytes(pd.DataFrame({"a": ["x", None, "y", None]}))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 3 and '<row r="3">' not in sheet and '<row r="5">' not in sheet
    assert '<dimension ref="A1:A4"/>' in sheet and '<autoFilter ref="A1:A5"/>' in sheet


def test_what_excel_cannot_hold_is_refused():
    with pytest.raises(ValueError, match="Excel has no sheet named 'a/b'"):
        to_xlsx_bytes(pd.DataFrame({"a": [1]}), sheet="a/b")
    with pytest.raises(ValueError, match="two sheets named 'B'"):
        to_xlsx_book([("b", pd.DataFrame()), ("B", pd.DataFrame())])
    with pytest.raises(ValueError, match="Excel has no cell for the number inf"):
        to_xlsx_bytes(pd.DataFrame({"cost": [1.0, float("inf")]}))
    assert xlsx_writer.EXCEL_ROWS == 1_048_576
