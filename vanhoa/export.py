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
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd
import xlsxwriter
import xlsxwriter.utility
import xlsxwriter.worksheet
from xlsxwriter.utility import _utf16_len, _utf16_truncate

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

HEADERS_VI = {
    "period": "Kỳ báo cáo", "unit": "Đơn vị", "target": "Chỉ tiêu", "numerator": "Tử số",
    "denominator": "Mẫu số", "ratio": "Tỷ lệ", "goal": "Mục tiêu", "met": "Đạt", "status": "Tình trạng",
    "target_name": "Tên chỉ tiêu", "filed_at": "Thời gian nộp", "version": "Phiên bản", "deadline": "Hạn nộp",
    "days_after_deadline": "Số ngày sau hạn", "date": "Ngày", "content": "Nội dung",
    "kind": "Loại hoạt động", "commune": "Xã/phường", "place": "Địa điểm",
    "participants": "Số người tham gia", "cost": "Kinh phí (đồng)", "result": "Kết quả, ghi chú",
    "plan_item": "Nội dung Kế hoạch", "event": "Tên sự kiện", "registered": "Số người đăng ký",
    "achievement": "Thành tích", "note": "Ghi chú", "series": "Chuỗi sự kiện", "current": "Hiện hành",
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
                         for value, is_date in zip(_python_values(row), dates)])
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


def styled_book(sheets: list[tuple[str, pd.DataFrame, dict[str, str], dict[str, CellStyle]]]) -> bytes:
    """Sheets of (name, frame, headers, styles of some columns): the columns without a style are
    written by the rules of `to_xlsx_bytes` (the command line's files)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    formats = _Formats(book)
    formats.update({
        "head": book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1,
                                 "bg_color": "#E8EEF7"}),
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
        "time": book.add_format({"num_format": "hh:mm dd/mm/yyyy"}),
        "pct": book.add_format({"num_format": "0.0%"}),
        "int": book.add_format({"num_format": "#,##0"}),
    })
    for name, frame, headers, styles in sheets:
        _write_sheet(book.add_worksheet(name[:31], worksheet_class=_ColumnSheet), frame, headers, formats, styles)
    book.close()
    return buffer.getvalue()


class _Formats(dict):
    """The book's cell formats by name, and by format code for the codes a CellStyle names: one
    is added to the book the first time a cell needs it (a format no cell uses is left out of
    the file, so the command line's files are as before)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        super().__init__()
        self.book = book

    def __missing__(self, code: str):
        self[code] = self.book.add_format({"num_format": code})
        return self[code]


# ---------------------------------------------------------------- the sheet's cells, column by column
#
# xlsxwriter writes a cell in about 6 µs (one call to store it, one to turn it into XML at close):
# 13 s for the 98,800 × 11 cells of one period's activities at province scale. Here each column is
# factorised once (pandas), each *distinct* value is turned into its cell with the rules below, and
# the cells of a column are copied out by position; the rows' XML is joined in one pass and handed
# to xlsxwriter, which still writes everything else (styles, shared strings, widths, the frozen
# row, the filter). The result is the file the cell-by-cell writer made, byte for byte: the shared
# strings and the formats are numbered in the order that writer met them (row by row), which
# tests/test_export_speed_shape.py checks against it. This leans on internals of xlsxwriter 3.3.1
# (pinned in requirements.txt): Worksheet._write_rows, the shared string table, Format._get_xf_index;
# that test fails first if an upgrade changes them.

_COLUMN_FAST_KINDS = "biufM"  # bool, int, unsigned, float, datetime64: factorised
_CHUNK_ROWS = 50_000


class _ColumnSheet(xlsxwriter.worksheet.Worksheet):
    """A worksheet whose data rows (below row 1) arrive as ready XML, in chunks of rows."""

    def __init__(self) -> None:
        super().__init__()
        self.bulk_rows = lambda: iter(())  # yields the <row> elements of rows 2.. (Excel numbering)
        self.header_span: str | None = None

    def _write_rows(self) -> None:
        # Row 1 (the header, stored with write_string) goes through xlsxwriter itself.
        if self.table.get(0):
            self._write_row(0, self.header_span)
            for col_num in range(self.dim_colmin, self.dim_colmax + 1):
                if col_num in self.table[0]:
                    self._write_cell(0, col_num, self.table[0][col_num])
            self._xml_end_tag("row")
        for chunk in self.bulk_rows():
            self.fh.write(chunk)


def _is_fast(series: pd.Series) -> bool:
    """A column whose equal values (as pandas.factorize compares them) make equal cells."""
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, (pd.CategoricalDtype, pd.SparseDtype)):
        return False
    return getattr(dtype, "kind", "O") in _COLUMN_FAST_KINDS


class _Column:
    """One column's cells: for each row a code into `cells` (-1: empty), each distinct cell as
    (kind, payload, format name) with kind 's' text, 'n' number, 'b' boolean."""

    def __init__(self, name: str, series: pd.Series, ws, style: CellStyle | None = None) -> None:
        is_date = name in _DATE_COLUMNS if style is None else style.as_date
        percent = name in _PERCENT_COLUMNS
        self.number_format = style.number_format if style is not None else None
        self.bump = style.width if style is not None else 0  # the width a date, a time or a number needs
        self.text_width = 0  # longest first line of a text cell, + 1
        if _is_fast(series) and not _has_negative_zero(series):
            codes, uniques = pd.factorize(series, use_na_sentinel=True, sort=False)
            values = list(uniques)
        else:  # objects of any type: one "distinct value" per row, each judged on its own
            values = list(series)
            codes = np.arange(len(values), dtype=np.int64)
        self.codes = np.asarray(codes, dtype=np.int64)
        self.cells: list[tuple | None] = []
        for value in _python_values(tuple(values)):
            self.cells.append(self._cell(_as_date(value) if is_date else value, percent, ws))
        if len(values) and not all(self.cells):  # a distinct value that is empty (NA in an object column)
            empty = np.array([cell is None for cell in self.cells] + [True])
            self.codes = np.where(empty[self.codes], -1, self.codes)

    def _cell(self, value: object, percent: bool, ws) -> tuple | None:
        """What the cell-by-cell writer did with one value (see the git history of this file)."""
        if _missing(value):
            return None
        if isinstance(value, bool):
            return ("b", 1 if value else 0, None)
        if isinstance(value, (pd.Timestamp, dt.datetime)):
            self.bump = max(self.bump, 16)
            return ("n", ws._convert_date_time(pd.Timestamp(value).to_pydatetime()), "time")
        if isinstance(value, dt.date):
            self.bump = max(self.bump, 11)
            return ("n", ws._convert_date_time(dt.datetime.combine(value, dt.time())), "date")
        if isinstance(value, (int, float)):
            if math.isnan(value) or math.isinf(value):  # as xlsxwriter's write_number refuses them
                raise TypeError("NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option")
            if self.number_format is not None:
                return ("n", value, self.number_format(value))
            return ("n", value, "pct" if percent else ("int" if float(value).is_integer() else None))
        text = str(value)  # never a formula, whatever it starts with: always a shared string
        self.text_width = max(self.text_width, len(text.split("\n")[0]) + 1)
        if len(text) > ws.xls_strmax // 2 and _utf16_len(text) > ws.xls_strmax:
            text = _utf16_truncate(text, ws.xls_strmax)  # as write_string does
        return ("s", text, None)


def _has_negative_zero(series: pd.Series) -> bool:
    """factorize takes -0.0 for 0.0; the cell-by-cell writer wrote "-0"."""
    if getattr(series.dtype, "kind", "O") != "f":
        return False
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    return bool(np.any((values == 0) & np.signbit(values)))


def _first_rows(codes: np.ndarray, count: int) -> np.ndarray:
    """For each code 0..count-1, the first row where it occurs (len(codes) if nowhere)."""
    first = np.full(count, len(codes), dtype=np.int64)
    present = codes >= 0
    rows = np.flatnonzero(present)
    if count:
        np.minimum.at(first, codes[present], rows)
    return first


def _write_sheet(sheet_ws: _ColumnSheet, frame: pd.DataFrame, headers: dict[str, str], formats: dict,
                 styles: dict[str, CellStyle] | None = None) -> None:
    widths = []
    for col, name in enumerate(frame.columns):
        title = headers.get(name, name)
        sheet_ws.write_string(0, col, title, formats["head"])
        widths.append(min(max(len(title), 8), 40))
    limit = sheet_ws.xls_rowmax - 1  # data rows Excel can hold; write_* ignored the others
    columns = [_Column(name, frame.iloc[:, col], sheet_ws, (styles or {}).get(name))
               for col, name in enumerate(frame.columns)]
    for col, column in enumerate(columns):
        widths[col] = max(widths[col], column.bump, min(column.text_width, 60))
    rows = min(len(frame), limit)

    # Shared strings and formats are numbered in the order the cells are met, row by row.
    strings: list[tuple[int, int, str]] = []
    used_formats: dict[str, tuple[int, int]] = {}
    for col, column in enumerate(columns):
        codes = column.codes[:rows]
        first = _first_rows(codes, len(column.cells))
        for code, cell in enumerate(column.cells):
            if cell is None or first[code] >= rows:
                continue
            where = (int(first[code]), col)
            if cell[0] == "s":
                strings.append((*where, cell[1]))
            if cell[2] is not None and where < used_formats.get(cell[2], (rows, 0)):
                used_formats[cell[2]] = where
    if len(columns):
        formats["head"]._get_xf_index()  # row 1
    for name in sorted(used_formats, key=used_formats.get):
        formats[name]._get_xf_index()
    table = sheet_ws.str_table
    calls = 0
    for _, _, text in sorted(strings, key=lambda item: item[:2]):
        table._get_shared_string_index(text)
        calls += 1

    # Each distinct cell's XML after its reference; then each cell is a reference + that tail.
    heads, tails, present = [], [], np.zeros((rows, len(columns)), dtype=bool)
    string_cells = 0
    for col, column in enumerate(columns):
        codes = column.codes[:rows]
        present[:, col] = codes >= 0
        column_tails = np.empty(len(column.cells) + 1, dtype=object)  # the last, None, for code -1
        column_tails[:-1] = [_tail(cell, formats, table) if cell is not None else None for cell in column.cells]
        tails.append(column_tails[codes])
        heads.append('<c r="' + xlsxwriter.utility.xl_col_to_name(col))
        string_codes = [code for code, cell in enumerate(column.cells) if cell is not None and cell[0] == "s"]
        if string_codes:
            string_cells += int(np.isin(codes, string_codes).sum())
    table.count += string_cells - calls  # every string cell counts once, as write_string counted it

    filled = present.any(axis=1)
    if filled.any():
        sheet_ws._check_dimensions(int(np.flatnonzero(filled)[-1]) + 1, 0)
    spans = _spans(present, filled)
    sheet_ws.header_span = spans.get(0)

    def bulk_rows():
        """The <row> elements, a chunk of rows at a time (made when the workbook is closed, so that
        only one chunk's cells are held as text). The <row> tag is the one xlsxwriter's _write_row
        writes for a row without set_row() settings."""
        for start in range(0, rows, _CHUNK_ROWS):
            stop = min(start + _CHUNK_ROWS, rows)
            numbers = [str(row) for row in range(start + 2, stop + 2)]
            cells = [[head + number + tail if tail is not None else "" for number, tail in zip(numbers, column[start:stop])]
                     for head, column in zip(heads, tails)]
            yield "".join(f'<row r="{row + 2}" spans="{spans[(row + 1) // 16]}">' + "".join(row_cells) + "</row>"
                          for row, row_cells in enumerate(zip(*cells), start=start) if filled[row])

    sheet_ws.bulk_rows = bulk_rows

    for col, width in enumerate(widths):
        sheet_ws.set_column(col, col, width + 1)
    sheet_ws.freeze_panes(1, 0)
    if len(frame.columns):
        sheet_ws.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)


def _tail(cell: tuple, formats: dict, table) -> str:
    kind, payload, fmt = cell
    style = f' s="{formats[fmt]._get_xf_index()}"' if fmt is not None else ""
    if kind == "s":
        return f'"{style} t="s"><v>{table.string_table[payload]}</v></c>'
    if kind == "b":
        return f'"{style} t="b"><v>{payload}</v></c>'
    return f'"{style}><v>{payload:.16G}</v></c>'


def _spans(present: np.ndarray, filled: np.ndarray) -> dict[int, str]:
    """xlsxwriter's `spans` of each block of 16 rows (Excel rows, the header is row 0): first:last
    column holding a cell, 1-based."""
    count = present.shape[1]
    spans: dict[int, str] = {}
    if not count:
        return spans
    first = np.where(filled, present.argmax(axis=1), count)
    last = np.where(filled, count - 1 - present[:, ::-1].argmax(axis=1), -1)
    blocks = (np.arange(len(first)) + 1) // 16
    low = np.full(blocks[-1] + 1 if len(blocks) else 1, count)
    high = np.full(len(low), -1)
    np.minimum.at(low, blocks, first)
    np.maximum.at(high, blocks, last)
    low[0], high[0] = 0, max(high[0], count - 1)  # the header fills every column of block 0
    for block in np.flatnonzero(high >= 0):
        spans[int(block)] = f"{int(low[block]) + 1}:{int(high[block]) + 1}"
    return spans
