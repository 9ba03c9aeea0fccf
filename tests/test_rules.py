"""Each rule of the return form (../shared/spec/return-form.md): a file that breaks it, and the
exact sheet, cell, value and Vietnamese message the clerk reads."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from builders import workbook_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vanhoa.form import spec
from vanhoa.form.cells import cell_ref, is_empty, parse_date, parse_text, parse_whole
from vanhoa.form.lists import KIND_KEYS, plan_code, read_activities, read_events
from vanhoa.form.problems import Collector
from vanhoa.form.read import read_workbook
from vanhoa.form.rules import Return, validate
from vanhoa.form.tables import cell, check_total, find_table, rows
from vanhoa.formats import fmt_int
from vanhoa.reference import Reference
from vanhoa.text import match_key


def outcome_of(sheets, ref):
    return validate(read_workbook(workbook_bytes(sheets), "bao-cao.xlsx"), ref)


def found(sheets, ref):
    """(where, value, message, severity) of every problem."""
    return [(p.where, p.value, p.message, p.severity) for p in outcome_of(sheets, ref).problems]


def test_valid_return_reads_every_number(sheets, ref):
    outcome = outcome_of(sheets, ref)
    assert outcome.ok and outcome.problems == []
    ret = outcome.ret
    assert (ret.unit_code, ret.period_code, ret.prepared_by, ret.prepared_on) == (
        "TH", "2022-H1", "Lò Thị Hoa", dt.date(2022, 6, 10))
    assert [(s.group, s.total, s.ethics, s.culture, s.families, s.cultural_families) for s in ret.staff] == [
        ("CBCC", 9, 9, 6, 8, 8), ("VC", 2, 2, 1, 2, 1), ("LDHD", 0, 0, 0, 0, 0)]
    assert ret.meets_standard
    assert ret.activities["date"] == [dt.date(2022, 3, 15), dt.date(2022, 4, 20)]
    assert ret.activities["cost"] == [1500000, 0]
    assert ret.activities["commune"] == ["Chiềng Xuân", None]
    assert ret.events["participants"] == [4]


# ------------------------------------------------------------------ sheets and headers


def test_missing_required_sheet_is_named(sheets, ref):
    del sheets["Chỉ tiêu"]
    assert found(sheets, ref) == [("Chỉ tiêu", "", "không tìm thấy trang 'Chỉ tiêu' (bắt buộc). "
                                   "Hãy dùng biểu mẫu tải từ ứng dụng.", "lỗi")]


def test_optional_sheets_may_be_absent(sheets, ref):
    del sheets["Hoạt động"], sheets["Sự kiện"]
    assert outcome_of(sheets, ref).ok


def test_sheet_names_match_after_case_space_and_nfd(sheets, ref):
    sheets[unicodedata.normalize("NFD", "  CHỈ   TIÊU ")] = sheets.pop("Chỉ tiêu")
    assert outcome_of(sheets, ref).ok


def test_title_block_above_header_and_shuffled_columns(sheets, ref):
    grid = sheets["Chỉ tiêu"]
    order = [3, 0, 5, 1, 4, 2]  # shuffle the columns
    shuffled = [[row[i] for i in order] for row in grid]
    title = [["ỦY BAN NHÂN DÂN TỈNH SƠN LA", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
             ["VĂN PHÒNG", None, None, "Độc lập - Tự do - Hạnh phúc"], [], ["BIỂU CHỈ TIÊU"], []]
    sheets["Chỉ tiêu"] = title + shuffled
    outcome = outcome_of(sheets, ref)
    assert outcome.ok
    assert outcome.ret.staff[0].culture == 6 and outcome.ret.staff[1].cultural_families == 1


def test_headers_with_line_breaks_and_notes(sheets, ref):
    sheets["Chỉ tiêu"][0][1] = "Tổng số\n(người)"
    sheets["Chỉ tiêu"][0][4] = "Số gia đình (hộ)"
    sheets["Hoạt động"][0][6] = "KINH PHÍ\n(đồng)"
    assert outcome_of(sheets, ref).ok


def test_header_below_row_20_is_not_found(sheets, ref):
    sheets["Sự kiện"] = [[]] * 20 + sheets["Sự kiện"]
    problems = found(sheets, ref)
    assert problems == [("Sự kiện", "", "không tìm thấy dòng tiêu đề của bảng trong 20 dòng đầu (cần các cột "
                         "'Tên sự kiện', 'Ngày', 'Số người tham gia').", "lỗi")]


def test_missing_required_column_names_the_header_row(sheets, ref):
    for row in sheets["Hoạt động"]:
        del row[2]  # drop "Loại hoạt động"
    assert found(sheets, ref) == [
        ("Hoạt động!A1:H1", "", "thiếu cột bắt buộc 'Loại hoạt động' ở dòng tiêu đề (dòng 1).", "lỗi")]


def test_unknown_column_is_a_warning(sheets, ref):
    sheets["Chỉ tiêu"][0].append("Ghi chú riêng")
    outcome = outcome_of(sheets, ref)
    assert outcome.ok
    assert found(sheets, ref) == [("Chỉ tiêu!G1", "Ghi chú riêng",
                                   "cột không có trong biểu mẫu, dữ liệu của cột này bị bỏ qua.", "cảnh báo")]


# ------------------------------------------------------------------ rows


def test_blank_rows_and_matching_total_row_are_skipped(sheets, ref):
    grid = sheets["Chỉ tiêu"]
    sheets["Chỉ tiêu"] = [grid[0], [], grid[1], [None, "  "], grid[2], grid[3], ["Tổng cộng", 11, 11, 7, 10, 9]]
    outcome = outcome_of(sheets, ref)
    assert outcome.ok and outcome.problems == []
    assert sum(s.total for s in outcome.ret.staff) == 11


def test_total_row_that_disagrees_is_a_warning(sheets, ref):
    sheets["Chỉ tiêu"].append(["Cộng", 12, 11, 7, 10, 9])
    assert found(sheets, ref) == [("Chỉ tiêu!B5", "12", "dòng tổng ghi 12 nhưng cộng các dòng 'Tổng số' được 11; "
                                   "dòng tổng không được lưu.", "cảnh báo")]


def test_activity_total_row_is_not_an_activity(sheets, ref):
    sheets["Hoạt động"].append([None, "Tổng cộng", None, None, None, 40, "1.500.000"])
    outcome = outcome_of(sheets, ref)
    assert len(outcome.ret.activities["date"]) == 2
    assert [(p.where, p.severity) for p in outcome.problems] == [("Hoạt động!F4", "cảnh báo")]


# ------------------------------------------------------------------ numbers, dates, yes/no


@pytest.mark.parametrize("typed, value", [(58, 58), ("58", 58), (" 58 ", 58), ("1.200", 1200), ("1 200", 1200),
                                          ("1\u00a0200", 1200), (58.0, 58)])
def test_whole_numbers_typed_as_numbers_or_text(sheets, ref, typed, value):
    sheets["Chỉ tiêu"][1][1:4] = [typed, 0, 0]
    outcome = outcome_of(sheets, ref)
    assert outcome.ok, outcome.problems
    assert outcome.ret.staff[0].total == value


@pytest.mark.parametrize("typed, shown", [("58,5", "58,5"), (58.5, "58,5"), ("-3", "-3"), (-3, "-3"), ("abc", "abc"),
                                          ("1.20", "1.20")])
def test_bad_counts_name_the_cell_and_the_rule(sheets, ref, typed, shown):
    sheets["Chỉ tiêu"][2][1] = typed
    assert found(sheets, ref) == [
        ("Chỉ tiêu!B3", shown, "'Tổng số' phải là số nguyên không âm, viết như 58 hoặc 1.200.", "lỗi")]


def test_money_with_thousand_separators(sheets, ref):
    sheets["Hoạt động"][2][6] = "2.500.000"
    assert outcome_of(sheets, ref).ret.activities["cost"] == [1500000, 2500000]


def test_bad_money_is_an_error(sheets, ref):
    sheets["Hoạt động"][2][6] = "2,5 triệu"
    assert found(sheets, ref) == [("Hoạt động!G3", "2,5 triệu",
                                   "'Kinh phí (đồng)' phải là số tiền (đồng) không âm, viết như 58 hoặc 1.200.", "lỗi")]


@pytest.mark.parametrize("typed", [dt.date(2022, 3, 5), "05/03/2022", "5/3/2022", "05-03-2022", "2022-03-05", 44625])
def test_dates_in_every_accepted_form_day_first(sheets, ref, typed):
    sheets["Hoạt động"][1][0] = typed
    outcome = outcome_of(sheets, ref)
    assert outcome.ok, outcome.problems
    assert outcome.ret.activities["date"][0] == dt.date(2022, 3, 5)


@pytest.mark.parametrize("typed", ["32/01/2022", "03/15/2022", "hôm qua", "2022/03/05"])
def test_bad_dates_are_errors(sheets, ref, typed):
    sheets["Hoạt động"][1][0] = typed
    assert found(sheets, ref) == [("Hoạt động!A2", typed,
                                   "'Ngày' phải là ngày hợp lệ, dạng dd/mm/yyyy (ví dụ 05/12/2022).", "lỗi")]


def test_date_outside_the_period_is_a_warning(sheets, ref):
    sheets["Hoạt động"][1][0] = "02/07/2022"
    outcome = outcome_of(sheets, ref)
    assert outcome.ok
    assert found(sheets, ref) == [("Hoạt động!A2", "02/07/2022",
                                   "ngày nằm ngoài kỳ báo cáo (01/01/2022 - 30/06/2022).", "cảnh báo")]


@pytest.mark.parametrize("typed, met", [("Có", True), ("Không", False), ("x", True), (None, False), ("Đạt", True),
                                        ("Chưa đạt", False), ("TRUE", True), ("FALSE", False), (True, True),
                                        (1, True), (0, False), ("✓", True), ("CÓ", True)])
def test_yes_no_words(sheets, ref, typed, met):
    sheets["Đơn vị văn hóa"][1][1] = typed
    outcome = outcome_of(sheets, ref)
    assert outcome.ok
    assert outcome.ret.criteria["C1"][0] is met
    assert outcome.ret.meets_standard is met


def test_bad_yes_no_is_an_error(sheets, ref):
    sheets["Đơn vị văn hóa"][2][1] = "Tốt"
    assert found(sheets, ref) == [("Đơn vị văn hóa!B3", "Tốt",
                                   "cột 'Đạt' phải là Có/Không (hoặc x, Đạt/Chưa đạt, TRUE/FALSE, 1/0, ✓).", "lỗi")]


def test_all_errors_of_a_file_come_at_once(sheets, ref):
    sheets["Thông tin"][0][1] = "Phòng Không Tồn Tại"
    sheets["Chỉ tiêu"][1][2] = 10
    sheets["Hoạt động"][2][2] = "Thể thao"
    sheets["Sự kiện"][1][4] = None
    assert [where for where, *_ in found(sheets, ref)] == [
        "Thông tin!B1", "Chỉ tiêu!C2", "Hoạt động!C3", "Sự kiện!E2"]


# ------------------------------------------------------------------ Thông tin


def test_unknown_unit_lists_the_closest_names(sheets, ref):
    sheets["Thông tin"][0][1] = "Phòng Kinh tê"
    assert found(sheets, ref) == [("Thông tin!B1", "Phòng Kinh tê", "đơn vị không có trong danh sách đơn vị của "
                                   "Văn phòng. Có phải: Phòng Kinh tế; Phòng Nội chính; Phòng Tổng hợp?", "lỗi")]


@pytest.mark.parametrize("typed, code", [("KT", "KT"), ("phòng  kinh TẾ", "KT"), ("Phòng Khoa giáo- Văn xã", "KGVX"),
                                         (unicodedata.normalize("NFD", "Nhà khách Ủy ban nhân dân tỉnh"), "NKUB")])
def test_unit_by_code_or_name_as_typed(sheets, ref, typed, code):
    sheets["Thông tin"][0][1] = typed
    assert outcome_of(sheets, ref).ret.unit_code == code


@pytest.mark.parametrize("typed, code", [("6 tháng đầu năm 2022", "2022-H1"), ("Năm 2023", "2023-Y"),
                                         ("2022-Y", "2022-Y"), ("2030-h1", "2030-H1"), ("NĂM 2022", "2022-Y")])
def test_period_words_and_codes(sheets, ref, typed, code):
    sheets["Thông tin"][1][1] = typed
    outcome = outcome_of(sheets, ref)
    assert outcome.ret.period_code == code


@pytest.mark.parametrize("typed", ["Quý 1 năm 2022", "Năm 2031", "2021-H1"])
def test_bad_period_is_an_error(sheets, ref, typed):
    sheets["Thông tin"][1][1] = typed
    assert found(sheets, ref) == [("Thông tin!B2", typed, "kỳ báo cáo phải là '6 tháng đầu năm YYYY' hoặc 'Năm YYYY' "
                                   "(YYYY từ 2022 đến 2030), hoặc mã '2022-H1', '2022-Y'.", "lỗi")]


def test_missing_unit_and_period(sheets, ref):
    sheets["Thông tin"] = [["Người lập", "A"]]
    assert [(w, m) for w, _, m, _ in found(sheets, ref)] == [
        ("Thông tin!B1", "thiếu 'Đơn vị': ghi tên đơn vị báo cáo."),
        ("Thông tin!B2", "thiếu 'Kỳ báo cáo': ghi '6 tháng đầu năm 2022' hoặc 'Năm 2022'."),
    ]


def test_labels_in_any_order_with_a_title_and_colons(sheets, ref):
    sheets["Thông tin"] = [["BÁO CÁO CỦA ĐƠN VỊ"], [], ["Kỳ báo cáo:", "Năm 2022"], ["Ghi chú", "abc"],
                           ["Đơn vị:", "Ban Tiếp công dân tỉnh"]]
    ret = outcome_of(sheets, ref).ret
    assert (ret.unit_code, ret.period_code) == ("BTCD", "2022-Y")


def test_newer_form_version_is_an_error(sheets, ref):
    sheets["Thông tin"].append(["Phiên bản biểu mẫu", 2])
    assert found(sheets, ref) == [("Thông tin!B5", "2", "biểu mẫu phiên bản 2 mới hơn phiên bản ứng dụng hỗ trợ (1); "
                                   "hãy tải biểu mẫu mới nhất từ ứng dụng.", "lỗi")]


def test_bad_preparation_date(sheets, ref):
    sheets["Thông tin"][3][1] = "31/02/2022"
    assert found(sheets, ref) == [("Thông tin!B4", "31/02/2022",
                                   "'Ngày lập' phải là ngày hợp lệ, dạng dd/mm/yyyy (ví dụ 05/12/2022).", "lỗi")]


# ------------------------------------------------------------------ Chỉ tiêu


def test_group_short_forms(sheets, ref):
    sheets["Chỉ tiêu"][1][0], sheets["Chỉ tiêu"][2][0], sheets["Chỉ tiêu"][3][0] = "CBCC", "VC", "LĐHĐ"
    assert outcome_of(sheets, ref).ok


def test_group_given_twice(sheets, ref):
    sheets["Chỉ tiêu"][3][0] = "cán bộ công chức"
    assert found(sheets, ref) == [("Chỉ tiêu!A4", "cán bộ công chức", "nhóm 'Cán bộ, công chức' đã khai ở ô A2; "
                                   "mỗi nhóm chỉ khai một dòng.", "lỗi")]


def test_unknown_group(sheets, ref):
    sheets["Chỉ tiêu"][3][0] = "Cộng tác viên"
    assert found(sheets, ref) == [("Chỉ tiêu!A4", "Cộng tác viên", "nhóm không hợp lệ: chỉ nhận 'Cán bộ, công chức', "
                                   "'Viên chức', 'Lao động hợp đồng' (hoặc CBCC, VC, LĐHĐ).", "lỗi")]


def test_missing_group_counts_as_zero(sheets, ref):
    del sheets["Chỉ tiêu"][2]
    staff = outcome_of(sheets, ref).ret.staff
    assert [(s.group, s.total) for s in staff] == [("CBCC", 9), ("VC", 0), ("LDHD", 0)]


@pytest.mark.parametrize("col, letter, header", [(2, "C", "Thực hiện tốt chuẩn mực đạo đức, văn hóa công sở"),
                                                 (3, "D", "Tham gia hoạt động văn hóa"), (4, "E", "Số gia đình")])
def test_count_above_headcount(sheets, ref, col, letter, header):
    sheets["Chỉ tiêu"][1][col] = 10
    if col == 4:
        sheets["Chỉ tiêu"][1][5] = 8
    assert found(sheets, ref) == [(f"Chỉ tiêu!{letter}2", "10",
                                   f"'{header}' (10) không được lớn hơn 'Tổng số' (9).", "lỗi")]


def test_cultural_families_above_families(sheets, ref):
    sheets["Chỉ tiêu"][2][5] = 3
    assert found(sheets, ref) == [
        ("Chỉ tiêu!F3", "3", "'Gia đình văn hóa' (3) không được lớn hơn 'Số gia đình' (2).", "lỗi")]


# ------------------------------------------------------------------ Đơn vị văn hóa


def test_missing_criterion_row(sheets, ref):
    del sheets["Đơn vị văn hóa"][2]
    assert found(sheets, ref) == [("Đơn vị văn hóa", "", "thiếu dòng tiêu chuẩn "
                                   "'Xây dựng nếp sống văn minh, môi trường văn hóa công sở'.", "lỗi")]


def test_registration_is_not_part_of_the_standard(sheets, ref):
    sheets["Đơn vị văn hóa"][4][1] = "Không"
    assert outcome_of(sheets, ref).ret.meets_standard


def test_criteria_with_numbering_and_the_plan_wording(sheets, ref):
    sheets["Đơn vị văn hóa"][1][0] = "1. Hoàn thành tốt nhiệm vụ"
    sheets["Đơn vị văn hóa"][3][0] = ("- Gương mẫu chấp hành chủ trương, đường lối của Đảng, chính sách, pháp luật "
                                      "của Nhà nước")
    assert outcome_of(sheets, ref).ok


# ------------------------------------------------------------------ Hoạt động


def test_activity_without_content_or_date(sheets, ref):
    sheets["Hoạt động"][2][0] = None
    sheets["Hoạt động"][2][1] = "  "
    assert [(w, m) for w, _, m, _ in found(sheets, ref)] == [
        ("Hoạt động!A3", "thiếu 'Ngày' của hoạt động."), ("Hoạt động!B3", "thiếu 'Nội dung' của hoạt động.")]


def test_activity_kind_must_be_in_the_list(sheets, ref):
    sheets["Hoạt động"][1][2] = "Thể thao"
    assert found(sheets, ref) == [("Hoạt động!C2", "Thể thao", "'Loại hoạt động' phải là một trong: Tuyên truyền, "
                                   "Văn hóa - văn nghệ, Thể dục - thể thao, Giúp đỡ xã, Bảo vệ môi trường, "
                                   "Nhân đạo - từ thiện, Thi đua - khen thưởng, Khác.", "lỗi")]


@pytest.mark.parametrize("typed, code", [("III.2", "III.2"), ("III.2 - Gia đình văn hóa", "III.2"),
                                         ("iii.4 Cơ quan, đơn vị văn hóa", "III.4"),
                                         ("Nông thôn mới, đô thị văn minh", "III.3")])
def test_plan_item_code_alone_or_with_words(sheets, ref, typed, code):
    sheets["Hoạt động"][1][8] = typed
    assert outcome_of(sheets, ref).ret.activities["plan_item"][0] == code


def test_bad_plan_item(sheets, ref):
    sheets["Hoạt động"][1][8] = "III.7"
    assert found(sheets, ref) == [("Hoạt động!I2", "III.7", "'Nội dung Kế hoạch' phải là mã III.1 đến III.5 "
                                   "(có thể kèm tên nội dung).", "lỗi")]


def test_supported_commune_is_recognised_however_typed(sheets, ref):
    sheets["Hoạt động"][1][3] = unicodedata.normalize("NFD", "xã chiềng xuân")
    assert outcome_of(sheets, ref).ret.activities["commune"][0] == "Chiềng Xuân"


# ------------------------------------------------------------------ Sự kiện


def test_unknown_event_is_kept_with_a_warning(sheets, ref):
    sheets["Sự kiện"][1][0] = "Giải bóng đá cơ quan"
    outcome = outcome_of(sheets, ref)
    assert outcome.ok and outcome.ret.new_events == ["Giải bóng đá cơ quan"]
    assert found(sheets, ref) == [("Sự kiện!A2", "Giải bóng đá cơ quan",
                                   "sự kiện chưa có trong danh mục; được lưu như một sự kiện mới.", "cảnh báo")]


def test_event_name_matched_despite_old_tone_marks(sheets, ref):
    sheets["Sự kiện"][1][0] = "Ngày chạy Olympic vì sức khoẻ toàn dân 2022"
    outcome = outcome_of(sheets, ref)
    assert outcome.problems == []
    assert outcome.ret.events["event"] == ["Ngày chạy Olympic vì sức khỏe toàn dân 2022"]


def test_more_participants_than_registered_is_a_warning(sheets, ref):
    sheets["Sự kiện"][1][4] = 7
    assert found(sheets, ref) == [("Sự kiện!E2", "7", "số người tham gia lớn hơn số người đăng ký (5).", "cảnh báo")]


def test_event_participants_are_required(sheets, ref):
    sheets["Sự kiện"][1][4] = ""
    assert found(sheets, ref) == [("Sự kiện!E2", "(trống)", "thiếu 'Số người tham gia'.", "lỗi")]


def test_stored_text_is_nfc_without_control_characters(sheets, ref):
    sheets["Hoạt động"][1][1] = unicodedata.normalize("NFD", "Giao lưu\u200f văn\x07 nghệ")
    content = outcome_of(sheets, ref).ret.activities["content"][0]
    assert content == "Giao lưu văn nghệ" and unicodedata.is_normalized("NFC", content)


@pytest.mark.parametrize("sheet, row", [
    ("Sự kiện", ["Cộng đồng xanh", "01/03/2022", None, None, 5, None, None]),
    ("Hoạt động", ["01/03/2022", "Tổng vệ sinh cơ quan", "Bảo vệ môi trường", None, None, 20]),
])
def test_rows_starting_with_tong_or_cong_words_are_data(sheets, ref, sheet, row):
    sheets[sheet].append(row)
    outcome = outcome_of(sheets, ref)
    assert outcome.ok
    if sheet == "Sự kiện":
        assert outcome.ret.events["event"] == ["Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)", "Cộng đồng xanh"]
    else:
        assert outcome.ret.activities["content"][-1] == "Tổng vệ sinh cơ quan"


def test_a_note_right_of_an_empty_value_is_not_the_value(sheets, ref):
    sheets["Thông tin"][3] = ["Ngày lập", None, "ghi theo dạng dd/mm/yyyy"]
    outcome = outcome_of(sheets, ref)
    assert outcome.ok and outcome.ret.prepared_on is None


def test_form_version_zero_is_an_error(sheets, ref):
    sheets["Thông tin"].append(["Phiên bản biểu mẫu", 0])
    assert found(sheets, ref) == [("Thông tin!B5", "0", "'Phiên bản biểu mẫu' phải là 1 (phiên bản hiện hành).", "lỗi")]


def test_unit_with_the_usual_abbreviation(sheets, ref):
    sheets["Thông tin"][0][1] = "Nhà khách UBND tỉnh"
    assert outcome_of(sheets, ref).ret.unit_code == "NKUB"


# ------------------------------------------------------------------ column by column = row by row
#
# read_activities and read_events read a sheet column by column (one parse per column, the
# problems sorted back into row order). Below is the row-by-row reading they replaced, word for
# word, as the oracle: on any grid both give the same problems, in the same order, and the same rows.



def _append(target: dict[str, list], **values) -> None:
    """One row of the row-by-row reading, added to each of the return's columns."""
    for field_name, value in values.items():
        target[field_name].append(value)


def row_by_row_activities(name: str, grid: list[list], ret: Return, ref: Reference, out: Collector) -> None:
    table = find_table(grid, spec.ACTIVITY_COLUMNS, name, out)
    if table is None:
        return
    period = ref.periods.get(ret.period_code) if ret.period_code else None
    commune_key = match_key(ref.supported_commune)
    acts = ret.activities
    totals, sums = [], {"participants": 0, "cost": 0}
    col = table.columns
    for row_index, row, is_total in rows(grid, table):
        if is_total:
            totals.append((row_index, row))
            continue
        value = cell(row, table, "date")
        date, problem = parse_date(value)
        if problem or date is None:
            out.error(name, cell_ref(row_index, col["date"]), value,
                      f"'Ngày' {problem}." if problem else "thiếu 'Ngày' của hoạt động.")
        elif period and not (period.start <= date <= period.end):
            out.warning(name, cell_ref(row_index, col["date"]), value,
                        f"ngày nằm ngoài kỳ báo cáo ({period.start:%d/%m/%Y} - {period.end:%d/%m/%Y}).")
        content = parse_text(cell(row, table, "content"))
        if content is None:
            out.error(name, cell_ref(row_index, col["content"]), cell(row, table, "content"),
                      "thiếu 'Nội dung' của hoạt động.")
        value = cell(row, table, "kind")
        kind = KIND_KEYS.get(match_key(value)) if not is_empty(value) else None
        if kind is None:
            out.error(name, cell_ref(row_index, col["kind"]), value,
                      "'Loại hoạt động' phải là một trong: " + ", ".join(spec.ACTIVITY_KINDS) + ".")
        commune = parse_text(cell(row, table, "commune"))
        if commune is not None:
            key = match_key(commune)
            if key == commune_key or key.startswith(("xã " + commune_key, commune_key + " ")):
                commune = ref.supported_commune
            else:
                commune = re.sub(r"^(xã|phường|thị trấn)\s+", "", commune, flags=re.IGNORECASE)
        numbers = {}
        for field_name, header, what in (("participants", "Số người tham gia", "số nguyên"),
                                         ("cost", "Kinh phí (đồng)", "số tiền (đồng)")):
            value = cell(row, table, field_name)
            number, problem = parse_whole(value, what)
            if problem:
                out.error(name, cell_ref(row_index, col[field_name]), value, f"'{header}' {problem}.")
            numbers[field_name] = number
            sums[field_name] += number or 0
        plan_value = cell(row, table, "plan_item")
        plan = None
        if not is_empty(plan_value):
            plan = plan_code(plan_value)
            if plan is None:
                out.error(name, cell_ref(row_index, col["plan_item"]), plan_value,
                          "'Nội dung Kế hoạch' phải là mã III.1 đến III.5 (có thể kèm tên nội dung).")
        _append(acts, date=date, content=content, kind=kind, commune=commune,
                place=parse_text(cell(row, table, "place")), participants=numbers["participants"],
                cost=numbers["cost"], result=parse_text(cell(row, table, "result")), plan_item=plan)
    check_total(name, table, totals, sums, spec.ACTIVITY_COLUMNS, out)


def row_by_row_events(name: str, grid: list[list], ret: Return, ref: Reference, out: Collector) -> None:
    table = find_table(grid, spec.EVENT_COLUMNS, name, out)
    if table is None:
        return
    events = ret.events
    col = table.columns
    totals, sums = [], {"registered": 0, "participants": 0}
    for row_index, row, is_total in rows(grid, table):
        if is_total:
            totals.append((row_index, row))
            continue
        value = cell(row, table, "event")
        event = parse_text(value)
        if event is None:
            out.error(name, cell_ref(row_index, col["event"]), value, "thiếu 'Tên sự kiện'.")
        else:
            known = ref.event_name(event)
            if known is None:
                out.warning(name, cell_ref(row_index, col["event"]), value,
                            "sự kiện chưa có trong danh mục; được lưu như một sự kiện mới.")
                if event not in ret.new_events:
                    ret.new_events.append(event)
            else:
                event = known
        value = cell(row, table, "date")
        date, problem = parse_date(value)
        if problem or date is None:
            out.error(name, cell_ref(row_index, col["date"]), value,
                      f"'Ngày' {problem}." if problem else "thiếu 'Ngày' của sự kiện.")
        numbers = {}
        for field_name, header in (("registered", "Số người đăng ký"), ("participants", "Số người tham gia")):
            value = cell(row, table, field_name)
            number, problem = parse_whole(value)
            if problem:
                out.error(name, cell_ref(row_index, col[field_name]), value, f"'{header}' {problem}.")
            elif number is None and field_name == "participants":
                out.error(name, cell_ref(row_index, col[field_name]), value, "thiếu 'Số người tham gia'.")
            numbers[field_name] = number
            sums[field_name] += number or 0
        if numbers["registered"] is not None and numbers["participants"] is not None \
                and numbers["participants"] > numbers["registered"]:
            out.warning(name, cell_ref(row_index, col["participants"]), numbers["participants"],
                        f"số người tham gia lớn hơn số người đăng ký ({fmt_int(numbers['registered'])}).")
        _append(events, event=event, date=date, place=parse_text(cell(row, table, "place")),
                registered=numbers["registered"], participants=numbers["participants"],
                achievement=parse_text(cell(row, table, "achievement")), note=parse_text(cell(row, table, "note")))
    check_total(name, table, totals, sums, spec.EVENT_COLUMNS, out)


_ANY = [None, "", " ", "\u200b", "\t", "Tổng cộng", "Cộng", "Tổng", " Tổng số ", "tổng toàn đơn vị", "Cộng tác viên",
        "Tổng kết năm", "12", "1.200", "1 200", "0012", "-5", "58,5", True, False, 3.0, 2.5, -1.0, 0.0, -0.0, 7,
        float("nan"), 1e6, 1e6 + 1, 1e15, 1e15 + 1, dt.date(2022, 3, 1), dt.datetime(2022, 3, 1, 10, 0),
        dt.date(2023, 1, 1), dt.time(5, 0), dt.timedelta(days=2), "05/12/2022", "2022-13-01", "15.03.2022",
        "abc", "x|y", "  a  b ", "a\nb", "Ðoàn", "e\u0301", "\u202eabc", "  "]
_BY_FIELD = {
    "kind": ["Văn nghệ", "văn  nghệ", "VĂN NGHỆ", "Thể thao", "Tuyên truyền", "Bảo vệ môi trường", "Khác", "Múa"],
    "plan_item": ["III.1", "iii . 2 nội dung", "Mục III.5", "IV.1", spec.PLAN_ITEMS[0][1], "III.1: tuyên truyền"],
    "commune": ["Chiềng Xuân", "xã Chiềng Xuân", "Xã Tô Hiệu", "phường Chiềng Lề", "chiềng xuân bản A",
                "Thị trấn Mộc Châu"],
    "event": ["Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)", "Hội thi mới", "hội thi  mới", "Cộng đồng xanh"],
    "date": [dt.date(2022, 1, 1), dt.date(2022, 6, 30), dt.date(2022, 7, 1), dt.date(2021, 12, 31)],
}


def _grids(columns):
    """A header row (columns shuffled, optional ones sometimes left out, a title row maybe above)
    and rows of any values, some short, some blank, some totals."""
    fields = [c for c in columns]

    @st.composite
    def build(draw):
        kept = [c for c in fields if c.required or draw(st.booleans())]
        order = draw(st.permutations(kept))
        header = [c.header for c in order]
        if draw(st.booleans()):
            header.append("Cột lạ")
        width = len(header)
        grid = [["BẢNG"] + [None] * (width - 1)] if draw(st.booleans()) else []
        grid.append(header)
        for _ in range(draw(st.integers(0, 10))):
            row = [draw(st.sampled_from(_ANY + _BY_FIELD.get(getattr(c, "field", ""), [])))
                   for c in order] + ([draw(st.sampled_from(_ANY))] if width > len(order) else [])
            if draw(st.integers(0, 5)) == 0:
                row = row[: draw(st.integers(0, width))]  # a short row
            grid.append(row)
        if draw(st.booleans()):
            grid = [row + [""] * (width - len(row)) for row in grid]  # rectangular, as calamine gives
        return grid

    return build()


def _both(read_new, read_old, grid, ref, period):
    """(problems, rows) of each reading."""
    results = []
    for read in (read_new, read_old):
        out, ret = Collector(), Return(unit_code="TH", period_code=period)
        read("Hoạt động", [list(row) for row in grid], ret, ref, out)
        results.append((out.problems, ret.activities, ret.events, ret.new_events))
    return results


def _same(a, b) -> bool:
    """Equal, NaN-free values compared as they are."""
    return repr(a) == repr(b)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(grid=_grids(spec.ACTIVITY_COLUMNS), period=st.sampled_from(["2022-H1", "", "2030-Y"]))
def test_activities_column_by_column_equal_row_by_row(ref, grid, period):
    new, old = _both(read_activities, row_by_row_activities, grid, ref, period)
    assert _same(new, old)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(grid=_grids(spec.EVENT_COLUMNS))
def test_events_column_by_column_equal_row_by_row(ref, grid):
    new, old = _both(read_events, row_by_row_events, grid, ref, "2022-H1")
    assert _same(new, old)


def test_many_rows_column_by_column_equal_row_by_row(ref):
    """A long sheet with a bit of everything: blank rows, totals, errors, warnings, in row order."""
    header = [c.header for c in spec.ACTIVITY_COLUMNS]
    grid = [header]
    for i in range(3000):
        row = [dt.date(2022, 1 + i % 12, 1), f"Hoạt động {i}", spec.ACTIVITY_KINDS[i % len(spec.ACTIVITY_KINDS)],
               "xã Chiềng Xuân" if i % 7 == 0 else "Tô Hiệu", "Hội trường", float(10 + i % 30),
               float(1000 * (i % 5)), "Hoàn thành", f"III.{1 + i % 5}"]
        row[i % 9] = _ANY[i % len(_ANY)]
        grid.append(row if i % 97 else [""] * 9)
    grid.append(["", "Tổng cộng", "", "", "", 12345.0, 1.0, "", ""])
    new, old = _both(read_activities, row_by_row_activities, grid, ref, "2022-H1")
    assert new[0] and _same(new, old)
