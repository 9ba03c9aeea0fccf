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


def test_goal_rule_on_the_trend():
    spec = charts.target_trend(PROGRESS, PERIODS, "T2", 0.7)
    rule = spec["layer"][1]
    assert rule["mark"]["type"] == "rule"
    assert spec["datasets"][rule["data"]["name"]].to_dict("records") == [{"goal": 0.7, "text": "Mục tiêu 70 %"}]
    assert spec["layer"][0]["encoding"]["x"]["sort"] == ["6T/2022", "Năm 2022", "6T/2023"]
