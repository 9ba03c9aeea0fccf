"""Chỉ tiêu: one target at a time, per unit against the goal, by staff group, numerator and
denominator shown; a unit that has not filed is shown as such, never left out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vanhoa import charts, formats, registry, targets_text, ui, vocabulary
from vanhoa.form import spec

CRITERIA = dict(spec.CRITERIA)
# Bars in the per-unit chart: a thousand units would draw a chart 28.000 px tall, and Altair
# validates every unit name of it at each rerun; past this many, the chart shows the units
# furthest from the goal and the table below keeps every unit.
CHART_UNITS = 30


@registry.page("targets")
def render() -> None:
    st.title("Chỉ tiêu của Kế hoạch")
    if not ui.busy_guard(ui.filed_periods):  # ten codes, not every version of the province
        st.info("Chưa có báo cáo nào được nộp, nên chưa có số liệu chỉ tiêu. Văn thư các đơn vị hãy vào mục "
                "**Nộp báo cáo** để tải lên báo cáo của đơn vị.")
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
    counted, expected = int(office["counted"]), int(office["expected"])
    nothing = office["status"] in ("chưa phê duyệt", "chưa nộp")  # no unit's figures count
    if nothing:
        # one sentence, not three cards of "—" and a verdict on nothing (the overview says the same)
        st.info(targets_text.NOTHING_APPROVED if office["status"] == "chưa phê duyệt" else targets_text.NOTHING_FILED)
    else:
        note = formats.provisional_note(counted, expected, approved_only) if office["provisional"] else None
        left, middle, right = st.columns(3)
        # while provisional: the note, in the words of the overview's cards, and no verdict
        left.metric(vocabulary.OFFICE_LABEL, ui.fmt_pct(office["ratio"]), note, delta_color="off", delta_arrow="off",
                    border=True, help=targets_text.counts_text(target, office["numerator"], office["denominator"],
                                                               counted, expected, approved_only))
        middle.metric("Tử số / mẫu số", f"{ui.fmt_int(office['numerator'])} / {ui.fmt_int(office['denominator'])}",
                      border=True, help=_definition(target))
        if note:
            right.metric("Mục tiêu", ui.fmt_goal(goal), "tạm tính", delta_color="off", delta_arrow="off", border=True)
        else:
            met = office["status"] == "đạt"
            right.metric("Mục tiêu", ui.fmt_goal(goal), "đạt" if met else "chưa đạt",
                         delta_color="normal" if met else "inverse", delta_arrow="off", border=True)
    with st.expander("Cách tính chỉ tiêu khi còn đơn vị chưa nộp", expanded=bool(office["provisional"])):
        st.markdown(targets_text.COUNTING_RULE)

    counts = units["status"].value_counts()
    waiting = f" · Chưa phê duyệt: **{counts['chưa phê duyệt']}**" if counts.get("chưa phê duyệt") else ""
    st.write(f"Đạt: **{counts.get('đạt', 0)}** · Chưa đạt: **{counts.get('chưa đạt', 0)}** · "
             f"Chưa nộp: **{counts.get('chưa nộp', 0)}**{waiting} (trên {len(units)} đơn vị)")
    if nothing:
        pass  # no bar to draw: every unit's ratio is empty (the table below says why)
    elif len(units) <= CHART_UNITS:
        charted = units
        title = f"{target}: tỷ lệ của từng đơn vị so với mục tiêu {ui.fmt_pct(goal, 0)}"
    else:
        # lowest ratio first, units that have not filed (no ratio) before them all
        charted = units.sort_values("ratio", na_position="first", kind="stable").head(CHART_UNITS)
        title = f"{target}: {CHART_UNITS} đơn vị có tỷ lệ thấp nhất so với mục tiêu {ui.fmt_pct(goal, 0)}"
    if not nothing:
        st.vega_lite_chart(_chart(charted, goal, title), width="stretch",
                           height=charts.bar_chart_height(len(charted)))
    if not nothing and len(charted) < len(units):
        st.caption(f"Biểu đồ: {CHART_UNITS} đơn vị có tỷ lệ thấp nhất (đơn vị chưa nộp trước); bảng dưới đây có "
                   f"đủ {ui.fmt_int(len(units))} đơn vị.")
    st.dataframe(pd.DataFrame({
        "Đơn vị": units["unit"],
        "Tử số": units["numerator"].map(ui.fmt_int),
        "Mẫu số": units["denominator"].map(ui.fmt_int),
        "Tỷ lệ": units["ratio"].map(ui.fmt_pct),
        "Tình trạng": units["status"],
    }), hide_index=True, width="stretch", height=ui.table_height(len(units)),
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
    # CHART_UNITS of them); st.vega_lite_chart sends them as Arrow, as st.altair_chart would.
    spec = charts.unit_bars(units, goal, title).to_dict()
    # Altair's default theme sizes a view 300 × 300; st.altair_chart turns that theme off
    if spec.get("config", {}).get("view") == {"continuousWidth": 300, "continuousHeight": 300}:
        spec["config"].pop("view")
        if not spec["config"]:
            spec.pop("config")
    return spec


def _definition(target: str) -> str:
    return {
        "T1": "Số người thực hiện tốt chuẩn mực đạo đức, văn hóa công sở / tổng số cán bộ, công chức, viên chức, "
              "lao động hợp đồng.",
        "T2": "Số người tham gia hoạt động văn hóa / tổng số cán bộ, công chức, viên chức, lao động hợp đồng.",
        "T3": "Số đơn vị đạt chuẩn văn hóa (đạt cả ba tiêu chuẩn) / số đơn vị phải báo cáo; "
              "đơn vị chưa nộp tính vào mẫu số.",
        "T4": "Số gia đình đạt danh hiệu Gia đình văn hóa / số gia đình của cán bộ, công chức, viên chức, lao động.",
    }[target]


def _groups(period: str, target: str, goal: float) -> None:
    st.subheader("Theo nhóm cán bộ")
    detail = ui.query("target_by_group", period=period, target=target)
    if detail.empty:
        st.info("Chưa có đơn vị nào nộp báo cáo trong kỳ này.")
        return
    groups = detail.groupby(["staff_group", "group_name"], sort=False)[["numerator", "denominator"]].sum().reset_index()
    groups["ratio"] = groups["numerator"] / groups["denominator"].where(groups["denominator"] > 0)
    st.dataframe(pd.DataFrame({
        "Nhóm": groups["group_name"],
        "Tử số": groups["numerator"].map(ui.fmt_int),
        "Mẫu số": groups["denominator"].map(ui.fmt_int),
        "Tỷ lệ": groups["ratio"].map(ui.fmt_pct),
        "So với mục tiêu": [("—" if pd.isna(r) else ("đạt" if r >= goal - 1e-12 else "chưa đạt"))
                            for r in groups["ratio"]],
    }), hide_index=True, width="stretch")
    with st.expander("Chi tiết theo đơn vị và nhóm"):
        detail = detail[detail["denominator"] > 0]
        st.dataframe(pd.DataFrame({
            "Đơn vị": detail["unit"],
            "Nhóm": detail["group_name"],
            "Tử số": detail["numerator"].map(ui.fmt_int),
            "Mẫu số": detail["denominator"].map(ui.fmt_int),
            "Tỷ lệ": (detail["numerator"] / detail["denominator"]).map(ui.fmt_pct),
        }), hide_index=True, width="stretch", height=ui.table_height(len(detail)))


def _standard(period: str, approved_only: bool) -> None:
    st.subheader("Theo tiêu chuẩn đơn vị văn hóa")
    criteria = ui.query("standard_criteria", period=period)
    table = criteria.pivot(index="unit", columns="criterion", values="status")
    table = table.reindex(criteria.drop_duplicates("unit")["unit"])
    summary = pd.DataFrame({
        "Tiêu chuẩn": [CRITERIA[c] for c in ("C1", "C2", "C3", "C4")],
        "Số đơn vị đạt": [int((table[c] == "đạt").sum()) for c in ("C1", "C2", "C3", "C4")],
        "Chưa đạt": [int((table[c] == "chưa đạt").sum()) for c in ("C1", "C2", "C3", "C4")],
        "Chưa nộp": [int((table[c] == "chưa nộp").sum()) for c in ("C1", "C2", "C3", "C4")],
    })
    if approved_only:  # filed, waiting for a leader: neither met nor missing
        summary["Chưa phê duyệt"] = [int((table[c] == "chưa phê duyệt").sum()) for c in ("C1", "C2", "C3", "C4")]
    st.dataframe(summary, hide_index=True, width="stretch")
    st.caption("Đơn vị đạt chuẩn văn hóa khi đạt cả ba tiêu chuẩn đầu; tiêu chuẩn thứ tư là việc đăng ký "
               "danh hiệu cho năm sau.")
