"""Xã được giúp đỡ, computed: the headline figures, the whole plan's sums, the timeline's
half-years, which units the chart draws and the per-unit table (pages/commune.py lays them out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from vanhoa import formats
from vanhoa.reference import Period
from vanhoa.tables import Column
from vanhoa.views import in_sentence

PLAN_YEARS = (2022, 2026)
WHOLE_LABEL = f"Cả giai đoạn {PLAN_YEARS[0]} - {PLAN_YEARS[1]}"
# A bar per unit reads well up to about this many units; a province has 1,000, so its chart
# shows the units that did the most and the table below it lists every unit.
CHART_UNITS = 30
# The activity list, on screen and in its files (vanhoa.tables): commune_activities' columns (its
# period is the one a row counts in: the period chosen, or over the whole plan the row's return's).
ACTIVITY_LIST = ["date", "unit", "content", "kind", "participants", Column("cost", "Kinh phí", "money"), "place",
                 "result", "plan_item", "period"]


def headline(units: pd.DataFrame) -> list[tuple[str, str, str]]:
    """The four cards (title, value, help) of what the units did at the commune."""
    helped = int((units["activities"] > 0).sum())
    spent = units["cost"].sum(min_count=1)
    return [
        ("Số hoạt động", formats.fmt_int(units["activities"].sum()), "Hoạt động các đơn vị thực hiện tại xã"),
        ("Lượt người tham gia", formats.fmt_int(units["participants"].sum(min_count=1)),
         "Tổng số người tham gia của các hoạt động (một người tham gia hai hoạt động tính hai lượt)"),
        ("Kinh phí", formats.fmt_money_short(spent),
         f"Tổng kinh phí của các hoạt động tại xã: {formats.fmt_money(spent)}"),
        ("Đơn vị tham gia", f"{helped}/{len(units)}", "Số đơn vị có ít nhất một hoạt động tại xã"),
    ]


def whole_plan(history: pd.DataFrame, per_unit: Callable[[], pd.DataFrame]) -> tuple:
    """The whole history's activities, people and money: the timeline's sums, the same distinct
    activities commune_units counts without a period, so the page need not run that query too
    (a third of a second at province scale). Only when nobody gave a number of people or an
    amount does the per-unit query (`per_unit`, asked only then) decide between 0 and unknown
    (its idle units count 0)."""
    participants, cost = history["participants"].sum(min_count=1), history["cost"].sum(min_count=1)
    if pd.isna(participants) or pd.isna(cost):
        whole = per_unit()
        return whole["activities"].sum(), whole["participants"].sum(min_count=1), whole["cost"].sum(min_count=1)
    return history["activities"].sum(), participants, cost


def whole_plan_caption(sums: tuple, period: Period, label: str) -> str:
    """The whole plan's figures under the chosen period's cards (a year includes its first half)."""
    activities, participants, cost = sums
    return (f"{WHOLE_LABEL}: {formats.fmt_int(activities)} hoạt động · "
            f"{formats.fmt_int(participants)} lượt người tham gia · {formats.fmt_money(cost)}."
            + (f" {label} gồm cả 6 tháng đầu năm; mỗi hoạt động tính theo ngày thực hiện, một lần."
               if period.kind == "Y" else ""))


def halves(history: pd.DataFrame) -> list[tuple[int, int]]:
    """The timeline's axis: every half-year of the plan, and any other half-year with data."""
    years = set(range(PLAN_YEARS[0], PLAN_YEARS[1] + 1)) | {int(y) for y in history["year"]}
    return [(year, half) for year in sorted(years) for half in (1, 2)]


def chosen_halves(period: Period | None, axis: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The half-years inside the chosen period: one for a half-year period, two for a year."""
    if period is None:
        return set()
    return {(year, half) for year, half in axis
            if period.start <= dt.date(year, 1 if half == 1 else 7, 1) <= period.end}


def charted(units: pd.DataFrame, commune: str, scope_label: str) -> tuple[pd.DataFrame, list[str], str | None]:
    """The units the per-unit chart draws, its title lines and, when it leaves units out, the caption."""
    if len(units) <= CHART_UNITS:
        return units, [f"Số hoạt động tại xã {commune}", f"của từng đơn vị ({scope_label})"], None
    most = units.sort_values("activities", ascending=False, kind="stable").head(CHART_UNITS)
    title = [f"Số hoạt động tại xã {commune}: {CHART_UNITS} đơn vị", f"có nhiều hoạt động nhất ({scope_label})"]
    caption = (f"Biểu đồ: {CHART_UNITS} đơn vị có nhiều hoạt động nhất; bảng dưới đây có đủ "
               f"{formats.fmt_int(len(units))} đơn vị.")
    return most, title, caption


def unit_table(units: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Đơn vị": units["unit"],
        "Số hoạt động": units["activities"].map(formats.fmt_int),
        "Lượt người tham gia": units["participants"].map(formats.fmt_int),
        "Kinh phí": units["cost"].map(formats.fmt_money),
        "Hoạt động gần nhất": units["last_date"].map(formats.fmt_date),
    })


def idle_caption(units: pd.DataFrame, scope_label: str, escape: Callable[[str], str]) -> str | None:
    """The units with no activity at the commune in the scope (names shown as Markdown, `escape`d)."""
    idle = units.loc[units["activities"] == 0, "unit"].tolist()
    if not idle:
        return None
    return f"Chưa có hoạt động tại xã ({in_sentence(scope_label)}): {', '.join(map(escape, idle))}."
