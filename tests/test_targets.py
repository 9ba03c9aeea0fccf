"""Chỉ tiêu on the demonstration data: per unit against the goal with numerator and denominator,
by staff group, the standard's criteria for T3, and units that have not filed shown as such."""

from __future__ import annotations

from builders import good_sheets, signed_in, workbook_bytes
from streamlit.testing.v1 import AppTest

from vanhoa.ingest import ingest


def targets_page(period: str, target: str):
    import streamlit as st

    from pages import targets
    from vanhoa import ui

    st.session_state[ui.PERIOD_KEY] = period
    st.session_state.setdefault("targets_pick", target)
    targets.render()


def run(period: str, target: str) -> AppTest:
    at = signed_in(AppTest.from_function(targets_page, args=(period, target), default_timeout=30)).run()
    assert not at.exception
    return at


def test_t2_per_unit_with_numerator_and_denominator(demo_copy):
    at = run("2022-H1", "T2")
    assert [(m.label, m.value) for m in at.metric] == [
        ("Toàn Văn phòng", "61,9 %"), ("Tử số / mẫu số", "70 / 113"), ("Mục tiêu", "70 %")]
    assert "Đạt: **2** · Chưa đạt: **9** · Chưa nộp: **0** (trên 11 đơn vị)" in [m.value for m in at.markdown]
    units = at.dataframe[0].value
    assert units[units["Đơn vị"] == "Nhà khách Ủy ban nhân dân tỉnh"].values.tolist() == [
        ["Nhà khách Ủy ban nhân dân tỉnh", "8", "18", "44,4 %", "chưa đạt"]]
    groups = at.dataframe[1].value
    assert groups.values.tolist() == [
        # checked against the demo files read independently with openpyxl: 43/58, 9/15, 18/40
        ["Cán bộ, công chức", "43", "58", "74,1 %", "đạt"],
        ["Viên chức", "9", "15", "60,0 %", "chưa đạt"],
        ["Lao động hợp đồng", "18", "40", "45,0 %", "chưa đạt"],
    ]


def test_t3_shows_the_criteria(demo_copy):
    at = run("2022-H1", "T3")
    assert at.metric[1].value == "10 / 11"
    criteria = at.dataframe[1].value
    assert criteria.values.tolist() == [
        ["Hoàn thành tốt nhiệm vụ", 11, 0, 0],
        ["Xây dựng nếp sống văn minh, môi trường văn hóa công sở", 10, 1, 0],
        ["Gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà nước", 11, 0, 0],
        ["Đăng ký danh hiệu Cơ quan, đơn vị văn hóa năm sau", 11, 0, 0],
    ]


def test_units_that_have_not_filed_are_listed_as_such(demo_copy):
    ingest(demo_copy, workbook_bytes(good_sheets(period="Năm 2023")), "th.xlsx", "Lò Thị Hoa")
    at = run("2023-Y", "T1")
    assert "Đạt: **1** · Chưa đạt: **0** · Chưa nộp: **10** (trên 11 đơn vị)" in [m.value for m in at.markdown]
    units = at.dataframe[0].value
    assert len(units) == 11
    assert units.iloc[1].tolist() == ["Phòng Kinh tế", "—", "—", "—", "chưa nộp"]


def test_many_units_chart_those_furthest_from_the_goal_and_list_them_all(demo_copy, monkeypatch):
    import json

    from vanhoa.views import targets

    monkeypatch.setattr(targets, "CHART_UNITS", 4)
    at = run("2022-H1", "T2")
    assert len(at.dataframe[0].value) == 11  # the table keeps every unit
    assert "Biểu đồ: 4 đơn vị có tỷ lệ thấp nhất (đơn vị chưa nộp trước); bảng dưới đây có đủ 11 đơn vị." in [
        c.value for c in at.caption]
    chart = at.get("vega_lite_chart")[0].proto
    spec = json.loads(chart.spec)
    assert spec["title"] == "T2: 4 đơn vị có tỷ lệ thấp nhất so với mục tiêu 70 %"
    assert "Nhà khách Ủy ban nhân dân tỉnh" in spec["layer"][0]["encoding"]["y"]["sort"]  # 44,4 %, among the lowest
    assert len(spec["layer"][0]["encoding"]["y"]["sort"]) == 4


def test_the_office_cards_say_the_verdict_once_complete_and_none_while_provisional():
    """vanhoa.views.targets builds the three cards' words without a page: a verdict against the
    goal once every unit counts, the provisional note and 'tạm tính' while some do not."""
    import pandas as pd

    from vanhoa.views import targets

    complete = {"ratio": 0.619, "numerator": 70, "denominator": 113, "counted": 11, "expected": 11,
                "provisional": False, "status": "chưa đạt", "goal": 0.7}
    ratio, parts, goal = targets.office_cards(pd.Series(complete), "T2", approved_only=False)
    assert (ratio["label"], ratio["value"], ratio["delta"]) == ("Toàn Văn phòng", "61,9 %", None)
    assert (parts["value"], parts["help"]) == ("70 / 113", targets.DEFINITIONS["T2"])
    assert goal == {"label": "Mục tiêu", "value": "70 %", "delta": "chưa đạt", "delta_color": "inverse",
                    "delta_arrow": "off"}
    provisional = pd.Series(complete | {"counted": 1, "provisional": True})
    ratio, _, goal = targets.office_cards(provisional, "T2", approved_only=False)
    assert ratio["delta"] == "tạm tính: 1/11 đơn vị đã nộp"
    assert (goal["delta"], goal["delta_color"]) == ("tạm tính", "off")
