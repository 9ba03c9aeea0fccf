"""The report's sentences, word for word: a year is the whole year (the Xã and Sự kiện pages'
numbers), no example twice, nothing unrecorded written as 0, the screen's number style, the
period's own words, 'tạm tính' and no verdict while units are missing, and an appendix that
holds the rows the sections count. On the demonstration store and on a small store of our own."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from builders import good_sheets, signed_in, workbook_bytes
from docx import Document
from streamlit.testing.v1 import AppTest

from vanhoa.ingest import ingest
from vanhoa.report import build_appendix, build_report

TODAY = dt.date(2026, 12, 3)  # two days before the deadline of Năm 2026 (05/12/2026)


def body(store, period: str, **options) -> list[str]:
    return [p.text for p in Document(io.BytesIO(build_report(store, period, **options))).paragraphs]


def section(lines: list[str], heading: str) -> list[str]:
    """The paragraphs after `heading` up to the next numbered or Roman heading."""
    start = lines.index(heading) + 1
    end = next(i for i in range(start, len(lines)) if re.match(r"^(\d\. |[IV]+\. |\(Chi tiết)", lines[i]))
    return lines[start:end]


def sheet_rows(raw: bytes, name: str) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(raw))[name].iter_rows(min_row=2, values_only=True))


def file(store, unit: str, period: str, filed_at: dt.datetime, edit=None) -> None:
    sheets = good_sheets(unit, period)
    if edit:
        edit(sheets)
    outcome = ingest(store, workbook_bytes(sheets), f"{unit}.xlsx", by="Lò Thị Hoa", filed_at=filed_at)
    assert outcome.status == "accepted", outcome


@pytest.fixture
def small_store(store):
    """Three units file the first half of 2022 with the same two activities and the marathon (one
    leaves its registrations blank); Phòng Tổng hợp files the year, repeating its commune
    activity of March, adding one in September and the Ngày hội (no registrations) but not the
    marathon."""
    for unit in ("Phòng Tổng hợp", "Phòng Kinh tế", "Phòng Nội chính"):
        def blank_registrations(sheets, unit=unit):
            if unit == "Phòng Kinh tế":
                sheets["Sự kiện"][1][3] = None
        file(store, unit, "6 tháng đầu năm 2022", dt.datetime(2022, 6, 10, 9, 0), blank_registrations)

    def year(sheets):
        sheets["Thông tin"][3][1] = "01/12/2022"
        sheets["Hoạt động"][2] = ["07/09/2022", "Tặng quà Trung thu cho học sinh", "Giúp đỡ xã", "Chiềng Xuân",
                                  "Điểm trường", 5, 2000000, None, "III.3"]
        sheets["Sự kiện"][1] = ["Ngày hội Đại đoàn kết toàn dân tộc 2022", "18/11/2022", "Hội trường", None, 9,
                                None, None]
    file(store, "Phòng Tổng hợp", "Năm 2022", dt.datetime(2022, 12, 1, 9, 0), year)
    return store


@pytest.fixture
def partial_demo(demo_copy):
    """The demonstration store with one return of Năm 2026 (Phòng Tổng hợp): 1 of 11 units."""
    def in_2026(sheets):
        sheets["Thông tin"][3][1] = "01/12/2026"
        sheets["Hoạt động"][1][0] = dt.date(2026, 3, 15)
        sheets["Hoạt động"][2][0] = "20/04/2026"
        sheets["Sự kiện"][1] = ["Ngày hội Đại đoàn kết toàn dân tộc 2026", "18/11/2026", "Hội trường", None, 4,
                                "Giải Ba 10 km", None]
    file(demo_copy, "Phòng Tổng hợp", "Năm 2026", dt.datetime(2026, 12, 1, 9, 0), in_2026)
    return demo_copy


# ---------------------------------------------------------------- a year is the whole year


def test_year_report_holds_the_first_half_as_the_pages_do(demo_copy):
    lines = body(demo_copy, "2022-Y")
    commune = section(lines, "4. Giúp đỡ xã Chiềng Xuân, huyện Vân Hồ")
    assert commune[0] == ("Văn phòng UBND tỉnh được phân công giúp đỡ xã Chiềng Xuân. Trong năm 2022, các đơn vị "
                          "đã thực hiện 8 hoạt động tại xã, 38 lượt người tham gia, kinh phí 68.500.000 đồng:")
    assert commune[1] == ("- Ngày 24/01/2022, Phòng Tổ chức - Hành chính - Quản trị: Thăm, tặng quà hộ nghèo, gia "
                          "đình chính sách xã Chiềng Xuân dịp Tết Nguyên đán Nhâm Dần 2022, 8 người tham gia, kinh "
                          "phí 15.000.000 đồng.")
    assert len(commune) == 1 + 8
    events = section(lines, "5. Tham gia các sự kiện văn hóa, thể thao")
    assert events[:2] == [
        "- Ngày chạy Olympic vì sức khỏe toàn dân 2022, ngày 26/03/2022: 69 người đăng ký, 64 người tham gia từ 10 "
        "đơn vị.",
        "- Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu), ngày 22/05/2022: 16 người đăng ký, 15 người tham gia "
        "từ 5 đơn vị; thành tích: Giải Ba cự ly 10 km nam (Phòng Tổ chức - Hành chính - Quản trị); Giải Ba cự ly "
        "10 km nữ (Trung tâm Thông tin)."]
    assert len(events) == 4
    activities = section(lines, "3. Các hoạt động hưởng ứng Phong trào")
    assert activities[0] == ("Số liệu năm 2022 gồm cả 6 tháng đầu năm; một hoạt động, sự kiện đơn vị báo cáo ở cả "
                             "hai kỳ được tính một lần.")
    # the activities section reads the Dữ liệu page's query, which holds the whole year (staging)
    assert any(line.startswith("- Giúp đỡ xã: 8 hoạt động, 38 lượt người tham gia, kinh phí 68.500.000 đồng. ")
               for line in activities)


def test_year_report_counts_a_repeated_row_once_and_keeps_the_half_years_event(small_store):
    lines = body(small_store, "2022-Y", today=dt.date(2022, 12, 3))
    assert section(lines, "4. Giúp đỡ xã Chiềng Xuân, huyện Vân Hồ") == [
        "Văn phòng UBND tỉnh được phân công giúp đỡ xã Chiềng Xuân. Trong năm 2022, các đơn vị đã thực hiện 4 hoạt "
        "động tại xã, 41 lượt người tham gia, kinh phí 6.500.000 đồng:",
        "- Ngày 15/03/2022, Phòng Tổng hợp: Tuyên truyền xây dựng nông thôn mới, 12 người tham gia, kinh phí "
        "1.500.000 đồng.",
        "- Ngày 15/03/2022, Phòng Kinh tế: Tuyên truyền xây dựng nông thôn mới, 12 người tham gia, kinh phí "
        "1.500.000 đồng.",
        "- Ngày 15/03/2022, Phòng Nội chính: Tuyên truyền xây dựng nông thôn mới, 12 người tham gia, kinh phí "
        "1.500.000 đồng.",
        "- Ngày 07/09/2022, Phòng Tổng hợp: Tặng quà Trung thu cho học sinh, 5 người tham gia, kinh phí 2.000.000 "
        "đồng.",
    ]
    assert section(lines, "5. Tham gia các sự kiện văn hóa, thể thao") == [
        "- Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu), ngày 14/05/2022: 10 người đăng ký (số của 2 đơn vị có "
        "ghi số đăng ký), 12 người tham gia từ 3 đơn vị; thành tích: Giải Ba 10 km (Phòng Tổng hợp); Giải Ba 10 km "
        "(Phòng Kinh tế); Giải Ba 10 km (Phòng Nội chính).",
        "- Ngày hội Đại đoàn kết toàn dân tộc 2022, ngày 18/11/2022: 9 người tham gia từ 1 đơn vị.",
    ]
    activities = section(lines, "3. Các hoạt động hưởng ứng Phong trào")
    assert activities[1:] == [
        "- Văn hóa - văn nghệ: 3 hoạt động, 90 lượt người tham gia. Tiêu biểu: Giao lưu văn nghệ.",
        "- Giúp đỡ xã: 4 hoạt động, 41 lượt người tham gia, kinh phí 6.500.000 đồng. Tiêu biểu: Tuyên truyền xây "
        "dựng nông thôn mới; Tặng quà Trung thu cho học sinh.",
    ]


# ---------------------------------------------------------------- no repeats, no invented zeros


@pytest.mark.parametrize("period", ["2022-H1", "2022-Y"])
def test_no_example_twice(demo_copy, period):
    examples = [line.split(" Tiêu biểu: ", 1)[1].rstrip(".").split("; ")
                for line in body(demo_copy, period) if " Tiêu biểu: " in line]
    assert len(examples) >= 7
    for listed in examples:
        assert len(listed) == len({e.lower() for e in listed}), listed


def test_the_issues_repeated_examples_are_listed_once(demo_copy):
    """The year's sports line listed 'Giao lưu thể thao chào mừng 77 năm…' three times (three units
    held it): now once, then the next distinct activity (from the first half)."""
    lines = body(demo_copy, "2022-Y")
    assert ("- Thể dục - thể thao: 8 hoạt động, 47 lượt người tham gia. Tiêu biểu: Giao lưu thể thao chào mừng 77 "
            "năm Cách mạng tháng Tám và Quốc khánh 2/9; Giao lưu bóng chuyền hơi nhân kỷ niệm 91 năm Ngày thành lập "
            "Đoàn TNCS Hồ Chí Minh (26/3/1931 - 26/3/2022).") in lines
    contest = next(line for line in lines if line.startswith("- Thi đua - khen thưởng: "))
    assert contest.count("Bình xét danh hiệu “Gia đình văn hóa”") == 1


def test_the_same_activity_of_three_units_is_one_example(small_store):
    lines = body(small_store, "2022-H1")
    assert "- Văn hóa - văn nghệ: 3 hoạt động, 90 lượt người tham gia. Tiêu biểu: Giao lưu văn nghệ." in lines


def test_one_sports_activity_is_its_own_example(demo_copy):
    assert ("- Thể dục - thể thao: 1 hoạt động, 6 lượt người tham gia. Tiêu biểu: Giao lưu bóng chuyền hơi nhân kỷ "
            "niệm 91 năm Ngày thành lập Đoàn TNCS Hồ Chí Minh (26/3/1931 - 26/3/2022).") in body(demo_copy, "2022-H1")


def test_registrations_not_recorded_are_left_out(demo_copy):
    lines = body(demo_copy, "2022-Y")
    assert "- Ngày hội Đại đoàn kết toàn dân tộc 2022, ngày 18/11/2022: 95 người tham gia từ 11 đơn vị." in lines
    assert not [line for line in lines if "0 người đăng ký" in line or " 0 " in line]


def test_percentages_as_the_screen_writes_them(demo_copy):
    lines = body(demo_copy, "2022-Y")
    assert not [line for line in lines if re.search(r"\d%", line)]
    t1 = next(line for line in lines if line.startswith("- Chỉ tiêu 1"))
    assert t1.endswith(": đạt 99,1 % (113/114 người), chưa đạt mục tiêu 100 %; đơn vị chưa đạt: Nhà khách Ủy ban "
                       "nhân dân tỉnh (94,7 %).")


# ---------------------------------------------------------------- the period's own words


def test_every_sentence_says_the_year(demo_copy):
    lines = body(demo_copy, "2022-Y")
    assert "Kết quả thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”, năm 2022" in lines
    assert lines[lines.index("BÁO CÁO") + 2].endswith(
        "báo cáo Sở Văn hóa, Thể thao và Du lịch kết quả thực hiện năm 2022, nhiệm vụ năm 2023 với các nội dung như "
        "sau:")
    assert "III. NHIỆM VỤ TRỌNG TÂM NĂM 2023" in lines
    assert "6. Tổng hợp, báo cáo kết quả thực hiện Phong trào 6 tháng đầu năm 2023 đảm bảo thời gian." in lines
    assert not [line for line in lines if "Trong kỳ" in line or "6 tháng cuối" in line]


def test_the_last_year_of_the_plan_sums_it_up(partial_demo):
    lines = body(partial_demo, "2026-Y", today=TODAY)
    assert "III. NHIỆM VỤ TRỌNG TÂM NĂM 2027" in lines
    assert lines[lines.index("III. NHIỆM VỤ TRỌNG TÂM NĂM 2027") + 1].startswith(
        "1. Tổng kết việc thực hiện Kế hoạch số 23/KH-UBND ngày 18/01/2022")
    assert ("4. Giám sát và thực hiện tốt việc bình xét và công nhận các danh hiệu văn hóa theo đúng quy định tại "
            "Nghị định số 86/2023/NĐ-CP ngày 07/12/2023 của Chính phủ; kiên quyết loại bỏ bệnh hình thức, "
            "chạy theo thành tích.") in lines
    # no district after 01/07/2025 (two levels of local government): the commune alone
    assert "4. Giúp đỡ xã Chiềng Xuân" in lines and not [line for line in lines if "huyện" in line]


def report_page(period: str, approved_only: bool = False):
    import streamlit as st

    from pages import report
    from vanhoa import ui

    st.session_state[ui.PERIOD_KEY] = period
    st.session_state[ui.APPROVED_KEY] = approved_only
    report.render()


@pytest.mark.parametrize("period, words", [("2022-Y", "năm 2022"), ("2022-H1", "6 tháng đầu năm 2022")])
def test_page_caption_names_the_chosen_period(demo_copy, period, words):
    at = signed_in(AppTest.from_function(report_page, default_timeout=60, args=(period,))).run()
    assert not at.exception
    assert (f"Nội dung dưới đây được điền sẵn cho báo cáo {words} theo mẫu báo cáo của Văn phòng; hãy sửa rồi lưu "
            "lại.") in [c.value for c in at.caption]


# ---------------------------------------------------------------- provisional


def test_incomplete_year_is_provisional_with_no_verdict(partial_demo):
    lines = body(partial_demo, "2026-Y", today=TODAY)
    assert ("Tổng số cán bộ, công chức, viên chức, lao động: 11 người (tạm tính: 1/11 đơn vị đã nộp), gồm: 9 cán bộ, "
            "công chức; 2 viên chức.") in lines
    assert lines[lines.index("II. KẾT QUẢ THỰC HIỆN") + 1] == (
        "Số liệu tạm tính: 1/11 đơn vị đã nộp; các chỉ tiêu của Văn phòng chưa được đánh giá đạt hay chưa đạt cho "
        "đến khi đủ số liệu của các đơn vị.")
    targets = [line for line in lines if line.startswith("- Chỉ tiêu")]
    assert [line.split(": ", 1)[1] for line in targets] == [
        "đạt 100,0 % (11/11 người; tạm tính: 1/11 đơn vị đã nộp), mục tiêu 100 %.",
        "đạt 63,6 % (7/11 người; tạm tính: 1/11 đơn vị đã nộp), mục tiêu 70 %; đơn vị chưa đạt: Phòng Tổng hợp "
        "(63,6 %).",
        "đạt 9,1 % (1/11 đơn vị; tạm tính: 1/11 đơn vị đã nộp), mục tiêu 100 %.",
        "đạt 90,0 % (9/10 gia đình; tạm tính: 1/11 đơn vị đã nộp), mục tiêu 100 %; đơn vị chưa đạt: Phòng Tổng hợp "
        "(90,0 %).",
    ]
    assert not [line for line in targets if "đạt mục tiêu" in line]
    assert lines[lines.index("2. Tình hình báo cáo của các phòng, ban, đơn vị") + 1] == (
        "1/11 đơn vị đã nộp báo cáo; 1 đơn vị nộp đúng hạn; chưa nộp (còn 2 ngày đến hạn nộp 05/12/2026): Phòng "
        "Kinh tế, Phòng Nội chính, Phòng Khoa giáo - Văn xã, Phòng Kiểm soát thủ tục hành chính, Phòng Tổ chức - "
        "Hành chính - Quản trị, Ban Tiếp công dân tỉnh, Trung tâm Phục vụ hành chính công, Trung tâm Thông tin, Nhà "
        "khách Ủy ban nhân dân tỉnh, Nhà khách Thanh Xuân - Hà Nội.")
    assert section(lines, "5. Tham gia các sự kiện văn hóa, thể thao") == [
        "- Ngày hội Đại đoàn kết toàn dân tộc 2026, ngày 18/11/2026: 4 người tham gia từ 1 đơn vị; thành tích: Giải "
        "Ba 10 km (Phòng Tổng hợp)."]


def test_approved_only_with_nothing_approved_says_so_once(demo_copy):
    lines = body(demo_copy, "2022-H1", approved_only=True)
    assert "Tổng số cán bộ, công chức, viên chức, lao động: chưa có số liệu (0/11 đơn vị đã được phê duyệt)." in lines
    assert section(lines, "1. Kết quả thực hiện các chỉ tiêu của Kế hoạch") == [
        "- Chưa có số liệu các chỉ tiêu: 0/11 đơn vị đã được phê duyệt."]
    assert "- Trong 6 tháng đầu năm 2022, các đơn vị chưa báo cáo hoạt động nào." in lines
    assert not [line for line in lines if "tạm tính" in line or "mục tiêu" in line]


# ---------------------------------------------------------------- the appendix is what the report counts


def _counted_in_text(lines: list[str]) -> int:
    return sum(int(m.group(1).replace(".", "")) for line in section(lines, "3. Các hoạt động hưởng ứng Phong trào")
               if (m := re.match(r"^- [^:]+: ([\d.]+) hoạt động", line)))


@pytest.mark.parametrize("period", ["2022-H1", "2022-Y"])
def test_appendix_rows_are_the_rows_the_report_counts(demo_copy, period):
    lines, raw = body(demo_copy, period), build_appendix(demo_copy, period)
    activities = sheet_rows(raw, "Hoạt động")
    assert len(activities) == _counted_in_text(lines) == len(demo_copy.query("activities", period=period))
    commune = section(lines, "4. Giúp đỡ xã Chiềng Xuân, huyện Vân Hồ")
    assert len(sheet_rows(raw, "Giúp đỡ xã")) == len(commune) - 1
    events = sheet_rows(raw, "Sự kiện")
    per_event = {}
    for event, _, _, _, participants, *_ in events:
        per_event[event] = per_event.get(event, 0) + (participants or 0)
    for line in section(lines, "5. Tham gia các sự kiện văn hóa, thể thao"):
        name = line[2:].split(", ngày ")[0]
        assert f"{per_event.pop(name)} người tham gia" in line
    assert per_event == {}
    assert len(sheet_rows(raw, "Chỉ tiêu")) == 4 * 12 and len(sheet_rows(raw, "Nộp báo cáo")) == 11


def test_year_appendix_starts_in_january(demo_copy):
    raw = build_appendix(demo_copy, "2022-Y")
    dates = [row[1] for row in sheet_rows(raw, "Hoạt động")]
    assert min(dates).date() == dt.date(2022, 1, 24) and max(dates).date().year == 2022
    assert {row[-1] for row in sheet_rows(raw, "Hoạt động")} == {"6 tháng đầu năm 2022", "Năm 2022"}  # Từ báo cáo
    assert {row[0] for row in sheet_rows(raw, "Sự kiện")} >= {
        "Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)", "Ngày chạy Olympic vì sức khỏe toàn dân 2022"}


def test_provisional_office_rows_in_the_appendix(partial_demo):
    targets = sheet_rows(build_appendix(partial_demo, "2026-Y"), "Chỉ tiêu")
    assert [(unit, target, status) for unit, target, *_, status in targets[:4]] == [
        ("Toàn Văn phòng", target, "tạm tính") for target in ("T1", "T2", "T3", "T4")]


def test_page_follows_approved_only(demo_copy, downloads):
    """The sidebar's 'Chỉ số liệu đã phê duyệt' (nothing of the demo is approved): the page's
    figures and the file it writes say so, as Tổng quan does."""
    at = signed_in(AppTest.from_function(report_page, default_timeout=60, args=("2022-H1", True))).run()
    assert not at.exception
    figures = next(m.value for m in at.markdown if m.value.startswith("- Tổng số"))
    assert figures.replace("\\", "").splitlines()[:2] == [
        "- Tổng số cán bộ, công chức, viên chức, lao động: chưa có số liệu (0/11 đơn vị đã được phê duyệt).",
        "- Chưa có số liệu các chỉ tiêu: 0/11 đơn vị đã được phê duyệt."]
    document = Document(io.BytesIO(downloads(at.download_button[0])))
    assert "- Chưa có số liệu các chỉ tiêu: 0/11 đơn vị đã được phê duyệt." in [p.text for p in document.paragraphs]
