"""Chỉ tiêu: one target at a time, per unit against the goal, by staff group, numerator and
denominator shown; a unit that has not filed is shown as such, never left out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vanhoa import charts, registry, targets_text, ui, vocabulary
from vanhoa.views import nothing_filed
from vanhoa.views import targets as view


@registry.page("targets")
def render() -> None:
    st.title("Chỉ tiêu của Kế hoạch")
    if not ui.busy_guard(ui.filed_periods):  # ten codes, not every version of the province
        st.info(nothing_filed("được nộp, nên chưa có số liệu chỉ tiêu"))
        return
    period = ui.selected_period()
    approved_only = bool(st.session_state.get(ui.APPROVED_KEY))
    progress = ui.query("progress", period=period)
    names = progress.drop_duplicates("target").set_index("target")["target_name"]
    target = st.segmented_control(
        "Chỉ tiêu", list(names.index), key="targets_pick", default="T1",
        format_func=lambda t: f"{t}. {names[t]}",
    ) or "T1"
    rows = progress[progress["target"] == target]
    office = vocabulary.office_rows(rows).iloc[0]
    units = vocabulary.unit_rows(rows)
    goal = float(office["goal"])

    st.subheader(f"{target}. {names[target]} — {ui.period_label(period)}")
    nothing = view.nothing_counts(office)  # no unit's figures count
    if nothing:
        # one sentence, not three cards of "—" and a verdict on nothing (the overview says the same)
        st.info(nothing)
    else:
        for column, card in zip(st.columns(3), view.office_cards(office, target, approved_only), strict=True):
            column.metric(**card, border=True)
    with st.expander("Cách tính chỉ tiêu khi còn đơn vị chưa nộp", expanded=bool(office["provisional"])):
        st.markdown(targets_text.COUNTING_RULE)

    st.write(view.unit_counts(units))
    if not nothing:  # else no bar to draw: every unit's ratio is empty (the table below says why)
        charted, title, caption = view.charted(units, target, goal)
        st.vega_lite_chart(_chart(charted, goal, title), width="stretch",
                           height=charts.bar_chart_height(len(charted)))
        if caption:
            st.caption(caption)
    st.dataframe(view.unit_table(units), hide_index=True, width="stretch", height=ui.table_height(len(units)),
                 column_config={"Đơn vị": st.column_config.TextColumn(pinned=True)})

    if nothing:
        return  # no group and no criterion counts either
    if target == "T3":
        _standard(period, approved_only)
    else:
        _groups(period, target, goal)


@st.cache_data(show_spinner=False, max_entries=64)
def _chart(units: pd.DataFrame, goal: float, title: str) -> dict:
    # Altair builds the spec and validates it against the schema (0.1-0.2 s): the same rows give
    # the same spec, so it is built once, not at every rerun. The rows travel inline (at most
    # view.CHART_UNITS of them); st.vega_lite_chart sends them as Arrow, as st.altair_chart would.
    spec = charts.unit_bars(units, goal, title).to_dict()
    # Altair's default theme sizes a view 300 × 300; st.altair_chart turns that theme off
    if spec.get("config", {}).get("view") == {"continuousWidth": 300, "continuousHeight": 300}:
        spec["config"].pop("view")
        if not spec["config"]:
            spec.pop("config")
    return spec


def _groups(period: str, target: str, goal: float) -> None:
    st.subheader("Theo nhóm cán bộ")
    detail = ui.query("target_by_group", period=period, target=target)
    if detail.empty:
        st.info("Chưa có đơn vị nào nộp báo cáo trong kỳ này.")
        return
    st.dataframe(view.group_table(detail, goal), hide_index=True, width="stretch")
    with st.expander("Chi tiết theo đơn vị và nhóm"):
        shown = view.group_detail(detail)
        st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)))


def _standard(period: str, approved_only: bool) -> None:
    st.subheader("Theo tiêu chuẩn đơn vị văn hóa")
    summary = view.standard_summary(ui.query("standard_criteria", period=period), approved_only)
    st.dataframe(summary, hide_index=True, width="stretch")
    st.caption("Đơn vị đạt chuẩn văn hóa khi đạt cả ba tiêu chuẩn đầu; tiêu chuẩn thứ tư là việc đăng ký "
               "danh hiệu cho năm sau.")
