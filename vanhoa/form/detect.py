"""Which workbook format a file is, or the one line that says what it is instead (a PDF, a Word
document, an HTML export, an old BIFF stream); the archive of a zipped format comes back only once
the size guard has passed it.
"""

from __future__ import annotations

import io
import zipfile

from vanhoa.form import sizeguard
from vanhoa.form.parts import ZIP_ERRORS, part_key
from vanhoa.form.refusals import (
    MARKUP,
    MAX_FILE_BYTES,
    MAX_INFLATED_BYTES,
    MAX_RATIO,
    NOT_EXCEL,
    OLD_BIFF,
    WorkbookRejected,
)
from vanhoa.formats import fmt_int

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _check_zip(raw: bytes) -> tuple[str, zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        names = set(archive.namelist())
        mimetype = b""
        if "mimetype" in names:
            with archive.open("mimetype") as part:
                mimetype = part.read(100)  # not all of it: its declared size is not checked yet
    except ZIP_ERRORS as exc:
        raise WorkbookRejected("Tệp bị hỏng: không mở được gói nén của tệp Excel.") from exc
    keys = {part_key(name) for name in names}  # calamine finds "XL\\Workbook.xml" too
    if "xl/workbook.xml" in keys:
        kind = "xlsx"
    elif "xl/workbook.bin" in keys:
        kind = "xlsb"
    elif b"spreadsheet" in mimetype:
        kind = "ods"
    elif "word/document.xml" in names:
        raise WorkbookRejected("Tệp là văn bản Word, không phải bảng tính Excel.")
    else:
        raise WorkbookRejected(NOT_EXCEL)

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


def detect(raw: bytes, filename: str) -> tuple[str, zipfile.ZipFile | None]:
    """The format and the archive (None for .xls), the archive passed by the size guard."""
    if not raw:
        raise WorkbookRejected("Tệp rỗng (0 byte).")
    if len(raw) > MAX_FILE_BYTES:
        raise WorkbookRejected(
            f"Tệp quá lớn: {fmt_int(len(raw))} byte, giới hạn {MAX_FILE_BYTES // 10**6} MB "
            f"({fmt_int(MAX_FILE_BYTES)} byte)."
        )
    if raw[:4] == b"PK\x03\x04":
        from vanhoa.form import binguard  # imports this module

        kind, archive = _check_zip(raw)
        if kind == "ods":
            binguard.check_ods_password(archive)
        sizeguard.inflate_and_measure(archive, kind)
        if kind == "xlsb":
            binguard.check_xlsb(archive)
        return kind, archive
    if raw[:8] == _CFB_MAGIC:
        from vanhoa.form import binguard

        if _ENCRYPTED_PACKAGE in raw:
            raise WorkbookRejected(binguard.PASSWORD)
        binguard.check_xls(raw)
        return "xls", None
    lower = filename.lower()
    if raw[:5] == b"%PDF-":
        raise WorkbookRejected("Tệp là PDF, không phải bảng tính Excel: hãy tải lên tệp .xlsx của biểu mẫu.")
    if lower.endswith((".csv", ".txt")):
        raise WorkbookRejected("Tệp CSV/văn bản không được chấp nhận: hãy dùng biểu mẫu Excel (.xlsx).")
    if _is_markup(raw):
        ext = "." + lower.rsplit(".", 1)[-1] if lower.endswith((".xls", ".xlsx", ".xlsm", ".xlsb", ".ods")) else ".xls"
        raise WorkbookRejected(MARKUP.format(ext=ext))
    if len(raw) >= 4 and raw[0] == 0x09 and raw[1] in (0, 2, 4, 8) and raw[2:4] in (b"\x04\0", b"\x06\0", b"\x08\0",
                                                                                 b"\x10\0"):
        raise WorkbookRejected(OLD_BIFF)  # a BOF record: BIFF2 (0x0009), BIFF3 (0x0209), BIFF4 (0x0409), BIFF5+
    raise WorkbookRejected(NOT_EXCEL)


def _is_markup(raw: bytes) -> bool:
    """An HTML page or an Excel 2003 XML workbook (SpreadsheetML): UTF-8 (with a BOM
    or not) or UTF-16 with its BOM, as those exporters write them."""
    head = raw[:65536]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = head[2:len(head) // 2 * 2].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", "replace")
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    text = text.lstrip().lower()
    if text.startswith(("<html", "<!doctype html", "<table")) or "<html" in text[:4096]:
        return True
    return text.startswith("<?xml") and ("urn:schemas-microsoft-com:office:spreadsheet" in text
                                         or 'progid="excel.sheet"' in text)
