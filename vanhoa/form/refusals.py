"""The reader's limits and refusals: what a workbook may hold, and the one Vietnamese line that
refuses a file beyond them (tests and callers compare the wording).

Every part of the reader (the size guard, the binary walkers, the error-cell finders, the read
itself) raises `WorkbookRejected` with a message made here, so a limit and its wording are
written once.
"""

from __future__ import annotations

from vanhoa.formats import fmt_int

# 50 MB as people read it and as the browser's upload box counts it (50.000.000 bytes on Linux and
# macOS), so the command line and the page refuse the same files. Streamlit's server counts its
# maxUploadSize (50) in MiB, a little more, so whatever a browser lets through reaches this
# Vietnamese refusal rather than the server's English one.
MAX_FILE_BYTES = 50_000_000
MAX_INFLATED_BYTES = 300 * 1024 * 1024  # all parts of an .xlsx/.ods together, once inflated
MAX_RATIO = 200  # a real sheet compresses 5-30x; a bomb thousands of times
MAX_SHEET_ROWS = 200_000
MAX_SHEET_CELLS = 5_000_000
EXCEL_MAX_COLUMN = 16_384  # XFD
MAX_FORMULA_CELLS = 500_000  # formula or error cells in the form's sheets together

# The reader's own refusals, one wording each (tests and callers compare them).
NOT_EXCEL = "Tệp không phải là bảng tính Excel (.xlsx, .xlsm, .xls, .xlsb, .ods)."
# Many programs "export to Excel" as an HTML page or Excel 2003's XML (SpreadsheetML) named .xls;
# Excel opens them with a warning, calamine cannot.
MARKUP = ("Tệp có đuôi {ext} nhưng thực chất là trang HTML/XML do phần mềm khác xuất ra, không phải bảng tính Excel: "
          "hãy mở bằng Excel hoặc LibreOffice và lưu lại thành .xlsx.")
# Excel 2.x-4.0 wrote a bare BIFF2-4 record stream, and some tools a bare BIFF5 one, without the
# compound file of Excel 97: calamine reads BIFF5-8 inside a compound file only.
OLD_BIFF = ("Tệp .xls theo định dạng cũ của Excel (trước Excel 97), bộ đọc không hỗ trợ: hãy mở bằng Excel "
            "hoặc LibreOffice và lưu lại thành .xlsx.")
# calamine failed on the file's inner structure; its error class and text are English (the server
# log keeps them, as the refusal's __cause__), so the clerk gets this.
CORRUPT = "Tệp bị hỏng, không đọc được: bộ đọc gặp lỗi ở cấu trúc bên trong của tệp."
CORRUPT_CONTENT = "Tệp bị hỏng, không đọc được nội dung các trang: bộ đọc gặp lỗi ở cấu trúc bên trong của tệp."
HUGE = 10**10  # stands for any row or column number this large or larger


class CellError(str):
    """A cell that calamine reads as empty but is not: an Excel error value ("#REF!", "#DIV/0!",
    "#N/A"...) or a formula saved without its result ("=SUM(B7:B9)"). Its text is what the clerk sees
    in Excel (or the formula), so the parsers' messages show it as the value found; rules may test
    `isinstance(value, CellError)` to say more."""

    __slots__ = ()


class WorkbookRejected(Exception):
    """The file cannot be read as a workbook at all. The message is one Vietnamese line."""


def _capped(number: int) -> str:
    return fmt_int(number) if number < HUGE else f"hơn {fmt_int(HUGE - 1)}"


def corrupt_part(name: str) -> WorkbookRejected:
    return WorkbookRejected(f"Tệp bị hỏng: phần {name} không giải nén được.")


def unreadable_part(name: str) -> WorkbookRejected:
    return WorkbookRejected(f"Tệp bị hỏng: phần {name} không đọc được (XML không hợp lệ).")


def too_far(row: int, column: int, sheet: str | None = None) -> WorkbookRejected | None:
    """The refusal for a sheet whose value cells reach (row, column), 1-based, naming the sheet when
    it is known; None within the limits."""
    which = f"trang '{' '.join(sheet.split())}'" if sheet else "một trang tính"
    if row > MAX_SHEET_ROWS:
        return WorkbookRejected(f"Tệp bị từ chối: {which} có dữ liệu kéo tới dòng {_capped(row)}, vượt giới hạn "
                                f"{fmt_int(MAX_SHEET_ROWS)} dòng của biểu mẫu.")
    if column > EXCEL_MAX_COLUMN:
        return WorkbookRejected(f"Tệp bị từ chối: {which} có ô ở cột thứ {_capped(column)}, vượt quá cột cuối "
                                f"cùng của Excel (XFD, cột thứ {fmt_int(EXCEL_MAX_COLUMN)}): tệp bị hỏng hoặc bị sửa "
                                "ngoài Excel.")
    if row * column > MAX_SHEET_CELLS:
        return WorkbookRejected(f"Tệp bị từ chối: {which} có dữ liệu kéo tới dòng {fmt_int(row)} và cột thứ "
                                f"{fmt_int(column)}, tức {fmt_int(row * column)} ô, vượt giới hạn "
                                f"{fmt_int(MAX_SHEET_CELLS)} ô của biểu mẫu.")
    return None


def sheet_too_big(name: str, height: int, width: int) -> WorkbookRejected | None:
    """The refusal for a sheet calamine read as height x width cells; None within the limits."""
    if height > MAX_SHEET_ROWS:
        return WorkbookRejected(f"Trang '{name}' có {fmt_int(height)} dòng, vượt giới hạn "
                                f"{fmt_int(MAX_SHEET_ROWS)} dòng.")
    if height * width > MAX_SHEET_CELLS:
        return WorkbookRejected(f"Trang '{name}' có {fmt_int(height)} dòng × {fmt_int(width)} cột = "
                                f"{fmt_int(height * width)} ô, vượt giới hạn {fmt_int(MAX_SHEET_CELLS)} ô.")
    return None


def too_many_formulas() -> WorkbookRejected:
    """Marking millions of error cells would cost memory: the same refusal for every format."""
    return WorkbookRejected(
        f"Tệp bị từ chối: các trang của biểu mẫu có hơn {fmt_int(MAX_FORMULA_CELLS)} ô công thức; hãy dán giá "
        "trị (Paste Special > Values) thay cho công thức rồi tải lên lại.")
