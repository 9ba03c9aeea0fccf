"""Xã được giúp đỡ (Chiềng Xuân): what the units did there over 2022-2026, by kind, the people
who took part and the money spent, per unit, and the list of activities.

The commune is the store's setting `supported_commune`, never a constant. The timeline always
shows the whole history with the period chosen in the sidebar in full colour; the numbers, the
per-unit view and the list cover the chosen period by default (what a leader reviews at the
period's meeting), or the whole plan at one click. An activity belongs to a period by its date,
so "Năm 2022" is the whole year, first half included, each activity counted once.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from pages.data import PAGE_ROWS
from vanhoa import charts, registry, tables, ui
from vanhoa.formats import MISSING
from vanhoa.tables import Column

PLAN_YEARS = (2022, 2026)
CHOSEN_PERIOD, WHOLE_PLAN = "period", "all"  # stable options: the sidebar's period may change
SCOPE_KEY = "commune_scope"
# A bar per unit reads well up to about this many units; a province has 1,000, so its chart
# shows the units that did the most and the table below it lists every unit.
CHART_UNITS = 30
# The activity list, on screen and in its files (vanhoa.tables): commune_activities' columns (its
# period is the one a row counts in: the period chosen, or over the whole plan the row's return's).
ACTIVITY_LIST = ["date", "unit", "content", "kind", "participants", Column("cost", "Kinh phí", "money"), "place",
                 "result", "plan_item", "period"]


@registry.page("commune")
def render() -> None:
    name = ui.busy_guard(lambda: ui.reference()).supported_commune
    commune = ui.escape_md(name)  # a setting an administrator types: shown as text in markdown
    st.title(f"Xã {commune}")
    st.caption(f"Xã được giúp đỡ: hoạt động của các đơn vị thuộc Văn phòng UBND tỉnh tại xã {commune}, "
               "giai đoạn 2022 - 2026.")
    if not ui.busy_guard(ui.filed_periods):  # ten codes, not every version of the province
        st.info(f"Chưa có báo cáo nào được nộp, nên chưa có hoạt động nào tại xã {commune} để hiển thị. "
                "Văn thư các đơn vị hãy vào mục **Nộp báo cáo** để tải biểu mẫu, điền và tải lên báo cáo "
                "của đơn vị.")
        return
    period = ui.selected_period()
    likely_scope = None if st.session_state.get(SCOPE_KEY) == WHOLE_PLAN else period  # the radio below says
    ui.prefetch(("commune_timeline", {}), ("commune_units", {"period": likely_scope}),
                ("commune_activities", {"period": likely_scope, "limit": PAGE_ROWS}))
    history = ui.query("commune_timeline")
    if history.empty:
        st.info(f"Chưa đơn vị nào báo cáo hoạt động tại xã {commune}. Hoạt động tại xã được ghi ở sheet "
                f"**Hoạt động** của biểu mẫu, cột **Xã/phường** là “{commune}”.")
        return

    label = ui.period_label(period)
    whole_label = f"Cả giai đoạn {PLAN_YEARS[0]} - {PLAN_YEARS[1]}"
    scope = st.radio("Phạm vi số liệu", [CHOSEN_PERIOD, WHOLE_PLAN], horizontal=True, key=SCOPE_KEY,
                     format_func=lambda s: whole_label if s == WHOLE_PLAN else f"{label} (kỳ đang chọn)")
    scope_period = None if scope == WHOLE_PLAN else period
    scope_label = whole_label if scope_period is None else label

    units = ui.query("commune_units", period=scope_period)
    _headline(units, history, scope_period, label)
    if scope_period is not None and units["activities"].sum() == 0:
        filed = ui.query("returns", period=period)["unit_code"].nunique()
        st.info(f"Trong {_in_sentence(label)}, chưa có hoạt động nào tại xã {commune} được báo cáo "
                f"(kỳ này {filed}/{len(units)} đơn vị đã nộp báo cáo). Biểu đồ dưới đây cho thấy các kỳ khác.")

    st.subheader("Diễn biến qua từng 6 tháng")
    _timeline(name, history, period, label)

    if units["activities"].sum() == 0:
        return
    st.subheader(f"Theo đơn vị: {scope_label}")
    _per_unit(name, units, scope_label)
    st.subheader(f"Danh sách hoạt động: {scope_label}")
    _activity_list(ui.query("commune_activities", period=scope_period, limit=PAGE_ROWS), scope_period)


def _in_sentence(label: str) -> str:
    """'Năm 2022' in the middle of a sentence: 'năm 2022'."""
    return label[:1].lower() + label[1:]


def _headline(units: pd.DataFrame, history: pd.DataFrame, scope_period: str | None, label: str) -> None:
    helped = int((units["activities"] > 0).sum())
    spent = units["cost"].sum(min_count=1)
    cells = [
        ("Số hoạt động", ui.fmt_int(units["activities"].sum()), "Hoạt động các đơn vị thực hiện tại xã"),
        ("Lượt người tham gia", ui.fmt_int(units["participants"].sum(min_count=1)),
         "Tổng số người tham gia của các hoạt động (một người tham gia hai hoạt động tính hai lượt)"),
        ("Kinh phí", ui.fmt_money_short(spent), f"Tổng kinh phí của các hoạt động tại xã: {ui.fmt_money(spent)}"),
        ("Đơn vị tham gia", f"{helped}/{len(units)}", "Số đơn vị có ít nhất một hoạt động tại xã"),
    ]
    for column, (title, value, help_text) in zip(st.columns(4), cells):
        column.metric(title, value, help=help_text, border=True)
    if scope_period is not None:
        activities, participants, cost = _whole_plan(history)
        st.caption(
            f"Cả giai đoạn {PLAN_YEARS[0]} - {PLAN_YEARS[1]}: {ui.fmt_int(activities)} hoạt động · "
            f"{ui.fmt_int(participants)} lượt người tham gia · {ui.fmt_money(cost)}."
            + (f" {label} gồm cả 6 tháng đầu năm; mỗi hoạt động tính theo ngày thực hiện, một lần."
               if ui.reference().periods[scope_period].kind == "Y" else "")
        )


def _whole_plan(history: pd.DataFrame) -> tuple:
    """The whole history's activities, people and money: the timeline's sums, the same distinct
    activities commune_units counts without a period, so the page need not run that query too
    (a third of a second at province scale). Only when nobody gave a number of people or an
    amount does the per-unit query decide between 0 and unknown (its idle units count 0)."""
    participants, cost = history["participants"].sum(min_count=1), history["cost"].sum(min_count=1)
    if pd.isna(participants) or pd.isna(cost):
        whole = ui.query("commune_units")
        return whole["activities"].sum(), whole["participants"].sum(min_count=1), whole["cost"].sum(min_count=1)
    return history["activities"].sum(), participants, cost


def _halves(history: pd.DataFrame) -> list[tuple[int, int]]:
    """The timeline's axis: every half-year of the plan, and any other half-year with data."""
    years = set(range(PLAN_YEARS[0], PLAN_YEARS[1] + 1)) | set(int(y) for y in history["year"])
    return [(year, half) for year in sorted(years) for half in (1, 2)]


def _chosen_halves(period: str, halves: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The half-years inside the chosen period: one for a half-year period, two for a year."""
    found = ui.reference().periods.get(period)
    if found is None:
        return set()
    return {(year, half) for year, half in halves
            if found.start <= dt.date(year, 1 if half == 1 else 7, 1) <= found.end}


def _timeline(commune: str, history: pd.DataFrame, period: str, label: str) -> None:
    halves = _halves(history)
    chosen = _chosen_halves(period, halves)
    left, right = st.columns(2)
    with left:
        st.vega_lite_chart(charts.commune_timeline(
            history, halves, chosen, "activities", [f"Số hoạt động tại xã {commune}", "theo loại hoạt động"]),
            width="stretch")
    with right:
        st.vega_lite_chart(charts.commune_timeline(
            history, halves, chosen, "participants", ["Lượt người tham gia", f"các hoạt động tại xã {commune}"],
            stack_by_kind=False), width="stretch")
        st.vega_lite_chart(charts.commune_timeline(
            history, halves, chosen, "cost", ["Kinh phí các hoạt động", f"tại xã {commune}"], stack_by_kind=False),
            width="stretch")
    st.caption(f"Nền vàng, cột đậm: {_in_sentence(label)} (kỳ đang chọn ở thanh bên); cột nhạt: các kỳ khác. "
               "Di chuột hoặc chạm vào cột để xem số liệu chính xác.")


def _per_unit(commune: str, units: pd.DataFrame, scope_label: str) -> None:
    if len(units) <= CHART_UNITS:
        st.vega_lite_chart(charts.commune_units(units, [f"Số hoạt động tại xã {commune}",
                                                        f"của từng đơn vị ({scope_label})"]), width="stretch")
    else:
        most = units.sort_values("activities", ascending=False, kind="stable").head(CHART_UNITS)
        st.vega_lite_chart(charts.commune_units(most, [f"Số hoạt động tại xã {commune}: {CHART_UNITS} đơn vị",
                                                       f"có nhiều hoạt động nhất ({scope_label})"]),
                           width="stretch")
        st.caption(f"Biểu đồ: {CHART_UNITS} đơn vị có nhiều hoạt động nhất; bảng dưới đây có đủ "
                   f"{ui.fmt_int(len(units))} đơn vị.")
    shown = pd.DataFrame({
        "Đơn vị": units["unit"],
        "Số hoạt động": units["activities"].map(ui.fmt_int),
        "Lượt người tham gia": units["participants"].map(ui.fmt_int),
        "Kinh phí": units["cost"].map(ui.fmt_money),
        "Hoạt động gần nhất": units["last_date"].map(ui.fmt_date),
    })
    st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)))
    idle = units.loc[units["activities"] == 0, "unit"].tolist()
    if idle:
        st.caption(f"Chưa có hoạt động tại xã ({_in_sentence(scope_label)}): {', '.join(map(ui.escape_md, idle))}.")


def _activity_list(rows: pd.DataFrame, scope_period: str | None) -> None:
    """The first PAGE_ROWS activities (a province's units report tens of thousands), and the
    files with every one, fetched when a download button is clicked."""
    total = int(rows["total_rows"].iloc[0]) if len(rows) else 0
    if total > len(rows):
        st.caption(f"Hiển thị {ui.fmt_int(len(rows))} hoạt động đầu trong {ui.fmt_int(total)} hoạt động; "
                   "tải về để có đủ.")
    shown = tables.screen_frame(rows, ACTIVITY_LIST, tables.period_labels(ui.reference()))
    st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)),
                 column_config={"Nội dung": st.column_config.TextColumn(width="large"),
                                "Kết quả, ghi chú": st.column_config.TextColumn(width="medium")},
                 placeholder=MISSING)
    st.caption("Nội dung đầy đủ: di chuột vào ô, hoặc tải xuống bảng dưới đây (tệp CSV và Excel có đúng các cột "
               "của bảng; ô “—” để trống trong tệp).")
    stem = f"hoat-dong-xa-{'ca-giai-doan' if scope_period is None else scope_period}"
    # taken now: the download runs outside the script run (the store as the page reads it: now,
    # or as it stood at the moment an administrator chose)
    store, approved_only = ui.view_store(), bool(st.session_state.get(ui.APPROVED_KEY, False))

    def every_row() -> pd.DataFrame:
        return store.query("commune_activities", period=scope_period, approved_only=approved_only)

    # written when clicked: Excel for a province's 100,000 rows takes longer than a rerun may
    ui.download_buttons_later(every_row, stem, key="commune_download", table=ACTIVITY_LIST)
