"""The column-wise XLSX writer (vanhoa/export.py) makes the file the cell-by-cell writer made.

`reference_book` below is the writer as it was before (one xlsxwriter call per cell, 13 s for
100,000 rows); the new one must give the same workbook, part by part and byte for byte (all but
docProps/core.xml, which holds the time of writing), and so the same cells in openpyxl and
python-calamine. No timing here: that is `make bench`'s job."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
import python_calamine
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vanhoa import export
from vanhoa.export import HEADERS_VI, table_frame, to_xlsx_book, to_xlsx_bytes

# ------------------------------------------------------------------ the cell-by-cell writer, as it was

_PERCENT_COLUMNS = {"ratio", "goal"}
_DATE_COLUMNS = {"date", "deadline"}


def _missing(value):
    return value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _as_date(value):
    if isinstance(value, (pd.Timestamp, dt.datetime)) and value is not pd.NaT:
        return value.date()
    return value


def _python_values(row):
    values = []
    for value in row:
        if hasattr(value, "item") and not isinstance(value, (str, bytes)):
            try:
                value = value.item()
            except (ValueError, AttributeError):
                pass
        values.append(value)
    return values


def reference_book(sheets, headers=None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    formats = {
        "head": book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1,
                                 "bg_color": "#E8EEF7"}),
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
        "time": book.add_format({"num_format": "hh:mm dd/mm/yyyy"}),
        "pct": book.add_format({"num_format": "0.0%"}),
        "int": book.add_format({"num_format": "#,##0"}),
    }
    for name, frame in sheets:
        _reference_sheet(book.add_worksheet(name[:31]), frame, headers or HEADERS_VI, formats)
    book.close()
    return buffer.getvalue()


def _reference_sheet(sheet_ws, frame, headers, formats) -> None:
    widths = []
    for col, name in enumerate(frame.columns):
        title = headers.get(name, name)
        sheet_ws.write_string(0, col, title, formats["head"])
        widths.append(min(max(len(title), 8), 40))
    for row_index, row in enumerate(frame.itertuples(index=False, name=None), start=1):
        for col, (name, value) in enumerate(zip(frame.columns, _python_values(row))):
            if name in _DATE_COLUMNS:
                value = _as_date(value)
            if _missing(value):
                continue
            if isinstance(value, bool):
                sheet_ws.write_boolean(row_index, col, value)
            elif isinstance(value, (pd.Timestamp, dt.datetime)):
                sheet_ws.write_datetime(row_index, col, pd.Timestamp(value).to_pydatetime(), formats["time"])
                widths[col] = max(widths[col], 16)
            elif isinstance(value, dt.date):
                sheet_ws.write_datetime(row_index, col, dt.datetime.combine(value, dt.time()), formats["date"])
                widths[col] = max(widths[col], 11)
            elif isinstance(value, (int, float)):
                fmt = formats["pct"] if name in _PERCENT_COLUMNS else (
                    formats["int"] if float(value).is_integer() else None)
                sheet_ws.write_number(row_index, col, value, fmt)
            else:
                text = str(value)
                sheet_ws.write_string(row_index, col, text)
                widths[col] = min(max(widths[col], len(text.split("\n")[0]) + 1), 60)
    for col, width in enumerate(widths):
        sheet_ws.set_column(col, col, width + 1)
    sheet_ws.freeze_panes(1, 0)
    if len(frame.columns):
        sheet_ws.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)


# ------------------------------------------------------------------ comparing two files


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def openpyxl_cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [(sheet.title, sheet.freeze_panes, sheet.auto_filter.ref,
             [(k, d.width) for k, d in sorted(sheet.column_dimensions.items())],
             [(c.coordinate, c.data_type, c.value, c.number_format) for row in sheet.iter_rows() for c in row])
            for sheet in book.worksheets]


def calamine_cells(data: bytes) -> list:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names]


def assert_same_book(sheets, headers=None) -> None:
    new, old = to_xlsx_book(sheets, headers), reference_book(sheets, headers)
    assert parts(new).keys() == parts(old).keys()
    for name, content in parts(old).items():
        assert parts(new)[name] == content, name
    assert openpyxl_cells(new) == openpyxl_cells(old)
    assert calamine_cells(new) == calamine_cells(old)


# ------------------------------------------------------------------ frames


def small_frame() -> pd.DataFrame:
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


def activities_frame(rows: int) -> pd.DataFrame:
    """The shape (and dtypes) DuckDB gives `table_frame(store, "activities")`: some values repeat,
    some are unique, some are missing, every dtype of the export tables."""
    index = np.arange(rows)
    return pd.DataFrame({
        "period": pd.Series(np.where(index % 2, "2026-Y", "2026-H1"), dtype="str"),
        "unit": pd.Series([f"Đơn vị tổng hợp số {i % 37}" for i in index], dtype="str"),
        "date": pd.Series(pd.Timestamp("2026-01-01") + pd.to_timedelta(index % 365, unit="D")).astype("datetime64[us]"),
        "content": pd.Series([f"Hoạt động số {i}: =sinh hoạt" if i % 11 else f"=SUM(A{i})" for i in index], dtype="str"),
        "kind": pd.Series(np.where(index % 3, "Văn nghệ", "Thể thao"), dtype="str"),
        "commune": pd.Series([None if i % 4 else "Chiềng Xuân" for i in index], dtype="str"),
        "participants": pd.array([None if i % 13 == 0 else 10 + i % 40 for i in index], dtype="Int32"),
        "cost": pd.array([500_000 * (i % 9) for i in index], dtype="Int64"),
        "ratio": np.where(index % 5, (index % 7) / 7, np.nan),
        "filed_at": pd.Series(pd.Timestamp("2026-07-01 08:00") + pd.to_timedelta(index * 37, unit="s")),
        "met": index % 2 == 0,
        "result": pd.Series([None if i % 2 else "Hoàn thành\ndòng hai" for i in index], dtype="str"),
    })


@pytest.mark.parametrize("frame", [
    pytest.param(small_frame(), id="every-kind-of-cell"),
    pytest.param(activities_frame(300), id="activities-shape"),
    pytest.param(pd.DataFrame(), id="no-columns"),
    pytest.param(pd.DataFrame({name: [] for name in ["period", "unit", "date"]}), id="no-rows"),
    pytest.param(pd.DataFrame({"content": ["=1+1", '=HYPERLINK("http://x","bấm")', "+84 212", "-3 người",
                                           "@SUM(A1)", "\t=1+1", "\r=1+1", "", " lề", "a\nb", "x\x01y", "_x000D_"]}),
                 id="formula-like-and-odd-text"),
    pytest.param(pd.DataFrame({"a": [None] * 40 + ["x"] + [None] * 5,
                               "b": pd.array([None] * 20 + [1] + [None] * 25, dtype="Int32")}), id="empty-rows"),
    pytest.param(pd.DataFrame({"a": [0.0, -0.0, 1.5, np.nan], "goal": [-0.0, 0.0, 1.0, 2.0]}), id="negative-zero"),
    pytest.param(pd.DataFrame({"date": pd.to_datetime(["1900-01-01 00:00", "1900-03-01 00:00", "1970-01-01 12:34:56"], format="ISO8601"),
                               "when": pd.to_datetime(["1900-01-01 06:00", "1900-02-28 00:00", "1970-01-01 12:34:56.789"], format="ISO8601")}),
                 id="old-dates-and-times"),
    pytest.param(pd.DataFrame({"a": pd.array([True, None, False], dtype="boolean"),
                               "b": pd.Categorical(["u", "v", "u"]), "c": np.array([1, 2, 3], dtype="uint8"),
                               "d": pd.array([1.5, None, 2.0], dtype="Float64")}), id="other-dtypes"),
    pytest.param(pd.DataFrame({"a": ["x" * 40_000, "y"], "b": ["é" * 20_000, "z"]}), id="text-over-excel-limit"),
    pytest.param(pd.DataFrame({"a": ["p", "q", "r"] * 10, "b": ["r", "p", "s"] * 10, "unit": ["Kỳ báo cáo"] * 30}),
                 id="same-text-in-several-columns-and-the-header"),
    pytest.param(pd.DataFrame({"a": [2**53 + 1, 10**16, -(10**17), 5], "b": [1e20, 1e-7, 123456.789, 1 / 3]}),
                 id="large-and-small-numbers"),
])
def test_same_file_as_the_cell_by_cell_writer(frame):
    assert_same_book([("Dữ liệu", frame)])


def test_same_file_with_objects_of_every_type_in_one_column():
    mixed = pd.Series([1, 2.5, "a", None, True, dt.date(2022, 1, 1), dt.datetime(2022, 1, 1, 5, 6), pd.NA, pd.NaT,
                       np.nan, np.int64(3), np.float32(1.5), dt.time(5, 6), dt.timedelta(days=1), -0.0], dtype=object)
    assert_same_book([("x", pd.DataFrame({"content": mixed, "date": mixed, "ratio": mixed}))])


def test_same_book_of_several_sheets_and_given_headers():
    sheets = [("a", small_frame()), ("b", activities_frame(40)), ("c", small_frame())]
    assert_same_book(sheets)
    assert_same_book(sheets, headers={"unit": "Mã đơn vị", "date": "Ngày tổ chức"})


def test_same_file_across_row_chunks(monkeypatch):
    """Rows are joined in chunks; a chunk boundary inside a block of 16 rows changes nothing."""
    monkeypatch.setattr(export, "_CHUNK_ROWS", 7)
    assert_same_book([("Dữ liệu", activities_frame(100))])


def test_same_file_for_every_demo_table(demo_copy):
    for name in export.TABLES:
        assert_same_book([(name, table_frame(demo_copy, name))])


def test_a_large_export_keeps_every_cell():
    """Past a chunk of rows: the last row is there, typed, and nothing is a formula."""
    frame = activities_frame(export._CHUNK_ROWS + 21)
    data = to_xlsx_bytes(frame)
    rows = calamine_cells(data)[0]
    assert len(rows) == len(frame) + 1
    last = len(frame) - 1
    assert rows[-1][:4] == [frame["period"][last], frame["unit"][last], frame["date"][last].date(),
                            frame["content"][last]]
    assert rows[-1][6:8] == [frame["participants"][last], frame["cost"][last]]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


_values = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=False), st.text(max_size=12),
    st.dates(dt.date(1899, 12, 31), dt.date(2100, 1, 1)),
    st.datetimes(dt.datetime(1899, 12, 31), dt.datetime(2100, 1, 1)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_values, st.text(max_size=5), st.integers(0, 3), st.floats(-2, 2)), max_size=40),
       st.sampled_from(["content", "date", "ratio"]))
def test_same_file_for_any_frame(rows, name):
    """Any mix of values in an object column, beside typed columns with repeats and gaps."""
    frame = pd.DataFrame({
        name: pd.Series([row[0] for row in rows], dtype=object),
        "unit": pd.Series([row[1] or None for row in rows], dtype="str"),
        "version": pd.array([row[2] or None for row in rows], dtype="Int32"),
        "goal": [row[3] if row[2] else math.nan for row in rows],
    })
    assert_same_book([("Dữ liệu", frame)])
