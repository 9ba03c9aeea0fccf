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
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from vanhoa.form.read import read_workbook
from vanhoa.ingest import check, ingest

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
FORMATS = ("xlsx", "xls", "ods")
# One return of every unit (the year 2022), and the first half-year of three of them.
SOURCES = sorted(p.name for p in DEMO.glob("2022-Y_*.xlsx") if "_v" not in p.stem) + [
    "2022-H1_KT.xlsx", "2022-H1_TH.xlsx", "2022-H1_NKUB.xlsx"]
VARIANTS = ("formulas", "values", "error")
ERROR_MESSAGES = [
    ("Chỉ tiêu", "C7", "#DIV/0!", "'Thực hiện tốt chuẩn mực đạo đức, văn hóa công sở' phải là số nguyên không âm, "
                                  "viết như 58 hoặc 1.200."),
]

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed (make test installs "
                                                                      "libreoffice-calc-nogui)")

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
    """(source, variant, format) -> the file LibreOffice saved; ('…', '…', 'openpyxl') the file it read."""
    root = tmp_path_factory.mktemp("matrix")
    made = root / "made"
    made.mkdir()
    files = {}
    for source in SOURCES:
        for variant in VARIANTS:
            path = made / f"{Path(source).stem}_{variant}.xlsx"
            _variant(DEMO / source, variant, path)
            files[(source, variant, "openpyxl")] = path
    for fmt in FORMATS:
        outdir = root / fmt
        done = subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{root}/profile", "--convert-to", fmt,
             "--outdir", str(outdir), *sorted(str(p) for p in made.iterdir())],
            capture_output=True, text=True, timeout=600)
        for source in SOURCES:
            for variant in VARIANTS:
                path = outdir / f"{Path(source).stem}_{variant}.{fmt}"
                assert path.exists(), f"LibreOffice Calc did not save {path.name} (is libreoffice-calc-nogui " \
                                      f"installed?): {done.stdout} {done.stderr}"
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


@pytest.mark.parametrize("variant", ["formulas", "values"])
@pytest.mark.parametrize("source", SOURCES)
def test_every_format_gives_the_same_verdict_and_return(matrix, ref, source, variant):
    expected = _verdict(matrix[(source, variant, "openpyxl")], ref)
    assert expected[0], expected[1]  # the demonstration returns are valid
    for fmt in FORMATS:
        path = matrix[(source, variant, fmt)]
        assert read_workbook(path.read_bytes(), path.name).format == fmt
        assert _verdict(path, ref) == expected, fmt


@pytest.mark.parametrize("source", SOURCES)
def test_an_error_cell_is_refused_at_its_cell_in_every_format(matrix, ref, source):
    """(The file openpyxl wrote holds =1/0 without a result; LibreOffice computes it on saving.)"""
    for fmt in FORMATS:
        path = matrix[(source, "error", fmt)]
        checked = check(path.read_bytes(), path.name, ref)
        assert not checked.ok, fmt
        assert [(p.sheet, p.cell, str(p.value), p.message) for p in checked.errors] == ERROR_MESSAGES, fmt


def test_the_error_cell_is_the_calamine_blank_it_replaces(matrix):
    """What the reader gives at the broken cells (and at the total computed from them) in each
    format: the error's own text, never the "" of an empty cell that reads as 0."""
    for fmt in FORMATS:
        path = matrix[("2022-H1_KT.xlsx", "error", fmt)]
        grid = read_workbook(path.read_bytes(), path.name).sheets["Chỉ tiêu"]
        assert (grid[6][2], grid[9][2], grid[6][3]) == ("#DIV/0!", "#DIV/0!", 5), fmt


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
