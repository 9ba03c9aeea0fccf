"""The pages' charts are Vega-Lite specs written as dicts (vanhoa.charts), not validated at each
render: they are validated here, once, against the Vega-Lite schema Altair ships, and their data
goes out as named datasets."""

from __future__ import annotations

import jsonschema
import pandas as pd
import pytest
from altair.vegalite.v6.schema import load_schema

from vanhoa import charts

HALVES = [(year, half) for year in range(2022, 2027) for half in (1, 2)]
TIMELINE = pd.DataFrame({
    "year": [2022, 2022, 2023], "half": [1, 1, 2], "kind": ["Giúp đỡ xã", "Tuyên truyền", "Khác"],
    "activities": [3, 1, 2], "participants": [40, None, 12], "cost": [2_500_000, None, 0],
})
UNITS = pd.DataFrame({
    "unit": ["Phòng Tổng hợp", "Phòng Kinh tế"], "short_name": ["P. Tổng hợp", "P. Kinh tế"],
    "activities": [4, 0], "participants": [50, None], "cost": [1_000_000, None],
})
EVENT = pd.DataFrame({
    "unit": ["Phòng Tổng hợp", "Phòng Kinh tế"], "short_name": ["P. Tổng hợp", "P. Kinh tế"],
    "registered": [12, None], "participants": [10, 3],
})
TREND = pd.DataFrame({
    "series": ["Marathon Mộc Châu", "Marathon Mộc Châu"], "year": [2022, 2023], "units": [8, 9],
    "registered": [40, None], "participants": [35, 41], "units_with_achievement": [1, 0],
})
PROGRESS = pd.DataFrame({
    "period": ["2022-H1", "2022-Y"], "ratio": [0.619, None], "numerator": [70, None],
    "denominator": [113, None], "status": ["chưa đạt", "chưa nộp"],
})
PERIODS = [("2022-H1", "6 tháng đầu năm 2022"), ("2022-Y", "Năm 2022"), ("2023-H1", "6 tháng đầu năm 2023")]

SPECS = {
    "target_trend": lambda: charts.target_trend(PROGRESS, PERIODS, "T2. Hưởng thụ", 0.7),
    "commune_timeline by kind": lambda: charts.commune_timeline(TIMELINE, HALVES, {(2022, 1)}, "activities",
                                                                ["Số hoạt động", "theo loại"]),
    "commune_timeline participants": lambda: charts.commune_timeline(
        TIMELINE, HALVES, {(2022, 1), (2022, 2)}, "participants", ["Lượt người"], stack_by_kind=False),
    "commune_timeline cost": lambda: charts.commune_timeline(TIMELINE, HALVES, set(), "cost", ["Kinh phí"],
                                                             stack_by_kind=False),
    "commune_units": lambda: charts.commune_units(UNITS, ["Số hoạt động", "của từng đơn vị"]),
    "event_units": lambda: charts.event_units(EVENT, "Đăng ký và tham gia của từng đơn vị"),
    "event_trend": lambda: charts.event_trend(TREND, [2022, 2023, 2024], ["Số người tham gia", "qua từng năm"]),
}


def as_json(spec: dict) -> dict:
    """The spec as Vega-Lite reads it: each dataset's rows as records."""
    datasets = {name: frame.astype(object).where(frame.notna(), None).to_dict("records")
                for name, frame in spec["datasets"].items()}
    return {**spec, "datasets": datasets}


@pytest.mark.parametrize("name", SPECS)
def test_spec_is_valid_vega_lite(name):
    jsonschema.validate(as_json(SPECS[name]()), load_schema())


@pytest.mark.parametrize("name", SPECS)
def test_every_layer_reads_a_named_dataset(name):
    spec = SPECS[name]()
    assert all(isinstance(frame, pd.DataFrame) for frame in spec["datasets"].values())
    for layer in spec["layer"]:
        data = layer.get("data", spec.get("data"))
        assert data["name"] in spec["datasets"]


def test_dataset_names_follow_the_data():
    """The same rows give the same name at every rerun; other rows another name."""
    first, again = charts.commune_units(UNITS, "t"), charts.commune_units(UNITS, "t")
    assert list(first["datasets"]) == list(again["datasets"])
    other = charts.commune_units(UNITS.assign(activities=[5, 0]), "t")
    assert list(other["datasets"]) != list(first["datasets"])


def test_timeline_writes_totals_except_for_money():
    by_kind = charts.commune_timeline(TIMELINE, HALVES, {(2022, 1)}, "activities", "t")
    assert [layer["mark"]["type"] for layer in by_kind["layer"]] == ["rect", "bar", "text"]
    cost = charts.commune_timeline(TIMELINE, HALVES, set(), "cost", "t", stack_by_kind=False)
    assert [layer["mark"]["type"] for layer in cost["layer"]] == ["rect", "bar"]
    assert by_kind["config"]["locale"]["number"]["thousands"] == "."


PLAN = [(f"{year}-{kind}", f"{'6 tháng đầu năm' if kind == 'H1' else 'Năm'} {year}")
        for year in range(2022, 2027) for kind in ("H1", "Y")]
AXIS = ["6T/2022", "Năm 2022", "6T/2023", "Năm 2023", "6T/2024", "Năm 2024", "6T/2025", "Năm 2025", "6T/2026",
        "Năm 2026"]
# T1 of the demonstration store with one unit filed for 6T/2026: 2022-H1, 2022-Y, then 2026-H1 only
# (2023-H1 has a row without a ratio, as a period nobody filed for has in progress.sql)
GAP = pd.DataFrame({
    "period": ["2022-H1", "2022-Y", "2023-H1", "2026-H1"], "ratio": [110 / 113, 113 / 114, None, 1.0],
    "numerator": [110, 113, None, 10], "denominator": [113, 114, None, 10],
    "status": ["chưa đạt", "chưa đạt", "chưa nộp", "tạm tính"],
})
SPECS["target_trend with a gap"] = lambda: charts.target_trend(GAP, PLAN, "T1. Chuẩn mực", 1.0)
SPECS["target_trend with nothing filed"] = lambda: charts.target_trend(GAP.iloc[0:0], PLAN, "T1. Chuẩn mực", 1.0)


def layer_rows(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer.get("data", spec.get("data"))["name"]].to_dict("records")


def test_trend_has_every_period_on_its_axis_each_labelled():
    spec = charts.target_trend(GAP, PLAN, "T1. Chuẩn mực", 1.0)
    for layer in spec["layer"][1:]:
        x = layer["encoding"]["x"]
        assert x["sort"] == x["scale"]["domain"] == AXIS
        # at -45°, all ten fit a phone (tests/test_browser_charts.py measures them): none left out
        assert x["axis"]["labelOverlap"] is False and x["axis"]["labelAngle"] == -45


def test_trend_breaks_its_line_where_a_period_has_no_data():
    spec = charts.target_trend(GAP, PLAN, "T1. Chuẩn mực", 1.0)
    rule, line, dots, *labels = spec["layer"]
    assert line["mark"]["type"] == "line" and line["encoding"]["detail"] == {"field": "segment", "type": "nominal"}
    assert dots["mark"]["type"] == "point"
    rows = layer_rows(spec, line)
    assert rows == layer_rows(spec, dots)  # every point drawn, the lone one too
    assert [(r["period"], r["label"], r["full_label"], r["segment"], r["ratio_text"], r["counts"], r["status"])
            for r in rows] == [
        ("2022-H1", "6T/2022", "6 tháng đầu năm 2022", 1, "97,3 %", "110 / 113", "chưa đạt"),
        ("2022-Y", "Năm 2022", "Năm 2022", 1, "99,1 %", "113 / 114", "chưa đạt"),
        ("2026-H1", "6T/2026", "6 tháng đầu năm 2026", 2, "100,0 %", "10 / 10", "tạm tính"),
    ]
    assert [r["percent"] for r in rows] == pytest.approx([100 * 110 / 113, 100 * 113 / 114, 100.0])


def test_a_provisional_figure_is_a_hollow_point_named_in_the_legend():
    spec = charts.target_trend(GAP, PLAN, "T1. Chuẩn mực", 1.0)
    dots = spec["layer"][2]
    assert [r["figure"] for r in layer_rows(spec, dots)] == ["đủ", "đủ", "tạm tính"]
    fill = dots["encoding"]["fill"]
    assert fill["field"] == "figure"
    assert fill["scale"] == {"domain": ["tạm tính", "đủ"], "range": ["white", charts.TREND_COLOR]}
    assert fill["legend"]["values"] == ["tạm tính"]  # the complete points need no name
    complete = charts.target_trend(GAP[GAP["period"] != "2026-H1"], PLAN, "T1", 1.0)
    assert complete["layer"][2]["encoding"]["fill"]["legend"] is None  # nothing provisional: no legend entry


def test_a_lone_period_is_a_point_of_its_own():
    alone = GAP[GAP["period"] == "2022-Y"]
    spec = charts.target_trend(alone, PLAN, "T1", 1.0)
    rows = layer_rows(spec, spec["layer"][2])
    assert [(r["period"], r["segment"], r["ratio_text"]) for r in rows] == [("2022-Y", 1, "99,1 %")]
    # every period filed: one segment, no gap
    full = pd.DataFrame({"period": [code for code, _ in PLAN], "ratio": [0.5] * 10, "numerator": [1] * 10,
                         "denominator": [2] * 10, "status": ["chưa đạt"] * 10})
    every = charts.target_trend(full, PLAN, "T1", 1.0)
    assert [r["segment"] for r in layer_rows(every, every["layer"][1])] == [1] * 10


def test_the_goal_is_a_dashed_rule_of_its_own_colour_under_the_points_and_named():
    spec = charts.target_trend(GAP, PLAN, "T1. Chuẩn mực", 1.0)
    rule = spec["layer"][0]  # drawn first: a point on the goal is drawn over it
    assert rule["mark"] == {"type": "rule", "strokeDash": [6, 4], "size": 2}
    assert layer_rows(spec, rule) == [{"goal": 100.0, "text": "Mục tiêu 100 %"}]
    color = rule["encoding"]["color"]
    assert color["scale"] == {"domain": ["Mục tiêu 100 %"], "range": [charts.GOAL_COLOR]}
    assert color["legend"]["symbolDash"] == [6, 4] and color["legend"]["orient"] == "top"
    assert charts.GOAL_COLOR not in {charts.TREND_COLOR, *charts.STATUS_COLORS.values()}
    goal_70 = charts.target_trend(GAP, PLAN, "T2", 0.7)
    assert layer_rows(goal_70, goal_70["layer"][0]) == [{"goal": 70.0, "text": "Mục tiêu 70 %"}]


def test_a_value_by_the_goal_is_written_beside_it_and_the_axis_leaves_room():
    spec = charts.target_trend(GAP, PLAN, "T1. Chuẩn mực", 1.0)
    labels = spec["layer"][3:]
    assert [(layer["transform"], layer["mark"]["baseline"], layer["mark"]["dy"], "stroke" in layer["mark"])
            for layer in labels] == [
        ([{"filter": {"field": "side", "equal": "above"}}], "bottom", -7, True),  # the white halo
        ([{"filter": {"field": "side", "equal": "above"}}], "bottom", -7, False),
        ([{"filter": {"field": "side", "equal": "below"}}], "top", 7, True),
        ([{"filter": {"field": "side", "equal": "below"}}], "top", 7, False),
        ([{"filter": {"field": "side", "equal": "higher"}}], "bottom", -21, True),
        ([{"filter": {"field": "side", "equal": "higher"}}], "bottom", -21, False),
    ]
    assert all(layer["encoding"]["text"] == {"field": "ratio_text", "type": "nominal"} for layer in labels)
    # 97,3 % and 99,1 % are level (within 3 points): one label above, the next below; the lone point's above
    rows = layer_rows(spec, spec["layer"][1])
    assert [(r["ratio_text"], r["side"]) for r in rows] == [("97,3 %", "above"), ("99,1 %", "below"),
                                                           ("100,0 %", "above")]
    # the y axis runs 15 points past the goal and the highest value: nothing sits on the plot's edge
    ys = [layer["encoding"]["y"] for layer in spec["layer"]]
    assert all(y["scale"] == {"domain": [0, 115.0], "nice": False} for y in ys)
    assert all(y["axis"] == {"values": [0, 20, 40, 60, 80, 100], "format": "d", "labelExpr": "datum.label + ' %'",
                             "labelOverlap": False} for y in ys)
    above = GAP.assign(ratio=[0.5, 1.2, None, 0.9])
    high = charts.target_trend(above, PLAN, "T1", 1.0)
    assert high["layer"][1]["encoding"]["y"]["scale"]["domain"] == [0, pytest.approx(135.0)]


def test_labels_stand_away_from_the_line_and_alternate_where_it_is_level():
    def sides(ratios):
        rows = pd.DataFrame({"period": [code for code, _ in PLAN][:len(ratios)], "ratio": ratios,
                             "numerator": [1] * len(ratios), "denominator": [1] * len(ratios),
                             "status": ["đạt"] * len(ratios)})
        return list(charts.trend_points(rows, PLAN)["side"])

    assert sides([0.619, 0.798]) == ["below", "above"]  # T2 of 2022: the line climbs from 61,9 % to 79,8 %
    assert sides([0.9, 0.6, 0.9]) == ["above", "below", "above"]
    # T2 of the full history: down from 79,8 % to 63,6 %, then level: the level one does not stand beside it
    assert sides([0.619, 0.798, 0.636, 0.636, 0.636]) == ["below", "above", "below", "above", "below"]
    # two leaning the same way at nearly one height: the second gives way
    assert sides([0.9, 0.5, 0.45, 0.9]) == ["above", "below", "above", "above"]
    assert sides([1.0] * 10) == ["above", "below"] * 5  # level: alternate, ten labels side by side
    # no room below a point near 0 %: the label goes above, or, beside another at nearly its height,
    # a row higher (T3 of a period one unit of eleven filed: 9,1 %)
    assert sides([0.05, 0.1, 0.05]) == ["above", "higher", "above"]
    assert sides([0.05, 0.3, 0.05]) == ["above", "above", "above"]
    assert sides([0.091] * 4) == ["above", "higher", "above", "higher"]


def test_trend_uses_the_vietnamese_locale_and_svg():
    spec = charts.target_trend(GAP, PLAN, "T1", 1.0)
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["usermeta"] == {"embedOptions": {"renderer": "svg"}}


def test_unit_bars_name_a_unit_without_a_ratio_by_its_status():
    rows = pd.DataFrame({"unit": ["Phòng Tổng hợp", "Phòng Kinh tế", "Phòng Nội chính"],
                         "ratio": [0.991, None, None], "numerator": [113, None, None], "denominator": [114, None, None],
                         "status": ["chưa đạt", "chưa nộp", "chưa phê duyệt"]})
    spec = charts.unit_bars(rows, 1.0, "T1").to_dict()
    data = next(iter(spec["datasets"].values()))
    assert [(r["ratio_text"], r["shown"]) for r in data] == [("99,1 %", 0.991), ("chưa nộp", 0.0),
                                                            ("chưa phê duyệt", 0.0)]
    color = spec["layer"][0]["encoding"]["color"]["scale"]
    assert dict(zip(color["domain"], color["range"]))["chưa phê duyệt"] == "#BDBDBD"


def test_unit_bars_axis_writes_percentages_as_the_glossary_does():
    """'50 %', not d3's '50%': the axis labels are the screen's and the report's percentages."""
    rows = pd.DataFrame({"unit": ["Phòng Tổng hợp"], "ratio": [0.5], "numerator": [1], "denominator": [2],
                         "status": ["chưa đạt"]})
    axis = charts.unit_bars(rows, 1.0, "T1").to_dict()["layer"][0]["encoding"]["x"]["axis"]
    assert axis["values"] == [0, 0.2, 0.4, 0.6, 0.8, 1]
    assert axis["labelExpr"] == "round(datum.value * 100) + ' %'" and "format" not in axis
