"""The official report of 2022-H1 on the demonstration data: read back with python-docx, its
numbers against the dashboard's, its layout against Nghị định 30/2020, rendered by LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from builders import signed_in
from docx import Document
from docx.oxml.ns import qn
from streamlit.testing.v1 import AppTest

from vanhoa.formats import fmt_pct
from vanhoa.report import APPENDIX_SHEETS, build_appendix, build_report

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture
def report_h1(demo_copy) -> Document:
    return Document(io.BytesIO(build_report(demo_copy, "2022-H1")))


def texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_headings_follow_the_seed_report(report_h1):
    body = texts(report_h1)
    for heading in ["BÁO CÁO",
                    "Kết quả thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”, 6 tháng đầu năm 2022",
                    "I. ĐẶC ĐIỂM, TÌNH HÌNH", "II. KẾT QUẢ THỰC HIỆN", "1. Kết quả thực hiện các chỉ tiêu của Kế hoạch",
                    "4. Giúp đỡ xã Chiềng Xuân, huyện Vân Hồ", "III. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2022",
                    "Văn phòng UBND tỉnh trân trọng báo cáo./."]:
        assert heading in body
    assert body.index("I. ĐẶC ĐIỂM, TÌNH HÌNH") < body.index("II. KẾT QUẢ THỰC HIỆN") < body.index(
        "III. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2022")


def test_header_block_and_signature(report_h1):
    header = report_h1.tables[0].rows[0].cells
    assert [p.text for p in header[0].paragraphs] == [
        "ỦY BAN NHÂN DÂN TỈNH SƠN LA", "VĂN PHÒNG", "", "Số:       /BC-VPUB"]
    assert [p.text for p in header[1].paragraphs] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "",
        "Sơn La, ngày      tháng      năm 2022"]
    footer = report_h1.tables[1].rows[0].cells
    assert footer[0].paragraphs[0].text == "Nơi nhận:"
    assert "- Sở VH, TT&DL (Báo cáo);" in [p.text for p in footer[0].paragraphs]
    assert [p.text for p in footer[1].paragraphs if p.text] == ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG",
                                                               "Sòi Đức Nghĩa"]
    # the signature is not cut by a page break, and the closing sentence goes with it
    assert report_h1.tables[1].rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    closing = next(p for p in report_h1.paragraphs if p.text == "Văn phòng UBND tỉnh trân trọng báo cáo./.")
    assert closing.paragraph_format.keep_with_next is True


def test_staff_numbers_match_the_six_month_report(report_h1):
    assert ("Tổng số cán bộ, công chức, viên chức, lao động: 113 người, gồm: 58 cán bộ, công chức; 15 viên chức; "
            "40 lao động hợp đồng.") in texts(report_h1)


def test_each_target_with_ratio_goal_and_units_that_missed(report_h1):
    lines = [t for t in texts(report_h1) if t.startswith("- Chỉ tiêu")]
    assert len(lines) == 4
    assert lines[0].endswith("đạt 97,3 % (110/113 người), chưa đạt mục tiêu 100 %; đơn vị chưa đạt: Nhà khách Ủy "
                             "ban nhân dân tỉnh (88,9 %), Nhà khách Thanh Xuân - Hà Nội (90,9 %).")
    assert "đạt 61,9 % (70/113 người), chưa đạt mục tiêu 70 %" in lines[1]
    assert lines[2] == ("- Chỉ tiêu 3 - cơ quan, đơn vị đạt chuẩn văn hóa: đạt 90,9 % (10/11 đơn vị), chưa đạt mục "
                        "tiêu 100 %; đơn vị chưa đạt: Nhà khách Thanh Xuân - Hà Nội.")
    assert "đạt 95,8 % (92/96 gia đình)" in lines[3]


def test_report_and_dashboard_use_the_same_numbers(demo_copy, report_h1):
    office = demo_copy.query("progress", period="2022-H1")
    office = office[office["unit"] == "Toàn Văn phòng"]
    lines = [t for t in texts(report_h1) if t.startswith("- Chỉ tiêu")]
    for line, row in zip(lines, office.itertuples()):
        assert f"({int(row.numerator)}/{int(row.denominator)} " in line
        assert f"đạt {fmt_pct(row.ratio)} (" in line  # the screen's style: '97,3 %'


def test_filing_commune_and_events(report_h1):
    body = texts(report_h1)
    assert ("11/11 đơn vị đã nộp báo cáo; 10 đơn vị nộp đúng hạn, 1 đơn vị nộp trễ hạn "
            "(Nhà khách Thanh Xuân - Hà Nội).") in body
    commune = body[body.index("4. Giúp đỡ xã Chiềng Xuân, huyện Vân Hồ") + 1]
    assert commune == ("Văn phòng UBND tỉnh được phân công giúp đỡ xã Chiềng Xuân. Trong 6 tháng đầu năm 2022, các "
                       "đơn vị đã thực hiện 4 hoạt động tại xã, 19 lượt người tham gia, kinh phí 22.000.000 đồng:")
    marathon = next(t for t in body if t.startswith("- Giải chạy VTM Mộc Châu 2022"))
    assert marathon == ("- Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu), ngày 22/05/2022: 16 người đăng ký, 15 "
                        "người tham gia từ 5 đơn vị; thành tích: Giải Ba cự ly 10 km nam (Phòng Tổ chức - Hành chính "
                        "- Quản trị); Giải Ba cự ly 10 km nữ (Trung tâm Thông tin).")


def test_a4_margins_and_font(report_h1):
    section = report_h1.sections[0]
    # Word stores twips: compare in whole millimetres
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    # each run's font as Word resolves it: the run's own, else its paragraph style's, else the base's
    runs = [(r, p.style) for p in report_h1.paragraphs for r in p.runs]
    assert {effective(r, style, "name") for r, style in runs} == {"Times New Roman"}
    assert {effective(r, style, "size").pt for r, style in runs} <= {13.0, 14.0}
    title = next(p for p in report_h1.paragraphs if p.text == "BÁO CÁO")
    assert effective(title, title.style, "alignment") == 1  # centred
    assert all(effective(r, title.style, "bold") for r in title.runs)  # bold
    assert report_h1.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "Times New Roman"


def effective(item, style, name: str):
    """A run's font property (or a paragraph's format property) as Word resolves it: set on the
    item itself, else on its style, else on the style that style is based on."""
    def own(thing):
        return getattr(thing.paragraph_format if name == "alignment" else thing.font, name)
    for thing in (item, style, style.base_style):
        if thing is not None and own(thing) is not None:
            return own(thing)
    return None


def test_saved_narrative_is_used_and_kept_per_period(demo_copy):
    demo_copy.save_report_draft("2022-H1", {"number": "125", "tasks": "Nhiệm vụ một\nNhiệm vụ hai"}, "Chánh VP")
    document = Document(io.BytesIO(build_report(demo_copy, "2022-H1", demo_copy.report_draft("2022-H1"))))
    body = texts(document)
    assert "1. Nhiệm vụ một" in body and "2. Nhiệm vụ hai" in body
    assert document.tables[0].rows[0].cells[0].paragraphs[3].text == "Số: 125/BC-VPUB"
    assert demo_copy.report_draft("2022-Y") is None


def test_annual_report_names_next_year(demo_copy):
    body = texts(Document(io.BytesIO(build_report(demo_copy, "2022-Y"))))
    assert "III. NHIỆM VỤ TRỌNG TÂM NĂM 2023" in body
    assert any(t.startswith("- Chỉ tiêu 2") and "đạt 79,8 % (91/114 người), đạt mục tiêu 70 %" in t for t in body)


def test_appendix_has_the_tables(demo_copy):
    book = openpyxl.load_workbook(io.BytesIO(build_appendix(demo_copy, "2022-H1")))
    assert book.sheetnames == ["Chỉ tiêu", "Nộp báo cáo", "Hoạt động", "Giúp đỡ xã", "Sự kiện"] == list(APPENDIX_SHEETS)
    targets = book["Chỉ tiêu"]
    assert [c.value for c in targets[1]][:4] == ["Đơn vị", "Chỉ tiêu", "Tên chỉ tiêu", "Tử số"]
    assert targets.max_row == 1 + 4 * 12


def test_command_line_report(demo_copy, tmp_path):
    out = tmp_path / "bc.docx"
    done = subprocess.run([sys.executable, "-m", "vanhoa", "--db", str(demo_copy.path), "report", "--period", "2022-H1",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"Đã soạn báo cáo {out} và phụ lục {tmp_path / 'bc_phu-luc.xlsx'}\n"
    assert "I. ĐẶC ĐIỂM, TÌNH HÌNH" in texts(Document(str(out)))
    empty = subprocess.run([sys.executable, "-m", "vanhoa", "--db", str(demo_copy.path), "report", "--period",
                            "2024-H1", "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert (empty.returncode, empty.stderr) == (
        2, "Lỗi: kỳ 2024-H1 chưa có báo cáo nào của các đơn vị: chưa thể soạn báo cáo.\n")


def report_page():
    import streamlit as st

    from pages import report
    from vanhoa import ui

    st.session_state[ui.PERIOD_KEY] = "2022-H1"
    report.render()


def test_report_page_writes_its_files_when_clicked_with_the_text_shown(demo_copy, downloads):
    at = signed_in(AppTest.from_function(report_page, default_timeout=60)).run()
    at.text_input(key="report_number_2022-H1").input("77").run()
    assert not at.exception
    docx, xlsx = at.download_button
    assert (docx.label, xlsx.label) == ("Tải báo cáo (.docx)", "Tải phụ lục (.xlsx)")
    assert docx.proto.deferred_file_id and xlsx.proto.deferred_file_id  # nothing written until clicked
    document = Document(io.BytesIO(downloads(docx)))
    assert document.tables[0].rows[0].cells[0].paragraphs[3].text == "Số: 77/BC-VPUB"  # unsaved, as shown
    assert openpyxl.load_workbook(io.BytesIO(downloads(xlsx))).sheetnames == list(APPENDIX_SHEETS)


def test_report_page_shows_the_figures_and_saves_the_narrative(demo_copy):
    at = signed_in(AppTest.from_function(report_page, default_timeout=60)).run()
    assert not at.exception
    figures = next(m.value for m in at.markdown if m.value.startswith("- Tổng số"))
    assert "58 cán bộ, công chức; 15 viên chức; 40 lao động hợp đồng" in figures.replace("\\", "")
    at.text_input(key="report_number_2022-H1").input("98")
    at.text_input(key="report_by").input("Lường Văn Tú")
    next(b for b in at.button if b.label == "Lưu nội dung").click().run()
    assert [s.value for s in at.success] == [
        "Đã lưu nội dung báo cáo 6 tháng đầu năm 2022; lần soạn sau sẽ bắt đầu từ nội dung này."]
    saved = demo_copy.report_draft("2022-H1")
    assert (saved["number"], saved["saved_by"]) == ("98", "Lường Văn Tú")


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed: the PDF rendering check "
                    "is skipped (make test installs libreoffice-writer-nogui)")
def test_renders_in_libreoffice_for_review(demo_copy, tmp_path):
    docx = tmp_path / "bao-cao_2022-H1.docx"
    docx.write_bytes(build_report(demo_copy, "2022-H1"))
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                          capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "bao-cao_2022-H1.pdf"
    assert pdf.exists(), done.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / pdf.name)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / "bao-cao_2022-H1")], check=True)
        pages = sorted(ARTIFACTS.glob("bao-cao_2022-H1-*.png"))
        assert 3 <= len(pages) <= 6


def test_commune_activity_without_cost_or_participants(store, sheets):
    """An activity at the supported commune whose cost (and participant count) was left blank: the
    nullable columns hold pd.NA there, whose truth is ambiguous. The report said 'boolean value of
    NA is ambiguous' at province scale, where some commune activities have no cost."""
    from builders import workbook_bytes

    from vanhoa.ingest import ingest

    sheets["Hoạt động"][1][5] = None  # participants
    sheets["Hoạt động"][1][6] = None  # cost
    assert ingest(store, workbook_bytes(sheets), "pth.xlsx", by="Lò Thị Hoa").status == "accepted"
    body = texts(Document(io.BytesIO(build_report(store, "2022-H1"))))
    assert "- Ngày 15/03/2022, Phòng Tổng hợp: Tuyên truyền xây dựng nông thôn mới." in body
    book = openpyxl.load_workbook(io.BytesIO(build_appendix(store, "2022-H1")))
    assert book["Hoạt động"].max_row == 3
