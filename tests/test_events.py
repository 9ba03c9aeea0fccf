"""Sự kiện: the three event queries on a small store with exact rows, and the page on the
demonstration data (AppTest).

The small store: Phòng Tổng hợp's 2022 half-year return has the Olympic run and the Mộc Châu
marathon; its annual return repeats the marathon with corrected numbers and adds the Ngày hội
(no registration number) and a football cup outside the event list. Nhà khách Thanh Xuân's
annual return lists the marathon on two rows (two distances) and the Ngày hội; its 2023-H1
return has the 2023 marathon. 2024-H1 has no data."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from builders import EVENT_HEADER, copy_store, good_sheets, rows_of, workbook_bytes
from page_runs import demo_copy_env, run_page
from streamlit.testing.v1 import AppTest

from vanhoa.ingest import ingest
from vanhoa.store import Store

NKTX = "Nhà khách Thanh Xuân - Hà Nội"
MARATHON_2022 = "Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)"
MARATHON_2023 = "Giải chạy VTM Mộc Châu 2023 (Marathon Mộc Châu)"
OLYMPIC_2022 = "Ngày chạy Olympic vì sức khỏe toàn dân 2022"
NGAY_HOI_2022 = "Ngày hội Đại đoàn kết toàn dân tộc 2022"
FOOTBALL = "Giải bóng đá công đoàn Văn phòng 2022"


rows = rows_of


def with_events(sheets: dict, *grid: list) -> dict:
    sheets["Sự kiện"] = [EVENT_HEADER, *map(list, grid)]
    return sheets


RETURNS = [
    (with_events(good_sheets(),
                 [OLYMPIC_2022, "26/03/2022", "Sơn La", 6, 6, None, None],
                 [MARATHON_2022, "14/05/2022", "Mộc Châu", 5, 4, "Giải Ba 10 km", None]),
     "th-h1.xlsx", dt.datetime(2022, 6, 10, 9, 0)),
    # the marathon again, corrected (5 took part): counted once, from this return
    (with_events(good_sheets(period="Năm 2022"),
                 [MARATHON_2022, "14/05/2022", "Mộc Châu", 5, 5, "Giải Ba 10 km", "Bổ sung 01 người"],
                 [FOOTBALL, "10/10/2022", "Sơn La", 12, 11, "Giải Nhất", None],
                 [NGAY_HOI_2022, "18/11/2022", "Bản Áng", None, 9, None, None]),
     "th-y.xlsx", dt.datetime(2022, 12, 1, 9, 0)),
    (with_events(good_sheets(unit=NKTX, period="Năm 2022"),
                 [MARATHON_2022, "14/05/2022", "Mộc Châu", 2, 2, None, "Cự ly 5 km"],
                 [MARATHON_2022, "14/05/2022", "Mộc Châu", 1, 1, "Giải Nhì 10 km nữ", "Cự ly 10 km"],
                 [NGAY_HOI_2022, "18/11/2022", "Hà Nội", 8, 8, None, None]),
     "nktx-y.xlsx", dt.datetime(2022, 12, 2, 9, 0)),
    (with_events(good_sheets(unit=NKTX, period="6 tháng đầu năm 2023"),
                 [MARATHON_2023, "21/05/2023", "Mộc Châu", 3, 3, None, None]),
     "nktx-2023.xlsx", dt.datetime(2023, 6, 5, 9, 0)),
]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("events") / "small.duckdb")
    for sheets, name, at in RETURNS:
        result = ingest(store, workbook_bytes(sheets), name, "Lò Thị Hoa", filed_at=at)
        assert result.status == "accepted", result.errors
    return store


PARTICIPATION = ["event", "series", "year", "event_date", "unit", "registered", "participants", "achievement", "note"]


def test_event_participation_of_the_first_half(small):
    """The half-year holds its own returns: the marathon as first reported (4 took part), and not
    Nhà khách Thanh Xuân's, which only its annual return lists."""
    assert rows(small.query("event_participation", period="2022-H1"), PARTICIPATION) == [
        [OLYMPIC_2022, "Ngày chạy Olympic vì sức khỏe toàn dân", 2022, dt.date(2022, 3, 26), "Phòng Tổng hợp", 6, 6,
         None, None],
        [MARATHON_2022, "Marathon Mộc Châu", 2022, dt.date(2022, 5, 14), "Phòng Tổng hợp", 5, 4, "Giải Ba 10 km",
         None],
    ]


def test_event_participation_of_the_year(small):
    """The year: the Olympic run of the first half (the annual return does not repeat it), the
    marathon once per unit as the annual returns give it (both of Nhà khách Thanh Xuân's rows)."""
    assert rows(small.query("event_participation", period="2022-Y"), PARTICIPATION) == [
        [OLYMPIC_2022, "Ngày chạy Olympic vì sức khỏe toàn dân", 2022, dt.date(2022, 3, 26), "Phòng Tổng hợp", 6, 6,
         None, None],
        [MARATHON_2022, "Marathon Mộc Châu", 2022, dt.date(2022, 5, 14), "Phòng Tổng hợp", 5, 5, "Giải Ba 10 km",
         "Bổ sung 01 người"],
        [MARATHON_2022, "Marathon Mộc Châu", 2022, dt.date(2022, 5, 14), NKTX, 3, 3, "Giải Nhì 10 km nữ",
         "Cự ly 5 km; Cự ly 10 km"],
        [FOOTBALL, FOOTBALL, 2022, dt.date(2022, 10, 10), "Phòng Tổng hợp", 12, 11, "Giải Nhất", None],
        [NGAY_HOI_2022, "Ngày hội Đại đoàn kết toàn dân tộc", 2022, dt.date(2022, 11, 18), "Phòng Tổng hợp", None, 9,
         None, None],
        [NGAY_HOI_2022, "Ngày hội Đại đoàn kết toàn dân tộc", 2022, dt.date(2022, 11, 18), NKTX, 8, 8, None, None],
    ]


def test_event_participation_of_one_series_over_the_years(small):
    frame = small.query("event_participation", series="Marathon Mộc Châu")
    assert rows(frame, ["year", "unit", "participants"]) == [
        [2022, "Phòng Tổng hợp", 5], [2022, NKTX, 3], [2023, NKTX, 3]]
    assert frame["short_name"].tolist() == ["P. Tổng hợp", "NK Thanh Xuân", "NK Thanh Xuân"]


@pytest.mark.parametrize("period", ["2024-H1", "2099-Y"])
def test_event_participation_of_a_period_without_data(small, period):
    assert small.query("event_participation", period=period).empty


SUMMARY = ["event", "series", "year", "date", "units", "registered", "participants", "units_with_achievement",
           "added_by_upload"]


def test_event_summary_of_the_year(small):
    assert rows(small.query("event_summary", period="2022-Y"), SUMMARY) == [
        [OLYMPIC_2022, "Ngày chạy Olympic vì sức khỏe toàn dân", 2022, dt.date(2022, 3, 26), 1, 6, 6, 0, False],
        [MARATHON_2022, "Marathon Mộc Châu", 2022, dt.date(2022, 5, 14), 2, 8, 8, 2, False],
        [FOOTBALL, FOOTBALL, 2022, dt.date(2022, 10, 10), 1, 12, 11, 1, True],
        # one unit of two gave its registration number: the share is over that unit only
        [NGAY_HOI_2022, "Ngày hội Đại đoàn kết toàn dân tộc", 2022, dt.date(2022, 11, 18), 2, 8, 17, 0, False],
    ]
    shares = small.query("event_summary", period="2022-Y")[["registered_units", "registered_participants"]]
    assert shares.values.tolist() == [[1, 6], [2, 8], [1, 11], [1, 8]]


def test_event_summary_of_a_period_without_data(small):
    assert small.query("event_summary", period="2024-H1").empty
    assert rows(small.query("event_summary", period="2023-H1"), ["event", "units", "participants"]) == [
        [MARATHON_2023, 1, 3]]


def test_event_trend(small):
    assert rows(small.query("event_trend"), ["series", "year", "event", "units", "registered", "participants",
                                             "units_with_achievement", "planned_editions"]) == [
        [FOOTBALL, 2022, FOOTBALL, 1, 12, 11, 1, 1],
        ["Marathon Mộc Châu", 2022, MARATHON_2022, 2, 8, 8, 2, 5],
        ["Marathon Mộc Châu", 2023, MARATHON_2023, 1, 3, 3, 0, 5],
        ["Ngày chạy Olympic vì sức khỏe toàn dân", 2022, OLYMPIC_2022, 1, 6, 6, 0, 5],
        ["Ngày hội Đại đoàn kết toàn dân tộc", 2022, NGAY_HOI_2022, 2, 8, 17, 0, 5],
    ]


def test_event_queries_agree(small):
    """The summary and the trend add up the same participation rows."""
    assert small.query("event_participation")["participants"].sum() \
        == small.query("event_summary")["participants"].sum() \
        == small.query("event_trend")["participants"].sum() == 6 + 8 + 11 + 17 + 3


# ---------------------------------------------------------------- the page (AppTest)


demo_env = pytest.fixture(demo_copy_env, name="demo_env")


def page(period: str | None = None) -> AppTest:
    return run_page("events", period)


def chart_titles(at: AppTest) -> list[str]:
    titles = []
    for chart in at.get("vega_lite_chart"):
        title = json.loads(chart.proto.spec)["title"]
        title = title["text"] if isinstance(title, dict) else title
        titles.append(" ".join(title) if isinstance(title, list) else title)
    return titles


DEMO_EVENTS = [
    ["Ngày chạy Olympic vì sức khỏe toàn dân 2022", "26/03/2022", "10/11", "69", "64", "0"],
    ["Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)", "22/05/2022", "5/11", "16", "15", "2"],
    ["Liên hoan bản, tổ dân phố văn hóa tiêu biểu xuất sắc tỉnh Sơn La lần thứ V", "30/09/2022", "4/11", "23", "22",
     "1"],
    ["Ngày hội Đại đoàn kết toàn dân tộc 2022", "18/11/2022", "11/11", "—", "95", "0"],
]


def test_page_on_the_demonstration_year(demo_env):
    at = page()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sự kiện"]
    assert [s.value for s in at.subheader] == ["Sự kiện trong năm 2022", "Tham gia qua các năm"]
    assert at.dataframe[0].value.values.tolist() == DEMO_EVENTS
    assert [m.value for m in at.markdown if m.value.startswith("####")] == [
        "#### " + at_escaped for at_escaped in [
            "Ngày chạy Olympic vì sức khỏe toàn dân 2022",
            "Giải chạy VTM Mộc Châu 2022 \\(Marathon Mộc Châu\\)",
            "Liên hoan bản, tổ dân phố văn hóa tiêu biểu xuất sắc tỉnh Sơn La lần thứ V",
            "Ngày hội Đại đoàn kết toàn dân tộc 2022"]]
    assert [m.value for m in at.markdown if "đơn vị tham gia" in m.value] == [
        "**10/11** đơn vị tham gia · **69** người đăng ký · **64** người tham gia (92,8 % số người đăng ký)",
        "**5/11** đơn vị tham gia · **16** người đăng ký · **15** người tham gia (93,8 % số người đăng ký)",
        "**4/11** đơn vị tham gia · **23** người đăng ký · **22** người tham gia (95,7 % số người đăng ký)",
        "**11/11** đơn vị tham gia · **95** người tham gia (các đơn vị không ghi số người đăng ký)",
    ]
    assert [m.value for m in at.markdown if m.value.startswith("**Thành tích:**")] == [
        "**Thành tích:** chưa có đơn vị nào báo cáo thành tích.",
        "**Thành tích:**\n\n- Phòng Tổ chức - Hành chính - Quản trị: Giải Ba cự ly 10 km nam\n"
        "- Trung tâm Thông tin: Giải Ba cự ly 10 km nữ",
        "**Thành tích:**\n\n- Phòng Tổ chức - Hành chính - Quản trị: Giải Khuyến khích tiết mục múa",
        "**Thành tích:** chưa có đơn vị nào báo cáo thành tích.",
    ]
    marathon = at.dataframe[2].value  # the marathon's units (inside its expander)
    assert marathon.values.tolist() == [
        ["Phòng Tổng hợp", "2", "2", "", "Cự ly 5 km"],
        ["Phòng Kinh tế", "2", "2", "", "Cự ly 10 km"],
        ["Phòng Tổ chức - Hành chính - Quản trị", "5", "4", "Giải Ba cự ly 10 km nam",
         "Hoàn thành cự ly 10 km và 21 km"],
        ["Trung tâm Phục vụ hành chính công", "3", "3", "", "Cự ly 5 km"],
        ["Trung tâm Thông tin", "4", "4", "Giải Ba cự ly 10 km nữ", ""],
    ]
    assert chart_titles(at) == ["Đăng ký và tham gia của từng đơn vị"] * 4 + [
        "Số người tham gia các sự kiện thường niên qua từng năm"]
    # the trend: the three yearly series (the Liên hoan lần thứ V is not yearly), the marathon per unit
    assert at.selectbox(key="events_series").options == [
        "Marathon Mộc Châu", "Ngày chạy Olympic vì sức khỏe toàn dân", "Ngày hội Đại đoàn kết toàn dân tộc"]
    by_unit = at.dataframe[-1].value
    assert list(by_unit.columns) == ["Đơn vị", "Năm 2022"] and len(by_unit) == 11
    assert [row for row in by_unit.values.tolist() if row[1] != "—"] == [
        ["Phòng Tổng hợp", "2"], ["Phòng Kinh tế", "2"], ["Phòng Tổ chức - Hành chính - Quản trị", "4"],
        ["Trung tâm Phục vụ hành chính công", "3"], ["Trung tâm Thông tin", "4"]]
    assert "Mỗi cột là số người tham gia của một sự kiện trong một năm. Năm chưa có số liệu: 2023, 2024, 2025, " \
           "2026." in [c.value for c in at.caption]


def test_page_on_the_first_half_and_another_series(demo_env):
    at = page("2022-H1")
    assert not at.exception
    assert at.dataframe[0].value.values.tolist() == DEMO_EVENTS[:2]
    at.selectbox(key="events_series").select("Ngày hội Đại đoàn kết toàn dân tộc").run()
    assert not at.exception
    by_unit = at.dataframe[-1].value
    assert by_unit["Năm 2022"].tolist() == ["9", "7", "5", "5", "6", "18", "5", "10", "10", "12", "8"]


def test_page_on_a_period_without_data(demo_env):
    at = page("2023-H1")
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Trong 6 tháng đầu năm 2023, chưa có đơn vị nào báo cáo tham gia sự kiện (kỳ này 0/11 đơn vị đã nộp báo "
        "cáo). Chọn kỳ khác ở thanh bên để xem, hoặc xem diễn biến qua các năm dưới đây."]
    assert chart_titles(at) == ["Số người tham gia các sự kiện thường niên qua từng năm"]


def test_page_on_an_empty_store(tmp_path, monkeypatch):
    monkeypatch.setenv("VANHOA_DB", str(tmp_path / "empty.duckdb"))
    at = page()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Chưa có báo cáo nào được nộp, nên chưa có sự kiện nào để hiển thị. Văn thư các đơn vị hãy vào mục "
        "**Nộp báo cáo** để tải biểu mẫu, điền và tải lên báo cáo của đơn vị."]
    assert len(at.dataframe) == 0


def test_page_marks_an_event_outside_the_list(small, tmp_path, monkeypatch):
    monkeypatch.setenv("VANHOA_DB", str(copy_store(small.path, tmp_path / "small.duckdb")))
    at = page("2022-Y")
    assert not at.exception
    assert "Ngày 10/10/2022 · sự kiện ngoài danh mục, do đơn vị ghi trong báo cáo" in [c.value for c in at.caption]
    assert ("**2/11** đơn vị tham gia · **8** người đăng ký · **17** người tham gia (100,0 % số người đăng ký, "
            "tính trên 1 đơn vị có ghi số đăng ký)") in [m.value for m in at.markdown]
    # the football cup has one edition: it is not a yearly event, so not in the trend
    assert at.selectbox(key="events_series").options == [
        "Marathon Mộc Châu", "Ngày chạy Olympic vì sức khỏe toàn dân", "Ngày hội Đại đoàn kết toàn dân tộc"]
    assert at.dataframe[-1].value[["Đơn vị", "Năm 2022", "Năm 2023"]].values.tolist()[-1] == [NKTX, "3", "3"]


def test_many_units_chart_those_with_the_most_people(demo_env, monkeypatch):
    """At province scale an event has a thousand units: its chart shows the CHART_UNITS with the
    most people taking part, the detailed table every unit."""
    from vanhoa.views import events

    monkeypatch.setattr(events, "CHART_UNITS", 3)
    at = page()
    assert not at.exception
    titles = chart_titles(at)
    assert titles[0] == "Đăng ký và tham gia: 3 đơn vị đông người tham gia nhất"  # 10 units took part
    layer = json.loads(at.get("vega_lite_chart")[0].proto.spec)["layer"][0]
    assert len(layer["encoding"]["y"]["sort"]) == 3  # a bar per unit charted
    assert "Biểu đồ: 3 đơn vị có nhiều người tham gia nhất; bảng chi tiết có đủ 10 đơn vị." in [
        c.value for c in at.caption]


def test_the_page_queries_start_together_and_none_runs_twice(demo_env, monkeypatch):
    from test_overview import assert_prefetch_runs_what_the_page_asks

    calls = assert_prefetch_runs_what_the_page_asks(monkeypatch, lambda: page("2022-Y"))
    assert {"event_summary", "event_participation", "event_trend"} <= {name for name, _ in calls}
