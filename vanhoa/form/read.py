"""Workbook bytes -> grids of cell values, with the guards that run before any parser.

A clerk's file is untrusted: it may be a renamed PDF, a password-protected workbook, a corrupt
download or a zip bomb. Each is refused here with one Vietnamese line, before python-calamine
(the fast Rust reader) sees it, and without inflating more than a bounded number of bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

import python_calamine as calamine

from vanhoa.form import spec
from vanhoa.text import match_key

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_INFLATED_BYTES = 300 * 1024 * 1024  # all parts of an .xlsx/.ods together, once inflated
MAX_RATIO = 200  # a real sheet compresses 5-30x; a bomb thousands of times
MAX_SHEET_ROWS = 200_000
MAX_SHEET_CELLS = 5_000_000

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_ROW_REF_RE = re.compile(rb'<row r="([0-9]{1,7})"')
_WIDE_COL_RE = re.compile(rb'<c r="([A-Z]{2,3})[0-9]')  # columns past Z are rare: few matches


class WorkbookRejected(Exception):
    """The file cannot be read as a workbook at all. The message is one Vietnamese line."""


@dataclass
class Workbook:
    filename: str
    format: str
    sheets: dict[str, list[list]] = field(default_factory=dict)  # sheet name as typed -> grid

    def find(self, wanted: str) -> tuple[str, list[list]] | None:
        """The sheet whose name matches `wanted` like a header, as (name as typed, grid)."""
        key = match_key(wanted)
        for name, grid in self.sheets.items():
            if match_key(name) == key:
                return name, grid
        return None


def _vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def _check_zip(raw: bytes) -> tuple[str, zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise WorkbookRejected("Tệp bị hỏng: không mở được gói nén của tệp Excel.") from exc
    if "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "xl/workbook.bin" in names:
        kind = "xlsb"
    elif "mimetype" in names and b"spreadsheet" in archive.read("mimetype")[:100]:
        kind = "ods"
    elif "word/document.xml" in names:
        raise WorkbookRejected("Tệp là văn bản Word, không phải bảng tính Excel.")
    else:
        raise WorkbookRejected("Tệp không phải là bảng tính Excel (.xlsx, .xls, .ods).")

    declared = sum(info.file_size for info in archive.infolist())
    if declared > MAX_INFLATED_BYTES:
        raise WorkbookRejected(
            f"Tệp bị từ chối: khi giải nén lên tới {declared // 2**20} MB, vượt giới hạn "
            f"{MAX_INFLATED_BYTES // 2**20} MB (nghi là tệp nén độc hại)."
        )
    for info in archive.infolist():
        if info.file_size > 10 * 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbookRejected(
                "Tệp bị từ chối: tỷ lệ nén bất thường (nghi là tệp nén độc hại - zip bomb)."
            )
    return kind, archive


def _inflate_and_measure(archive: zipfile.ZipFile) -> None:
    """Inflate each part once, in chunks, never trusting the sizes the archive declares.

    Also finds the largest cell reference of each sheet, so a sheet that reaches row 1,048,576
    is refused before a reader allocates its grid."""
    total = 0
    for info in archive.infolist():
        is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        max_row = max_col = 0
        tail = b""
        try:
            with archive.open(info) as part:
                while chunk := part.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_INFLATED_BYTES:
                        raise WorkbookRejected(
                            f"Tệp bị từ chối: khi giải nén vượt {MAX_INFLATED_BYTES // 2**20} MB "
                            "(nghi là tệp nén độc hại - zip bomb)."
                        )
                    if is_sheet:
                        window = tail + chunk
                        rows = _ROW_REF_RE.findall(window)
                        if rows:
                            max_row = max(max_row, max(map(int, rows)))
                        wide = _WIDE_COL_RE.findall(window)
                        max_col = max(max_col, 26 if b"<c " in window else 0,
                                      max(map(_column_number, wide), default=0))
                        tail = window[-32:]
        except WorkbookRejected:
            raise
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise WorkbookRejected(f"Tệp bị hỏng: phần {info.filename} không giải nén được.") from exc
        # max_col is 26 whenever any cell sits in A..Z: an upper bound for the common case, exact beyond
        if is_sheet and (max_row > MAX_SHEET_ROWS or max_row * max_col > MAX_SHEET_CELLS):
            raise WorkbookRejected(
                f"Tệp bị từ chối: một trang tính kéo tới dòng {_vn(max_row)} (cột thứ {max_col} trở lên), "
                f"vượt giới hạn {_vn(MAX_SHEET_ROWS)} dòng và {_vn(MAX_SHEET_CELLS)} ô của biểu mẫu."
            )


def detect_format(raw: bytes, filename: str = "") -> str:
    """'xlsx' | 'xlsb' | 'ods' | 'xls', or WorkbookRejected with the reason."""
    if not raw:
        raise WorkbookRejected("Tệp rỗng (0 byte).")
    if len(raw) > MAX_FILE_BYTES:
        raise WorkbookRejected(
            f"Tệp quá lớn ({len(raw) / 2**20:.1f} MB), giới hạn {MAX_FILE_BYTES // 2**20} MB.".replace(".", ",", 1)
        )
    if raw[:4] == b"PK\x03\x04":
        kind, archive = _check_zip(raw)
        _inflate_and_measure(archive)
        return kind
    if raw[:8] == _CFB_MAGIC:
        if _ENCRYPTED_PACKAGE in raw:
            raise WorkbookRejected("Tệp được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.")
        return "xls"
    lower = filename.lower()
    if raw[:5] == b"%PDF-":
        raise WorkbookRejected("Tệp là PDF, không phải bảng tính Excel: hãy tải lên tệp .xlsx của biểu mẫu.")
    if lower.endswith((".csv", ".txt")):
        raise WorkbookRejected("Tệp CSV/văn bản không được chấp nhận: hãy dùng biểu mẫu Excel (.xlsx).")
    raise WorkbookRejected("Tệp không phải là bảng tính Excel (.xlsx, .xlsm, .xls, .xlsb, .ods).")


_WANTED_SHEETS = {match_key(name) for name in spec.REQUIRED_SHEETS + spec.OPTIONAL_SHEETS}


def read_workbook(raw: bytes, filename: str = "") -> Workbook:
    """Read the form's sheets into grids anchored at A1 (row 0 = Excel row 1)."""
    kind = detect_format(raw, filename)
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except calamine.PasswordError as exc:
        raise WorkbookRejected("Tệp được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.") from exc
    except Exception as exc:  # calamine raises several types for one cause: unreadable bytes
        raise WorkbookRejected(f"Tệp bị hỏng, không đọc được ({type(exc).__name__}).") from exc
    workbook = Workbook(filename=filename, format=kind)
    try:
        for name in book.sheet_names:
            if match_key(name) not in _WANTED_SHEETS:
                continue
            sheet = book.get_sheet_by_name(name)
            if sheet.height > MAX_SHEET_ROWS or sheet.height * max(sheet.width, 1) > MAX_SHEET_CELLS:
                raise WorkbookRejected(
                    f"Trang '{name}' có {_vn(sheet.height)} dòng, vượt giới hạn {_vn(MAX_SHEET_ROWS)} dòng."
                )
            workbook.sheets[name] = sheet.to_python(skip_empty_area=False)
    except WorkbookRejected:
        raise
    except Exception as exc:
        raise WorkbookRejected(f"Tệp bị hỏng, không đọc được nội dung ({type(exc).__name__}).") from exc
    finally:
        book.close()
    return workbook
