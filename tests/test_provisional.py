"""Provisional until complete (issue 13): with 1 of 11 units filed for Năm 2026, Tổng quan and
Chỉ tiêu show the figures as 'tạm tính: 1/11 đơn vị đã nộp' with no verdict, the filing rate and
the days to the deadline; once all 11 have filed, Đạt / Chưa đạt come back; with "Chỉ số liệu
đã phê duyệt" and nothing approved, one sentence says so instead of cards of "—"."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from builders import good_sheets, signed_in, workbook_bytes
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from vanhoa import targets_text
from vanhoa.ingest import ingest
from vanhoa.reference import Reference
from vanhoa.store import Store

TODAY = dt.date(2026, 12, 3)  # two days before Năm 2026's deadline (05/12/2026)
NOTE = "tạm tính: 1/11 đơn vị đã nộp"


def filed(path, units: list[str]) -> str:
    """A store where each of `units` filed the demo-like return of Năm 2026 on 01/12/2026."""
    store = Store(path)
    for name in units:
        result = ingest(store, workbook_bytes(good_sheets(unit=name, period="Năm 2026")), f"{name}.xlsx", "Lò Thị Hoa",
                        filed_at=dt.datetime(2026, 12, 1, 9, 0))
        assert result.status == "accepted", (name, result.status)
    store.release()
    return str(path)


@pytest.fixture(scope="module")
def one_of_eleven(tmp_path_factory) -> str:
    return filed(tmp_path_factory.mktemp("one") / "one.duckdb", ["Phòng Tổng hợp"])


@pytest.fixture(scope="module")
def all_eleven(tmp_path_factory) -> str:
    return filed(tmp_path_factory.mktemp("all") / "all.duckdb", list(Reference.from_csv().units.values()))


def page(name: str, approved_only: bool, target: str):
    import importlib

    import streamlit as st

    from vanhoa import ui

    st.session_state[ui.PERIOD_KEY] = "2026-Y"
    st.session_state[ui.APPROVED_KEY] = approved_only
    st.session_state.setdefault("targets_pick", target)
    importlib.import_module(f"pages.{name}").render()


def run(monkeypatch, db: str, name: str, approved_only: bool = False, target: str = "T1") -> AppTest:
    from vanhoa import ui

    monkeypatch.setenv("VANHOA_DB", db)
    monkeypatch.setattr(ui, "today", lambda: TODAY)
    at = signed_in(AppTest.from_function(page, args=(name, approved_only, target), default_timeout=30)).run()
    assert not at.exception
    return at


def badges(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "badge[" in m.value]


def unit_cells(at: AppTest) -> dict[str, list[list[str]]]:
    return {r[0]: [list(cell) for cell in r[1:]] for r in at.dataframe[0].value.values.tolist()}


# ------------------------------------------------------------------ Tổng quan


def test_cards_on_one_unit_in_eleven_are_provisional_with_no_verdict(monkeypatch, one_of_eleven):
    at = run(monkeypatch, one_of_eleven, "overview")
    assert [(m.label, m.value, m.delta) for m in at.metric] == [
        ("T1. Chuẩn mực đạo đức, văn hóa công sở", "100,0 %", NOTE),
        ("T2. Hưởng thụ, tham gia hoạt động văn hóa", "63,6 %", NOTE),
        ("T3. Cơ quan, đơn vị đạt chuẩn văn hóa", "9,1 %", NOTE),
        ("T4. Gia đình văn hóa", "90,0 %", NOTE),
    ]
    # the note is grey and has no arrow: neither good news nor bad
    assert {(Metric.MetricColor.Name(m.proto.color), Metric.MetricDirection.Name(m.proto.direction))
            for m in at.metric} == {("GRAY", "NONE")}
    assert badges(at) == [
        ":gray-badge[:material/hourglass_top: Tạm tính (mục tiêu 100 %)]",
        ":gray-badge[:material/hourglass_top: Tạm tính (mục tiêu 70 %)]",
        ":gray-badge[:material/hourglass_top: Tạm tính (mục tiêu 100 %)]",
        ":gray-badge[:material/hourglass_top: Tạm tính (mục tiêu 100 %)]",
    ]
    assert [m.help for m in at.metric] == [
        "11 người thực hiện tốt chuẩn mực / 11 người của 1/11 đơn vị đã nộp",
        "7 người tham gia hoạt động văn hóa / 11 người của 1/11 đơn vị đã nộp",
        "1 đơn vị đạt chuẩn / 11 đơn vị phải báo cáo (10 đơn vị chưa nộp)",
        "9 gia đình văn hóa / 10 gia đình của 1/11 đơn vị đã nộp",
    ]


def test_the_filing_rate_and_the_days_to_the_deadline_sit_beside_the_cards(monkeypatch, one_of_eleven):
    at = run(monkeypatch, one_of_eleven, "overview")
    assert "**Đã nộp 1/11 đơn vị (9,1 %)** · còn 2 ngày đến hạn nộp 05/12/2026" in [m.value for m in at.markdown]


def test_the_unit_table_says_the_office_is_provisional_and_the_filing_table_shows_a_dash(monkeypatch, one_of_eleven):
    at = run(monkeypatch, one_of_eleven, "overview")
    assert ("Toàn Văn phòng — tạm tính: 1/11 đơn vị đã nộp. Xanh: đạt · Đỏ: chưa đạt (hoặc nộp trễ hạn) · Xám: "
            "chưa nộp. T3: đơn vị đạt chuẩn văn hóa khi đạt cả ba tiêu chuẩn.") in [c.value for c in at.caption]
    filing = at.dataframe[1].value
    assert dict(zip(filing["Đơn vị"], filing["Phiên bản"])) == {
        "Phòng Tổng hợp": "1",
        **{name: "—" for name in Reference.from_csv().units.values() if name != "Phòng Tổng hợp"}}


def test_once_every_unit_has_filed_the_cards_give_their_verdict(monkeypatch, all_eleven):
    at = run(monkeypatch, all_eleven, "overview")
    assert [(m.value, m.delta) for m in at.metric] == [  # no Năm 2025 to compare with
        ("100,0 %", ""), ("63,6 %", ""), ("100,0 %", ""), ("90,0 %", "")]
    assert badges(at) == [
        ":green-badge[:material/check: Đạt (mục tiêu 100 %)]",
        ":red-badge[:material/close: Chưa đạt (mục tiêu 70 %)]",
        ":green-badge[:material/check: Đạt (mục tiêu 100 %)]",
        ":red-badge[:material/close: Chưa đạt (mục tiêu 100 %)]",
    ]
    assert [m.help for m in at.metric][2:] == [
        "11 đơn vị đạt chuẩn / 11 đơn vị phải báo cáo",
        "99 gia đình văn hóa / 110 gia đình của 11 đơn vị",
    ]
    markdown = [m.value for m in at.markdown]
    assert "**Đã nộp 11/11 đơn vị (100,0 %)**" in markdown  # nobody left to wait for: no deadline
    assert [c.value for c in at.caption if "Xanh:" in c.value][0].startswith("Xanh: đạt")


def test_a_complete_period_is_not_compared_with_a_provisional_one(monkeypatch, all_eleven, tmp_path):
    """Năm 2025 has 1 of 11 units: its figures are no yardstick for the whole Office's Năm 2026."""
    from builders import copy_store

    db = str(copy_store(all_eleven, tmp_path / "with-2025.duckdb"))
    ingest(Store(db), workbook_bytes(good_sheets(period="Năm 2025")), "th-2025.xlsx", "Lò Thị Hoa",
           filed_at=dt.datetime(2025, 12, 1, 9, 0))
    at = run(monkeypatch, db, "overview")
    assert [(m.value, m.delta) for m in at.metric] == [
        ("100,0 %", ""), ("63,6 %", ""), ("100,0 %", ""), ("90,0 %", "")]


def test_approved_only_with_nothing_approved_says_so_in_one_sentence(monkeypatch, one_of_eleven):
    at = run(monkeypatch, one_of_eleven, "overview", approved_only=True)
    assert [i.value for i in at.info] == [
        "Chưa có báo cáo nào của kỳ này được phê duyệt; tắt “Chỉ số liệu đã phê duyệt” để xem số liệu đã nộp."]
    assert not at.metric and badges(at) == []
    assert not [m.value for m in at.markdown if "Chưa đạt" in m.value]
    # TH filed (its filing column says 'đúng hạn'): 'chưa phê duyệt' under T1-T4, not 'chưa nộp'
    assert unit_cells(at)["Phòng Tổng hợp"] == [["chưa phê duyệt|chưa phê duyệt"]] * 4 + [["đạt|đúng hạn"]]
    assert unit_cells(at)["Phòng Kinh tế"] == [["chưa nộp|chưa nộp"]] * 5
    assert ("**Đã nộp 1/11 đơn vị (9,1 %)** · 0/11 đơn vị đã được phê duyệt · còn 2 ngày đến hạn nộp 05/12/2026"
            in [m.value for m in at.markdown])
    options = json.loads(at.dataframe[0].proto.columns)["T1 (mục tiêu 100 %)"]["type_config"]["options"]
    assert {o["value"]: o["color"] for o in options}["chưa phê duyệt|chưa phê duyệt"] == "#FFF1C2"


def test_approved_only_counts_the_approved_units(monkeypatch, one_of_eleven, tmp_path):
    """TH approved: its figures count with the toggle, 1 of 11 approved."""
    from builders import copy_store

    from vanhoa import admin

    db = str(copy_store(one_of_eleven, tmp_path / "approved.duckdb"))
    admin.review(Store(db), "TH", "2026-Y", 1, True, "lanhdao")
    at = run(monkeypatch, db, "overview", approved_only=True)
    assert [m.delta for m in at.metric] == ["tạm tính: 1/11 đơn vị đã được phê duyệt"] * 4
    assert at.metric[2].help == "1 đơn vị đạt chuẩn / 11 đơn vị phải báo cáo (10 đơn vị chưa được phê duyệt)"


# ------------------------------------------------------------------ Chỉ tiêu


def test_targets_page_says_provisional_and_writes_the_counting_rule(monkeypatch, one_of_eleven):
    at = run(monkeypatch, one_of_eleven, "targets", target="T3")
    assert [(m.label, m.value, m.delta) for m in at.metric] == [
        ("Toàn Văn phòng", "9,1 %", NOTE), ("Tử số / mẫu số", "1 / 11", ""), ("Mục tiêu", "100 %", "tạm tính")]
    assert at.metric[0].help == "1 đơn vị đạt chuẩn / 11 đơn vị phải báo cáo (10 đơn vị chưa nộp)"
    rule = next(e for e in at.expander if e.label == "Cách tính chỉ tiêu khi còn đơn vị chưa nộp")
    assert rule.proto.expanded  # open while the figures are provisional
    assert [m.value for m in rule.markdown] == [targets_text.COUNTING_RULE]
    assert targets_text.COUNTING_RULE.startswith("Khi còn đơn vị chưa nộp báo cáo, kết quả của Toàn Văn phòng là "
                                                 "tạm tính. T1, T2 và T4 được cộng trên các đơn vị đã nộp")


def test_targets_page_of_a_complete_period_gives_the_verdict(monkeypatch, all_eleven):
    at = run(monkeypatch, all_eleven, "targets", target="T1")
    assert [(m.label, m.value, m.delta) for m in at.metric] == [
        ("Toàn Văn phòng", "100,0 %", ""), ("Tử số / mẫu số", "121 / 121", ""), ("Mục tiêu", "100 %", "đạt")]
    rule = next(e for e in at.expander if e.label == "Cách tính chỉ tiêu khi còn đơn vị chưa nộp")
    assert not rule.proto.expanded  # the rule is still there, folded


def test_targets_page_approved_only_with_nothing_approved(monkeypatch, one_of_eleven):
    at = run(monkeypatch, one_of_eleven, "targets", approved_only=True, target="T3")
    assert [i.value for i in at.info] == [targets_text.NOTHING_APPROVED] and not at.metric
    assert "Đạt: **0** · Chưa đạt: **0** · Chưa nộp: **10** · Chưa phê duyệt: **1** (trên 11 đơn vị)" in [
        m.value for m in at.markdown]
    units = at.dataframe[0].value
    assert units.iloc[0].tolist() == ["Phòng Tổng hợp", "—", "1", "—", "chưa phê duyệt"]
    assert not at.get("vega_lite_chart")  # no bars of nothing


def test_the_readme_writes_the_rule_the_page_shows():
    """One wording: the README quotes the page's sentence, not a paraphrase that drifts from it."""
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Cách tính chỉ tiêu khi còn đơn vị chưa nộp\n", 1)[1].split("\n## ", 1)[0]
    assert f"> {targets_text.COUNTING_RULE}\n" in section
