"""The pre-filled return: its sheets, title block, prefilled cells, dropdowns, and that it reads back.

The template must round-trip: an untouched template is a valid (empty) return, and a template a
clerk fills in validates and yields exactly the numbers typed.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import python_calamine

from vanhoa.form import spec
from vanhoa.form.read import read_workbook
from vanhoa.form.rules import validate
from vanhoa.form.template import (
    FORM_TITLE,
    HEADER_ROW,
    build_template,
    template_filename,
)
from vanhoa.reference import Reference

VISIBLE = [spec.SHEET_GUIDE, spec.SHEET_INFO, spec.SHEET_STAFF, spec.SHEET_STANDARD,
           spec.SHEET_ACTIVITIES, spec.SHEET_EVENTS]
DATA_SHEETS = VISIBLE[1:]


@pytest.fixture(scope="module")
def ref() -> Reference:
    """The reference data shipped in data/reference (11 units, periods 2022-2030, events)."""
    return Reference.from_csv()


@pytest.fixture(scope="module")
def template(ref) -> bytes:
    """The template of Phòng Tổng hợp for 6 tháng đầu năm 2022, untouched."""
    return build_template("TH", "2022-H1", ref)


@pytest.fixture(scope="module")
def book(template) -> openpyxl.Workbook:
    """The same template opened with openpyxl (styles, merges, validations)."""
    return openpyxl.load_workbook(io.BytesIO(template))


def grid(raw: bytes, sheet: str) -> list[list]:
    """One sheet's values as python-calamine (the app's reader) sees them; row 0 = Excel row 1."""
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
    return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def check(raw: bytes, ref: Reference):
    """Read and validate, as the upload page does."""
    return validate(read_workbook(raw, "x.xlsx"), ref)


# ------------------------------------------------------------------ layout


def test_six_visible_sheets_in_order_and_a_hidden_list_sheet(book):
    assert book.sheetnames == VISIBLE + [spec.SHEET_LISTS]
    assert [book[name].sheet_state for name in VISIBLE] == ["visible"] * 6
    assert book[spec.SHEET_LISTS].sheet_state == "hidden"


def test_info_sheet_is_prefilled_at_exact_cells(template):
    rows = grid(template, spec.SHEET_INFO)
    labels = [rows[r][0] for r in range(6, 13)]
    assert labels == list(spec.INFO_LABELS.values())  # A7:A13
    assert rows[6][1] == "Phòng Tổng hợp"  # B7 Đơn vị
    assert rows[7][1] == "6 tháng đầu năm 2022"  # B8 Kỳ báo cáo
    assert rows[12][1] == 1  # B13 Phiên bản biểu mẫu
    assert all(rows[r][1] == "" for r in range(8, 12))  # Người lập .. Email left to the clerk
    # Nothing in column A above the labels could be taken for a label.
    assert not set(rows[r][0] for r in range(6)) & set(spec.INFO_LABELS.values())


def test_staff_and_standard_rows_are_prelisted(template):
    staff = grid(template, spec.SHEET_STAFF)
    assert staff[HEADER_ROW - 1] == [c.header for c in spec.STAFF_COLUMNS]
    assert [staff[r][0] for r in (6, 7, 8, 9)] == [name for _, name, _ in spec.STAFF_GROUPS] + ["Tổng cộng"]
    assert all(v == "" for r in (6, 7, 8) for v in staff[r][1:])  # numbers blank
    assert staff[9][1:] == [0, 0, 0, 0, 0]  # cached values of the SUM formulas
    standard = grid(template, spec.SHEET_STANDARD)
    assert standard[HEADER_ROW - 1] == ["Tiêu chuẩn", "Đạt", "Ghi chú"]
    assert [standard[r][0] for r in range(6, 10)] == [text for _, text in spec.CRITERIA]
    assert [standard[r][1] for r in range(6, 10)] == [""] * 4


def test_table_sheets_have_headers_and_no_data(template):
    for sheet, columns in ((spec.SHEET_ACTIVITIES, spec.ACTIVITY_COLUMNS), (spec.SHEET_EVENTS, spec.EVENT_COLUMNS)):
        rows = grid(template, sheet)
        assert rows[HEADER_ROW - 1] == [c.header for c in columns]
        assert all(v == "" for row in rows[HEADER_ROW:] for v in row)


def test_every_data_sheet_carries_the_administrative_title_block(book):
    for name in DATA_SHEETS:
        ws = book[name]
        assert ws["A1"].value == "ỦY BAN NHÂN DÂN TỈNH SƠN LA"
        assert ws["A2"].value == "VĂN PHÒNG" and ws["A2"].font.b
        right = {ws.cell(1, c).value for c in range(2, ws.max_column + 1)} - {None}
        motto = {ws.cell(2, c).value for c in range(2, ws.max_column + 1)} - {None}
        assert right == {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}
        assert motto == {"Độc lập - Tự do - Hạnh phúc"}
        assert ws["A3"].value == FORM_TITLE and ws["A3"].font.b
        assert "TOÀN DÂN ĐOÀN KẾT XÂY DỰNG ĐỜI SỐNG VĂN HÓA" in ws["A3"].value
        assert "6 tháng đầu năm 2022" in ws["A4"].value
        assert all(ws.cell(5, c).value is None for c in range(1, ws.max_column + 1))  # blank row
        assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
        assert any(str(r).startswith("A3:") for r in ws.merged_cells.ranges) or ws.max_column == 1
        header = ws.cell(HEADER_ROW, 1)
        assert header.font.b and header.alignment.wrap_text and header.border.left.style == "thin"


def test_column_widths_come_from_the_spec(book):
    ws = book[spec.SHEET_ACTIVITIES]
    for index, column in enumerate(spec.ACTIVITY_COLUMNS):
        letter = openpyxl.utils.get_column_letter(index + 1)
        assert round(ws.column_dimensions[letter].width) == pytest.approx(column.width, abs=1)


# ------------------------------------------------------------------ dropdowns and rules


def _validations(book, sheet: str) -> dict[str, object]:
    return {str(v.sqref): v for v in book[sheet].data_validations.dataValidation}


def test_dropdowns_point_at_the_hidden_list_sheet(book, ref):
    staff = _validations(book, spec.SHEET_STAFF)
    assert staff["A7:A9"].type == "list" and "'Danh mục'!" in staff["A7:A9"].formula1
    assert all(staff[f"{c}7:{c}9"].type == "whole" for c in "BCDEF")
    standard = _validations(book, spec.SHEET_STANDARD)
    assert standard["B7:B10"].type == "list" and standard["B7:B10"].errorStyle in (None, "stop")
    acts = _validations(book, spec.SHEET_ACTIVITIES)
    assert acts["C7:C206"].type == "list"  # Loại hoạt động
    assert acts["I7:I206"].type == "list"  # Nội dung Kế hoạch
    assert acts["F7:F206"].type == "whole" and acts["G7:G206"].type == "whole"
    assert acts["A7:A206"].type == "date"
    events = _validations(book, spec.SHEET_EVENTS)
    assert events["A7:A206"].type == "list" and events["A7:A206"].errorStyle == "information"
    assert events["D7:D206"].type == "whole" and events["E7:E206"].type == "whole"
    assert events["B7:B206"].type == "date"
    assert book[spec.SHEET_ACTIVITIES]["A7"].number_format == "dd/mm/yyyy"


def test_list_sheet_holds_groups_kinds_plan_items_and_this_years_events(template, ref):
    columns = list(zip(*grid(template, spec.SHEET_LISTS)))
    lists = {col[0]: [v for v in col[1:] if v != ""] for col in columns}
    assert lists["Nhóm"] == [name for _, name, _ in spec.STAFF_GROUPS]
    assert lists["Đạt"] == ["Có", "Không"]
    assert lists["Loại hoạt động"] == list(spec.ACTIVITY_KINDS)
    assert lists["Nội dung Kế hoạch"][0] == "III.1 - Xây dựng môi trường văn hóa lành mạnh"
    assert "Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)" in lists["Tên sự kiện"]
    assert not any("2023" in name for name in lists["Tên sự kiện"])
    assert set(lists["Tên sự kiện"]) <= set(ref.events)


# ------------------------------------------------------------------ round trip


def test_empty_template_validates_without_any_problem(template, ref):
    outcome = check(template, ref)
    assert outcome.ok, [p.line() for p in outcome.problems]
    assert outcome.problems == []
    assert (outcome.ret.unit_code, outcome.ret.period_code) == ("TH", "2022-H1")


@pytest.mark.parametrize("period", ["2022-H1", "2022-Y", "2026-Y"])
def test_every_units_template_validates(ref, period):
    for code in ref.units:
        outcome = check(build_template(code, period, ref), ref)
        assert outcome.ok and not outcome.problems, (code, [p.line() for p in outcome.problems])
        assert (outcome.ret.unit_code, outcome.ret.period_code) == (code, period)


@pytest.fixture(scope="module")
def filled(template) -> bytes:
    """The TH 2022-H1 template as a clerk fills it: three staff rows, two activities, one event."""
    wb = openpyxl.load_workbook(io.BytesIO(template))
    info = wb[spec.SHEET_INFO]
    info["B9"], info["B10"], info["B11"] = "Nguyễn Thị Thu Hà", dt.date(2022, 6, 10), "0212 3852 101"
    staff = wb[spec.SHEET_STAFF]
    for row, numbers in ((7, (9, 9, 7, 8, 8)), (8, (0, 0, 0, 0, 0)), (9, (2, 2, 1, 2, 1))):
        for col, number in enumerate(numbers, start=2):
            staff.cell(row, col, number)
    standard = wb[spec.SHEET_STANDARD]
    for row, answer in zip(range(7, 11), ("Có", "Có", "Có", "Không")):
        standard.cell(row, 2, answer)
    acts = wb[spec.SHEET_ACTIVITIES]
    rows = [
        (dt.date(2022, 1, 24), "Tặng quà hộ nghèo xã Chiềng Xuân dịp Tết", "Giúp đỡ xã", "Chiềng Xuân",
         "UBND xã Chiềng Xuân", 8, 15_000_000, "30 suất quà", "III.5 - Lồng ghép các cuộc vận động, phong trào"),
        (dt.date(2022, 6, 3), "Tổng vệ sinh trụ sở cơ quan", "Bảo vệ môi trường", None,
         "Trụ sở Văn phòng UBND tỉnh", 11, None, None, "III.1 - Xây dựng môi trường văn hóa lành mạnh"),
    ]
    for row, values in enumerate(rows, start=7):
        for col, value in enumerate(values, start=1):
            if value is not None:
                acts.cell(row, col, value)
    events = wb[spec.SHEET_EVENTS]
    for col, value in enumerate(("Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)", dt.date(2022, 5, 22),
                                 "Huyện Mộc Châu", 3, 2, "Giải Ba cự ly 10 km", None), start=1):
        if value is not None:
            events.cell(7, col, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_filled_template_validates_and_yields_exact_numbers(filled, ref):
    outcome = check(filled, ref)
    assert outcome.ok and outcome.problems == [], [p.line() for p in outcome.problems]
    ret = outcome.ret
    assert ret.prepared_by == "Nguyễn Thị Thu Hà" and ret.prepared_on == dt.date(2022, 6, 10)
    assert ret.phone == "0212 3852 101"
    assert [(s.group, s.total, s.ethics, s.culture, s.families, s.cultural_families) for s in ret.staff] == [
        ("CBCC", 9, 9, 7, 8, 8), ("VC", 0, 0, 0, 0, 0), ("LDHD", 2, 2, 1, 2, 1)]
    assert ret.meets_standard and ret.criteria["C4"] == (False, None)
    assert ret.activities == {
        "date": [dt.date(2022, 1, 24), dt.date(2022, 6, 3)],
        "content": ["Tặng quà hộ nghèo xã Chiềng Xuân dịp Tết", "Tổng vệ sinh trụ sở cơ quan"],
        "kind": ["Giúp đỡ xã", "Bảo vệ môi trường"],
        "commune": ["Chiềng Xuân", None],
        "place": ["UBND xã Chiềng Xuân", "Trụ sở Văn phòng UBND tỉnh"],
        "participants": [8, 11],
        "cost": [15_000_000, None],
        "result": ["30 suất quà", None],
        "plan_item": ["III.5", "III.1"],
    }
    assert ret.events == {
        "event": ["Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)"],
        "date": [dt.date(2022, 5, 22)],
        "place": ["Huyện Mộc Châu"],
        "registered": [3],
        "participants": [2],
        "achievement": ["Giải Ba cự ly 10 km"],
        "note": [None],
    }


def test_filled_template_keeps_dropdowns_after_openpyxl(filled):
    wb = openpyxl.load_workbook(io.BytesIO(filled))
    for sheet in (spec.SHEET_STAFF, spec.SHEET_STANDARD, spec.SHEET_ACTIVITIES, spec.SHEET_EVENTS):
        assert wb[sheet].data_validations.dataValidation, sheet
    assert wb[spec.SHEET_LISTS].sheet_state == "hidden"


# ------------------------------------------------------------------ names and arguments


def test_template_accepts_a_unit_name_and_a_period_label(ref):
    raw = build_template("Phòng Kinh tế", "Năm 2022", ref)
    rows = grid(raw, spec.SHEET_INFO)
    assert (rows[6][1], rows[7][1]) == ("Phòng Kinh tế", "Năm 2022")


@pytest.mark.parametrize("unit, period", [("Phòng Không Có", "2022-H1"), ("TH", "2019-H1"), ("TH", "quý 1")])
def test_unknown_unit_or_period_is_refused(ref, unit, period):
    with pytest.raises(ValueError):
        build_template(unit, period, ref)


def test_same_arguments_give_the_same_bytes(ref, template):
    assert build_template("TH", "2022-H1", ref) == template


def test_template_filename_is_ascii():
    assert template_filename("TH", "2022-H1") == "bieu-mau_TH_2022-H1.xlsx"
    name = template_filename("Phòng Tổ chức - Hành chính - Quản trị", "2022-Y")
    assert name.isascii() and name.endswith("_2022-Y.xlsx") and " " not in name
    assert "Dong" in template_filename("Đông", "2022-Y")
