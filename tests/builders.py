"""What tests build, imported by name (`from builders import ...`): a valid return as grids and as
an .xlsx in memory, a hostile one, a copy of a store, a frame's rows as plain lists, an AppTest
signed in, and the recorder of AppTest's download files. Fixtures that use them live in
conftest.py."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter

from vanhoa.form import spec
from vanhoa.store import Store

STAFF_HEADER = [c.header for c in spec.STAFF_COLUMNS]
ACTIVITY_HEADER = [c.header for c in spec.ACTIVITY_COLUMNS]
EVENT_HEADER = [c.header for c in spec.EVENT_COLUMNS]


def good_sheets(unit: str = "Phòng Tổng hợp", period: str = "6 tháng đầu năm 2022") -> dict[str, list[list]]:
    """A valid return as grids anchored at A1: 9 CBCC + 2 VC, standard met, two activities, one event."""
    return {
        "Thông tin": [
            ["Đơn vị", unit],
            ["Kỳ báo cáo", period],
            ["Người lập", "Lò Thị Hoa"],
            ["Ngày lập", "10/06/2022"],
        ],
        "Chỉ tiêu": [
            STAFF_HEADER,
            ["Cán bộ, công chức", 9, 9, 6, 8, 8],
            ["Viên chức", 2, 2, 1, 2, 1],
            ["Lao động hợp đồng", 0, 0, 0, 0, 0],
        ],
        "Đơn vị văn hóa": [
            ["Tiêu chuẩn", "Đạt", "Ghi chú"],
            *[[text, "Có", None] for _, text in spec.CRITERIA],
        ],
        "Hoạt động": [
            ACTIVITY_HEADER,
            [dt.date(2022, 3, 15), "Tuyên truyền xây dựng nông thôn mới", "Giúp đỡ xã", "Chiềng Xuân",
             "UBND xã", 12, 1500000, "Tốt", "III.3"],
            ["20/04/2022", "Giao lưu văn nghệ", "Văn hóa - văn nghệ", None, "Hội trường", 30, 0, None, "III.1"],
        ],
        "Sự kiện": [
            EVENT_HEADER,
            ["Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)", "14/05/2022", "Mộc Châu", 5, 4, "Giải Ba 10 km", None],
        ],
    }


def workbook_bytes(sheets: dict[str, list[list]], formulas: dict | None = None) -> bytes:
    """Write grids (row 0 = Excel row 1) to an .xlsx in memory; dates as real Excel dates.
    `formulas`: (sheet, "B2") -> (formula, cached result) written over the grid's cells (a result
    like "#REF!" is written as Excel writes an error, t="e")."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, grid in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)
    for (name, cell), (formula, result) in (formulas or {}).items():
        book.get_worksheet_by_name(name).write_formula(cell, formula, None, result)
    book.close()
    return buffer.getvalue()


# What a hostile clerk types into a cell or a form: HTML, a link, bold, LaTeX, a colour directive, a bare URL.
HOSTILE = ["<img src=x onerror=alert(1)>", "[x](https://example.com)", "**b**", "$$x$$", ":red[x]",
           "https://example.com/a"]


def hostile_return() -> bytes:
    """A valid return (Phòng Tổng hợp, 6 tháng đầu năm 2022) with each hostile string as an activity's
    content and place and as an event's name, place and achievement."""
    sheets = good_sheets()
    sheets["Hoạt động"] += [["15/03/2022", text, "Văn hóa - văn nghệ", "Chiềng Xuân", text, 10, 0, text, "III.1"]
                            for text in HOSTILE]
    sheets["Sự kiện"] += [[text, "14/05/2022", text, 5, 4, text, text] for text in HOSTILE]
    return workbook_bytes(sheets)


def copy_store(source, target) -> str:
    """A copy of a store file. This process first lets go of the source (Store.release): a store is
    kept open for a moment after use, and its write-ahead log is only folded into the file on close."""
    import shutil

    Store(source).release()
    return shutil.copy(source, target)


def rows_of(frame, columns: list[str], digits: int | None = None) -> list[list]:
    """Rows as plain lists: missing values None, midnight timestamps dates, numbers as Python ints
    (and floats rounded to `digits` places when given)."""
    import math

    import pandas as pd

    out = []
    for record in frame[columns].itertuples(index=False):
        row = []
        for value in record:
            if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
                row.append(None)
            elif isinstance(value, pd.Timestamp) and value == value.normalize():
                row.append(value.date())
            elif digits is not None and isinstance(value, float):
                row.append(round(value, digits))
            elif hasattr(value, "item"):
                row.append(value.item())
            else:
                row.append(value)
        out.append(row)
    return out


def signed_in(at, role: str = "admin", unit: str | None = None):
    """Give an AppTest session a real sign-in of `role` (an account and a session token in the
    store that VANHOA_DB names), as the sign-in page would; returns the AppTest."""
    from vanhoa import auth, ui

    store = Store()
    name = f"test.{role}" + (f".{unit.lower()}" if unit else "")
    with store.connect() as con:
        exists = con.execute("select 1 from accounts where name = ?", [name]).fetchone()
    account = auth.Account(name, name, role, unit) if exists else auth.add_account(
        store, name, role, "mat-khau-thu-nghiem", unit, by="test")
    at.session_state[ui.TOKEN_KEY] = auth.create_session(store, account)
    return at


def record_media_managers(patch) -> list:
    """AppTest makes a MediaFileManager at each run, which holds that run's download files; with
    `patch` (a MonkeyPatch) this records them, newest last, so a test reads a file or runs a
    deferred one (written when clicked) as Streamlit's server does on a click."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import app_test

    managers: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, storage) -> None:
            super().__init__(storage)
            managers.append(self)

    patch.setattr(app_test, "MediaFileManager", Recording)
    return managers
