"""The reader's guards and formats: what is not a readable workbook gets one Vietnamese line,
before any parser inflates it; .xls, .xlsm and .ods returns read like .xlsx."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import pytest
from builders import good_sheets, workbook_bytes
from hostile import grid_cells, rezip, xls_of

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


MARKUP_XLS = ("Tệp có đuôi .xls nhưng thực chất là trang HTML/XML do phần mềm khác xuất ra, không phải bảng tính "
              "Excel: hãy mở bằng Excel hoặc LibreOffice và lưu lại thành .xlsx.")
OLD_XLS = ("Tệp .xls theo định dạng cũ của Excel (trước Excel 97), bộ đọc không hỗ trợ: hãy mở bằng Excel hoặc "
           "LibreOffice và lưu lại thành .xlsx.")


def _zip_of(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize("raw, name, message", [
    (b"", "a.xlsx", "Tệp rỗng (0 byte)."),
    (b"%PDF-1.7\n...", "bao-cao.pdf", "Tệp là PDF, không phải bảng tính Excel: hãy tải lên tệp .xlsx của biểu mẫu."),
    ("Đơn vị,Kỳ\nPhòng Tổng hợp,2022-H1\n".encode(), "bao-cao.csv",
     "Tệp CSV/văn bản không được chấp nhận: hãy dùng biểu mẫu Excel (.xlsx)."),
    (bytes(range(256)) * 8, "bao-cao.xlsx", "Tệp không phải là bảng tính Excel (.xlsx, .xlsm, .xls, .xlsb, .ods)."),
    # a zip that holds no workbook: the same message as any other non-workbook
    (_zip_of({"readme.txt": "x"}), "bao-cao.xlsx",
     "Tệp không phải là bảng tính Excel (.xlsx, .xlsm, .xls, .xlsb, .ods)."),
    # "export to Excel" of other software: an HTML page, or Excel 2003's XML, named .xls
    (b'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table><tr><td>1</td></tr></table></body></html>',
     "bao-cao.xls", MARKUP_XLS),
    ("\ufeff<!DOCTYPE html>\n<HTML><body><table></table></body></HTML>".encode("utf-16-le"), "bao-cao.xls", MARKUP_XLS),
    ('\ufeff<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
     '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Chỉ tiêu"/></Workbook>'
     .encode(), "bao-cao.xls", MARKUP_XLS),
    (b"<table><tr><td>1</td></tr></table>", "bao-cao.xlsx", MARKUP_XLS.replace(".xls ", ".xlsx ")),
    # Excel 2.x-4.0 (BIFF2-4): a bare record stream that begins with its BOF record
    (b"\x09\x00\x04\x00\x02\x00\x10\x00" + bytes(64), "bao-cao.xls", OLD_XLS),
    (b"\x09\x04\x06\x00\x00\x00\x10\x00" + bytes(64), "bao-cao.xls", OLD_XLS),
    # an XML file that is not a workbook, and a BMP named .xls, stay "not a workbook"
    (b'<?xml version="1.0"?><note>x</note>', "bao-cao.xls", "Tệp không phải là bảng tính Excel (.xlsx, .xlsm, .xls, "
     ".xlsb, .ods)."),
    (b"BM6\x9c\x01\x00" + bytes(64), "bao-cao.xls",
     "Tệp không phải là bảng tính Excel (.xlsx, .xlsm, .xls, .xlsb, .ods)."),
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


def _good_return_and(sheet: str, row: int, col: int) -> bytes:
    """The valid return (its dates left out) with one more cell, "x", at (row, col) of `sheet`."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name in good_sheets():
        book.add_worksheet(name)
    for name, r, c, value in grid_cells(good_sheets()):
        if not hasattr(value, "year"):
            book.get_worksheet_by_name(name).write(r, c, value)
    book.get_worksheet_by_name(sheet).write(row, col, "x")
    book.close()
    return buffer.getvalue()


def test_sheet_reaching_the_last_excel_row_is_refused():
    assert rejection(_good_return_and("Hoạt động", 1_048_575, 0)) == (
        "Tệp bị từ chối: trang 'Hoạt động' có dữ liệu kéo tới dòng 1.048.576, vượt giới hạn 200.000 dòng của biểu mẫu.")


def test_sheet_with_a_far_corner_cell_is_refused():
    """Two cells, A1 and ZZ100000: a dense reader would allocate 70 million cells."""
    assert rejection(_good_return_and("Sự kiện", 99_999, 701)) == (
        "Tệp bị từ chối: trang 'Sự kiện' có dữ liệu kéo tới dòng 100.000 và cột thứ 702, tức 70.200.000 ô, vượt giới "
        "hạn 5.000.000 ô của biểu mẫu.")


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
    raw = {"xls": xls_of, "ods": _as_ods, "xlsx": workbook_bytes}[fmt](sheets)
    workbook = read_workbook(raw, name)
    assert workbook.format == fmt
    outcome = validate(workbook, ref)
    assert outcome.ok, [p.line() for p in outcome.problems]
    assert [s.total for s in outcome.ret.staff] == [9, 2, 0]
    assert outcome.ret.activities["cost"] == [1500000, 0]


# ---------------------------------------------------------- size guard: repeats, counters, the check after calamine


def _like_libreoffice(raw: bytes) -> bytes:
    """An .ods as LibreOffice saves it: every table declares its 16,384 columns, every row ends with
    empty cells repeated to the last column, every table ends with empty rows repeated to the last row."""
    def change(name: str, data: bytes) -> bytes:
        if name != "content.xml":
            return data
        data = re.sub(rb"(<table:table [^>]*>)", rb'\1<table:table-column table:style-name="co1" '
                      rb'table:number-columns-repeated="16384" table:default-cell-style-name="Default"/>', data)
        data = data.replace(b"</table:table-row>", b'<table:table-cell table:style-name="ce1" '
                            b'table:number-columns-repeated="16370"/></table:table-row>')
        return data.replace(b"</table:table>", b'<table:table-row table:style-name="ro1" table:number-rows-repeated='
                            b'"1048560"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
                            b"</table:table>")
    return rezip(raw, change)


def test_ods_with_empty_rows_and_columns_repeated_to_the_sheet_end_reads(ref):
    raw = _like_libreoffice(_as_ods(good_sheets()))
    assert zipfile.ZipFile(io.BytesIO(raw)).read("content.xml").count(b'number-rows-repeated="1048560"') == 5
    workbook = read_workbook(raw, "bao-cao.ods")
    assert [len(grid) for grid in workbook.sheets.values()] == [4, 4, 5, 3, 2]
    assert validate(workbook, ref).ok


@pytest.mark.parametrize("before, after, message", [
    # a row of values repeated past the form's last row
    (b"<table:table-row>", b'<table:table-row table:number-rows-repeated="300000">',
     "Tệp bị từ chối: trang 'Thông tin' có dữ liệu kéo tới dòng 300.000 (kể cả các dòng lặp lại), vượt giới hạn "
     "200.000 dòng của biểu mẫu."),
    # a value repeated across columns: refused at the third row, 3 x 2,000,001 cells
    (b'<table:table-cell office:value-type="string" office:string-value="\xc4\x90\xc6\xa1n v\xe1\xbb\x8b">',
     b'<table:table-cell table:number-columns-repeated="2000000" office:value-type="string" '
     b'office:string-value="\xc4\x90\xc6\xa1n v\xe1\xbb\x8b">',
     "Tệp bị từ chối: trang 'Thông tin' có dữ liệu trải trên 3 dòng × 2.000.001 cột = 6.000.003 ô (kể cả các ô "
     "lặp lại), vượt giới hạn 5.000.000 ô của biểu mẫu."),
])
def test_ods_values_repeated_past_the_limits_are_refused(before, after, message):
    def change(name: str, data: bytes) -> bytes:
        assert name != "content.xml" or before in data
        return data.replace(before, after, 1) if name == "content.xml" else data
    assert rejection(rezip(_as_ods(good_sheets()), change), "bao-cao.ods") == message


def test_ods_empty_rows_between_values_count():
    """calamine materialises empty rows that lie between rows with values."""
    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"</table:table-row>", b'</table:table-row><table:table-row table:number-rows-repeated='
                            b'"250000"><table:table-cell/></table:table-row>', 1) if name == "content.xml" else data
    assert rejection(rezip(_as_ods(good_sheets()), change), "bao-cao.ods") == (
        "Tệp bị từ chối: trang 'Thông tin' có dữ liệu kéo tới dòng 250.002 (kể cả các dòng lặp lại), vượt giới hạn "
        "200.000 dòng của biểu mẫu.")


def _strip_cell_references(raw: bytes, prefix: bytes = b"") -> bytes:
    """The same workbook without the r="..." that calamine's counters make redundant (a row right
    after the previous one, a cell right after the previous one), and with the worksheet's elements
    under a namespace prefix if asked."""
    def strip_row(found: re.Match) -> bytes:
        expected = 0

        def strip_cell(cell: re.Match) -> bytes:
            nonlocal expected
            col = sum((char - 64) * 26**i for i, char in enumerate(reversed(cell.group(1)))) - 1
            redundant, expected = col == expected, col + 1
            return b"<c" if redundant else cell.group(0)
        return re.sub(rb'<c r="([A-Z]+)[0-9]+"', strip_cell, found.group(0))

    expected_row = 1

    def strip_row_number(found: re.Match) -> bytes:
        nonlocal expected_row
        row = int(found.group(1))
        redundant, expected_row = row == expected_row, row + 1
        return b"<row" if redundant else found.group(0)

    def change(name: str, data: bytes) -> bytes:
        nonlocal expected_row
        if not name.startswith("xl/worksheets/"):
            return data
        data = re.sub(rb"<row .*?</row>", strip_row, data, flags=re.S)
        expected_row = 1
        data = re.sub(rb'<row r="([0-9]+)"', strip_row_number, data)
        if prefix:
            data = re.sub(rb"<(/?)(worksheet|sheetData|row|c|v|dimension|sheetViews|sheetView|sheetFormatPr|"
                          rb"pageMargins|is|t)\b", rb"<\1" + prefix + rb":\2", data)
            data = data.replace(b"<" + prefix + b':worksheet xmlns="', b"<" + prefix + b":worksheet xmlns:" + prefix
                                + b'="', 1)
        return data
    return rezip(raw, change)


@pytest.mark.parametrize("prefix", [b"", b"x"])
def test_cells_without_references_or_with_a_prefix_read_like_the_form(ref, prefix):
    """Not every writer puts r="A1" on each cell, or writes no namespace prefix: the slow path of
    the size guard follows calamine's counters and accepts them."""
    sheets = good_sheets()
    raw = _strip_cell_references(workbook_bytes(sheets), prefix)
    assert re.search(rb'<(c|row) r="', zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet2.xml")) is None
    assert read_workbook(raw, "bao-cao.xlsx").sheets == read_workbook(workbook_bytes(sheets), "bao-cao.xlsx").sheets
    assert validate(read_workbook(raw, "bao-cao.xlsx"), ref).ok


def test_slow_path_refuses_a_sheet_that_is_not_xml():
    def change(name: str, data: bytes) -> bytes:
        return data.replace(b'<c r="B2">', b"<c <B2>", 1) if name == "xl/worksheets/sheet2.xml" else data
    assert rejection(rezip(workbook_bytes(good_sheets()), change)) == (
        "Tệp bị hỏng: phần xl/worksheets/sheet2.xml không đọc được (XML không hợp lệ).")


def test_unsupported_compression_of_a_part_is_a_corrupt_file():
    """zipfile raises NotImplementedError for a compression method it does not know (bug 3's kin)."""
    raw = bytearray(_as_ods(good_sheets()))
    central = raw.index(b"PK\x01\x02")  # the first entry: mimetype
    raw[central + 10:central + 12] = (99).to_bytes(2, "little")
    assert rejection(bytes(raw), "bao-cao.ods") == "Tệp bị hỏng: không mở được gói nén của tệp Excel."


def test_the_check_after_calamine_names_rows_or_cells(monkeypatch):
    """Behind the size guard, the sheet calamine read is measured again; the message says whether
    rows or cells are too many (a wide sheet used to be refused with a message about rows)."""
    from vanhoa.form import refusals, sizeguard

    monkeypatch.setattr(sizeguard, "inflate_and_measure", lambda archive, kind: None)
    monkeypatch.setattr(refusals, "MAX_SHEET_ROWS", 100)
    monkeypatch.setattr(refusals, "MAX_SHEET_CELLS", 1_000)
    wide = good_sheets()
    wide["Chỉ tiêu"][3] += [None] * 60 + ["x"]  # column 67 (BO) on row 4
    wide["Chỉ tiêu"] += [[None]] * 20 + [["x"]]  # row 25
    assert rejection(workbook_bytes(wide)) == "Trang 'Chỉ tiêu' có 25 dòng × 67 cột = 1.675 ô, vượt giới hạn 1.000 ô."
    tall = good_sheets()
    tall["Hoạt động"] += [[None]] * 200 + [["x"]]
    assert rejection(workbook_bytes(tall)) == "Trang 'Hoạt động' có 204 dòng, vượt giới hạn 100 dòng."


def test_the_cycle_collector_is_paused_only_while_files_are_checked():
    """ingest.check turns Python's cycle collector off while a file becomes rows (speed) and on
    again afterwards, whatever the verdict; overlapping checks (two sessions) turn it on once
    the last one ends."""
    import gc

    from vanhoa.ingest import check, collector_paused
    from vanhoa.reference import Reference

    ref = Reference.from_csv()
    assert gc.isenabled()
    assert check(workbook_bytes(good_sheets()), "th.xlsx", ref).ok
    assert gc.isenabled()
    assert check(b"PK\x03\x04 not a workbook", "hong.xlsx", ref).unreadable
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # a second session's check
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first one is still reading
    assert gc.isenabled()
