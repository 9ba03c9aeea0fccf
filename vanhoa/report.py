"""The official report to the Department of Culture, Sports and Tourism, drafted from the data.

Its structure follows the 6-month report of 2022 (../shared/seeds/003_…): header block, title,
I (the Office and its staff), II (results), III (tasks for the next period), recipients and
signature. Layout follows Nghị định 30/2020/NĐ-CP: A4, Times New Roman, margins 20/20/30/15 mm,
the two-column header, bold centred title.

Every figure comes from the query of the page that shows it (progress and completeness as on
Tổng quan, activities as on Dữ liệu, commune_activities as on Xã, event_participation as on Sự
kiện), which decide what a period holds (a year is the whole year), and is written with
vanhoa.formats: a leader who compares the signed report with the screen finds the same numbers
in the same style. A figure that was not recorded is left out of a sentence, never written as 0.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from vanhoa import vocabulary
from vanhoa.docx_layout import HEADING, NOTE, SPACER, SUBTITLE, TITLE, Body, cell_lines, set_up, unsplit, widths
from vanhoa.form import spec
from vanhoa.formats import (
    counted_word,
    days_to_deadline,
    fmt_date,
    fmt_dates,
    fmt_goal,
    fmt_int,
    fmt_pct,
    is_missing,
    provisional_note,
)
from vanhoa.reference import Period
from vanhoa.report_narrative import (  # period_words: the page's too
    OFFICE_ROLE,
    default_narrative,
    next_period_words,
    period_words,
)
from vanhoa.store import Store, load_sql, now_local
from vanhoa.tables import Column, human_book, period_labels
from vanhoa.text import strip_controls

# Local government has two levels from 01/07/2025 (communes answer to the province, districts are
# gone): a period ending after it names the commune without its former district
DISTRICTS_END = dt.date(2025, 6, 30)
EXAMPLES = 3  # "Tiêu biểu": at most this many distinct activities of a kind
# the words of the staff groups and the targets: the form spec's (one place)
GROUP_WORDS, TARGET_WORDS, TARGET_UNITS = spec.GROUP_WORDS, spec.TARGET_TITLES, spec.TARGET_UNITS


# ---------------------------------------------------------------- figures


@dataclass
class Figures:
    """What the report says, read from the pages' queries."""
    period: Period
    units: list[str]
    staff: dict[str, int]  # staff group -> people, for the groups the counted returns hold
    office: pd.DataFrame  # progress rows of the whole Office, indexed by target
    per_unit: pd.DataFrame  # progress rows of the units
    filing: pd.DataFrame  # completeness
    activities: pd.DataFrame  # activities (Dữ liệu's query)
    commune_rows: pd.DataFrame  # commune_activities (the Xã page's)
    events: pd.DataFrame  # event_participation (the Sự kiện page's): one row per event and unit
    commune: str
    district: str  # 'huyện Vân Hồ' (the setting), '' for a period after the districts
    counted: int  # units whose return counts (filed, or approved with approved_only)
    expected: int  # units expected to report in the period
    approved_only: bool = False
    today: dt.date | None = None

    @property
    def provisional(self) -> bool:
        return self.counted < self.expected

    @property
    def note(self) -> str:
        """'tạm tính: 1/11 đơn vị đã nộp', the cards' words."""
        return provisional_note(self.counted, self.expected, self.approved_only)

    @property
    def words(self) -> str:
        return period_words(self.period)

    @property
    def commune_words(self) -> str:
        """'xã Chiềng Xuân, huyện Vân Hồ' (to 30/06/2025), 'xã Chiềng Xuân' (after)."""
        return f"xã {self.commune}, {self.district}" if self.district else f"xã {self.commune}"


def _district(store: Store, period: Period) -> str:
    """The supported commune's district (the setting 'supported_commune_district') for a period
    that ended while there were districts, else ''."""
    if period.end > DISTRICTS_END:
        return ""
    with store.connect() as con:
        row = con.execute("select value from settings where key = 'supported_commune_district'").fetchone()
    return (row[0] or "").strip() if row else ""


def _query(store: Store, name: str, approved_only: bool, **params) -> pd.DataFrame:
    """A page's query with the sidebar's 'approved only' where the query takes it (as ui.query)."""
    if "$approved_only" in load_sql(name):
        params["approved_only"] = approved_only
    return store.query(name, **params)


def _counted_and_expected(progress: pd.DataFrame) -> tuple[int, int]:
    """The period's counted and expected units: progress's own columns where it has them, else
    the unit rows (a unit counts when its figures do: status 'đạt' or 'chưa đạt')."""
    if {"counted", "expected"} <= set(progress.columns) and not progress.empty:
        row = progress.iloc[0]
        return int(row["counted"]), int(row["expected"])
    units = vocabulary.unit_rows(progress)
    counted = units.loc[units["status"].isin(["đạt", "chưa đạt"]), "unit"].nunique()
    return int(counted), int(units["unit"].nunique())


def gather(store: Store, period_code: str, details: bool = True, approved_only: bool = False,
           today: dt.date | None = None) -> Figures:
    """The figures of a period. Without `details`, the activities and events (100,000 and 20,000
    rows at province scale) are left empty: the staff, target and filing sentences do not read them."""
    ref = store.reference()
    period = ref.periods[period_code]
    progress = _query(store, "progress", approved_only, period=period_code)
    groups = _query(store, "target_by_group", approved_only, period=period_code, target="T1")
    staff = groups.groupby("staff_group")["denominator"].sum()
    counted, expected = _counted_and_expected(progress)
    today = today or now_local().date()

    def detail(name: str) -> pd.DataFrame:
        return _query(store, name, approved_only, period=period_code) if details else pd.DataFrame()

    return Figures(
        period=period,
        units=list(ref.units.values()),
        staff={code: int(staff[code]) for code in GROUP_WORDS if code in staff.index and not is_missing(staff[code])},
        office=vocabulary.office_rows(progress).set_index("target"),
        per_unit=vocabulary.unit_rows(progress),
        filing=_query(store, "completeness", approved_only, period=period_code, today=today),
        activities=detail("activities"),
        commune_rows=detail("commune_activities"),
        events=detail("event_participation"),
        commune=ref.supported_commune,
        district=_district(store, period),
        counted=counted,
        expected=expected,
        approved_only=approved_only,
        today=today,
    )


def _recorded_sum(values: pd.Series):
    """The sum of what was recorded; None when nothing was (a sum of nothing is not 0)."""
    total = values.sum(min_count=1)
    return None if is_missing(total) else int(total)


def _distinct(texts: pd.Series, limit: int) -> list[str]:
    """The first `limit` distinct texts in the order met, compared without case or outer spaces
    (as the store's content_key): the same activity of several units is one example."""
    seen: dict[str, str] = {}
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            continue
        seen.setdefault(text.strip().lower(), text.strip())
        if len(seen) == limit:
            break
    return list(seen.values())


def _none_counted(figures: Figures) -> str:
    """'0/11 đơn vị đã nộp': why there is no figure at all (the provisional note without 'tạm tính')."""
    return f"{fmt_int(figures.counted)}/{fmt_int(figures.expected)} đơn vị {counted_word(figures.approved_only)}"


def staff_sentence(figures: Figures) -> str:
    """'113 người, gồm: 58 cán bộ, công chức; 15 viên chức; 40 lao động hợp đồng.' A group that
    has no one is left out of the list."""
    head = "Tổng số cán bộ, công chức, viên chức, lao động"
    if not figures.counted or not figures.staff:
        return f"{head}: chưa có số liệu ({_none_counted(figures)})."
    total = fmt_int(sum(figures.staff.values()))
    people = f"{total} người ({figures.note})" if figures.provisional else f"{total} người"
    parts = "; ".join(f"{fmt_int(n)} {GROUP_WORDS[code]}" for code, n in figures.staff.items() if n)
    return f"{head}: {people}, gồm: {parts}." if parts else f"{head}: {people}."


def _target_figure(row, unit_word: str) -> str:
    """'đạt 97,3 % (110/113 người' without the closing bracket; 'chưa có số liệu' when no unit counted."""
    if is_missing(row["numerator"]):
        return "chưa có số liệu"
    fraction = f"{fmt_int(row['numerator'])}/{fmt_int(row['denominator'])} {unit_word}"
    return fraction if is_missing(row["ratio"]) else f"đạt {fmt_pct(row['ratio'])} ({fraction}"


def target_sentences(figures: Figures) -> list[str]:
    """One sentence per target. While fewer units count than are expected, the Office's figure is
    'tạm tính: k/n đơn vị đã nộp' and gets no verdict: part of the Office is not the Office."""
    if not figures.counted:
        return [f"Chưa có số liệu các chỉ tiêu: {_none_counted(figures)}."]
    lines = []
    for target, row in figures.office.iterrows():
        figure = _target_figure(row, TARGET_UNITS[target])
        goal = fmt_goal(row["goal"])
        if figure.startswith("đạt "):
            figure += f"; {figures.note})" if figures.provisional else ")"
        elif figures.provisional:
            figure += f" ({figures.note})"
        if figures.provisional:
            verdict = f"mục tiêu {goal}"
        else:
            verdict = f"{'đạt' if row['status'] == 'đạt' else 'chưa đạt'} mục tiêu {goal}"
        text = f"{TARGET_WORDS[target]}: {figure}, {verdict}"
        rows = figures.per_unit[figures.per_unit["target"] == target]
        missed = rows[rows["status"] == "chưa đạt"]
        if not missed.empty:
            names = ", ".join(missed["unit"] if target == "T3" else
                              [f"{u} ({fmt_pct(r)})" for u, r in zip(missed["unit"], missed["ratio"], strict=True)])
            text += f"; đơn vị chưa đạt: {names}"
        lines.append(text + ".")
    return lines


def filing_sentence(figures: Figures) -> str:
    """'11/11 đơn vị đã nộp báo cáo; 10 đơn vị nộp đúng hạn, 1 đơn vị nộp trễ hạn (…).' A count
    of nothing is left out; the units still to file are named with the time to the deadline."""
    filing = figures.filing
    counts = filing["status"].value_counts()
    filed = len(filing) - int(counts.get("chưa nộp", 0))
    text = f"{fmt_int(filed)}/{fmt_int(len(filing))} đơn vị đã nộp báo cáo"
    parts = []
    if counts.get("đúng hạn", 0):
        parts.append(f"{fmt_int(counts['đúng hạn'])} đơn vị nộp đúng hạn")
    late = filing.loc[filing["status"] == "trễ hạn", "unit"].tolist()
    if late:
        parts.append(f"{fmt_int(len(late))} đơn vị nộp trễ hạn ({', '.join(late)})")
    if parts:
        text += "; " + ", ".join(parts)
    missing = filing[filing["status"] == "chưa nộp"]
    if not missing.empty:
        deadline = pd.Timestamp(missing["deadline"].iloc[0]).date()
        when = days_to_deadline(deadline, figures.today) if figures.today else f"hạn nộp {fmt_date(deadline)}"
        text += f"; chưa nộp ({when}): {', '.join(missing['unit'])}"
    return text + "."


def summary_lines(store: Store, period_code: str, approved_only: bool = False,
                  today: dt.date | None = None) -> list[str]:
    """The staff, target and filing sentences of the report, as the Báo cáo page shows them."""
    figures = gather(store, period_code, details=False, approved_only=approved_only, today=today)
    return [staff_sentence(figures), *target_sentences(figures), filing_sentence(figures)]


def _people_and_money(participants, cost) -> str:
    """', 38 lượt người tham gia, kinh phí 68.500.000 đồng': each part only when recorded (and,
    for money, spent)."""
    text = f", {fmt_int(participants)} lượt người tham gia" if participants is not None else ""
    return text + (f", kinh phí {fmt_int(cost)} đồng" if cost else "")


def activity_lines(figures: Figures) -> list[str]:
    """One sentence per kind of activity, in the form's order (a kind outside it, after): how
    many, the people and money recorded, and up to three distinct examples. Grouped once: a
    province's year holds two hundred thousand activities."""
    acts = figures.activities
    if acts.empty:
        return []
    groups = acts.groupby("kind", sort=False)
    sizes = groups.size()
    people, money = groups["participants"].sum(min_count=1), groups["cost"].sum(min_count=1)
    rows_of = groups.indices
    kinds = [k for k in spec.ACTIVITY_KINDS if k in sizes.index] + [k for k in sizes.index
                                                                   if k not in spec.ACTIVITY_KINDS]
    lines = []
    for kind in kinds:
        text = f"{kind}: {fmt_int(sizes[kind])} hoạt động" + _people_and_money(
            None if is_missing(people[kind]) else int(people[kind]),
            None if is_missing(money[kind]) else int(money[kind]))
        examples = _distinct(acts["content"].iloc[rows_of[kind]], EXAMPLES)
        lines.append(f"{text}. Tiêu biểu: {'; '.join(examples)}." if examples else f"{text}.")
    return lines


def commune_intro(figures: Figures) -> str:
    rows = figures.commune_rows
    if rows.empty:
        return f"Trong {figures.words}, các đơn vị chưa báo cáo hoạt động nào tại xã {figures.commune}."
    sums = _people_and_money(_recorded_sum(rows["participants"]), _recorded_sum(rows["cost"]))
    return (f"Văn phòng UBND tỉnh được phân công giúp đỡ xã {figures.commune}. Trong {figures.words}, các đơn vị "
            f"đã thực hiện {fmt_int(len(rows))} hoạt động tại xã{sums}:")


def _clauses(values: pd.Series, template: str, zero_too: bool = True) -> pd.Series:
    """template.format(number) where a value was recorded (and, unless zero_too, is not 0), else ''.
    Column-wise: a province's commune section has twenty thousand lines."""
    known = values.notna()
    if not zero_too:
        known &= values.fillna(0).ne(0)
    texts = pd.Series("", index=values.index, dtype=object)
    texts[known] = [template.format(fmt_int(v)) for v in values[known]]
    return texts


def commune_lines(figures: Figures) -> list[str]:
    rows = figures.commune_rows
    if rows.empty:
        return []
    # A blank cost or count is pd.NA in the nullable column (its truth is ambiguous): notna, never `if`
    people = _clauses(rows["participants"], ", {} người tham gia")
    money = _clauses(rows["cost"], ", kinh phí {} đồng", zero_too=False)
    dates = rows["date"]
    when = ("Ngày " + fmt_dates(pd.to_datetime(dates)) + ", ").where(dates.notna(), "")
    return [f"{w}{unit}: {content}{p}{m}."
            for w, unit, content, p, m in zip(when, rows["unit"], rows["content"], people, money, strict=True)]


def event_lines(figures: Figures) -> list[str]:
    """One sentence per event, from the Sự kiện page's rows (one per event and unit)."""
    lines = []
    for event, rows in figures.events.groupby("event", sort=False):
        units = len(rows)
        registered, participants = _recorded_sum(rows["registered"]), _recorded_sum(rows["participants"])
        parts = []
        if registered is not None:
            noted = int(rows["registered"].notna().sum())
            parts.append(f"{fmt_int(registered)} người đăng ký" + (
                "" if noted == units else f" (số của {fmt_int(noted)} đơn vị có ghi số đăng ký)"))
        parts.append(f"{fmt_int(participants)} người tham gia từ {fmt_int(units)} đơn vị" if participants is not None
                     else f"{fmt_int(units)} đơn vị tham gia")
        date = rows["event_date"].iloc[0]
        text = f"{event}{'' if is_missing(date) else ', ngày ' + fmt_date(date)}: {', '.join(parts)}"
        achievements = [f"{a} ({u})" for u, a in zip(rows["unit"], rows["achievement"], strict=True)
                        if isinstance(a, str) and a.strip()]
        if achievements:
            text += f"; thành tích: {'; '.join(achievements)}"
        lines.append(text + ".")
    return lines


# ---------------------------------------------------------------- document


def _page(document) -> None:
    """A4 portrait, margins 20/20/30/15 mm, the body's styles (vanhoa.docx_layout)."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    set_up(document)


def _header(document, words: dict, period: Period) -> None:
    """The two-column header: the issuing body and the number; the national motto and the date."""
    header = document.add_table(rows=1, cols=2)  # the default table style: no borders
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(header, 72, 93)
    left, right = header.rows[0].cells
    number = (words.get("number") or "").strip() or "      "
    cell_lines(left, [("ỦY BAN NHÂN DÂN TỈNH SƠN LA", 12, False, False, False),
                      ("VĂN PHÒNG", 13, True, False, True), ("", 6, False, False, False),
                      (f"Số: {number}/BC-VPUB", 13, False, False, False)])
    cell_lines(right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, False, False),
                       ("Độc lập - Tự do - Hạnh phúc", 14, True, False, True), ("", 6, False, False, False),
                       (f"Sơn La, ngày      tháng      năm {period.year}", 14, False, True, False)])


def _office_part(body: Body, figures: Figures, words: dict) -> None:
    """The title and I: the Office, its units and its staff."""
    body.add(style=SPACER)
    body.add("BÁO CÁO", TITLE)
    body.add(f"Kết quả thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”, {figures.words}", SUBTITLE)
    body.add(words["context"])
    body.add("I. ĐẶC ĐIỂM, TÌNH HÌNH", HEADING)
    body.add(OFFICE_ROLE)
    body.add(f"Văn phòng UBND tỉnh có {len(figures.units):02d} phòng, ban, đơn vị, gồm: {', '.join(figures.units)}.")
    body.add(staff_sentence(figures))


def _lines(body: Body, lines: list[str], instead: str = "") -> None:
    for line in lines or ([instead] if instead else []):
        body.add(f"- {line}")


def _results_part(body: Body, figures: Figures) -> None:
    """II: the targets, the filing, the activities, the commune, the events."""
    body.add("II. KẾT QUẢ THỰC HIỆN", HEADING)
    if figures.provisional and figures.counted:
        # the cards' words, once for the whole section: each target's figure repeats them
        body.add(f"Số liệu {figures.note}; các chỉ tiêu của Văn phòng chưa được đánh giá đạt hay chưa đạt cho "
                 "đến khi đủ số liệu của các đơn vị.", NOTE)
    body.add("1. Kết quả thực hiện các chỉ tiêu của Kế hoạch", HEADING)
    _lines(body, target_sentences(figures))
    body.add("2. Tình hình báo cáo của các phòng, ban, đơn vị", HEADING)
    body.add(filing_sentence(figures))
    body.add("3. Các hoạt động hưởng ứng Phong trào", HEADING)
    if figures.period.kind == "Y":
        body.add(f"Số liệu {figures.words} gồm cả 6 tháng đầu năm; một hoạt động, sự kiện đơn vị báo cáo ở cả hai "
                 "kỳ được tính một lần.")
    _lines(body, activity_lines(figures), f"Trong {figures.words}, các đơn vị chưa báo cáo hoạt động nào.")
    body.add(f"4. Giúp đỡ {figures.commune_words}", HEADING)
    body.add(commune_intro(figures))
    _lines(body, commune_lines(figures))
    body.add("5. Tham gia các sự kiện văn hóa, thể thao", HEADING)
    _lines(body, event_lines(figures), f"Trong {figures.words}, các đơn vị chưa báo cáo việc tham gia sự kiện nào.")
    body.add("(Chi tiết số liệu của từng đơn vị tại Phụ lục kèm theo Báo cáo này.)", NOTE)


def _tasks_part(body: Body, period: Period, words: dict) -> None:
    """III: the tasks of the next period, numbered."""
    body.add(f"III. NHIỆM VỤ TRỌNG TÂM {next_period_words(period).upper()}", HEADING)
    tasks = [t.strip() for t in words["tasks"].splitlines() if t.strip()]
    for index, task in enumerate(tasks, start=1):
        body.add(f"{index}. {task}")


def _signature(document, words: dict) -> None:
    """Recipients on the left, the signer on the right, on one page."""
    footer = document.add_table(rows=1, cols=2)
    unsplit(footer)
    widths(footer, 80, 85)
    left, right = footer.rows[0].cells
    recipients = [("Nơi nhận:", 12, True, True, False)] + [
        (f"- {r.strip().lstrip('-').strip()}", 11, False, False, False)
        for r in words["recipients"].splitlines() if r.strip()]
    cell_lines(left, recipients, align=WD_ALIGN_PARAGRAPH.LEFT)
    signer = [(line.strip(), 14, True, False, False) for line in words["signer_title"].splitlines() if line.strip()]
    signer += [("", 14, False, False, False)] * 3 + [(words["signer_name"].strip(), 14, True, False, False)]
    cell_lines(right, signer)


def build_report(store: Store, period_code: str, narrative: dict | None = None, approved_only: bool = False,
                 today: dt.date | None = None) -> bytes:
    """The report of a period as a .docx (Nghị định 30's layout; the narrative's typed words where given)."""
    figures = gather(store, period_code, approved_only=approved_only, today=today)
    # Typed text goes in as text; a control character pasted with it would make python-docx refuse
    # the whole document (XML has no NUL), a bidi override would turn it around.
    words = default_narrative(figures.period, figures.commune) | {
        k: strip_controls(str(v)) for k, v in (narrative or {}).items() if v is not None}
    document = Document()
    _page(document)
    _header(document, words, figures.period)
    closing = document.add_paragraph("Văn phòng UBND tỉnh trân trọng báo cáo./.")  # Normal: the body's look
    closing.paragraph_format.keep_with_next = True  # with the signature below it
    body = Body(document, closing)  # everything between the header and the closing sentence
    _office_part(body, figures, words)
    _results_part(body, figures)
    _tasks_part(body, figures.period, words)
    _signature(document, words)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


APPENDIX_SHEETS = ("Chỉ tiêu", "Nộp báo cáo", "Hoạt động", "Giúp đỡ xã", "Sự kiện")
_EVENT_DATE = Column("event_date", "Ngày diễn ra", "date")


def appendix_tables(figures: Figures) -> list[tuple[str, list, pd.DataFrame]]:
    """The appendix's sheets: the very rows the report's sections count, one sheet per section
    (targets, filing, activities, the commune's activities, events), as the pages' tables show
    them (vanhoa.tables: Vietnamese headers, numbers and dates as numbers and dates)."""
    targets = pd.concat([figures.office.reset_index(), figures.per_unit], ignore_index=True)
    # the return each row came from, once the activities and events say it (a year holds two)
    source = ["source_period"] if "source_period" in figures.activities.columns else []
    event_source = ["source_period"] if "source_period" in figures.events.columns else []
    return [
        ("Chỉ tiêu", ["unit", "target", "target_name", "numerator", "denominator", "ratio", "goal", "status"],
         targets),
        ("Nộp báo cáo", ["unit", "status", "filed_at", "version", "deadline"], figures.filing),
        ("Hoạt động", ["unit", "date", "content", "kind", "commune", "place", "participants", "cost", "result",
                       "plan_item", *source], figures.activities),
        ("Giúp đỡ xã", ["date", "unit", "content", "kind", "place", "participants", "cost", "result", "plan_item"],
         figures.commune_rows),
        ("Sự kiện", ["event", _EVENT_DATE, "unit", "registered", "participants", "achievement", "note",
                     *event_source], figures.events),
    ]


def build_appendix(store: Store, period_code: str, approved_only: bool = False) -> bytes:
    """Phụ lục: exactly the rows the report counts, a sheet per section."""
    figures = gather(store, period_code, approved_only=approved_only)
    return human_book(appendix_tables(figures), period_labels(store.reference()))


def report_filenames(period_code: str) -> tuple[str, str]:
    return f"bao-cao_{period_code}.docx", f"bao-cao_{period_code}_phu-luc.xlsx"
