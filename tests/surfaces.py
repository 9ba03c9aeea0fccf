"""Every surface's figures of one period, as one flat dictionary, for tests/test_one_truth.py.

A surface is a place a person reads a figure: a page (run through the app's router in AppTest),
a file a page or the command line gives, the report and its appendix. Each extractor finds its
values by their Vietnamese (or, for the command line's machine CSV, the spec's) labels, never by
their position, and turns them into the same keys and values:

    ("target", unit, "T1", "numerator" | "denominator")  -> int or None (not recorded)
    ("target", unit, "T1", "ratio")                       -> "99,1 %" (as the screen rounds it) or None
    ("commune", "activities" | "participants" | "money")  -> int or None
    ("event", name, "participants")                       -> int or None

`unit` is the unit's name, or OFFICE for the whole Office.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
from builders import signed_in
from docx import Document
from streamlit.testing.v1 import AppTest

from vanhoa.formats import fmt_pct

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
OFFICE = "Toàn Văn phòng"
TARGETS = ("T1", "T2", "T3", "T4")
# what a surface shows for a figure not recorded; 'None', 'nan', 'empty' or '<NA>' in a cell is a
# fault of the surface (issue 13), refused as no number
MISSING_TEXT = {"", "—"}

# ---------------------------------------------------------------- Vietnamese numbers

_NUM = r"\d+(?:\.\d{3})*"  # a whole number as written in Vietnamese: 5, 1.234, 68.500.000
_VN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_UNIT_WORDS = re.compile(r"\s*(đồng|đ|người|lượt|%)$")


def vn_number(value):
    """A figure as a person reads it: '1.234' -> 1234, '99,1' -> 99.1, '68.500.000 đ' -> 68500000,
    '—' or '' -> None; a number (an Excel cell) as it is. Anything else is an error, never a guess."""
    if value is None or isinstance(value, bool):
        return None if value is None else _refuse(value)
    if isinstance(value, (int, float)):
        return None if value != value else value  # NaN
    text = str(value).replace("\u00a0", " ").replace("\u202f", " ").strip()
    if text in MISSING_TEXT:
        return None
    bare = _UNIT_WORDS.sub("", text).strip()
    if not _VN_NUMBER.match(bare):
        _refuse(value)
    number = bare.replace(".", "").replace(",", ".")
    return float(number) if "." in number else int(number)


def machine_number(value):
    """A figure of the command line's machine CSV (cli.md): '1234', '0.9912', '' -> None."""
    text = "" if value is None else str(value).strip()
    if text == "":
        return None
    return float(text) if any(c in text for c in ".eE") else int(text)


def _refuse(value):
    raise ValueError(f"không phải một số viết kiểu Việt Nam: {value!r}")


def count(value, machine: bool = False):
    """A count or an amount as an int (None: not recorded)."""
    number = machine_number(value) if machine else vn_number(value)
    if number is None:
        return None
    if float(number) != int(number):
        raise ValueError(f"not a whole number: {value!r}")
    return int(number)


def ratio(value, machine: bool = False):
    """A ratio as the screen shows it, '99,1 %' (one decimal): from '99,1 %', '99,1%', a decimal
    0.9912 (machine CSV, an Excel cell) or '0,9912'."""
    if value is None:
        return None
    if isinstance(value, str) and "%" in value:
        number = vn_number(value.replace("%", ""))
        return None if number is None else fmt_pct(number / 100)
    number = machine_number(value) if machine and isinstance(value, str) else vn_number(value)
    return None if number is None else fmt_pct(number)


def unescape_md(text: str) -> str:
    """Text that went through ui.escape_md, as it reads on screen."""
    return re.sub(r"\\(.)", r"\1", text.replace("\u2060", ""))


# ---------------------------------------------------------------- tables (CSV, Excel, appendix)

# column -> the labels it goes by: the spec's machine name first, then the Vietnamese ones
LABELS = {
    "unit": ("unit", "Đơn vị"),
    "activities": ("activities", "Số hoạt động"),
    "target": ("target", "Chỉ tiêu", "Mã chỉ tiêu"),
    "numerator": ("numerator", "Tử số"),
    "denominator": ("denominator", "Mẫu số"),
    "ratio": ("ratio", "Tỷ lệ"),
    "commune": ("commune", "Xã/phường", "Xã, phường", "Xã"),
    "participants": ("participants", "Số người tham gia", "Tham gia", "Lượt người tham gia"),
    "cost": ("cost", "Kinh phí (đồng)", "Kinh phí"),
    "event": ("event", "Tên sự kiện", "Sự kiện"),
}


def _label(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


class Table:
    """A table read from a file: its header row is the first row (of the first 15) that names a
    unit column; a column is found by one of its labels (exact, or the label then ' (…)')."""

    def __init__(self, rows: list[list], where: str) -> None:
        self.where = where
        for index, row in enumerate(rows[:15]):
            labels = [_label(cell) for cell in row]
            if any(label in labels for label in map(_label, LABELS["unit"] + LABELS["event"])):
                self.header = [str(cell or "").strip() for cell in row]
                self.rows = [r for r in rows[index + 1:] if any(c not in (None, "") for c in r)]
                self.machine = self.header[0] in {names[0] for names in LABELS.values()} | {"period"}
                return
        raise AssertionError(f"{where}: không thấy hàng tiêu đề có cột 'Đơn vị' trong {rows[:3]!r}")

    def column(self, name: str, required: bool = True) -> int | None:
        for label in map(_label, LABELS[name]):
            for index, header in enumerate(map(_label, self.header)):
                if header == label or header.startswith(label + " ("):
                    return index
        if required:
            raise AssertionError(f"{self.where}: không có cột {LABELS[name]} trong {self.header}")
        return None

    def values(self, name: str) -> list:
        index = self.column(name)
        return [row[index] if index < len(row) else None for row in self.rows]


def csv_table(data: bytes, where: str) -> Table:
    text = data.decode("utf-8-sig")
    return Table(list(csv.reader(io.StringIO(text, newline=""))), where)


def screen_table(frame, where: str) -> Table:
    """A table as a page draws it (AppTest's st.dataframe value): its headers and shown cells."""
    return Table([list(frame.columns)] + frame.astype(object).where(frame.notna(), None).values.tolist(), where)


def xlsx_tables(data: bytes, where: str) -> dict[str, Table]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    tables = {}
    for sheet in book.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        try:
            tables[sheet.title] = Table(rows, f"{where} (trang '{sheet.title}')")
        except AssertionError:
            continue  # a sheet of notes, not a table
    book.close()
    return tables


def xlsx_table(data: bytes, where: str) -> Table:
    tables = xlsx_tables(data, where)
    assert tables, f"{where}: không có trang nào là bảng"
    return next(iter(tables.values()))


def _target_code(text) -> str:
    found = re.match(r"\s*(T\d)\b", str(text or ""))
    assert found, f"not a target: {text!r}"
    return found.group(1)


def progress_figures(table: Table) -> dict:
    """The target rows of a progress table (every unit and the Office)."""
    figures = {}
    columns = [table.values(c) for c in ("unit", "target", "numerator", "denominator", "ratio")]
    for unit, target, numerator, denominator, share in zip(*columns):
        if unit in (None, ""):
            continue
        unit, target = str(unit).strip(), _target_code(target)
        figures[("target", unit, target, "numerator")] = count(numerator, table.machine)
        figures[("target", unit, target, "denominator")] = count(denominator, table.machine)
        figures[("target", unit, target, "ratio")] = ratio(share, table.machine)
    return figures


def _sum(values: list):
    """The sum of the recorded values; None when none was recorded (as the pages add them up)."""
    recorded = [v for v in values if v is not None]
    return sum(recorded) if recorded else None


def commune_figures(table: Table, commune: str | None) -> dict:
    """Activities, people and money of the activity rows in `commune` (None: every row is)."""
    index = table.column("commune", required=commune is not None)
    rows = [r for r in table.rows if commune is None or _label(r[index]) == _label(commune)]
    people = [count(r[table.column("participants")], table.machine) for r in rows]
    money = [count(r[table.column("cost")], table.machine) for r in rows]
    return {("commune", "activities"): len(rows), ("commune", "participants"): _sum(people),
            ("commune", "money"): _sum(money)}


def event_figures(table: Table) -> dict:
    """People taking part in each event: the sum of its rows."""
    people: dict[str, list] = {}
    for event, participants in zip(table.values("event"), table.values("participants")):
        if event in (None, ""):
            continue
        people.setdefault(str(event).strip(), []).append(count(participants, table.machine))
    return {("event", event, "participants"): _sum(values) for event, values in people.items()}


# ---------------------------------------------------------------- pages (AppTest through the router)


class Page:
    """One AppTest of the app (app.py's router, signed in as an administrator) kept on one page;
    the period is chosen in the sidebar, as a person does. `managers` records the MediaFileManager
    AppTest makes at each run (the module's fixture), so the page reads the files of its own last run."""

    def __init__(self, path: str, managers: list, approved_only: bool = False) -> None:
        self.path = path
        self.managers = managers
        self.manager = None
        self.at = signed_in(AppTest.from_file(APP, default_timeout=60))
        # before the first run AppTest knows a page by its file: pages/x.py runs and hands over to
        # the router (Streamlit's legacy pages/ mode), which opens that page
        self.at.switch_page(path)
        self.run(self.at)
        if approved_only:  # the sidebar's "Chỉ số liệu đã phê duyệt", as a leader switches it on
            toggle = next(t for t in self.at.sidebar.toggle if t.label == "Chỉ số liệu đã phê duyệt")
            self.run(toggle.set_value(True))

    def run(self, widget_or_app) -> AppTest:
        widget_or_app.run()
        self.manager = self.managers[-1] if self.managers else None
        assert not self.at.exception, f"{self.path}: {[e.value for e in self.at.exception]}"
        return self.at

    def choose_period(self, code: str) -> AppTest:
        box = next(s for s in self.at.sidebar.selectbox if s.label == "Kỳ báo cáo")
        if box.value != code:
            self.run(box.select(code))
        return self.at

    def download(self, kind: str) -> bytes:
        """The file behind the page's 'Tải xuống CSV' / 'Tải xuống Excel' button (`kind` csv or xlsx),
        as a click gives it (a deferred file is written now, as the server does on a click)."""
        buttons = [b for b in self.at.download_button
                   if (kind == "csv" and "CSV" in b.label) or (kind == "xlsx" and "Excel" in b.label)]
        assert len(buttons) == 1, f"{self.path}: nút tải xuống {kind}: {[b.label for b in self.at.download_button]}"
        proto = buttons[0].proto
        url = proto.url or self.manager.execute_deferred(proto.deferred_file_id)
        return self.manager.read_file(url.rsplit("/", 1)[-1].split(".")[0]).content


def _metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label or m.label.startswith(label)]
    assert len(found) == 1, f"thẻ '{label}': {[m.label for m in at.metric]}"
    return found[0]


def _fraction(text: str) -> tuple:
    """'110 / 113' (anywhere in the text) -> (110, 113); '— / 11' -> (None, 11); words may follow
    each number: '9 đơn vị đạt chuẩn / 11 đơn vị phải báo cáo' -> (9, 11)."""
    text = re.sub(rf"tạm tính:\s*{_NUM}\s*/\s*{_NUM}", "", text or "")  # 'k/n đơn vị đã nộp' is no fraction
    found = re.search(rf"({_NUM}|—)(?:\s+[^\d/—()]*?)?\s*/\s*({_NUM}|—)", text)
    assert found, f"không thấy 'tử số / mẫu số' trong {text!r}"
    return count(found.group(1)), count(found.group(2))


def _said_why(at: AppTest, where: str) -> dict:
    """A page without its cards must say in a line that the period has no figures yet ('Chưa có
    đơn vị nào nộp báo cáo của kỳ này.'); the test checks that no unit has filed indeed."""
    said = [e.value for e in at.info]
    assert any(text.startswith("Chưa") for text in said), \
        f"{where}: không có thẻ số liệu, cũng không nói vì sao: {[e.value for e in at.markdown][:4]}"
    return silent("office", "units")


def _cell_text(cell) -> str:
    """A unit-table cell: a pill ['status|text'], or plain text."""
    if isinstance(cell, (list, tuple)) or hasattr(cell, "tolist"):
        cell = list(cell)
        if not cell:
            return ""
        cell = cell[0]
    text = str(cell)
    return text.split("|", 1)[1] if "|" in text else text


def overview_figures(at: AppTest) -> dict:
    """Tổng quan: each card (the Office's ratio, its numerator and denominator in the card's help)
    and the ratios of the unit x target table (T3's cells say đạt / chưa đạt, not a ratio)."""
    if not at.metric:  # no return in the period: one line says so, no card
        return _said_why(at, "Tổng quan")
    figures = {}
    for target in TARGETS:
        card = _metric(at, f"{target}.")
        figures[("target", OFFICE, target, "ratio")] = ratio(card.value)
        numerator, denominator = _fraction(card.help)
        figures[("target", OFFICE, target, "numerator")] = numerator
        figures[("target", OFFICE, target, "denominator")] = denominator
    tables = [d.value for d in at.dataframe if "Đơn vị" in d.value.columns
              and any(str(c).startswith("T1") for c in d.value.columns)]
    assert len(tables) == 1, "Tổng quan: bảng 'Kết quả từng đơn vị'"
    table = tables[0]
    for column in table.columns:
        found = re.match(r"(T\d)\b", str(column))
        if not found or found.group(1) == "T3":
            continue
        for unit, cell in zip(table["Đơn vị"], table[column]):
            text = _cell_text(cell)
            if "%" in text or text in MISSING_TEXT or text == "chưa nộp":
                figures[("target", str(unit), found.group(1), "ratio")] = ratio(text) if "%" in text else None
    return figures


def targets_figures(page: Page) -> dict[str, dict]:
    """Chỉ tiêu, each target picked in turn: the Office's cards and the per-unit table ('Chỉ
    tiêu'), and the Office's numerator and denominator added up from the table by staff group
    ('Chỉ tiêu: theo nhóm'; T3 has the standard's criteria instead)."""
    at, figures, groups = page.at, {}, {}
    if not at.metric:  # no return in the period: one line says so
        return {"Chỉ tiêu": _said_why(at, "Chỉ tiêu")}
    for target in TARGETS:
        page.run(at.segmented_control(key="targets_pick").set_value(target))
        figures[("target", OFFICE, target, "ratio")] = ratio(_metric(at, OFFICE).value)
        numerator, denominator = _fraction(_metric(at, "Tử số / mẫu số").value)
        figures[("target", OFFICE, target, "numerator")] = numerator
        figures[("target", OFFICE, target, "denominator")] = denominator
        frames = [d.value for d in at.dataframe if {"Tử số", "Mẫu số", "Tỷ lệ"} <= set(d.value.columns)]
        units = [f for f in frames if "Đơn vị" in f.columns and "Nhóm" not in f.columns]
        assert len(units) == 1, f"Chỉ tiêu {target}: bảng từng đơn vị"
        for unit, numerator, denominator, share in units[0][["Đơn vị", "Tử số", "Mẫu số", "Tỷ lệ"]].values:
            figures[("target", unit, target, "numerator")] = count(numerator)
            figures[("target", unit, target, "denominator")] = count(denominator)
            figures[("target", unit, target, "ratio")] = ratio(share)
        by_group = [f for f in frames if "Nhóm" in f.columns and "Đơn vị" not in f.columns]
        if target != "T3" and by_group:
            groups[("target", OFFICE, target, "numerator")] = _sum([count(v) for v in by_group[0]["Tử số"]])
            groups[("target", OFFICE, target, "denominator")] = _sum([count(v) for v in by_group[0]["Mẫu số"]])
    return {"Chỉ tiêu": figures, "Chỉ tiêu: theo nhóm": groups}


def commune_page_figures(at: AppTest) -> dict[str, dict]:
    """Xã: the headline cards (the money from the card's help: the card itself may shorten it),
    and, when the period has activities there, the per-unit table's sums and the activity list."""
    if not at.metric:  # no activity there in any period: the page says so in one line
        return {"Xã": {("commune", "activities"): 0, ("commune", "participants"): None, ("commune", "money"): None}}
    money = _metric(at, "Kinh phí")
    amounts = re.findall(rf"({_NUM})\s*(?:đ|đồng)\b", money.help or "")
    surfaces = {"Xã": {
        ("commune", "activities"): count(_metric(at, "Số hoạt động").value),
        ("commune", "participants"): count(_metric(at, "Lượt người tham gia").value),
        ("commune", "money"): count(amounts[-1]) if amounts else count(money.value),
    }}
    for frame in (d.value for d in at.dataframe):
        if {"Đơn vị", "Số hoạt động"} <= set(frame.columns):
            table = screen_table(frame, "Xã: theo đơn vị")
            surfaces["Xã: theo đơn vị"] = {
                ("commune", "activities"): _sum([count(v) for v in table.values("activities")]),
                ("commune", "participants"): _sum([count(v) for v in table.values("participants")]),
                ("commune", "money"): _sum([count(v) for v in table.values("cost")]),
            }
        elif {"Ngày", "Đơn vị", "Nội dung"} <= set(frame.columns):
            surfaces["Xã: danh sách"] = commune_figures(screen_table(frame, "Xã: danh sách"), None)
    return surfaces


def events_page_figures(at: AppTest) -> dict[str, dict]:
    """Sự kiện: the summary table's 'Tham gia' per event, each event's own box ('**N** người
    tham gia') and the sum of its table of units (the boxes and their tables come in one order)."""
    table, boxes, units = {}, {}, {}
    summaries = [d.value for d in at.dataframe if {"Sự kiện", "Tham gia"} <= set(d.value.columns)]
    assert len(summaries) <= 1
    for frame in summaries:
        for event, participants in zip(frame["Sự kiện"], frame["Tham gia"]):
            table[("event", event, "participants")] = count(participants)
    names, current = [], None
    for markdown in at.markdown:
        text = markdown.value
        if text.startswith("#### "):
            current = unescape_md(text[5:].strip())
            names.append(current)
        elif current and "người tham gia" in text:
            found = re.search(rf"\*\*({_NUM}|—)\*\* người tham gia", text)
            assert found, f"Sự kiện '{current}': {text!r}"
            boxes[("event", current, "participants")] = count(found.group(1))
            current = None
    details = [d.value for d in at.dataframe if {"Đơn vị", "Đăng ký", "Tham gia"} <= set(d.value.columns)]
    assert len(details) == len(names), f"Sự kiện: {len(names)} sự kiện, {len(details)} bảng từng đơn vị"
    for name, frame in zip(names, details):
        units[("event", name, "participants")] = _sum([count(v) for v in frame["Tham gia"]])
    return {"Sự kiện: bảng": table, "Sự kiện: từng sự kiện": boxes, "Sự kiện: bảng từng đơn vị": units}


# ---------------------------------------------------------------- the report and its appendix


def report_paragraphs(data: bytes) -> list[str]:
    return [p.text.strip() for p in Document(io.BytesIO(data)).paragraphs]


def _section(paragraphs: list[str], heading: re.Pattern) -> list[str]:
    """The paragraphs under the numbered heading that matches, up to the next heading."""
    start = next((i for i, p in enumerate(paragraphs) if heading.search(p)), None)
    assert start is not None, f"báo cáo: không có mục {heading.pattern!r}"
    out = []
    for text in paragraphs[start + 1:]:
        if re.match(r"^(\d+\.|[IVX]+\.)\s", text) or text.startswith("(Chi tiết"):
            break
        out.append(text)
    return out


_PCT = r"(?:—|\d{1,3}(?:,\d+)?\s?%)"


def report_figures(paragraphs: list[str], commune: str) -> dict:
    """The report's text: each target's sentence (the Office, and the units it names with their
    ratio), the commune's activities, the people of each event."""
    figures = {}
    targets = _section(paragraphs, re.compile(r"^1\.\s.*chỉ tiêu", re.I))
    if any(text.lstrip("- ").startswith("Chưa có số liệu") for text in targets):
        figures |= silent("office")
    for text in targets:
        head = re.match(r"^-?\s*Chỉ tiêu (\d)\b", text)
        if not head:
            continue
        target = f"T{head.group(1)}"
        found = re.search(rf"({_PCT})\s*\(\s*({_NUM}|—)\s*/\s*({_NUM}|—)", text)
        assert found, f"báo cáo, {target}: {text!r}"
        figures[("target", OFFICE, target, "ratio")] = ratio(found.group(1))
        figures[("target", OFFICE, target, "numerator")] = count(found.group(2))
        figures[("target", OFFICE, target, "denominator")] = count(found.group(3))
        missed = re.search(r"đơn vị chưa đạt:\s*(.*?)(?:;|\.$)", text)
        if missed and target != "T3":
            for unit, share in re.findall(rf"([^,;]+?)\s*\(({_PCT})\)", missed.group(1)):
                figures[("target", unit.strip(), target, "ratio")] = ratio(share)

    lines = _section(paragraphs, re.compile(r"^\d+\.\s.*(giúp đỡ xã|xã được giúp đỡ)", re.I))
    intro = " ".join(t for t in lines if not t.startswith("-"))
    items = [t for t in lines if t.startswith("-")]
    stated = re.search(rf"({_NUM})\s+hoạt động", intro)
    activities = count(stated.group(1)) if stated else (0 if "chưa" in intro else len(items))
    people = [count(n) for t in items for n in re.findall(rf"({_NUM})\s+(?:người|lượt người) tham gia", t)]
    money = [count(n) for t in items for n in re.findall(rf"kinh phí\s+({_NUM})\s*(?:đồng|đ)\b", t)]
    total_people = re.search(rf"({_NUM})\s+lượt người tham gia", intro)
    total_money = re.search(rf"kinh phí\s+({_NUM})\s*(?:đồng|đ)\b", intro)
    figures[("commune", "activities")] = activities
    figures[("commune", "participants")] = count(total_people.group(1)) if total_people else _sum(people)
    figures[("commune", "money")] = count(total_money.group(1)) if total_money else _sum(money)

    for text in _section(paragraphs, re.compile(r"^\d+\.\s.*sự kiện", re.I)):
        found = re.match(rf"^-\s*(.+?):\s.*?({_NUM}|—)\s+người tham gia", text)
        if found:  # the event's name, then maybe its date: 'Giải chạy …, ngày 22/05/2022: …'
            name = re.sub(r",\s*ngày \d{2}/\d{2}/\d{4}$", "", found.group(1).strip())
            figures[("event", name, "participants")] = count(found.group(2))
    return figures


def appendix_figures(data: bytes, commune: str) -> dict[str, dict]:
    """The appendix, read like the downloads: 'Phụ lục' (its sheets of targets, activities and
    events) and, when it has one, 'Phụ lục: Giúp đỡ xã' (the sheet of the commune's activities)."""
    tables = xlsx_tables(data, "Phụ lục")

    def sheet(*names: str) -> Table | None:
        found = [t for title, t in tables.items() if any(n.casefold() in title.casefold() for n in names)]
        assert len(found) <= 1, f"Phụ lục: trang {names} trong {list(tables)}"
        return found[0] if found else None

    targets, activities, events = sheet("Chỉ tiêu"), sheet("Hoạt động"), sheet("Sự kiện")
    assert targets and activities and events, f"Phụ lục: các trang {list(tables)}"
    surfaces = {"Phụ lục": {**progress_figures(targets), **commune_figures(activities, commune),
                            **event_figures(events)}}
    helped = sheet("Giúp đỡ xã", "Xã ")
    if helped is not None:
        surfaces["Phụ lục: Giúp đỡ xã"] = commune_figures(helped, None)
    return surfaces


# ---------------------------------------------------------------- comparing them

def silent(*families: str) -> dict:
    """What a surface gives when it says in words that a period has no figures of these families
    yet ("Chưa có số liệu …"): it neither gives nor lacks any of them."""
    return {("silent", name): True for name in families}


ABSENT = None  # a figure a surface does not give: the same as one it gives as not recorded


def family(key: tuple) -> str:
    if key[0] == "target":
        return "office" if key[1] == OFFICE else "units"
    return key[0]


def compare(surfaces: dict[str, dict], complete: dict[str, set[str]]) -> list[tuple]:
    """Every figure that two surfaces give differently: (figure, {value: [surfaces]}). A surface
    that lists a whole family of figures (`complete[surface]`) and lacks one of them gives it as
    not recorded (None): the report that leaves an event out disagrees with the page showing it,
    a page that says "no return yet" instead of its cards agrees with the files' empty cells."""
    keys = sorted({k for figures in surfaces.values() for k in figures if k[0] != "silent"}, key=repr)
    mismatches = []
    for key in keys:
        seen: dict = {}
        for name, figures in surfaces.items():
            if key in figures:
                seen.setdefault(figures[key], []).append(name)
            elif family(key) in complete.get(name, set()) and ("silent", family(key)) not in figures:
                seen.setdefault(ABSENT, []).append(name)
        if len(seen) > 1:
            mismatches.append((key, seen))
    return mismatches


def describe(period: str, mismatches: list[tuple]) -> str:
    lines = []
    for key, seen in mismatches:
        values = "; ".join(f"{'không có' if value is None else repr(value)}: {', '.join(names)}"
                           for value, names in seen.items())
        lines.append(f"{period} {' / '.join(map(str, key))} -> {values}")
    return "\n".join(lines)
