"""Sự kiện, computed: the period's events table, each event's line of numbers, which units its
chart draws, its achievements, the recurring events and each unit's people over the years
(pages/events.py lays them out)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from vanhoa import formats
from vanhoa.tables import Column

PLAN_YEARS = (2022, 2026)
# A bar per unit reads well up to about this many units; at province scale an event has a
# thousand, so its chart shows the units with the most people taking part (the table has all).
CHART_UNITS = 30
# An event's table of its units, and the download of the period's events: every event's table
# below, each row with the event's name and date (vanhoa.tables: the same cells on screen and in
# the files).
EVENT_UNITS = ["unit", Column("registered", "Đăng ký", "count"), Column("participants", "Tham gia", "count"),
               "achievement", "note"]
PARTICIPATION = ["event", "date", *EVENT_UNITS]


def summary_table(summary: pd.DataFrame, units: int) -> pd.DataFrame:
    """The period's events, of `units` units expected."""
    return pd.DataFrame({
        "Sự kiện": summary["event"],
        "Ngày": summary["date"].map(formats.fmt_date),
        "Đơn vị tham gia": [f"{n}/{units}" for n in summary["units"]],
        "Đăng ký": summary["registered"].map(formats.fmt_int),
        "Tham gia": summary["participants"].map(formats.fmt_int),
        "Đơn vị có thành tích": summary["units_with_achievement"].map(formats.fmt_int),
    })


def event_line(total: pd.Series, units: int) -> str:
    """One event's numbers in one line (three metric boxes would push a phone's chart off screen)."""
    registered = total["registered"]
    taking_part = f"**{formats.fmt_int(total['participants'])}** người tham gia"
    line = f"**{total['units']}/{units}** đơn vị tham gia · "
    if pd.isna(registered):
        return line + f"{taking_part} (các đơn vị không ghi số người đăng ký)"
    line += f"**{formats.fmt_int(registered)}** người đăng ký · {taking_part}"
    if registered:
        share = formats.fmt_pct(total["registered_participants"] / registered)
        line += (f" ({share} số người đăng ký)" if total["registered_units"] == total["units"] else
                 f" ({share} số người đăng ký, tính trên {total['registered_units']} đơn vị có ghi số đăng ký)")
    return line


def charted(rows: pd.DataFrame) -> tuple[pd.DataFrame, str, str | None]:
    """The units an event's chart draws, its title and, when it leaves units out, the caption."""
    if len(rows) <= CHART_UNITS:
        return rows, "Đăng ký và tham gia của từng đơn vị", None
    most = rows.sort_values("participants", ascending=False, kind="stable", na_position="last")
    return (most.head(CHART_UNITS), f"Đăng ký và tham gia: {CHART_UNITS} đơn vị đông người tham gia nhất",
            f"Biểu đồ: {CHART_UNITS} đơn vị có nhiều người tham gia nhất; bảng chi tiết có đủ "
            f"{formats.fmt_int(len(rows))} đơn vị.")


def achievements(rows: pd.DataFrame, escape: Callable[[str], str]) -> str:
    """The units' achievements at an event (user text shown as Markdown, `escape`d)."""
    achieved = rows[rows["achievement"].notna() & (rows["achievement"].astype(str).str.strip() != "")]
    if achieved.empty:
        return "**Thành tích:** chưa có đơn vị nào báo cáo thành tích."
    return "**Thành tích:**\n\n" + "\n".join(
        f"- {escape(unit)}: {escape(text)}" for unit, text in zip(achieved["unit"], achieved["achievement"],
                                                                  strict=True))


def recurring(trend: pd.DataFrame) -> pd.DataFrame:
    """The recurring events: the event list plans a yearly edition, or the data already has several years."""
    years_with_data = trend.groupby("series")["year"].transform("nunique")
    return trend[(trend["planned_editions"] > 1) | (years_with_data > 1)]


def trend_years(recurring_rows: pd.DataFrame) -> tuple[list[int], str]:
    """The trend's years (the plan's, and any later one with data) and the caption naming the empty ones."""
    years = list(range(PLAN_YEARS[0], max(PLAN_YEARS[1], int(recurring_rows["year"].max())) + 1))
    missing = [str(y) for y in years if y not in set(recurring_rows["year"])]
    return years, ("Mỗi cột là số người tham gia của một sự kiện trong một năm. "
                   + (f"Năm chưa có số liệu: {', '.join(missing)}." if missing else ""))


def series_table(rows: pd.DataFrame, order: list[str], unit_name: Callable[[str], str]) -> pd.DataFrame:
    """Each unit's people at one recurring event, a column a year; every unit of `order` (codes),
    so a leader sees who has never taken part."""
    table = rows.pivot_table(index="unit_code", columns="year", values="participants", aggfunc="sum")
    table = table.reindex(order)
    shown = pd.DataFrame({"Đơn vị": [unit_name(code) for code in order]})
    for year in sorted(table.columns):
        shown[f"Năm {year}"] = table[year].map(formats.fmt_int).tolist()
    return shown
