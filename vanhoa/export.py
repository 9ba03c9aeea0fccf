"""The downloadable tables (cli.md `export`) and their CSV / XLSX files.

CSV is UTF-8 with a BOM so that Excel shows Vietnamese correctly; XLSX has Vietnamese headers,
widths, a frozen header row, numbers as numbers and dates as dates. Text that a spreadsheet
would run as a formula (=, +, -, @ ...) is never written as one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from vanhoa import xlsx_writer
from vanhoa.form import spec
from vanhoa.store import Store

# name -> (query, the spec's columns in order)
TABLES: dict[str, tuple[str, list[str]]] = {
    "progress": ("progress", ["period", "unit", "target", "numerator", "denominator", "ratio", "goal", "met"]),
    "completeness": ("completeness", ["period", "unit", "status", "filed_at", "version"]),
    "activities": ("activities", ["period", "unit", "date", "content", "kind", "commune", "place",
                                  "participants", "cost"]),
    "events": ("events", ["period", "unit", "event", "date", "place", "registered", "participants",
                          "achievement"]),
    "returns": ("returns", ["period", "unit", "version", "current", "filed_at", "filed_by", "sha256", "warnings"]),
}

# Columns that follow the spec's, for people (codes that only machines need are left out).
EXTRA_COLUMNS: dict[str, list[str]] = {
    "progress": ["status", "target_name", "counted", "expected", "provisional"],
    "completeness": ["deadline", "days_after_deadline"],
    "activities": ["source_period", "result", "plan_item"],
    "events": ["source_period", "note", "series"],
    "returns": ["filename", "restored_from"],
}

# The people's column headers: the return form's columns as the form spec heads them (so the
# Excel file, the screen and the clerk's template say the same), then the rest.
HEADERS_VI = {
    **{c.field: c.header for c in (*spec.ACTIVITY_COLUMNS, *spec.EVENT_COLUMNS)},
    "period": "Kỳ báo cáo", "unit": "Đơn vị", "target": "Chỉ tiêu", "numerator": "Tử số",
    "denominator": "Mẫu số", "ratio": "Tỷ lệ", "goal": "Mục tiêu", "met": "Đạt", "status": "Tình trạng",
    "target_name": "Tên chỉ tiêu", "filed_at": "Thời gian nộp", "version": "Phiên bản", "deadline": "Hạn nộp",
    "days_after_deadline": "Số ngày sau hạn", "series": "Chuỗi sự kiện", "current": "Hiện hành",
    "filed_by": "Người nộp", "sha256": "SHA-256", "warnings": "Cảnh báo", "filename": "Tên tệp",
    "restored_from": "Khôi phục từ phiên bản", "source_period": "Từ báo cáo", "approval": "Phê duyệt",
    "counted": "Số đơn vị được tính", "expected": "Số đơn vị phải báo cáo", "provisional": "Tạm tính",
}
_PERCENT_COLUMNS = {"ratio", "goal"}
_DATE_COLUMNS = {"date", "deadline"}  # calendar days, whatever type pandas gives them
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def table_frame(store: Store, name: str, **filters) -> pd.DataFrame:
    """One export table with the spec's columns first, then the extra columns for people."""
    query, columns = TABLES[name]
    frame = store.query(query, **filters)
    return frame[columns + EXTRA_COLUMNS[name]]


def defuse(text: str) -> str:
    """Text that a spreadsheet would read as a formula, made inert with a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _missing(value: object) -> bool:
    """None, NaN, NaT and pandas' NA (nullable integer columns) are all an empty cell."""
    return value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _csv_cell(value: object) -> str:
    if _missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, str):
        return defuse(value)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, comma-separated, spec column names, true/false, ISO dates."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(frame.columns))
    dates = [name in _DATE_COLUMNS for name in frame.columns]
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(_as_date(value) if is_date else value)
                         for value, is_date in zip(_python_values(row), dates, strict=True)])
    return buffer.getvalue().encode("utf-8-sig")


def _as_date(value: object) -> object:
    if isinstance(value, (pd.Timestamp, dt.datetime)) and value is not pd.NaT:
        return value.date()
    return value


def _python_values(row: tuple) -> list:
    values = []
    for value in row:
        if hasattr(value, "item") and not isinstance(value, (str, bytes)):
            try:
                value = value.item()
            except (ValueError, AttributeError):
                pass
        values.append(value)
    return values


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "Dữ liệu", headers: dict[str, str] | None = None) -> bytes:
    """Vietnamese headers, widths, frozen header row, numbers as numbers, dates as dates."""
    return to_xlsx_book([(sheet, frame)], headers)


def to_xlsx_book(sheets: list[tuple[str, pd.DataFrame]], headers: dict[str, str] | None = None) -> bytes:
    """Several tables, one sheet each, written like `to_xlsx_bytes`."""
    return styled_book([(name, frame, headers or HEADERS_VI, {}) for name, frame in sheets])


class CellStyle(NamedTuple):
    """How one column's values become cells, when the type of the value is not enough (the
    people's files of vanhoa.tables): `as_date` writes a timestamp as its calendar day, and
    `number_format(value)` gives a number its Excel format, either one of the book's named
    formats ("date", "time", "pct", "int") or a format code ('#,##0 "đ"'), and `width` is the
    column's width for its numbers."""
    as_date: bool = False
    number_format: Callable[[float], str | None] | None = None
    width: int = 0  # characters the longest value needs ('100.000.000 đ': 13)


# The book's named number formats; any other name is a number format code (a CellStyle's).
NAMED_FORMATS = {"date": "dd/mm/yyyy", "time": "hh:mm dd/mm/yyyy", "pct": "0.0%", "int": "#,##0"}


def styled_book(sheets: list[tuple[str, pd.DataFrame, dict[str, str], dict[str, CellStyle]]]) -> bytes:
    """Sheets of (name, frame, headers, styles of some columns): the columns without a style are
    written by the rules of `to_xlsx_bytes` (the command line's files). The file is written by
    vanhoa.xlsx_writer, from each column's distinct values (a few hundred dates, units and
    amounts in a province's 200,000 activities), not cell by cell."""
    book = xlsx_writer.Book()
    for name, frame, headers, styles in sheets:
        _add_sheet(book, name, frame, headers, styles)
    return book.to_bytes()


# ---------------------------------------------------------------- the sheet's cells
#
# Each column is factorised once (pandas) and each *distinct* value is turned into its cell by
# the rules below; the column's cells are then copied out by position (numpy).

_FACTORISED_KINDS = "biufM"  # bool, int, unsigned, float, datetime64: equal values make equal cells
_EXCEL_EPOCH = dt.datetime(1899, 12, 31)


def excel_serial(moment: dt.datetime) -> float:
    """A moment as Excel stores it: days since 31/12/1899 (day 1 is 01/01/1900), the time as the
    fraction of a day, and one more day from 01/03/1900 on, for the 29/02/1900 that Excel counts
    (as Lotus did). Computed once per distinct value."""
    delta = moment - _EXCEL_EPOCH
    days = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return days + 1 if days > 59 else days


def _factorised(series: pd.Series) -> bool:
    """A column whose equal values (as pandas.factorize compares them) make equal cells; an
    object column may hold 1, 1.0 and True, which compare equal and are three different cells."""
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, (pd.CategoricalDtype, pd.SparseDtype)):
        return False
    return getattr(dtype, "kind", "O") in _FACTORISED_KINDS


class _Column:
    """One column's cells: `cells[row]` is the cell's XML after its reference ("" when empty);
    `width` is what its values need, in characters."""

    def __init__(self, name: str, series: pd.Series, book: xlsx_writer.Book, style: CellStyle | None = None) -> None:
        self.as_date = name in _DATE_COLUMNS if style is None else style.as_date
        self.percent = name in _PERCENT_COLUMNS
        self.number_format = style.number_format if style is not None else None
        self.book = book
        self.width = style.width if style is not None else 0  # the width a date, a time or a number needs
        self.text_width = 0  # longest first line of a text cell, + 1
        if _factorised(series):
            codes, uniques = pd.factorize(series, use_na_sentinel=True, sort=False)
        else:  # objects of any type: each value judged on its own
            codes, uniques = np.arange(len(series)), series.array
        distinct = np.empty(len(uniques) + 1, dtype=object)  # the last, "", for code -1 (missing)
        distinct[-1] = ""
        for code, value in enumerate(_python_values(tuple(uniques))):
            distinct[code] = self._cell(value)
        self.cells = distinct[codes]

    def _cell(self, value: object) -> str:
        if self.as_date:
            value = _as_date(value)
        if _missing(value):
            return ""
        if isinstance(value, bool):
            return self.book.boolean(value)
        if isinstance(value, (pd.Timestamp, dt.datetime)):
            self.width = max(self.width, 16)
            return self._number(excel_serial(pd.Timestamp(value).to_pydatetime()), "time")
        if isinstance(value, dt.date):
            self.width = max(self.width, 11)
            return self._number(excel_serial(dt.datetime.combine(value, dt.time())), "date")
        if isinstance(value, (int, float)):
            if self.number_format is not None:
                name = self.number_format(value)
            else:
                name = "pct" if self.percent else ("int" if float(value).is_integer() else None)
            return self._number(value, name)
        text = str(value)  # never a formula, whatever it starts with: a shared string
        self.text_width = max(self.text_width, len(text.split("\n")[0]) + 1)
        return self.book.string(text)

    def _number(self, value: float, name: str | None) -> str:
        return self.book.number(value, None if name is None else NAMED_FORMATS.get(name, name))


def _add_sheet(book: xlsx_writer.Book, name: str, frame: pd.DataFrame, headers: dict[str, str],
               styles: dict[str, CellStyle] | None = None) -> None:
    """Header row (bold, wrapped, frozen, with a filter), then the rows in order; each column as
    wide as its header (8 to 40 characters) or its values (dates 11, times 16, text up to 60)."""
    columns = [_Column(column, frame.iloc[:, col], book, (styles or {}).get(column))
               for col, column in enumerate(frame.columns)]
    titles = [headers.get(column, column) for column in frame.columns]
    widths = [max(min(max(len(title), 8), 40), column.width, min(column.text_width, 60)) + 1
              for title, column in zip(titles, columns, strict=True)]
    sheet = book.add_sheet(name, titles, widths)
    sheet.rows = min(len(frame), xlsx_writer.EXCEL_ROWS - 1)
    sheet.columns = [column.cells for column in columns]
