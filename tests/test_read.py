"""The reader's guards and formats: what is not a readable workbook gets one Vietnamese line,
before any parser inflates it; .xls, .xlsm and .ods returns read like .xlsx."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from conftest import good_sheets, workbook_bytes

from vanhoa.form.read import WorkbookRejected, read_workbook
from vanhoa.form.rules import validate


def rejection(raw: bytes, name: str = "bao-cao.xlsx") -> str:
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(raw, name)
    return str(caught.value)


def test_truncated_workbook_is_corrupt():
    raw = workbook_bytes(good_sheets())
    assert rejection(raw[: len(raw) // 2]) == "Tệp bị hỏng: không mở được gói nén của tệp Excel."


def test_corrupted_part_is_named():
    raw = bytearray(workbook_bytes(good_sheets()))
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as archive:
        info = archive.getinfo("xl/worksheets/sheet2.xml")
    start = info.header_offset + 30 + len(info.filename) + 10
    raw[start:start + 20] = b"\x00" * 20  # damage the deflated bytes of the sheet
    assert rejection(bytes(raw)) == "Tệp bị hỏng: phần xl/worksheets/sheet2.xml không giải nén được."


@pytest.mark.parametrize("raw, name, message", [
    (b"", "a.xlsx", "Tệp rỗng (0 byte)."),
    (b"%PDF-1.7\n...", "bao-cao.pdf", "Tệp là PDF, không phải bảng tính Excel: hãy tải lên tệp .xlsx của biểu mẫu."),
    ("Đơn vị,Kỳ\nPhòng Tổng hợp,2022-H1\n".encode(), "bao-cao.csv",
     "Tệp CSV/văn bản không được chấp nhận: hãy dùng biểu mẫu Excel (.xlsx)."),
    (bytes(range(256)) * 8, "bao-cao.xlsx", "Tệp không phải là bảng tính Excel (.xlsx, .xlsm, .xls, .xlsb, .ods)."),
])
def test_not_a_workbook(raw, name, message):
    assert rejection(raw, name) == message


def test_word_document_renamed_to_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert rejection(buffer.getvalue()) == "Tệp là văn bản Word, không phải bảng tính Excel."


def test_password_protected_workbook():
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(workbook_bytes(good_sheets()))
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("matkhau", encrypted)
    assert rejection(encrypted.getvalue()) == "Tệp được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại."


def _bomb(inflated_mb: int) -> bytes:
    """A valid-looking .xlsx whose one sheet inflates to `inflated_mb` MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            chunk = b" " * (1 << 20)
            for _ in range(inflated_mb):
                part.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_declared_size_is_refused_without_inflating():
    raw = _bomb(400)
    assert len(raw) < 1_000_000  # a small file...
    tracemalloc.start()
    message = rejection(raw)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert message == "Tệp bị từ chối: khi giải nén lên tới 400 MB, vượt giới hạn 300 MB (nghi là tệp nén độc hại)."
    assert peak < 20 * 2**20


def test_zip_bomb_ratio_is_refused():
    assert rejection(_bomb(60)) == "Tệp bị từ chối: tỷ lệ nén bất thường (nghi là tệp nén độc hại - zip bomb)."


def test_sheet_reaching_the_last_excel_row_is_refused():
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, grid in good_sheets().items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is not None and not hasattr(value, "year"):
                    sheet.write(r, c, value)
    book.get_worksheet_by_name("Hoạt động").write(1_048_575, 0, "x")
    book.close()
    assert rejection(buffer.getvalue()) == ("Tệp bị từ chối: một trang tính kéo tới dòng 1.048.576 (cột thứ 26 "
                                            "trở lên), vượt giới hạn 200.000 dòng và 5.000.000 ô của biểu mẫu.")


def test_sheet_with_a_far_corner_cell_is_refused():
    """Two cells, A1 and ZZ100000: a dense reader would allocate 70 million cells."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, grid in good_sheets().items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is not None and not hasattr(value, "year"):
                    sheet.write(r, c, value)
    book.get_worksheet_by_name("Sự kiện").write(99_999, 701, "x")
    book.close()
    assert rejection(buffer.getvalue()) == ("Tệp bị từ chối: một trang tính kéo tới dòng 100.000 (cột thứ 702 "
                                            "trở lên), vượt giới hạn 200.000 dòng và 5.000.000 ô của biểu mẫu.")


def _as_xls(sheets) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for name, grid in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if hasattr(value, "year"):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _as_ods(sheets) -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="odf") as writer:
        for name, grid in sheets.items():
            pd.DataFrame(grid).to_excel(writer, sheet_name=name, header=False, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt, name", [("xls", "bao-cao.xls"), ("ods", "bao-cao.ods"), ("xlsx", "bao-cao.xlsm")])
def test_other_formats_read_like_xlsx(ref, fmt, name):
    sheets = good_sheets()
    raw = {"xls": _as_xls, "ods": _as_ods, "xlsx": workbook_bytes}[fmt](sheets)
    workbook = read_workbook(raw, name)
    assert workbook.format == fmt
    outcome = validate(workbook, ref)
    assert outcome.ok, [p.line() for p in outcome.problems]
    assert [s.total for s in outcome.ret.staff] == [9, 2, 0]
    assert outcome.ret.activities["cost"] == [1500000, 0]
