"""Tổng quan: the four targets, who missed which, who has filed, and the trend since 2022."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from vanhoa import charts, formats, registry, targets_text, ui, vocabulary

if TYPE_CHECKING:
    import pyarrow as pa

STATUS_BACKGROUND = {"đạt": "#E3F1E4", "chưa đạt": "#F9DEDC", "chưa nộp": "#ECECEC", "chưa phê duyệt": "#FFF1C2"}
FILING_STATUS = {"đúng hạn": "đạt", "trễ hạn": "chưa đạt", "chưa nộp": "chưa nộp"}  # its colour


@registry.page("overview")
def render() -> None:
    st.title("Tổng quan phong trào")
    st.caption("Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” giai đoạn 2022 - 2026 "
               "tại Văn phòng UBND tỉnh Sơn La")
    if not ui.busy_guard(ui.filed_periods):
        st.info("Chưa có báo cáo nào được nộp. Văn thư các đơn vị hãy vào mục **Nộp báo cáo** "
                "để tải biểu mẫu, điền và tải lên báo cáo của đơn vị.")
        return
    period = ui.selected_period()
    approved_only = bool(st.session_state.get(ui.APPROVED_KEY))
    st.subheader(f"Kỳ báo cáo: {ui.period_label(period)}")
    st.caption("Số liệu: chỉ các báo cáo đã được lãnh đạo phê duyệt." if approved_only
               else "Số liệu: mọi báo cáo đã nộp (bản đã phê duyệt được giữ cho đến khi bản mới được phê duyệt).")
    # The trend's Office rows of every period also hold last year's, which the cards compare
    # with: no query of a whole second period for four numbers.
    units = ("progress", {"period": period})
    filing = ("completeness", {"period": period, "today": ui.today()})
    office = ("progress", {"office_only": True})
    ui.prefetch(units, filing, office)

    # Each part is built from the query results once per data version (ui.derived), not at every
    # rerun: a province has a thousand units, each formatted in six cells.
    state = ui.derived(_period_state, units, approved_only=approved_only)
    st.markdown(ui.derived(_filing_rate, filing, units, today=ui.today(), approved_only=approved_only))
    if state["status"] == "chưa phê duyệt":
        st.info(targets_text.NOTHING_APPROVED)
    elif state["status"] == "chưa nộp":
        st.info(targets_text.NOTHING_FILED)
    else:
        _target_cards(period, units, office, approved_only)
    with st.container(border=True):
        st.markdown(ui.derived(_attention, units, filing))
    st.subheader("Kết quả từng đơn vị")
    _unit_table(units, filing, state["note"])
    st.subheader("Tình hình nộp báo cáo")
    _filing(filing)
    st.subheader("Diễn biến qua các kỳ (2022 - 2026)")
    _trends(office)


def previous_same_kind(period: str) -> str:
    """2023-H1 -> 2022-H1: the comparison a leader expects (a half-year against a half-year)."""
    year, kind = period.split("-")
    return f"{int(year) - 1}-{kind}"


def _period_state(progress: pd.DataFrame, approved_only: bool) -> dict:
    """The Office's status for the period ('chưa phê duyệt' / 'chưa nộp' when nothing counts) and,
    while fewer units count than are expected, the provisional note (None once complete)."""
    office = vocabulary.office_rows(progress)
    if office.empty:  # a period no unit is expected in
        return {"status": "chưa nộp", "note": None}
    row = office.iloc[0]
    note = (formats.provisional_note(int(row["counted"]), int(row["expected"]), approved_only)
            if row["provisional"] else None)
    return {"status": row["status"], "note": note}


def _filing_rate(filing: pd.DataFrame, progress: pd.DataFrame, today, approved_only: bool) -> str:
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


def _target_cards(period: str, units: tuple, office: tuple, approved_only: bool) -> None:
    previous_label = ui.period_label(previous_same_kind(period))
    for column, card in zip(st.columns(4), ui.derived(_cards, units, office, period=period,
                                                      approved_only=approved_only)):
        with column:
            goal = f"mục tiêu {ui.fmt_goal(card['goal'])}"
            if card["note"]:
                # no verdict on part of the Office: the figure, what it is made of, and a grey badge
                st.metric(card["label"], card["value"], card["note"], delta_color="off", delta_arrow="off",
                          border=True, help=card["help"])
                st.badge(f"Tạm tính ({goal})", color="gray", icon=":material/hourglass_top:")
                continue
            st.metric(card["label"], card["value"], card["delta"],
                      delta_description=f"so với {previous_label}" if card["delta"] else None,
                      border=True, help=card["help"])
            met = card["status"] == "đạt"
            st.badge(f"{'Đạt' if met else 'Chưa đạt'} ({goal})",
                     color="green" if met else "red", icon=":material/check:" if met else ":material/close:")


def _cards(progress: pd.DataFrame, office: pd.DataFrame, period: str, approved_only: bool) -> list[dict]:
    """The four targets of the whole Office. Complete, each with its change in points from the
    same kind of period a year before (none when either ratio is unknown); provisional, with the
    provisional note instead (a change measured on part of the Office is no change: T3 of 1 unit
    in 11 'falls' by 80 points)."""
    now = vocabulary.office_rows(progress)
    # a year before's provisional figures are no yardstick either
    before = office[(office["period"] == previous_same_kind(period)) & ~office["provisional"].astype(bool)]
    before_ratio = dict(zip(before["target"], before["ratio"]))
    cards = []
    for row in now.to_dict("records"):
        note = (formats.provisional_note(row["counted"], row["expected"], approved_only)
                if row["provisional"] else None)
        delta = None
        if not note and pd.notna(row["ratio"]) and pd.notna(before_ratio.get(row["target"])):
            delta = formats.fmt_points((row["ratio"] - before_ratio[row["target"]]) * 100)
        cards.append({
            "label": f"{row['target']}. {row['target_name']}", "value": ui.fmt_pct(row["ratio"]), "delta": delta,
            "note": note,
            "help": targets_text.counts_text(row["target"], row["numerator"], row["denominator"],
                                             row["counted"], row["expected"], approved_only),
            "status": row["status"], "goal": row["goal"],
        })
    return cards


# Names listed per line of "Cần chú ý trong kỳ" before "và N đơn vị khác": the Office's 11 units all fit.
ATTENTION_NAMES = 12


def _attention(progress: pd.DataFrame, filing: pd.DataFrame) -> str:
    """The one-look answer: which units missed which target, and who has not filed."""
    missed: dict[str, list[str]] = {}  # target -> the units that missed it, in the table's order
    units = vocabulary.unit_rows(progress)
    for unit, target, ratio, status in zip(*_columns(units, "unit", "target", "ratio", "status")):
        if status == "chưa đạt":
            missed.setdefault(target, []).append(
                ui.escape_md(unit) if target == "T3" else f"{ui.escape_md(unit)} ({ui.fmt_pct(ratio)})")
    lines = [f"- **{target} chưa đạt:** {_some(names, 'Kết quả từng đơn vị')}"
             for target, names in sorted(missed.items())]
    units, statuses = _columns(filing, "unit", "status")
    late = [ui.escape_md(u) for u, s in zip(units, statuses) if s == "trễ hạn"]
    missing = [ui.escape_md(u) for u, s in zip(units, statuses) if s == "chưa nộp"]
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
    return f"{', '.join(names[:ATTENTION_NAMES])} và {ui.fmt_int(rest)} đơn vị khác (xem bảng “{table}”)"


def _columns(frame: pd.DataFrame, *names: str) -> list[list]:
    """Columns as Python lists: a loop over a thousand units' rows reads lists many times faster
    than Arrow-backed columns (and pandas' pivot and group-by on them)."""
    return [frame[name].tolist() for name in names]


def _unit_table(units: tuple, filing: tuple, note: str | None) -> None:
    table, options = ui.derived(_unit_cells, units, filing)
    config = {"Đơn vị": st.column_config.TextColumn(pinned=True)}
    for header, values in options.items():
        config[header] = _pills(header, values)
    st.dataframe(table, hide_index=True, width="stretch", height=ui.table_height(len(table)), column_config=config)
    waiting = " · Vàng: chưa phê duyệt" if any(o.startswith("chưa phê duyệt|") for v in options.values() for o in v) \
        else ""
    st.caption((f"{vocabulary.OFFICE_LABEL} — {note}. " if note else "")
               + f"Xanh: đạt · Đỏ: chưa đạt (hoặc nộp trễ hạn) · Xám: chưa nộp{waiting}. T3: đơn vị đạt chuẩn "
               "văn hóa khi đạt cả ba tiêu chuẩn.")


def _unit_cells(progress: pd.DataFrame, filing: pd.DataFrame) -> tuple[pa.Table, dict[str, list[str]]]:
    """The unit x target table and each column's pill options (header -> values, first seen first)."""
    # Each cell is a pill in its status's colour (a pandas Styler painted the cells before: at
    # province scale styling 1,000 rows x 6 cells took a quarter of a second at every rerun).
    # A pill's value is "status|text" (the same text may be met in one cell and not in another,
    # 99,96 % shown as 100,0 %); it shows the text.
    cells: dict[str, dict[str, str]] = {}  # target -> unit -> pill
    goals: dict[str, float] = {}
    names: dict[str, None] = {}  # the units in the table's order
    for unit, target, ratio, status, goal in zip(*_columns(vocabulary.unit_rows(progress), "unit", "target", "ratio", "status", "goal")):
        names[unit] = None
        goals.setdefault(target, goal)
        cells.setdefault(target, {})[unit] = \
            f"{status}|" + (status if status in ("chưa nộp", "chưa phê duyệt") or target == "T3" else ui.fmt_pct(ratio))
    columns: dict[str, list] = {"Đơn vị": list(names)}
    options = {}
    for target in sorted(cells):
        header = f"{target} (mục tiêu {ui.fmt_pct(goals[target], 0)})"
        values = [cells[target].get(name) for name in names]
        columns[header] = [[v] if v else [] for v in values]
        options[header] = list(dict.fromkeys(v for v in values if v))
    filed = dict(zip(*_columns(filing, "unit", "status")))
    values = [f"{FILING_STATUS[s]}|{s}" if (s := filed.get(name)) in FILING_STATUS else None for name in names]
    columns["Nộp báo cáo"] = [[v] if v else [] for v in values]
    options["Nộp báo cáo"] = list(dict.fromkeys(v for v in values if v))
    return ui.arrow_table(pd.DataFrame(columns)), options


def _pills(header: str, options: list[str]):
    """A read-only column of pills: each "status|text" option shows its text in its status's colour."""
    return st.column_config.MultiselectColumn(
        header, options=options, color=[STATUS_BACKGROUND[o.split("|", 1)[0]] for o in options],
        format_func=lambda o: o.split("|", 1)[1])


def _filing(filing: tuple) -> None:
    summary, shown = ui.derived(_filing_table, filing)
    st.write(summary)
    st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)))


def _filing_table(filing: pd.DataFrame) -> tuple[str, pa.Table]:
    counts = filing["status"].value_counts()
    summary = (f"Đúng hạn: **{counts.get('đúng hạn', 0)}** · Trễ hạn: **{counts.get('trễ hạn', 0)}** · "
               f"Chưa nộp: **{counts.get('chưa nộp', 0)}** (trên {len(filing)} đơn vị)")
    shown = pd.DataFrame({
        "Đơn vị": filing["unit"],
        "Tình trạng": filing["status"],
        "Thời gian nộp": ui.fmt_times(filing["filed_at"]),
        "Phiên bản": filing["version"].map(ui.fmt_int),  # "—" for a unit that has not filed, not "None"
        "Hạn nộp": ui.fmt_dates(filing["deadline"]),
        "So với hạn": [ui.deadline_text(status, days)
                       for status, days in zip(*_columns(filing, "status", "days_after_deadline"))],
        "Phê duyệt": filing["approval"].fillna("—"),
    })
    return summary, ui.arrow_table(shown)


def _trends(office: tuple) -> None:
    # Two charts per row, row by row: a phone stacks a row's columns before the next row's, so
    # the charts read T1, T2, T3, T4 there too (one row of two columns read T1, T3, T2, T4).
    specs = ui.derived(_trend_specs, office)
    for start in range(0, len(specs), 2):
        for column, spec in zip(st.columns(2), specs[start:start + 2]):
            with column:
                st.vega_lite_chart(spec, width="stretch", height=280)


def _trend_specs(office: pd.DataFrame) -> list[dict]:
    """One chart spec per target: the whole Office over the plan's periods, with its goal."""
    periods = [(code, p.label) for code, p in ui.reference().periods.items() if 2022 <= p.year <= 2026]
    specs = []
    for target, rows in office.groupby("target", sort=True):
        goal = float(rows["goal"].iloc[0])
        specs.append(charts.target_trend(rows, periods, f"{target}. {rows['target_name'].iloc[0]}", goal))
    return specs
