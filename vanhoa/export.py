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

import pandas as pd
import xlsxwriter

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
    "progress": ["status", "target_name"],
    "completeness": ["deadline", "days_after_deadline"],
    "activities": ["result", "plan_item"],
    "events": ["note", "series"],
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
    "restored_from": "Khôi phục từ phiên bản",
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
        _write_sheet(book.add_worksheet(name[:31]), frame, headers or HEADERS_VI, formats)
    book.close()
    return buffer.getvalue()


def _write_sheet(sheet_ws, frame: pd.DataFrame, headers: dict[str, str], formats: dict) -> None:
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
                sheet_ws.write_string(row_index, col, text)  # never a formula, whatever it starts with
                widths[col] = min(max(widths[col], len(text.split("\n")[0]) + 1), 60)
    for col, width in enumerate(widths):
        sheet_ws.set_column(col, col, width + 1)
    sheet_ws.freeze_panes(1, 0)
    if len(frame.columns):
        sheet_ws.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
