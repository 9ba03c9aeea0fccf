"""One return, one verdict, whatever format the clerk's office saves it in.

Every demonstration unit's return is saved by LibreOffice Calc (as an office would) as .xlsx, .xls
and .ods, in three variants: as shipped (the 'Tổng cộng' row of Chỉ tiêu is =SUM(...)), with the
formulas replaced by their values, and with =1/0 in Chỉ tiêu!C7 (LibreOffice computes #DIV/0! on
conversion, and the total below it too). Each saved file must give the same verdict, the same
messages and the same parsed Return as the file it came from, and once stored the same progress
figures; the error file must be refused at Chỉ tiêu!C7 with the same message in every format
(.xls and .ods error cells were read as 0 and the return accepted, T1 falling from 8/8 to 0/8).

LibreOffice converts every file of a format in one call, once per session, in its own profile
folder (parallel runs do not share one). make test installs libreoffice-calc-nogui.
"""

from __future__ import annotations

import copy
import io
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import good_sheets

from vanhoa.form.read import read_workbook
from vanhoa.form.rules import validate
from vanhoa.ingest import check, ingest

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
FORMATS = ("xlsx", "xls", "ods")
# One return of every unit (the year 2022), and the first half-year of three of them.
SOURCES = sorted(p.name for p in DEMO.glob("2022-Y_*.xlsx") if "_v" not in p.stem) + [
    "2022-H1_KT.xlsx", "2022-H1_TH.xlsx", "2022-H1_NKUB.xlsx"]
# As shipped and with the error for every return; values only for the first half-years.
_CASES = [(source, variant) for source in SOURCES for variant in ("formulas", "error")] + [
    (source, "values") for source in SOURCES if source.startswith("2022-H1")]
ERROR_MESSAGES = [
    ("Chỉ tiêu", "C7", "#DIV/0!", "'Thực hiện tốt chuẩn mực đạo đức, văn hóa công sở' phải là số nguyên không âm, "
                                  "viết như 58 hoặc 1.200."),
]

_calc = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed (make test installs "
                                                               "libreoffice-calc-nogui)")


def needs_calc(test):
    """LibreOffice present; the first test to use the matrix waits for its conversion (about a
    minute on two idle cores, several on busy ones)."""
    return _calc(pytest.mark.timeout(900)(test))

_SUM = re.compile(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)")


def _values_only(sheet) -> None:
    """Each =SUM(B7:B9) of a sheet replaced by the sum it computes (the only formulas the demo has)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                found = _SUM.fullmatch(cell.value)
                assert found, f"unexpected formula {cell.value} at {sheet.title}!{cell.coordinate}"
                col, first, _, last = found.groups()
                cell.value = sum(sheet[f"{col}{r}"].value or 0 for r in range(int(first), int(last) + 1))


def _variant(source: Path, variant: str, out: Path) -> None:
    book = openpyxl.load_workbook(source)
    if variant == "values":
        for sheet in book.worksheets:
            _values_only(sheet)
    elif variant == "error":
        book["Chỉ tiêu"]["C7"] = "=1/0"
    book.save(out)


@pytest.fixture(scope="session")
def matrix(tmp_path_factory) -> dict[tuple[str, str, str], Path]:
    """(source, variant, format) -> the file LibreOffice saved; ('…', '…', 'openpyxl') the file it read.
    The three formats are converted at once, each by one soffice with its own profile folder."""
    root = tmp_path_factory.mktemp("matrix")
    made = root / "made"
    made.mkdir()
    files = {}
    for source, variant in _CASES:
        path = made / f"{Path(source).stem}_{variant}.xlsx"
        _variant(DEMO / source, variant, path)
        files[(source, variant, "openpyxl")] = path
    inputs = sorted(str(p) for p in made.iterdir())
    runs = {fmt: subprocess.Popen(["soffice", "--headless", f"-env:UserInstallation=file://{root}/profile-{fmt}",
                                   "--convert-to", fmt, "--outdir", str(root / fmt), *inputs],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for fmt in FORMATS}
    for fmt, run in runs.items():
        said = run.communicate(timeout=800)[0]
        for source, variant in _CASES:
            path = root / fmt / f"{Path(source).stem}_{variant}.{fmt}"
            assert path.exists(), (f"LibreOffice Calc did not save {path.name} "
                                   f"(is libreoffice-calc-nogui installed?): {said}")
            files[(source, variant, fmt)] = path
    return files


def _verdict(path: Path, ref):
    checked = check(path.read_bytes(), path.name, ref)
    outcome = checked.outcome
    problems = [(p.sheet, p.cell, str(p.value), p.message, p.severity) for p in checked.problems]
    ret = copy.copy(outcome.ret) if outcome and outcome.ret else None
    if ret is not None:
        ret.warnings = []  # compared through `problems`
    return checked.ok, problems, ret


@needs_calc
@pytest.mark.parametrize("source, variant", [case for case in _CASES if case[1] != "error"])
def test_every_format_gives_the_same_verdict_and_return(matrix, ref, source, variant):
    expected = _verdict(matrix[(source, variant, "openpyxl")], ref)
    assert expected[0], expected[1]  # the demonstration returns are valid
    for fmt in FORMATS:
        path = matrix[(source, variant, fmt)]
        assert read_workbook(path.read_bytes(), path.name).format == fmt
        assert _verdict(path, ref) == expected, fmt


@needs_calc
@pytest.mark.parametrize("source", SOURCES)
def test_an_error_cell_is_refused_at_its_cell_in_every_format(matrix, ref, source):
    """(The file openpyxl wrote holds =1/0 without a result; LibreOffice computes it on saving.)"""
    for fmt in FORMATS:
        path = matrix[(source, "error", fmt)]
        checked = check(path.read_bytes(), path.name, ref)
        assert not checked.ok, fmt
        assert [(p.sheet, p.cell, str(p.value), p.message) for p in checked.errors] == ERROR_MESSAGES, fmt


@needs_calc
def test_the_error_cell_is_the_calamine_blank_it_replaces(matrix):
    """What the reader gives at the broken cells (and at the total computed from them) in each
    format: the error's own text, never the "" of an empty cell that reads as 0."""
    for fmt in FORMATS:
        path = matrix[("2022-H1_KT.xlsx", "error", fmt)]
        grid = read_workbook(path.read_bytes(), path.name).sheets["Chỉ tiêu"]
        assert (grid[6][2], grid[9][2], grid[6][3]) == ("#DIV/0!", "#DIV/0!", 5), fmt


@needs_calc
def test_stored_progress_is_the_same_in_every_format(matrix, ref, tmp_path):
    """The figures a leader sees: the progress query of a store given one format's files, among
    them the Phòng Kinh tế return with #DIV/0! at C7, which every format must refuse (as .xls and
    .ods it was stored, and the unit's T1 fell from 8/8 to 0/8)."""
    import pandas as pd

    from vanhoa.store import Store

    broken = "2022-H1_KT.xlsx"
    tables = {}
    for fmt in ("openpyxl", *FORMATS):
        store = Store(tmp_path / f"{fmt}.duckdb")
        accepted = []
        for source in SOURCES:
            path = matrix[(source, "error" if source == broken else "formulas", fmt)]
            accepted.append(ingest(store, path.read_bytes(), path.name, "test", ref=ref).status != "rejected")
        assert accepted == [source != broken for source in SOURCES], fmt
        tables[fmt] = store.query("progress")
    assert len(tables["openpyxl"]) > 50  # 2 periods x (14 returns and the Office) x targets
    for fmt in FORMATS:
        pd.testing.assert_frame_equal(tables[fmt], tables["openpyxl"])


# ------------------------------------------------------------------ producers calamine misreads (crafted here)


def _record(kind: int, body: bytes = b"") -> bytes:
    """One BIFF12 record: type and size as 7-bit varints ([MS-XLSB] 2.1.4)."""
    head = bytearray()
    for number in (kind, len(body)):
        while True:
            byte, number = number & 0x7F, number >> 7
            head.append(byte | (0x80 if number else 0))
            if not number:
                break
    return bytes(head) + body


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def _xlsb(sheets: dict[str, list[list]], short: bool = False) -> bytes:
    """An .xlsb of the grids (text, numbers, or ('error', code) for a formula whose result is an
    error). short=True writes each cell that follows its left neighbour as SheetJS does, in a short
    record without a column (BrtShortSt 17, BrtShortReal 16)."""
    buffer = io.BytesIO()
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.'
                         'sheet.binary.macroEnabled.main"/></Types>')
        archive.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{rel[:-22]}package/2006/'
                         f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
                         'Target="xl/workbook.bin"/></Relationships>')
        book, links = _record(0x83) + _record(0x8F), ""
        for number, name in enumerate(sheets, start=1):
            book += _record(0x9C, struct.pack("<II", 0, number) + _wide(f"rId{number}") + _wide(name))  # BrtBundleSh
            links += f'<Relationship Id="rId{number}" Type="{rel}/worksheet" Target="worksheets/sheet{number}.bin"/>'
        archive.writestr("xl/workbook.bin", book + _record(0x90) + _record(0x84))
        archive.writestr("xl/_rels/workbook.bin.rels", f'<?xml version="1.0"?><Relationships xmlns="{rel[:-22]}'
                         f'package/2006/relationships">{links}</Relationships>')
        for number, grid in enumerate(sheets.values(), start=1):
            width = max(len(row) for row in grid)
            data = _record(0x81) + _record(0x94, struct.pack("<IIII", 0, len(grid) - 1, 0, width - 1)) + _record(0x91)
            for r, row in enumerate(grid):
                data += _record(0, struct.pack("<IIHBBB", r, 0, 0x0F, 0, 0, 0))  # BrtRowHdr
                left = -2  # the first cell of a row has its column
                for c, value in enumerate(row):
                    if value is None:
                        continue
                    style, column = struct.pack("<I", 0), struct.pack("<I", c)
                    if isinstance(value, tuple):  # BrtFmlaError: the error, flags, an empty formula
                        data += _record(11, column + style + bytes([value[1]]) + b"\0\0" + b"\0" * 8)
                    elif short and c == left + 1:
                        data += _record(17, style + _wide(value)) if isinstance(value, str) else \
                            _record(16, style + struct.pack("<d", value))
                    else:
                        data += _record(6, column + style + _wide(value)) if isinstance(value, str) else \
                            _record(5, column + style + struct.pack("<d", value))
                    left = c
            archive.writestr(f"xl/worksheets/sheet{number}.bin", data + _record(0x92) + _record(0x82))
    return buffer.getvalue()


def _plain(sheets: dict[str, list[list]]) -> dict[str, list[list]]:
    return {name: [[f"{v:%d/%m/%Y}" if hasattr(v, "year") else v for v in row] for row in grid]
            for name, grid in sheets.items()}


def test_xlsb_of_a_return_reads_like_its_xlsx(ref):
    raw = _xlsb(_plain(good_sheets("Phòng Kinh tế")))
    workbook = read_workbook(raw, "bao-cao.xlsb")
    assert workbook.format == "xlsb"
    assert workbook.sheets["Thông tin"][0] == ["Đơn vị", "Phòng Kinh tế"]
    outcome = validate(workbook, ref)
    assert outcome.ok, [p.line() for p in outcome.problems]


def test_xlsb_with_short_records_is_refused_not_misread(ref):
    """SheetJS writes cells as short records, which calamine skips: 'Phòng Kinh tế' at B1 read as
    missing. The clerk is told to save the file again, never that the unit is missing."""
    checked = check(_xlsb(_plain(good_sheets("Phòng Kinh tế")), short=True), "bao-cao.xlsb", ref)
    assert [(p.sheet, p.cell, p.message) for p in checked.problems] == [
        ("", "", "Tệp .xlsb này được tạo bởi chương trình mà bộ đọc không đọc chính xác được (ô Thông tin!B1 được ghi "
                 "theo kiểu rút gọn); hãy mở bằng Excel hoặc LibreOffice và lưu lại thành .xlsx.")]


def test_xlsb_error_cell_is_refused_at_its_cell(ref):
    sheets = _plain(good_sheets("Phòng Kinh tế"))
    sheets["Chỉ tiêu"][1][2] = ("error", 0x07)  # C2: =1/0 as Excel saves it, #DIV/0!
    checked = check(_xlsb(sheets), "bao-cao.xlsb", ref)
    assert [(p.sheet, p.cell, str(p.value), p.message) for p in checked.errors] == [
        ("Chỉ tiêu", "C2", "#DIV/0!", ERROR_MESSAGES[0][3])]


def _rezip(raw: bytes, content) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(zipfile.ZipInfo(info.filename, info.date_time),
                            content(data) if info.filename == "content.xml" else data,
                            compress_type=zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _indented(data: bytes) -> bytes:
    """content.xml as SheetJS and PhpSpreadsheet write it: each element on its own indented line,
    paragraphs' text untouched."""
    return re.sub(rb">(</?(?!text:)[a-z]+:)", rb">\n    \1", data)


@needs_calc
def test_ods_indented_between_cells_reads_like_libreoffice_saved_it(matrix, ref):
    """calamine refused such a file ('Tệp bị hỏng ... (CalamineError)'); LibreOffice opens it."""
    for variant in ("formulas", "error"):
        path = matrix[("2022-H1_KT.xlsx", variant, "ods")]
        indented = _rezip(path.read_bytes(), _indented)
        assert b">\n    <table:table-cell" in indented or variant
        assert _verdict_of(indented, "bao-cao.ods", ref) == _verdict(path, ref)


def _verdict_of(raw: bytes, name: str, ref):
    checked = check(raw, name, ref)
    ret = copy.copy(checked.outcome.ret) if checked.outcome and checked.outcome.ret else None
    if ret is not None:
        ret.warnings = []
    return checked.ok, [(p.sheet, p.cell, str(p.value), p.message, p.severity) for p in checked.problems], ret


def test_ods_error_cells_are_placed_past_repeated_rows_and_columns(ref):
    """An error cell after rows and cells that repeat: at the position calamine gives it."""
    import pandas as pd

    buffer = io.BytesIO()
    sheets = good_sheets("Phòng Kinh tế")
    with pd.ExcelWriter(buffer, engine="odf") as writer:
        for name, grid in sheets.items():
            pd.DataFrame(grid).to_excel(writer, sheet_name=name, header=False, index=False)

    def content(data: bytes) -> bytes:
        table = data.index('table:name="Chỉ tiêu"'.encode())
        head, rest = data[:table], data[table:]
        # Chỉ tiêu: two empty rows repeated 3 times first (rows 1-3), then the header and staff rows
        rest = rest.replace(b"<table:table-row", b'<table:table-row table:number-rows-repeated="3"><table:table-cell '
                            b'table:number-columns-repeated="4"/></table:table-row><table:table-row', 1)
        # In the first staff row (row 5), B-C are one cell repeated twice (9, 9) and D is an error.
        rows = rest.split(b"<table:table-row")
        staff = rows[3]
        cells = staff.split(b"<table:table-cell")
        cells[2] = cells[2].replace(b"<table:table-cell", b"").replace(
            b'office:value-type="float"', b'table:number-columns-repeated="2" office:value-type="float"', 1)
        del cells[3]
        cells[3] = (b' table:formula="of:=1/0" office:value-type="string" office:string-value="" calcext:value-type='
                    b'"error"><text:p>#DIV/0!</text:p></table:table-cell>')
        rows[3] = b"<table:table-cell".join(cells)
        return head + b"<table:table-row".join(rows)

    raw = _rezip(buffer.getvalue(), content)
    grid = read_workbook(raw, "bao-cao.ods").sheets["Chỉ tiêu"]
    assert grid[4][:5] == ["Cán bộ, công chức", 9, 9, "#DIV/0!", 8] or grid[4][:5] == ["Cán bộ, công chức", 9.0, 9.0,
                                                                                          "#DIV/0!", 8.0], grid[:6]
    checked = check(raw, "bao-cao.ods", ref)
    assert [(p.sheet, p.cell, str(p.value)) for p in checked.errors] == [("Chỉ tiêu", "D5", "#DIV/0!")]
