"""Tổng quan on the demonstration data: the four cards, who missed which target, who has not
filed, the unit x target table, and the change from the same period a year before."""

from __future__ import annotations

from builders import good_sheets, signed_in, workbook_bytes
from streamlit.testing.v1 import AppTest

from vanhoa.ingest import ingest


def overview_page(period: str):
    import streamlit as st

    from pages import overview
    from vanhoa import ui

    st.session_state[ui.PERIOD_KEY] = period
    overview.render()


def run(period: str) -> AppTest:
    at = signed_in(AppTest.from_function(overview_page, args=(period,), default_timeout=30)).run()
    assert not at.exception
    return at


def test_cards_for_the_first_half_of_2022(demo_copy):
    at = run("2022-H1")
    assert [(m.label, m.value, m.delta) for m in at.metric] == [
        ("T1. Chuẩn mực đạo đức, văn hóa công sở", "97,3 %", ""),  # no 2021 to compare with
        ("T2. Hưởng thụ, tham gia hoạt động văn hóa", "61,9 %", ""),
        ("T3. Cơ quan, đơn vị đạt chuẩn văn hóa", "90,9 %", ""),
        ("T4. Gia đình văn hóa", "95,8 %", ""),
    ]
    assert [m.value for m in at.markdown if "badge[" in m.value] == [
        ":red-badge[:material/close: Chưa đạt (mục tiêu 100 %)]",
        ":red-badge[:material/close: Chưa đạt (mục tiêu 70 %)]",
        ":red-badge[:material/close: Chưa đạt (mục tiêu 100 %)]",
        ":red-badge[:material/close: Chưa đạt (mục tiêu 100 %)]",
    ]
    # all 11 units filed: the figures are final, and the help says what they are made of
    assert [m.help for m in at.metric] == [
        "110 người thực hiện tốt chuẩn mực / 113 người của 11 đơn vị",
        "70 người tham gia hoạt động văn hóa / 113 người của 11 đơn vị",
        "10 đơn vị đạt chuẩn / 11 đơn vị phải báo cáo",
        "92 gia đình văn hóa / 96 gia đình của 11 đơn vị",
    ]
    assert "**Đã nộp 11/11 đơn vị (100,0 %)**" in [m.value for m in at.markdown]


def test_attention_list_names_units_that_missed_and_late_filers(demo_copy):
    at = run("2022-Y")
    attention = next(m.value for m in at.markdown if m.value.startswith("**Cần chú ý trong kỳ**"))
    assert attention.splitlines()[2:] == [
        "- **T1 chưa đạt:** Nhà khách Ủy ban nhân dân tỉnh (94,7 %)",
        "- **T2 chưa đạt:** Nhà khách Ủy ban nhân dân tỉnh (68,4 %)",
        "- **T4 chưa đạt:** Nhà khách Ủy ban nhân dân tỉnh (93,8 %)",
        "- **Chưa nộp:** không có đơn vị nào",
        "- **Nộp trễ hạn:** Nhà khách Ủy ban nhân dân tỉnh",
    ]


def test_unit_by_target_table(demo_copy):
    at = run("2022-H1")
    table = at.dataframe[0].value
    assert list(table.columns) == ["Đơn vị", "T1 (mục tiêu 100 %)", "T2 (mục tiêu 70 %)", "T3 (mục tiêu 100 %)",
                                   "T4 (mục tiêu 100 %)", "Nộp báo cáo"]
    rows = {r[0]: [list(cell) for cell in r[1:]] for r in table.values.tolist()}
    # each cell is a pill "status|text": it shows the text in the status's colour
    assert rows["Nhà khách Thanh Xuân - Hà Nội"] == [["chưa đạt|90,9 %"], ["chưa đạt|63,6 %"], ["chưa đạt|chưa đạt"],
                                                    ["đạt|100,0 %"], ["chưa đạt|trễ hạn"]]
    assert rows["Phòng Tổng hợp"] == [["đạt|100,0 %"], ["đạt|77,8 %"], ["đạt|đạt"], ["đạt|100,0 %"],
                                      ["đạt|đúng hạn"]]
    assert len(rows) == 11
    pills = pill_colours(at, "T2 (mục tiêu 70 %)")
    assert pills["chưa đạt|63,6 %"] == ("63,6 %", "#F9DEDC") and pills["đạt|77,8 %"] == ("77,8 %", "#E3F1E4")
    assert pill_colours(at, "Nộp báo cáo")["chưa đạt|trễ hạn"] == ("trễ hạn", "#F9DEDC")
    assert ("Xanh: đạt · Đỏ: chưa đạt (hoặc nộp trễ hạn) · Xám: chưa nộp. T3: đơn vị đạt chuẩn văn hóa khi đạt cả "
            "ba tiêu chuẩn.") in [c.value for c in at.caption]


def pill_colours(at: AppTest, column: str) -> dict[str, tuple[str, str]]:
    """The unit table's pills of one column: value -> (the text shown, its colour)."""
    import json

    options = json.loads(at.dataframe[0].proto.columns)[column]["type_config"]["options"]
    return {o["value"]: (o["label"], o["color"]) for o in options}


def test_unit_table_marks_units_that_have_not_filed(demo_copy):
    at = run("2023-H1")  # no unit has filed 2023-H1 in the demonstration data: every cell is grey
    assert [i.value for i in at.info] == ["Chưa có đơn vị nào nộp báo cáo của kỳ này."] and not at.metric
    rows = {r[0]: [list(cell) for cell in r[1:]] for r in at.dataframe[0].value.values.tolist()}
    assert rows["Phòng Kinh tế"] == [["chưa nộp|chưa nộp"]] * 5
    assert pill_colours(at, "Nộp báo cáo") == {"chưa nộp|chưa nộp": ("chưa nộp", "#ECECEC")}


def test_filing_table_counts_days(demo_copy):
    at = run("2022-H1")
    assert "Đúng hạn: **10** · Trễ hạn: **1** · Chưa nộp: **0** (trên 11 đơn vị)" in [m.value for m in at.markdown]
    filing = at.dataframe[1].value
    late = filing[filing["Đơn vị"] == "Nhà khách Thanh Xuân - Hà Nội"].iloc[0]
    assert (late["Tình trạng"], late["Thời gian nộp"], late["Hạn nộp"], late["So với hạn"], late["Phê duyệt"]) == (
        "trễ hạn", "15:30 22/06/2022", "15/06/2022", "trễ 7 ngày", "chờ phê duyệt")
    assert "Số liệu: mọi báo cáo đã nộp (bản đã phê duyệt được giữ cho đến khi bản mới được phê duyệt)." in [
        c.value for c in at.caption]


def test_change_from_the_same_period_a_year_before(demo_copy):
    """Every unit files 2023-H1 (the test's return, 11 staff each): each card compares with 2022-H1."""
    for name in demo_copy.reference().units.values():
        sheets = good_sheets(unit=name, period="6 tháng đầu năm 2023")
        ingest(demo_copy, workbook_bytes(sheets), "2023.xlsx", "Lò Thị Hoa")
    at = run("2023-H1")
    assert [(m.value, m.delta) for m in at.metric] == [
        ("100,0 %", "+2,7 điểm %"),  # 121/121 against 110/113
        ("63,6 %", "+1,7 điểm %"),  # 77/121 against 70/113
        ("100,0 %", "+9,1 điểm %"),  # 11/11 against 10/11
        ("90,0 %", "-5,8 điểm %"),  # 99/110 against 92/96
    ]
    assert {m.proto.delta_description for m in at.metric} == {"so với 6 tháng đầu năm 2022"}


def test_one_unit_filed_gives_no_change_and_lists_the_others(demo_copy):
    """Only Phòng Tổng hợp has filed 2023-H1: its figures are provisional, and a change from a whole
    Office's 2022-H1 would measure the missing units (T3 'fell' 81,8 points), so the card gives none."""
    ingest(demo_copy, workbook_bytes(good_sheets(period="6 tháng đầu năm 2023")), "th-2023.xlsx", "Lò Thị Hoa")
    at = run("2023-H1")
    assert [(m.value, m.delta) for m in at.metric] == [
        ("100,0 %", "tạm tính: 1/11 đơn vị đã nộp"), ("63,6 %", "tạm tính: 1/11 đơn vị đã nộp"),
        ("9,1 %", "tạm tính: 1/11 đơn vị đã nộp"), ("90,0 %", "tạm tính: 1/11 đơn vị đã nộp")]
    attention = next(m.value for m in at.markdown if m.value.startswith("**Cần chú ý trong kỳ**"))
    assert "- **Chưa nộp:** Phòng Kinh tế, Phòng Nội chính" in attention


def test_a_new_upload_shows_at_the_next_rerun(demo_copy):
    at = run("2022-H1")
    assert at.metric[1].value == "61,9 %"
    better = good_sheets()
    better["Chỉ tiêu"][1:] = [["Cán bộ, công chức", 9, 9, 9, 8, 8]]  # TH: 9 of 9 take part (was 7 of 9)
    ingest(demo_copy, workbook_bytes(better), "th-v2.xlsx", "Lò Thị Hoa")
    at.run()
    assert at.metric[1].value == "63,7 %"  # (70 - 7 + 9) / 113


def test_the_tables_are_built_once_per_data_version(demo_copy, monkeypatch):
    """A rerun shows the tables built from the same data before (a province's thousand units
    are not formatted again at every click); new data builds them again."""
    from vanhoa.views import overview

    built = []
    original = overview.unit_cells
    monkeypatch.setattr(overview, "unit_cells", lambda *frames: built.append(1) or original(*frames))
    at = run("2022-H1")
    table = at.dataframe[0].value
    at.run()
    assert len(built) == 1 and at.dataframe[0].value.equals(table)
    better = good_sheets()
    better["Chỉ tiêu"][1:] = [["Cán bộ, công chức", 9, 9, 9, 8, 8]]
    ingest(demo_copy, workbook_bytes(better), "th-v2.xlsx", "Lò Thị Hoa")
    at.run()
    assert len(built) == 2


def test_the_account_is_checked_against_the_store_at_every_run(demo_copy, monkeypatch):
    """The router and the page share one check per run, never one across runs: an account
    disabled between two runs is signed out at the next."""
    from vanhoa import auth

    checks = []
    original = auth.session_account
    monkeypatch.setattr(auth, "session_account", lambda store, token: checks.append(token) or original(store, token))
    at = run("2022-H1")
    assert len(checks) == 1
    at.run()
    assert len(checks) == 2 and not at.warning
    auth.set_active(demo_copy, "test.admin", False, "quantri")
    at.run()
    assert [w.value for w in at.warning] == ["Hãy đăng nhập để xem trang này."]


def queries_of_a_cold_run(monkeypatch, run_page) -> list[tuple]:
    """Every query the store runs while a page runs once with empty caches (ui.prefetch's
    threads included), as (name, sorted parameters)."""
    import streamlit as st

    from vanhoa.store import Store

    calls = []
    original = Store.query
    monkeypatch.setattr(Store, "query", lambda self, name, **params: calls.append(
        (name, sorted(params.items()))) or original(self, name, **params))
    st.cache_data.clear()
    at = run_page()
    assert not at.exception
    monkeypatch.setattr(Store, "query", original)
    return calls


def assert_prefetch_runs_what_the_page_asks(monkeypatch, run_page) -> list[tuple]:
    """ui.prefetch starts the page's queries together: the store runs exactly the queries the
    page asks for without it (none twice, none for nothing). Returns them."""
    from vanhoa import ui

    calls = queries_of_a_cold_run(monkeypatch, run_page)
    assert [c for c in calls if calls.count(c) > 1] == []
    with monkeypatch.context() as without:
        without.setattr(ui, "prefetch", lambda *calls: None)
        alone = queries_of_a_cold_run(monkeypatch, run_page)
    assert sorted(calls, key=repr) == sorted(alone, key=repr)
    return calls


def test_the_page_queries_start_together_and_none_runs_twice(demo_copy, monkeypatch):
    calls = assert_prefetch_runs_what_the_page_asks(monkeypatch, lambda: run("2023-H1"))
    # the cards' comparison with 2022-H1 reads the Office rows the trend already has
    assert sorted(params for name, params in calls if name == "progress") == [
        [("approved_only", False), ("office_only", True)], [("approved_only", False), ("period", "2023-H1")]]
    assert sorted(name for name, _ in calls) == ["completeness", "filed_periods", "progress", "progress"]


def test_attention_at_province_scale_names_a_dozen_units_and_counts_the_rest():
    """A province misses a target in hundreds of units: 'Cần chú ý trong kỳ' names the first 12 and
    says how many more, pointing at the table that lists them all."""
    import pandas as pd

    from vanhoa import ui
    from vanhoa.views import overview

    units = [f"Đơn vị {n}" for n in range(1, 31)]
    progress = pd.DataFrame({"unit": units + ["Toàn Văn phòng"], "target": "T1", "ratio": 0.5,
                             "status": "chưa đạt", "is_office": [False] * 30 + [True]})
    filing = pd.DataFrame({"unit": units, "status": ["chưa nộp"] * 13 + ["đã nộp"] * 17})
    text = overview.attention(progress, filing, ui.escape_md)
    first = ", ".join(f"Đơn vị {n} (50,0 %)" for n in range(1, 13))
    assert text.splitlines()[2:] == [
        f"- **T1 chưa đạt:** {first} và 18 đơn vị khác (xem bảng “Kết quả từng đơn vị”)",
        "- **Chưa nộp:** " + ", ".join(f"Đơn vị {n}" for n in range(1, 13))
        + " và 1 đơn vị khác (xem bảng “Tình hình nộp báo cáo”)",
    ]
