"""Altair charts, readable at a glance: a title that says what is shown, Vietnamese axes, the goal
drawn as a rule, tooltips with the exact numbers. Every chart stretches to its container, so it
fits a 390 px phone as well as a desktop."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Vietnamese number format for Vega (d3-format): "." thousands, "," decimals.
VI_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " đ"]}
STATUS_COLORS = {"đạt": "#2E7D32", "chưa đạt": "#C62828", "chưa nộp": "#9E9E9E"}


def _status_scale() -> alt.Scale:
    return alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values()))


def target_trend(rows: pd.DataFrame, periods: list[tuple[str, str]], title: str, goal: float) -> alt.LayerChart:
    """One target of the whole Office over the periods of the plan, with its goal as a rule.

    `rows` has columns period, ratio, numerator, denominator, status; `periods` is the axis
    [(code, label)], so periods not filed yet still show on it."""
    labels = {code: short_period(code) for code, _ in periods}
    data = rows.assign(
        label=rows["period"].map(labels),
        full_label=rows["period"].map(dict(periods)),
        ratio_text=rows["ratio"].map(lambda r: "—" if pd.isna(r) else f"{r * 100:.1f}".replace(".", ",") + " %"),
        counts=[f"{_int(n)} / {_int(d)}" for n, d in zip(rows["numerator"], rows["denominator"])],
    )
    axis_order = [labels[code] for code, _ in periods]
    base = alt.Chart(data).encode(
        x=alt.X("label:N", sort=axis_order, scale=alt.Scale(domain=axis_order), title="Kỳ báo cáo",
                axis=alt.Axis(labelAngle=-45, labelLimit=80)),
    )
    line = base.mark_line(point=alt.OverlayMarkDef(size=70, filled=True), color="#1f5fa8").encode(
        y=alt.Y("ratio:Q", title="Tỷ lệ", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%")),
        tooltip=[alt.Tooltip("full_label:N", title="Kỳ"), alt.Tooltip("ratio_text:N", title="Tỷ lệ"),
                 alt.Tooltip("counts:N", title="Tử số / mẫu số"), alt.Tooltip("status:N", title="Tình trạng")],
    )
    rule = alt.Chart(pd.DataFrame({"goal": [goal], "text": [f"Mục tiêu {goal * 100:.0f} %"]})).mark_rule(
        color="#C62828", strokeDash=[6, 4], size=2).encode(y="goal:Q", tooltip=alt.Tooltip("text:N", title=""))
    return alt.layer(line, rule).properties(title=title, height=220, width="container")


def short_period(code: str) -> str:
    """'2022-H1' -> '6T/2022', '2022-Y' -> 'Năm 2022': axis labels that fit a phone."""
    year, kind = code.split("-")
    return f"6T/{year}" if kind == "H1" else f"Năm {year}"


def unit_bars(rows: pd.DataFrame, goal: float, title: str) -> alt.LayerChart:
    """Each unit's ratio for one target, coloured by status; a unit that has not filed shows a
    grey bar labelled 'chưa nộp' rather than disappearing."""
    data = rows.assign(
        shown=rows["ratio"].fillna(0.0),
        ratio_text=rows["ratio"].map(lambda r: "chưa nộp" if pd.isna(r) else f"{r * 100:.1f}".replace(".", ",") + " %"),
        counts=[f"{_int(n)} / {_int(d)}" for n, d in zip(rows["numerator"], rows["denominator"])],
    )
    order = list(data["unit"])
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("unit:N", sort=order, title=None, axis=alt.Axis(labelLimit=140, labelOverlap=False)),
        x=alt.X("shown:Q", title="Tỷ lệ", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%")),
        color=alt.Color("status:N", scale=_status_scale(), title=None,
                        legend=alt.Legend(orient="bottom", direction="horizontal", columns=3, labelLimit=90)),
        tooltip=[alt.Tooltip("unit:N", title="Đơn vị"), alt.Tooltip("ratio_text:N", title="Tỷ lệ"),
                 alt.Tooltip("counts:N", title="Tử số / mẫu số"), alt.Tooltip("status:N", title="Tình trạng")],
    )
    # Labels inside long bars (white) and just right of short or empty ones, so none leaves the plot.
    inside = alt.Chart(data).transform_filter("datum.shown >= 0.2").mark_text(
        align="right", dx=-4, fontSize=11, color="white").encode(
        y=alt.Y("unit:N", sort=order), x="shown:Q", text="ratio_text:N")
    outside = alt.Chart(data).transform_filter("datum.shown < 0.2").mark_text(
        align="left", dx=4, fontSize=11, color="#333").encode(
        y=alt.Y("unit:N", sort=order), x="shown:Q", text="ratio_text:N")
    rule = alt.Chart(pd.DataFrame({"goal": [goal]})).mark_rule(color="#C62828", strokeDash=[6, 4], size=2).encode(
        x="goal:Q")
    return alt.layer(bars, inside, outside, rule).properties(title=title, height=bar_chart_height(len(order)),
                                                             width="container")


def bar_chart_height(bars: int) -> int:
    """Pixels for a horizontal bar chart: room for every label (pass it to st.altair_chart too)."""
    return 28 * bars + 90


def _int(value) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{int(value):,}".replace(",", ".")
