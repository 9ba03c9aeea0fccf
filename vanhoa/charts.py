"""Charts, readable at a glance: a title that says what is shown, Vietnamese axes, the goal drawn
as a rule, tooltips with the exact numbers. Every chart stretches to its container, so it fits a
390 px phone as well as a desktop.

The pages' charts are Vega-Lite specs (dicts) for st.vega_lite_chart, cheap enough to build at
every rerun; unit_bars is still an Altair chart (st.altair_chart, pages/targets.py)."""

from __future__ import annotations

import hashlib
import json

import altair as alt
import pandas as pd

from vanhoa import formats

# Vietnamese number format for Vega (d3-format): "." thousands, "," decimals.
VI_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " đ"]}
_VI_CONFIG = {"locale": {"number": VI_LOCALE}}  # on the axes of the Vega-Lite specs below
# every status progress.sql gives a unit (a status missing here would take a colour of the range)
STATUS_COLORS = {"đạt": "#2E7D32", "chưa đạt": "#C62828", "chưa nộp": "#9E9E9E",
                 "chưa phê duyệt": "#BDBDBD"}


def _status_scale() -> alt.Scale:
    return alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values()))


# ---------------------------------------------------------------- Vega-Lite specs
# The charts below are Vega-Lite specs written as dicts, for st.vega_lite_chart: Altair builds the
# same JSON but validates it against the schema at every render (0.1-0.3 s a chart). Their
# validity is checked once, by tests/test_charts.py, against the schema Altair ships.


class _Datasets:
    """The frames of one chart: each is named after its content and referred to by that name,
    as Streamlit names Altair's (a rerun with the same data sends the same name)."""

    def __init__(self) -> None:
        self.frames: dict[str, pd.DataFrame] = {}

    def __call__(self, frame: pd.DataFrame) -> dict:
        digest = hashlib.md5(frame.to_json(orient="split", index=False, date_format="iso").encode()).hexdigest()
        name = f"data-{digest}"
        self.frames[name] = frame
        return {"name": name}

    def spec(self, spec: dict) -> dict:
        """The top-level spec with the frames under "datasets" (Streamlit sends them as Arrow);
        when every layer reads the same frame, it is named once at the top, as Altair does."""
        layers = spec.get("layer", [])
        names = {json.dumps(layer.get("data"), sort_keys=True) for layer in layers}
        if len(names) == 1 and layers and "data" in layers[0]:
            spec = {"data": layers[0]["data"], **spec,
                    "layer": [{k: v for k, v in layer.items() if k != "data"} for layer in layers]}
        return {**spec, "datasets": dict(self.frames)}


def _nominal(field: str, **more) -> dict:
    return {"field": field, "type": "nominal", **more}


def _quantitative(field: str, **more) -> dict:
    return {"field": field, "type": "quantitative", **more}


def _tip(field: str, title: str) -> dict:
    return {"field": field, "type": "nominal", "title": title}


TREND_COLOR = "#1f5fa8"
GOAL_COLOR = "#E08E0B"  # amber: not the blue of the figures, nor the red that means "chưa đạt"
_LABEL_ROOM = 15  # percentage points of y axis above the highest point or goal, for a label above it
PROVISIONAL = "tạm tính"  # the Office's status while fewer units count than are expected (progress.sql)
_COMPLETE = "đủ"  # the other points' `figure` (never shown: the legend names only PROVISIONAL)
_LOW = 15  # below this ratio (in %) a label under its point would run into the x axis: it goes above
_LEVEL = 3  # percentage points: a point this close to its neighbours' mean is on a level stretch
_CLOSE = 12  # percentage points: about a label's height on the y axis; two labels closer could touch


def trend_points(rows: pd.DataFrame, periods: list[tuple[str, str]]) -> pd.DataFrame:
    """The periods of `periods` (the axis, in order) that have a ratio, one row each.

    `segment` numbers the runs: consecutive periods with data share a segment, a period without
    data ends it. The line is drawn per segment, so an empty period is a gap and a segment of one
    period is a lone point. (Vega-Lite breaks a line at a null only where a null row is there, and
    the axis has periods no row mentions.) `figure` tells a provisional figure from a complete
    one; `side` says where the value's label goes (_label_sides)."""
    by_period = {row["period"]: row for row in rows.to_dict("records") if not formats.is_missing(row["ratio"])}
    records, segment, previous_had_data = [], 0, False
    for position, (code, full_label) in enumerate(periods):
        row = by_period.get(code)
        if row is None:
            previous_had_data = False
            continue
        if not previous_had_data:
            segment += 1
        previous_had_data = True
        records.append({
            "period": code, "label": short_period(code), "full_label": full_label, "segment": segment,
            "percent": float(row["ratio"]) * 100, "ratio_text": formats.fmt_pct(row["ratio"]),
            "counts": f"{formats.fmt_int(row['numerator'])} / {formats.fmt_int(row['denominator'])}",
            "status": row["status"], "figure": PROVISIONAL if row["status"] == PROVISIONAL else _COMPLETE,
            "position": position,
        })
    columns = ["period", "label", "full_label", "segment", "percent", "ratio_text", "counts", "status", "figure"]
    points = pd.DataFrame(records, columns=[*columns, "position"])
    return points.assign(side=_label_sides(points))[[*columns, "side"]]


def _label_sides(points: pd.DataFrame) -> list[str]:
    """Where each point's label goes: 'above' or 'below' the point, or 'higher' (a second row above).

    Away from the line: on the side of a point that its neighbours in the segment are not (below
    a point the line climbs from, above one it falls from). Where the line runs level through a
    point, or for a lone point, on the other side from the label before it, so neighbouring labels
    at one height stand one above, one below the line (ten of them then fit a 390 px phone); and
    two neighbours at nearly one height never share a side (the second gives way, even towards
    the line: its halo keeps it readable). Near 0 %, where a label under the point would run into
    the x axis, the label goes above, or a row higher."""
    records = points.to_dict("records")
    sides: list[str] = []
    for index, point in enumerate(records):
        previous = records[index - 1] if index and records[index - 1]["segment"] == point["segment"] else None
        neighbours = [other["percent"] for other in records[max(index - 1, 0):index + 2]
                      if other is not point and other["segment"] == point["segment"]]
        lean = point["percent"] - sum(neighbours) / len(neighbours) if neighbours else 0.0
        if abs(lean) >= _LEVEL:
            side = "above" if lean > 0 or point["percent"] < _LOW else "below"
        else:
            side = _other_side(sides[-1], point["percent"]) if previous else "above"
        if previous and side == sides[-1] and abs(point["percent"] - previous["percent"]) < _CLOSE:
            side = _other_side(side, point["percent"])  # the two labels would stand side by side
        sides.append(side)
    return sides


def _other_side(side: str, percent: float) -> str:
    if side != "above":
        return "above"
    return "higher" if percent < _LOW else "below"


def target_trend(rows: pd.DataFrame, periods: list[tuple[str, str]], title: str, goal: float) -> dict:
    """One target of the whole Office over the periods of the plan, with its goal as a rule.

    `rows` has columns period, ratio, numerator, denominator, status; `periods` is the axis
    [(code, label)], so periods not filed yet still show on it, each labelled. A period without
    a ratio is a gap in the line (trend_points); each point has its value written next to it, so
    a value by the goal (99,1 % by 100 %) is read, not guessed; the goal is a dashed rule of its
    own colour, drawn under the points and named in the legend ("Mục tiêu 100 %"), where no
    point can cover its name."""
    points = trend_points(rows, periods)
    axis_order = [short_period(code) for code, _ in periods]
    goal_text = f"Mục tiêu {formats.fmt_goal(goal)}"
    # The y axis reaches above the goal and the highest point: neither sits on the plot's edge,
    # and a label above the highest point stays inside the chart.
    top = max([100.0, goal * 100, *points["percent"]]) + _LABEL_ROOM
    x = _nominal("label", sort=axis_order, scale={"domain": axis_order}, title=None,
                 axis={"labelAngle": -45, "labelAlign": "right", "labelLimit": 120, "labelOverlap": False})
    y_scale = {"domain": [0, top], "nice": False}
    # every layer that reads y says the same of its axis: Vega-Lite merges them, the first layer first
    y_axis = {"values": [0, 20, 40, 60, 80, 100], "format": "d", "labelExpr": "datum.label + ' %'",
              "labelOverlap": False}
    y = _quantitative("percent", title=None, scale=y_scale, axis=y_axis)
    tooltip = [_tip("full_label", "Kỳ"), _tip("ratio_text", "Tỷ lệ"), _tip("counts", "Tử số / mẫu số"),
               _tip("status", "Tình trạng")]
    datasets = _Datasets()
    frame = datasets(points)
    rule = _goal_rule(datasets, goal * 100, goal_text, y_scale, y_axis)
    line = {"data": frame, "mark": {"type": "line", "color": TREND_COLOR, "strokeWidth": 2},
            "encoding": {"x": x, "y": y, "detail": _nominal("segment")}}
    # a provisional figure (fewer units counted than expected: progress.sql's 'tạm tính') is a hollow
    # point, named in the legend when there is one: it is not yet the Office's figure
    provisional = bool((points["status"] == PROVISIONAL).any())
    dots = {"data": frame, "mark": {"type": "point", "size": 70, "color": TREND_COLOR, "opacity": 1, "strokeWidth": 2},
            "encoding": {"x": x, "y": y, "tooltip": tooltip, "fill": _nominal(
                "figure", title=None, scale={"domain": [PROVISIONAL, _COMPLETE], "range": ["white", TREND_COLOR]},
                legend={"orient": "top", "offset": 4, "padding": 0, "values": [PROVISIONAL], "symbolType": "circle",
                        "symbolStrokeColor": TREND_COLOR, "symbolStrokeWidth": 2, "labelFontSize": 12}
                if provisional else None)}}
    labels = _value_labels(frame, x, y)
    # the goal first: the points are drawn over it, never under it. 320 px in all: Streamlit fits
    # the title, the legend and the axes inside it.
    return datasets.spec({"layer": [rule, line, dots, *labels], "title": {"text": title, "offset": 4},
                          "height": 320, "width": "container", "config": _VI_CONFIG,
                          # SVG, not canvas: the labels are text a browser (and a test) can read
                          "usermeta": {"embedOptions": {"renderer": "svg"}}})


def _goal_rule(datasets, percent: float, text: str, y_scale: dict, y_axis: dict) -> dict:
    """The goal as a dashed rule of its own colour, named in the legend ("Mục tiêu 100 %")."""
    return {
        "data": datasets(pd.DataFrame({"goal": [percent], "text": [text]})),
        "mark": {"type": "rule", "strokeDash": [6, 4], "size": 2},
        "encoding": {
            "y": _quantitative("goal", title=None, scale=y_scale, axis=y_axis),
            "color": _nominal("text", title=None, scale={"domain": [text], "range": [GOAL_COLOR]},
                              legend={"orient": "top", "offset": 4, "padding": 0, "symbolType": "stroke",
                                      "symbolDash": [6, 4], "symbolStrokeWidth": 2, "symbolSize": 400,
                                      "labelFontSize": 12, "labelLimit": 200}),
            "tooltip": _tip("text", "Mục tiêu"),
        },
    }


def _value_labels(frame, x: dict, y: dict) -> list[dict]:
    """Each point's value written by it, on the side trend_points chose: twice, a white halo
    then the text over it, so neither the goal's rule nor the line crosses the digits."""
    labels = []
    placements = {"above": {"baseline": "bottom", "dy": -7}, "below": {"baseline": "top", "dy": 7},
                  "higher": {"baseline": "bottom", "dy": -21}}
    for side, placement in placements.items():
        mark = {"type": "text", "fontSize": 11, **placement}
        shown = {"data": frame, "transform": [{"filter": {"field": "side", "equal": side}}],
                 "encoding": {"x": x, "y": y, "text": _nominal("ratio_text")}}
        labels += [{**shown, "mark": {**mark, "stroke": "white", "strokeWidth": 4, "strokeJoin": "round"}},
                   {**shown, "mark": {**mark, "color": "#222"}}]
    return labels


def short_period(code: str) -> str:
    """'2022-H1' -> '6T/2022', '2022-Y' -> 'Năm 2022': axis labels that fit a phone."""
    year, kind = code.split("-")
    return f"6T/{year}" if kind == "H1" else f"Năm {year}"


def unit_bars(rows: pd.DataFrame, goal: float, title: str) -> alt.LayerChart:
    """Each unit's ratio for one target, coloured by status; a unit without a ratio shows a grey
    bar labelled with its status ('chưa nộp', or 'chưa phê duyệt' when only approved returns
    count) rather than disappearing."""
    data = rows.assign(
        shown=rows["ratio"].fillna(0.0),
        ratio_text=[status if formats.is_missing(r) else formats.fmt_pct(r)
                    for r, status in zip(rows["ratio"], rows["status"])],
        counts=[f"{formats.fmt_int(n)} / {formats.fmt_int(d)}" for n, d in zip(rows["numerator"], rows["denominator"])],
    )
    order = list(data["unit"])
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("unit:N", sort=order, title=None, axis=alt.Axis(labelLimit=140, labelOverlap=False)),
        x=alt.X("shown:Q", title="Tỷ lệ", scale=alt.Scale(domain=[0, 1]),
                  # "50 %" as the glossary writes a percentage (d3's ".0%" gives "50%")
                  axis=alt.Axis(values=[0, 0.2, 0.4, 0.6, 0.8, 1], labelExpr="round(datum.value * 100) + ' %'")),
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


# ---------------------------------------------------------------- the supported commune, events

KIND_COLORS = {
    "Giúp đỡ xã": "#1f5fa8", "Tuyên truyền": "#6A8EC8", "Văn hóa - văn nghệ": "#8E44AD",
    "Thể dục - thể thao": "#E67E22", "Bảo vệ môi trường": "#2E7D32", "Nhân đạo - từ thiện": "#C62828",
    "Thi đua - khen thưởng": "#B8860B", "Khác": "#7F7F7F",
}
_SERIES_COLORS = ["#1f5fa8", "#E67E22", "#2E7D32", "#8E44AD", "#B8860B", "#6A8EC8", "#7F7F7F"]  # no red: not "bad"
_FADED = 0.35  # bars outside the chosen period: still readable, clearly in the background
# Streamlit fits a chart's title, axes and legend inside its height: the heights below are totals.
# A title may be a list of lines: a long title on one line is cut at 390 px.



def half_year_label(year: int, half: int, short: bool = False) -> str:
    """(2022, 1) -> '6 tháng đầu năm 2022' or, on an axis, '6T đầu 2022'."""
    if short:
        return f"6T {'đầu' if half == 1 else 'cuối'} {year}"
    return f"6 tháng {'đầu' if half == 1 else 'cuối'} năm {year}"


def _timeline_rows(rows: pd.DataFrame, chosen: set[tuple[int, int]], measure: str, stack_by_kind: bool):
    """commune_timeline's rows with their labels, the chosen flag, the measure's value and the
    tooltip's texts (one bar per kind, or one per half-year when not stacked by kind)."""
    data = rows.copy()
    if not stack_by_kind:
        data = data.groupby(["year", "half"], as_index=False)[["activities", "participants", "cost"]].sum(min_count=1)
        data["kind"] = "Tất cả"
    data["label"] = [half_year_label(y, h, short=True) for y, h in zip(data["year"], data["half"])]
    data["full_label"] = [half_year_label(y, h) for y, h in zip(data["year"], data["half"])]
    data["chosen"] = [(y, h) in chosen for y, h in zip(data["year"], data["half"])]
    data["value"] = data[measure].astype("float").fillna(0.0)
    data["activities_text"] = data["activities"].map(formats.fmt_int)
    data["participants_text"] = data["participants"].map(formats.fmt_int)
    data["cost_text"] = data["cost"].map(formats.fmt_money)
    return data


def commune_timeline(rows: pd.DataFrame, halves: list[tuple[int, int]], chosen: set[tuple[int, int]],
                     measure: str, title, stack_by_kind: bool = True) -> dict:
    """One measure of the activities in the supported commune in each half-year; the half-years
    of the chosen period in full colour, the others faded; the total written above each bar
    (except money, whose long numbers would collide on a phone: it is in the tooltip).

    `rows` has columns year, half, kind, activities, participants, cost (commune_timeline.sql);
    `halves` is the axis [(year, half)], so half-years without activities still show on it;
    `measure` is one of activities, participants, cost; `stack_by_kind` colours by kind."""
    axis_titles = {"activities": "Số hoạt động", "participants": "Lượt người", "cost": "Kinh phí (đồng)"}
    data = _timeline_rows(rows, chosen, measure, stack_by_kind)
    order = [half_year_label(y, h, short=True) for y, h in halves]
    tooltip = [_tip("full_label", "Thời gian")]
    if stack_by_kind:
        tooltip.append(_tip("kind", "Loại hoạt động"))
    tooltip += [_tip("activities_text", "Số hoạt động"), _tip("participants_text", "Lượt người tham gia"),
                _tip("cost_text", "Kinh phí")]
    kinds = [k for k in KIND_COLORS if k in set(data["kind"])] + sorted(set(data["kind"]) - set(KIND_COLORS))
    color = (_nominal("kind", title="Loại hoạt động",
                      scale={"domain": kinds, "range": [KIND_COLORS.get(k, "#7F7F7F") for k in kinds]},
                      legend={"orient": "bottom", "columns": 2, "labelLimit": 160})
             if stack_by_kind else {"value": "#1f5fa8"})
    top = float(data.groupby("label")["value"].sum().max()) if len(data) else 0.0
    x = _nominal("label", sort=order, scale={"domain": order}, title=None,
                 axis={"labelAngle": -45, "labelLimit": 90, "labelOverlap": False})
    y_scale = {"domain": [0, max(top * 1.15, 1.0)], "nice": True}
    datasets = _Datasets()
    bars = {
        "data": datasets(data),
        "mark": {"type": "bar"},
        "encoding": {
            "x": x,
            "y": _quantitative("value", title=axis_titles[measure], stack=True, scale=y_scale,
                               axis={"format": ",d", "tickMinStep": 1, "labelLimit": 110}),
            "color": color,
            "opacity": {"condition": {"test": "datum.chosen", "value": 1.0}, "value": _FADED},
            "order": _nominal("kind"),
            "tooltip": tooltip,
        },
    }
    # a pale band behind the chosen period's half-years: visible even where they have no bar
    band = {
        "data": datasets(pd.DataFrame({"label": [half_year_label(y, h, short=True) for y, h in halves
                                                 if (y, h) in chosen]})),
        "mark": {"type": "rect", "color": "#FFF3C4"},
        "encoding": {"x": x},
    }
    layers = [band, bars]
    if measure != "cost":
        layers.append({
            "data": bars["data"],
            "transform": [{"aggregate": [{"op": "sum", "field": "value", "as": "total"}], "groupby": ["label"]}],
            "mark": {"type": "text", "baseline": "bottom", "dy": -3, "fontSize": 11, "color": "#333"},
            "encoding": {"x": x, "y": _quantitative("total", scale=y_scale),
                         "text": _quantitative("total", format=",d")},
        })
    return datasets.spec({"layer": layers, "title": title, "height": 360 if stack_by_kind else 280,
                          "width": "container", "config": _VI_CONFIG})


def _unit_axis(data: pd.DataFrame) -> tuple[str, list[str]]:
    """The unit's short name on the axis when there is one (full names are cut on a phone)."""
    field = "short_name" if "short_name" in data and data["short_name"].notna().all() else "unit"
    return field, list(data[field])


def commune_units(rows: pd.DataFrame, title) -> dict:
    """Activities in the supported commune per unit, every unit listed: a unit that did nothing
    there shows '0' rather than disappearing.

    `rows` has columns unit, short_name, activities, participants, cost (commune_units.sql)."""
    data = rows.assign(
        activities_text=rows["activities"].map(formats.fmt_int),
        participants_text=rows["participants"].map(formats.fmt_int),
        cost_text=rows["cost"].map(formats.fmt_money),
    )
    field, order = _unit_axis(data)
    y = _nominal(field, sort=order, title=None, axis={"labelLimit": 150, "labelOverlap": False})
    tooltip = [_tip("unit", "Đơn vị"), _tip("activities_text", "Số hoạt động"),
               _tip("participants_text", "Lượt người tham gia"), _tip("cost_text", "Kinh phí")]
    top = max(1, int(data["activities"].max() or 0))
    x_scale = {"domain": [0, top * 1.15]}
    datasets = _Datasets()
    frame = datasets(data)
    bars = {"data": frame, "mark": {"type": "bar", "color": "#1f5fa8"}, "encoding": {
        "y": y, "x": _quantitative("activities", title="Số hoạt động", scale=x_scale,
                                   axis={"format": "d", "tickMinStep": 1}),
        "tooltip": tooltip}}
    labels = {"data": frame, "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11, "color": "#333"},
              "encoding": {"y": y, "x": _quantitative("activities", scale=x_scale),
                           "text": _nominal("activities_text"), "tooltip": tooltip}}
    return datasets.spec({"layer": [bars, labels], "title": title, "height": 100 + 26 * len(order),
                          "width": "container", "config": _VI_CONFIG})


def event_units(rows: pd.DataFrame, title) -> dict:
    """Staff of each unit registered for one event (light bar) and taking part (dark bar), with
    'taking part / registered' written beside the bars.

    `rows` has columns unit, short_name, registered, participants (event_participation.sql)."""
    data = rows.assign(
        registered_text=rows["registered"].map(formats.fmt_int),
        participants_text=rows["participants"].map(formats.fmt_int),
        registered_shown=rows["registered"].astype("float").fillna(0.0),
        participants_shown=rows["participants"].astype("float").fillna(0.0),
    )
    data["label"] = [p if pd.isna(r) else f"{p} / {t}"
                     for p, r, t in zip(data["participants_text"], data["registered"], data["registered_text"])]
    data["label_at"] = data[["registered_shown", "participants_shown"]].max(axis=1)
    field, order = _unit_axis(data)
    top = max(1.0, float(data["label_at"].max()))
    tooltip = [_tip("unit", "Đơn vị"), _tip("registered_text", "Đăng ký"), _tip("participants_text", "Tham gia")]
    y = _nominal(field, sort=order, title=None, axis={"labelLimit": 150, "labelOverlap": False})
    x_scale = {"domain": [0, top * 1.25]}
    datasets = _Datasets()
    frame = datasets(data)
    registered = {"data": frame, "mark": {"type": "bar", "color": "#BBD0EA", "height": 16}, "encoding": {
        "y": y, "x": _quantitative("registered_shown", title="Số người", scale=x_scale,
                                   axis={"format": "d", "tickMinStep": 1}),
        "tooltip": tooltip}}
    taking_part = {"data": frame, "mark": {"type": "bar", "color": "#1f5fa8", "height": 8}, "encoding": {
        "y": y, "x": _quantitative("participants_shown", scale=x_scale), "tooltip": tooltip}}
    labels = {"data": frame, "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11, "color": "#333"},
              "encoding": {"y": y, "x": _quantitative("label_at", scale=x_scale), "text": _nominal("label"),
                           "tooltip": tooltip}}
    return datasets.spec({
        "layer": [registered, taking_part, labels],
        "title": {"text": title, "subtitle": "Cột đậm: tham gia · cột nhạt: đăng ký · số: tham gia / đăng ký",
                  "subtitleFontSize": 11},
        "height": 120 + 28 * len(order), "width": "container", "config": _VI_CONFIG})


def event_trend(rows: pd.DataFrame, years: list[int], title) -> dict:
    """Staff taking part in each recurring event, year by year, one colour per event, the number
    written above each bar.

    `rows` has columns series, year, units, registered, participants, units_with_achievement
    (event_trend.sql); `years` is the axis, so years without data still show on it."""
    data = rows.assign(
        year_label=rows["year"].astype(int).astype(str),
        participants_shown=rows["participants"].astype("float").fillna(0.0),
        units_text=rows["units"].map(formats.fmt_int),
        registered_text=rows["registered"].map(formats.fmt_int),
        participants_text=rows["participants"].map(formats.fmt_int),
        achievements_text=rows["units_with_achievement"].map(formats.fmt_int),
    )
    order = [str(y) for y in years]
    series = list(dict.fromkeys(data["series"]))
    top = max(1.0, float(data["participants_shown"].max()) if len(data) else 1.0)
    x = _nominal("year_label", sort=order, scale={"domain": order}, title="Năm", axis={"labelAngle": 0})
    y_scale = {"domain": [0, top * 1.15], "nice": True}
    offset = _nominal("series", sort=series, scale={"domain": series})
    tooltip = [_tip("series", "Sự kiện"), _tip("year_label", "Năm"), _tip("units_text", "Số đơn vị tham gia"),
               _tip("registered_text", "Đăng ký"), _tip("participants_text", "Tham gia"),
               _tip("achievements_text", "Đơn vị có thành tích")]
    datasets = _Datasets()
    frame = datasets(data)
    bars = {"data": frame, "mark": {"type": "bar"}, "encoding": {
        "x": x, "xOffset": offset,
        "y": _quantitative("participants_shown", title="Số người tham gia", scale=y_scale,
                           axis={"format": "d", "tickMinStep": 1}),
        "color": _nominal("series", sort=series, title="Sự kiện",
                          scale={"domain": series,
                                 "range": [_SERIES_COLORS[i % len(_SERIES_COLORS)] for i in range(len(series))]},
                          legend={"orient": "bottom", "columns": 1, "labelLimit": 320}),
        "tooltip": tooltip}}
    labels = {"data": frame, "mark": {"type": "text", "baseline": "bottom", "dy": -3, "fontSize": 11, "color": "#333"},
              "encoding": {"x": x, "xOffset": offset, "y": _quantitative("participants_shown", scale=y_scale),
                           "text": _nominal("participants_text"), "tooltip": tooltip}}
    return datasets.spec({"layer": [bars, labels], "title": title, "height": 360 + 22 * len(series),
                          "width": "container", "config": _VI_CONFIG})
