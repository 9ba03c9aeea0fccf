"""The official report to the Department of Culture, Sports and Tourism, drafted from the data.

Its structure follows the 6-month report of 2022 (../shared/seeds/003_…): header block, title,
I (the Office and its staff), II (results), III (tasks for the next period), recipients and
signature. Layout follows Nghị định 30/2020/NĐ-CP: A4, Times New Roman, margins 20/20/30/15 mm,
the two-column header, bold centred title. Every number comes from the queries the dashboard
uses, so report and dashboard never disagree.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass, field

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.document import Document as DocumentObject
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from vanhoa.export import to_xlsx_book
from vanhoa.form import spec
from vanhoa.reference import Period
from vanhoa.store import Store
from vanhoa.text import strip_controls

FONT = "Times New Roman"
OFFICE = "Toàn Văn phòng"
GROUP_WORDS = {"CBCC": "cán bộ, công chức", "VC": "viên chức", "LDHD": "lao động hợp đồng"}
TARGET_WORDS = {
    "T1": "Chỉ tiêu 1 - công chức, viên chức, lao động thực hiện tốt chuẩn mực đạo đức, văn hóa công sở "
          "(Quyết định số 34/QĐ-VPUB, Quyết định số 02/QĐ-VPUB)",
    "T2": "Chỉ tiêu 2 - công chức, viên chức, lao động được nâng cao mức hưởng thụ và tham gia các hoạt động "
          "văn hóa",
    "T3": "Chỉ tiêu 3 - cơ quan, đơn vị đạt chuẩn văn hóa",
    "T4": "Chỉ tiêu 4 - gia đình công chức, viên chức, lao động giữ vững danh hiệu Gia đình văn hóa",
}
TARGET_UNITS = {"T1": "người", "T2": "người", "T3": "đơn vị", "T4": "gia đình"}
OFFICE_ROLE = (
    "Văn phòng UBND tỉnh với chức năng, nhiệm vụ tham mưu, giúp UBND tỉnh, Chủ tịch UBND tỉnh về chương trình, "
    "kế hoạch công tác; kiểm soát thủ tục hành chính; tổ chức triển khai thực hiện cơ chế một cửa, một cửa liên "
    "thông trong giải quyết thủ tục hành chính; tổ chức, quản lý và công bố các thông tin chính thức về hoạt động "
    "của UBND, Chủ tịch UBND tỉnh; quản lý Công báo và phục vụ các hoạt động chung của UBND tỉnh; quản lý văn thư "
    "- lưu trữ và công tác quản trị nội bộ của Văn phòng."
)


# ---------------------------------------------------------------- narrative


def next_period_words(period: Period) -> str:
    return f"6 tháng cuối năm {period.year}" if period.kind == "H1" else f"năm {period.year + 1}"


def default_narrative(period: Period) -> dict[str, str]:
    """What no return holds, pre-filled for the period's kind (the seed report's wording)."""
    plan = ("Kế hoạch số 41/KH-UBND ngày 10/02/2022 của UBND tỉnh" if period.year == 2022
            else "Kế hoạch của UBND tỉnh")
    done = "6 tháng đầu năm" if period.kind == "H1" else "năm"
    context = (
        f"Thực hiện {plan} thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” năm {period.year}. "
        f"Văn phòng UBND tỉnh báo cáo Sở Văn hóa, Thể thao và Du lịch kết quả thực hiện {done} {period.year}, "
        f"nhiệm vụ {next_period_words(period)} với các nội dung như sau:"
    )
    tasks = "\n".join([
        "Tiếp tục triển khai thực hiện Kế hoạch số 23/KH-UBND ngày 18/01/2022 của UBND tỉnh triển khai Chương "
        "trình thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” trên địa bàn tỉnh Sơn La giai "
        "đoạn 2022 - 2026 và các kế hoạch của Văn phòng UBND tỉnh.",
        "Đẩy mạnh công tác tuyên truyền giáo dục nâng cao nhận thức của công chức, cơ quan, đơn vị về vai trò của "
        "văn hóa, trách nhiệm thực hiện nhiệm vụ phát triển văn hóa; kịp thời biểu dương, khen thưởng các cá nhân, "
        "tập thể, hộ gia đình văn hóa có thành tích xuất sắc trong Phong trào.",
        "Chi ủy các chi bộ và phòng, ban, đơn vị tập trung lãnh đạo, chỉ đạo thực hiện; tạo điều kiện cho phong "
        "trào ở đơn vị hoạt động thường xuyên, hiệu quả.",
        "Giám sát và thực hiện tốt việc bình xét và công nhận các danh hiệu văn hóa theo đúng quy định tại Nghị "
        "định số 122/2018/NĐ-CP ngày 17/9/2018 của Chính phủ; kiên quyết loại bỏ bệnh hình thức, chạy theo thành "
        "tích.",
        "Tiếp tục giúp đỡ xã Chiềng Xuân, huyện Vân Hồ lồng ghép các tiêu chí văn hóa, xây dựng nếp sống văn hóa "
        "gắn với xây dựng nông thôn mới.",
        (f"Tổng hợp, báo cáo kết quả thực hiện Phong trào năm {period.year} và đăng ký danh hiệu văn hóa năm "
         f"{period.year + 1} đảm bảo thời gian." if period.kind == "H1" else
         f"Tổng hợp, báo cáo kết quả thực hiện Phong trào 6 tháng đầu năm {period.year + 1} đảm bảo thời gian."),
    ])
    return {
        "number": "",
        "context": context,
        "tasks": tasks,
        "recipients": "\n".join(["Sở VH, TT&DL (Báo cáo);", "LĐVP;", "Các phòng, ban, đơn vị;",
                                 "Trang Thông tin điện tử VP;", "Lưu: VT, TCHCQT."]),
        "signer_title": "KT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG",
        "signer_name": "Sòi Đức Nghĩa",
    }


# ---------------------------------------------------------------- figures


@dataclass
class Figures:
    """What the report says, computed by the dashboard's queries."""
    period: Period
    units: list[str]
    staff: dict[str, int]
    office: pd.DataFrame  # progress rows of the whole Office, indexed by target
    per_unit: pd.DataFrame  # progress rows of the units
    filing: pd.DataFrame
    activities: pd.DataFrame
    events: pd.DataFrame
    commune: str
    notes: list[str] = field(default_factory=list)


def gather(store: Store, period_code: str, details: bool = True) -> Figures:
    """The figures of a period. Without `details`, the activities and events (100,000 and 20,000
    rows at province scale) are left empty: the staff, target and filing sentences do not read them."""
    ref = store.reference()
    period = ref.periods[period_code]
    progress = store.query("progress", period=period_code)
    groups = store.query("target_by_group", period=period_code, target="T1")
    staff = groups.groupby("staff_group")["denominator"].sum().to_dict()
    return Figures(
        period=period,
        units=list(ref.units.values()),
        staff={code: int(staff.get(code, 0)) for code in GROUP_WORDS},
        office=progress[progress["unit"] == OFFICE].set_index("target"),
        per_unit=progress[progress["unit"] != OFFICE],
        filing=store.query("completeness", period=period_code),
        activities=store.query("activities", period=period_code) if details else pd.DataFrame(),
        events=store.query("events", period=period_code) if details else pd.DataFrame(),
        commune=ref.supported_commune,
    )


def _n(value) -> str:
    return "0" if value is None or pd.isna(value) else f"{int(value):,}".replace(",", ".")


def _pct(ratio) -> str:
    return "—" if ratio is None or pd.isna(ratio) else f"{ratio * 100:.1f}".replace(".", ",") + "%"


def staff_sentence(figures: Figures) -> str:
    """'113 người, gồm: 58 cán bộ, công chức; 15 viên chức; 40 lao động hợp đồng.'"""
    total = sum(figures.staff.values())
    parts = "; ".join(f"{_n(figures.staff[code])} {words}" for code, words in GROUP_WORDS.items())
    return f"Tổng số cán bộ, công chức, viên chức, lao động: {_n(total)} người, gồm: {parts}."


def target_sentences(figures: Figures) -> list[str]:
    lines = []
    for target, row in figures.office.iterrows():
        unit_word = TARGET_UNITS[target]
        verdict = "đạt mục tiêu" if row["status"] == "đạt" else "chưa đạt mục tiêu"
        text = (f"{TARGET_WORDS[target]}: đạt {_pct(row['ratio'])} ({_n(row['numerator'])}/"
                f"{_n(row['denominator'])} {unit_word}), {verdict} {_pct(row['goal']).replace(',0', '')}")
        missed = figures.per_unit[(figures.per_unit["target"] == target) & (figures.per_unit["status"] == "chưa đạt")]
        if not missed.empty:
            names = ", ".join(missed["unit"] if target == "T3" else
                              [f"{u} ({_pct(r)})" for u, r in zip(missed["unit"], missed["ratio"])])
            text += f"; đơn vị chưa đạt: {names}"
        missing = figures.per_unit[(figures.per_unit["target"] == target)
                                   & (figures.per_unit["status"] == "chưa nộp")]
        if not missing.empty:
            text += f"; chưa có số liệu của {len(missing)} đơn vị chưa nộp báo cáo"
        lines.append(text + ".")
    return lines


def filing_sentence(figures: Figures) -> str:
    counts = figures.filing["status"].value_counts()
    total = len(figures.filing)
    filed = total - int(counts.get("chưa nộp", 0))
    text = (f"{filed}/{total} đơn vị đã nộp báo cáo; {int(counts.get('đúng hạn', 0))} đơn vị nộp đúng hạn, "
            f"{int(counts.get('trễ hạn', 0))} đơn vị nộp trễ hạn")
    late = figures.filing[figures.filing["status"] == "trễ hạn"]["unit"].tolist()
    if late:
        text += f" ({', '.join(late)})"
    missing = figures.filing[figures.filing["status"] == "chưa nộp"]["unit"].tolist()
    if missing:
        text += f"; chưa nộp: {', '.join(missing)}"
    return text + "."


def summary_lines(store: Store, period_code: str) -> list[str]:
    """The staff, target and filing sentences of the report, as the Báo cáo page shows them."""
    figures = gather(store, period_code, details=False)
    return [staff_sentence(figures), *target_sentences(figures), filing_sentence(figures)]


def activity_lines(figures: Figures) -> list[str]:
    acts = figures.activities
    lines = []
    for kind in spec.ACTIVITY_KINDS:
        rows = acts[acts["kind"] == kind]
        if rows.empty:
            continue
        examples = "; ".join(rows["content"].head(3))
        cost = int(rows["cost"].fillna(0).sum())
        money = f", kinh phí {_n(cost)} đồng" if cost else ""
        lines.append(f"{kind}: {_n(len(rows))} hoạt động, {_n(rows['participants'].fillna(0).sum())} lượt người "
                     f"tham gia{money}. Tiêu biểu: {examples}.")
    return lines


def commune_lines(figures: Figures) -> list[str]:
    acts = figures.activities[figures.activities["commune"] == figures.commune].sort_values("date", kind="stable")
    lines = []
    for row in acts.itertuples(index=False):
        when = pd.Timestamp(row.date).strftime("%d/%m/%Y")
        # A cost left blank is a missing value (pd.NA in the nullable column), whose truth is
        # ambiguous: test it for missing before testing it for zero.
        money = f", kinh phí {_n(row.cost)} đồng" if not pd.isna(row.cost) and row.cost else ""
        people = f", {_n(row.participants)} người tham gia" if not pd.isna(row.participants) else ""
        lines.append(f"Ngày {when}, {row.unit}: {row.content}{people}{money}.")
    return lines


def event_lines(figures: Figures) -> list[str]:
    lines = []
    for event, rows in figures.events.groupby("event", sort=False):
        achievements = [f"{a} ({u})" for u, a in zip(rows["unit"], rows["achievement"]) if isinstance(a, str) and a]
        text = (f"{event}: {_n(rows['registered'].fillna(0).sum())} người đăng ký, "
                f"{_n(rows['participants'].fillna(0).sum())} người tham gia từ {rows['unit'].nunique()} đơn vị")
        if achievements:
            text += f"; thành tích: {'; '.join(achievements)}"
        lines.append(text + ".")
    return lines


# ---------------------------------------------------------------- document


def _font(run, size: float, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _paragraph(container, text: str = "", size: float = 14, bold: bool = False, italic: bool = False,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, after: float = 6, underline: bool = False):
    if isinstance(container, DocumentObject) and text and not _UNPLAIN.intersection(text):
        return _body_paragraph(container, text, (size, bold, italic, align, indent, after, underline))
    return _formatted(container.add_paragraph(), text, size, bold, italic, align, indent, after, underline)


def _formatted(paragraph, text: str, size: float, bold: bool, italic: bool, align, indent: bool, after: float,
               underline: bool):
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    fmt.line_spacing = 1.1
    if indent:
        fmt.first_line_indent = Mm(12.7)
    if text:
        _font(paragraph.add_run(text), size, bold, italic, underline)
    return paragraph


_UNPLAIN = set("\t\n\r")  # python-docx writes these as w:tab and w:br, not as text


def _body_paragraph(document, text: str, style: tuple):
    """A paragraph of the document's body, as _formatted makes it, in constant time. At province
    scale the report lists ten thousand activities: python-docx looks for the body's closing sectPr
    among all its children for each paragraph it adds, and builds each paragraph's formatting
    element by element (about 1 ms each); here the first paragraph of each style is made by
    python-docx and the others are copies of it with their own text."""
    templates = document.__dict__.setdefault("_vanhoa_paragraphs", {})
    body = document.element.body
    if style not in templates:
        paragraph = _formatted(document.add_paragraph(), text, *style)
        templates[style] = copy.deepcopy(paragraph._element)
        return paragraph
    element = copy.deepcopy(templates[style])
    run_text = element.find(f"{qn('w:r')}/{qn('w:t')}")
    run_text.text = text
    run_text.set(qn("xml:space"), "preserve")
    last = body[-1]  # lxml finds the last child from the end; len(body) would count them all
    if last.tag == qn("w:sectPr"):
        last.addprevious(element)
    else:
        body.append(element)
    return Paragraph(element, document._body)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table, *millimetres: float) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid: set both)."""
    table.autofit = False
    for column, width in zip(table.columns, millimetres):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _cell_lines(cell, lines: list[tuple[str, float, bool, bool, bool]], align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    for text, size, bold, italic, underline in lines:
        _paragraph(cell, text, size, bold, italic, align=align, indent=False, after=0, underline=underline)


def build_report(store: Store, period_code: str, narrative: dict | None = None) -> bytes:
    figures = gather(store, period_code)
    period = figures.period
    # Typed text goes in as text; a control character pasted with it would make python-docx refuse
    # the whole document (XML has no NUL), a bidi override would turn it around.
    words = default_narrative(period) | {k: strip_controls(str(v)) for k, v in (narrative or {}).items()
                                         if v is not None}
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(header)
    _widths(header, 72, 93)
    left, right = header.rows[0].cells
    number = (words.get("number") or "").strip() or "      "
    _cell_lines(left, [("ỦY BAN NHÂN DÂN TỈNH SƠN LA", 12, False, False, False),
                       ("VĂN PHÒNG", 13, True, False, True), ("", 6, False, False, False),
                       (f"Số: {number}/BC-VPUB", 13, False, False, False)])
    _cell_lines(right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, False, False),
                        ("Độc lập - Tự do - Hạnh phúc", 14, True, False, True), ("", 6, False, False, False),
                        (f"Sơn La, ngày      tháng      năm {period.year}", 14, False, True, False)])

    _paragraph(document, "", after=6, indent=False)
    _paragraph(document, "BÁO CÁO", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0)
    label = "6 tháng đầu năm" if period.kind == "H1" else "năm"
    _paragraph(document, f"Kết quả thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”, "
               f"{label} {period.year}", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=12)
    _paragraph(document, words["context"])

    _paragraph(document, "I. ĐẶC ĐIỂM, TÌNH HÌNH", bold=True)
    _paragraph(document, OFFICE_ROLE)
    _paragraph(document, f"Văn phòng UBND tỉnh có {len(figures.units):02d} phòng, ban, đơn vị, gồm: "
               f"{', '.join(figures.units)}.")
    _paragraph(document, staff_sentence(figures))

    _paragraph(document, "II. KẾT QUẢ THỰC HIỆN", bold=True)
    _paragraph(document, "1. Kết quả thực hiện các chỉ tiêu của Kế hoạch", bold=True)
    for line in target_sentences(figures):
        _paragraph(document, f"- {line}")
    _paragraph(document, "2. Tình hình báo cáo của các phòng, ban, đơn vị", bold=True)
    _paragraph(document, filing_sentence(figures))
    _paragraph(document, "3. Các hoạt động hưởng ứng Phong trào", bold=True)
    lines = activity_lines(figures)
    for line in lines or ["Trong kỳ, các đơn vị chưa báo cáo hoạt động nào."]:
        _paragraph(document, f"- {line}")
    _paragraph(document, f"4. Giúp đỡ xã {figures.commune}, huyện Vân Hồ", bold=True)
    lines = commune_lines(figures)
    _paragraph(document, f"Văn phòng UBND tỉnh được phân công giúp đỡ xã {figures.commune}. Trong kỳ, "
               f"các đơn vị đã thực hiện {len(lines)} hoạt động tại xã:" if lines else
               f"Trong kỳ, các đơn vị chưa báo cáo hoạt động nào tại xã {figures.commune}.")
    for line in lines:
        _paragraph(document, f"- {line}")
    _paragraph(document, "5. Tham gia các sự kiện văn hóa, thể thao", bold=True)
    lines = event_lines(figures)
    for line in lines or ["Trong kỳ, các đơn vị chưa báo cáo việc tham gia sự kiện nào."]:
        _paragraph(document, f"- {line}")
    _paragraph(document, "(Chi tiết số liệu của từng đơn vị tại Phụ lục kèm theo Báo cáo này.)", italic=True)

    _paragraph(document, f"III. NHIỆM VỤ TRỌNG TÂM {next_period_words(period).upper()}", bold=True)
    tasks = [t.strip() for t in words["tasks"].splitlines() if t.strip()]
    for index, task in enumerate(tasks, start=1):
        _paragraph(document, f"{index}. {task}")
    _paragraph(document, "Văn phòng UBND tỉnh trân trọng báo cáo./.")

    footer = document.add_table(rows=1, cols=2)
    _no_borders(footer)
    _widths(footer, 80, 85)
    left, right = footer.rows[0].cells
    recipients = [("Nơi nhận:", 12, True, True, False)] + [
        (f"- {r.strip().lstrip('-').strip()}", 11, False, False, False)
        for r in words["recipients"].splitlines() if r.strip()]
    _cell_lines(left, recipients, align=WD_ALIGN_PARAGRAPH.LEFT)
    signer = [(line.strip(), 14, True, False, False) for line in words["signer_title"].splitlines() if line.strip()]
    signer += [("", 14, False, False, False)] * 3 + [(words["signer_name"].strip(), 14, True, False, False)]
    _cell_lines(right, signer)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_appendix(store: Store, period_code: str) -> bytes:
    """Phụ lục: the per-unit table of the four targets, the activities and the events."""
    figures = gather(store, period_code)
    progress = store.query("progress", period=period_code)
    targets = progress[["unit", "target", "target_name", "numerator", "denominator", "ratio", "goal", "status"]]
    activities = figures.activities[["unit", "date", "content", "kind", "commune", "place", "participants", "cost",
                                     "result", "plan_item"]]
    events = figures.events[["unit", "event", "date", "place", "registered", "participants", "achievement"]]
    filing = figures.filing[["unit", "status", "filed_at", "version", "deadline"]]
    return to_xlsx_book([("Chỉ tiêu", targets), ("Nộp báo cáo", filing), ("Hoạt động", activities),
                         ("Sự kiện", events)])


def report_filenames(period_code: str) -> tuple[str, str]:
    return f"bao-cao_{period_code}.docx", f"bao-cao_{period_code}_phu-luc.xlsx"
