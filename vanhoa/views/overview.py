"""Tổng quan, computed: the Office's status, the filing line, the four cards, "Cần chú ý trong
kỳ", the unit x target cells, the filing table and the trend charts' specs (pages/overview.py
lays them out, each built once per data version through ui.derived)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from vanhoa import charts, formats, targets_text, vocabulary

FILING_STATUS = {"đúng hạn": "đạt", "trễ hạn": "chưa đạt", "chưa nộp": "chưa nộp"}  # its colour
# Names listed per line of "Cần chú ý trong kỳ" before "và N đơn vị khác": the Office's 11 units all fit.
ATTENTION_NAMES = 12


def previous_same_kind(period: str) -> str:
    """2023-H1 -> 2022-H1: the comparison a leader expects (a half-year against a half-year)."""
    year, kind = period.split("-")
    return f"{int(year) - 1}-{kind}"


def period_state(progress: pd.DataFrame, approved_only: bool) -> dict:
    """The Office's status for the period ('chưa phê duyệt' / 'chưa nộp' when nothing counts) and,
    while fewer units count than are expected, the provisional note (None once complete)."""
    office = vocabulary.office_rows(progress)
    if office.empty:  # a period no unit is expected in
        return {"status": "chưa nộp", "note": None}
    row = office.iloc[0]
    note = (formats.provisional_note(int(row["counted"]), int(row["expected"]), approved_only)
            if row["provisional"] else None)
    return {"status": row["status"], "note": note}


def filing_rate(filing: pd.DataFrame, progress: pd.DataFrame, today, approved_only: bool) -> str:
    """The reporting-rate line beside the cards, as DHIS2 shows it: how many units expected have
    filed, how many count with the toggle, and, while some have not filed, the days to the deadline."""
    filed = int((filing["status"] != "chưa nộp").sum())
    parts = [f"**{formats.filing_rate(filed, len(filing))}**"]
    if approved_only:
        row = vocabulary.office_rows(progress).iloc[0]
        parts.append(f"{formats.fmt_int(row['counted'])}/{formats.fmt_int(row['expected'])} đơn vị "
                     f"{formats.counted_word(True)}")
    if filed < len(filing):  # the store's deadline of the period (an administrator may move it)
        parts.append(formats.days_to_deadline(pd.Timestamp(filing["deadline"].iloc[0]).date(), today))
    return " · ".join(parts)


def cards(progress: pd.DataFrame, office: pd.DataFrame, period: str, approved_only: bool) -> list[dict]:
    """The four targets of the whole Office. Complete, each with its change in points from the
    same kind of period a year before (none when either ratio is unknown); provisional, with the
    provisional note instead (a change measured on part of the Office is no change: T3 of 1 unit
    in 11 'falls' by 80 points)."""
    now = vocabulary.office_rows(progress)
    # a year before's provisional figures are no yardstick either
    before = office[(office["period"] == previous_same_kind(period)) & ~office["provisional"].astype(bool)]
    before_ratio = dict(zip(before["target"], before["ratio"], strict=True))
    built = []
    for row in now.to_dict("records"):
        note = (formats.provisional_note(row["counted"], row["expected"], approved_only)
                if row["provisional"] else None)
        delta = None
        if not note and pd.notna(row["ratio"]) and pd.notna(before_ratio.get(row["target"])):
            delta = formats.fmt_points((row["ratio"] - before_ratio[row["target"]]) * 100)
        built.append({
            "label": f"{row['target']}. {row['target_name']}", "value": formats.fmt_pct(row["ratio"]),
            "delta": delta, "note": note,
            "help": targets_text.counts_text(row["target"], row["numerator"], row["denominator"],
                                             row["counted"], row["expected"], approved_only),
            "status": row["status"], "goal": row["goal"],
        })
    return built


def attention(progress: pd.DataFrame, filing: pd.DataFrame, escape: Callable[[str], str]) -> str:
    """The one-look answer: which units missed which target, and who has not filed. Unit names
    are user text shown as Markdown: `escape` is the page's (ui.escape_md)."""
    missed: dict[str, list[str]] = {}  # target -> the units that missed it, in the table's order
    units = vocabulary.unit_rows(progress)
    for unit, target, ratio, status in zip(*columns(units, "unit", "target", "ratio", "status"), strict=True):
        if status == "chưa đạt":
            missed.setdefault(target, []).append(
                escape(unit) if target == "T3" else f"{escape(unit)} ({formats.fmt_pct(ratio)})")
    lines = [f"- **{target} chưa đạt:** {_some(names, 'Kết quả từng đơn vị')}"
             for target, names in sorted(missed.items())]
    names, statuses = columns(filing, "unit", "status")
    late = [escape(u) for u, s in zip(names, statuses, strict=True) if s == "trễ hạn"]
    missing = [escape(u) for u, s in zip(names, statuses, strict=True) if s == "chưa nộp"]
    lines.append(f"- **Chưa nộp:** {_some(missing, 'Tình hình nộp báo cáo') if missing else 'không có đơn vị nào'}")
    if late:
        lines.append(f"- **Nộp trễ hạn:** {_some(late, 'Tình hình nộp báo cáo')}")
    return "**Cần chú ý trong kỳ**\n\n" + "\n".join(lines)


def _some(names: list[str], table: str) -> str:
    """The names, or the first ATTENTION_NAMES and how many more (a province lists hundreds of units:
    a wall of names is not 'one look'; the table below has them all)."""
    if len(names) <= ATTENTION_NAMES:
        return ", ".join(names)
    rest = len(names) - ATTENTION_NAMES
    return f"{', '.join(names[:ATTENTION_NAMES])} và {formats.fmt_int(rest)} đơn vị khác (xem bảng “{table}”)"


def columns(frame: pd.DataFrame, *names: str) -> list[list]:
    """Columns as Python lists: a loop over a thousand units' rows reads lists many times faster
    than Arrow-backed columns (and pandas' pivot and group-by on them)."""
    return [frame[name].tolist() for name in names]


def unit_cells(progress: pd.DataFrame, filing: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The unit x target table and each column's pill options (header -> values, first seen first)."""
    # Each cell is a pill in its status's colour (a pandas Styler painted the cells before: at
    # province scale styling 1,000 rows x 6 cells took a quarter of a second at every rerun).
    # A pill's value is "status|text" (the same text may be met in one cell and not in another,
    # 99,96 % shown as 100,0 %); it shows the text.
    cells: dict[str, dict[str, str]] = {}  # target -> unit -> pill
    goals: dict[str, float] = {}
    names: dict[str, None] = {}  # the units in the table's order
    rows = columns(vocabulary.unit_rows(progress), "unit", "target", "ratio", "status", "goal")
    for unit, target, ratio, status, goal in zip(*rows, strict=True):
        names[unit] = None
        goals.setdefault(target, goal)
        shown = status if status in ("chưa nộp", "chưa phê duyệt") or target == "T3" else formats.fmt_pct(ratio)
        cells.setdefault(target, {})[unit] = f"{status}|{shown}"
    table: dict[str, list] = {"Đơn vị": list(names)}
    options = {}
    for target in sorted(cells):
        header = f"{target} (mục tiêu {formats.fmt_pct(goals[target], 0)})"
        values = [cells[target].get(name) for name in names]
        table[header] = [[v] if v else [] for v in values]
        options[header] = list(dict.fromkeys(v for v in values if v))
    filed = dict(zip(*columns(filing, "unit", "status"), strict=True))
    values = [f"{FILING_STATUS[s]}|{s}" if (s := filed.get(name)) in FILING_STATUS else None for name in names]
    table["Nộp báo cáo"] = [[v] if v else [] for v in values]
    options["Nộp báo cáo"] = list(dict.fromkeys(v for v in values if v))
    return pd.DataFrame(table), options


def filing_table(filing: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """The filing counts' line and the table of who filed when."""
    counts = filing["status"].value_counts()
    summary = (f"Đúng hạn: **{counts.get('đúng hạn', 0)}** · Trễ hạn: **{counts.get('trễ hạn', 0)}** · "
               f"Chưa nộp: **{counts.get('chưa nộp', 0)}** (trên {len(filing)} đơn vị)")
    shown = pd.DataFrame({
        "Đơn vị": filing["unit"],
        "Tình trạng": filing["status"],
        "Thời gian nộp": formats.fmt_times(filing["filed_at"]),
        "Phiên bản": filing["version"].map(formats.fmt_int),  # "—" for a unit that has not filed, not "None"
        "Hạn nộp": formats.fmt_dates(filing["deadline"]),
        "So với hạn": [formats.deadline_text(status, days)
                       for status, days in zip(*columns(filing, "status", "days_after_deadline"), strict=True)],
        "Phê duyệt": filing["approval"].fillna(formats.MISSING),
    })
    return summary, shown


def trend_specs(office: pd.DataFrame, periods: list[tuple[str, str]]) -> list[dict]:
    """One chart spec per target: the whole Office over `periods` (code, label), with its goal."""
    specs = []
    for target, rows in office.groupby("target", sort=True):
        goal = float(rows["goal"].iloc[0])
        specs.append(charts.target_trend(rows, periods, f"{target}. {rows['target_name'].iloc[0]}", goal))
    return specs
