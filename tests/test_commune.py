"""Xã được giúp đỡ: the three commune queries on a small store with exact rows, and the page on
the demonstration data (AppTest).

The small store: Phòng Tổng hợp's 2022 half-year return has an activity in Chiềng Xuân, one in
"xã Chiềng xuân" (same commune, other spelling), one elsewhere; its annual return repeats the
first with corrected participants and adds one in the second half. Nhà khách Thanh Xuân's
annual return has a first version with two activities there and a second version with one.
2023-H1 has no data."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from builders import ACTIVITY_HEADER, copy_store, good_sheets, rows_of
from page_runs import demo_copy_env, filed_store, run_page
from streamlit.testing.v1 import AppTest

from vanhoa.store import Store

NKTX = "Nhà khách Thanh Xuân - Hà Nội"
PROPAGANDA = "Tuyên truyền xây dựng nông thôn mới"


rows = rows_of


def activities(*grid: list) -> list[list]:
    return [ACTIVITY_HEADER, *map(list, grid)]


def th_half_year() -> dict:
    sheets = good_sheets()
    sheets["Hoạt động"] = activities(
        [dt.date(2022, 3, 15), PROPAGANDA, "Giúp đỡ xã", "Chiềng Xuân", "UBND xã", 12, 1500000, "Tốt", "III.3"],
        ["20/04/2022", "Giao lưu văn nghệ", "Văn hóa - văn nghệ", None, "Hội trường", 30, 0, None, "III.1"],
        ["05/06/2022", "Ủng hộ quỹ khuyến học của xã", "Nhân đạo - từ thiện", "xã Chiềng xuân", None, None,
         "2.000.000"],
        ["06/06/2022", "Khảo sát mô hình bản văn hóa", "Giúp đỡ xã", "Chiềng Ve", None, 4, 800000],
    )
    return sheets


def th_year() -> dict:
    sheets = good_sheets(period="Năm 2022")
    sheets["Hoạt động"] = activities(
        # the first half again, with the participants corrected: counted once, from this return
        [dt.date(2022, 3, 15), PROPAGANDA, "Giúp đỡ xã", "Chiềng Xuân", "UBND xã", 14, 1500000, "Tốt", "III.3"],
        ["10/09/2022", "Tặng quà Trung thu cho học sinh", "Giúp đỡ xã", "Chiềng Xuân", "Điểm trường", 5, 3000000],
    )
    return sheets


def nktx_year(first_version: bool) -> dict:
    sheets = good_sheets(unit=NKTX, period="Năm 2022")
    grid = [["20/11/2022", "Khảo sát nhà văn hóa bản", "Giúp đỡ xã", "Chiềng Xuân", None, 3, None]]
    if first_version:
        grid.append(["21/11/2022", "Hoạt động nhập nhầm", "Giúp đỡ xã", "Chiềng Xuân", None, 40, 9000000])
    sheets["Hoạt động"] = activities(*grid)
    return sheets


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Store:
    return filed_store(tmp_path_factory.mktemp("commune") / "small.duckdb", [
        (th_half_year(), "th-h1.xlsx", dt.datetime(2022, 6, 10, 9, 0)),
        (th_year(), "th-y.xlsx", dt.datetime(2022, 12, 1, 9, 0)),
        (nktx_year(first_version=True), "nktx-y.xlsx", dt.datetime(2022, 12, 2, 9, 0)),
        (nktx_year(first_version=False), "nktx-y-v2.xlsx", dt.datetime(2022, 12, 3, 9, 0)),
    ])


ACTIVITY = ["date", "year", "half", "unit", "content", "kind", "participants", "cost", "period"]


def test_commune_activities_whole_history(small):
    assert rows(small.query("commune_activities"), ACTIVITY) == [
        [dt.date(2022, 3, 15), 2022, 1, "Phòng Tổng hợp", PROPAGANDA, "Giúp đỡ xã", 14, 1500000, "2022-Y"],
        [dt.date(2022, 6, 5), 2022, 1, "Phòng Tổng hợp", "Ủng hộ quỹ khuyến học của xã", "Nhân đạo - từ thiện",
         None, 2000000, "2022-H1"],
        [dt.date(2022, 9, 10), 2022, 2, "Phòng Tổng hợp", "Tặng quà Trung thu cho học sinh", "Giúp đỡ xã", 5, 3000000,
         "2022-Y"],
        [dt.date(2022, 11, 20), 2022, 2, NKTX, "Khảo sát nhà văn hóa bản", "Giúp đỡ xã", 3, None, "2022-Y"],
    ]


@pytest.mark.parametrize("limit", [1, 2, 4, 10])
def test_commune_activities_limit_gives_the_first_rows_and_counts_them_after_repeats(small, limit):
    """The page's call: the first rows of the whole list, in its order, and the count of the
    whole list (the annual return's repeat of March counted once)."""
    every = small.query("commune_activities")
    first = small.query("commune_activities", limit=limit)
    assert rows(first, ACTIVITY) == rows(every, ACTIVITY)[:limit]
    assert first["total_rows"].tolist() == [4] * min(limit, 4)
    assert every["total_rows"].isna().all()  # the download counts what it gets
    # the half-year holds its own return: March as first reported (12 people), in 2022-H1
    assert rows(small.query("commune_activities", period="2022-H1", limit=1), ACTIVITY + ["total_rows"]) == [
        [dt.date(2022, 3, 15), 2022, 1, "Phòng Tổng hợp", PROPAGANDA, "Giúp đỡ xã", 12, 1500000, "2022-H1", 2]]
    assert rows(small.query("commune_activities", period="2022-Y", limit=1), ACTIVITY + ["total_rows"]) == [
        [dt.date(2022, 3, 15), 2022, 1, "Phòng Tổng hợp", PROPAGANDA, "Giúp đỡ xã", 14, 1500000, "2022-Y", 4]]


@pytest.mark.parametrize("period, dates", [
    ("2022-H1", [dt.date(2022, 3, 15), dt.date(2022, 6, 5)]),  # the half-year return's rows
    ("2022-Y", [dt.date(2022, 3, 15), dt.date(2022, 6, 5), dt.date(2022, 9, 10), dt.date(2022, 11, 20)]),
    ("2023-H1", []),
    ("2099-H1", []),  # not a period of the store
])
def test_commune_activities_of_a_period(small, period, dates):
    assert rows(small.query("commune_activities", period=period), ["date"]) == [[d] for d in dates]


def test_commune_timeline(small):
    frame = small.query("commune_timeline")
    assert rows(frame, ["year", "half", "kind", "activities", "participants", "cost", "units"]) == [
        [2022, 1, "Giúp đỡ xã", 1, 14, 1500000, 1],
        [2022, 1, "Nhân đạo - từ thiện", 1, None, 2000000, 1],
        [2022, 2, "Giúp đỡ xã", 2, 8, 3000000, 2],
    ]


UNITS = ["unit", "activities", "participants", "cost", "last_date"]


def test_commune_units_of_the_year(small):
    frame = small.query("commune_units", period="2022-Y")
    assert len(frame) == 11  # every unit, those that did nothing there too
    assert rows(frame[frame["activities"] > 0], UNITS) == [
        ["Phòng Tổng hợp", 3, 19, 6500000, dt.date(2022, 9, 10)],
        [NKTX, 1, 3, None, dt.date(2022, 11, 20)],  # the cost was not given: unknown, not 0
    ]
    assert rows(frame[frame["unit"] == "Phòng Kinh tế"], UNITS) == [["Phòng Kinh tế", 0, 0, 0, None]]
    assert frame["short_name"].tolist()[:2] == ["P. Tổng hợp", "P. Kinh tế"]


def test_commune_units_of_the_first_half_and_of_a_period_without_data(small):
    h1 = small.query("commune_units", period="2022-H1")
    # the half-year return as filed (12 people in March); the annual return's correction is the year's
    assert rows(h1[h1["activities"] > 0], UNITS) == [["Phòng Tổng hợp", 2, 12, 3500000, dt.date(2022, 6, 5)]]
    empty = small.query("commune_units", period="2023-H1")
    assert len(empty) == 11 and set(empty["activities"]) == {0} and set(empty["cost"]) == {0}


def test_the_commune_is_the_setting(small, tmp_path):
    """Another supported commune in the settings: the queries follow it, nothing is hard-coded."""
    copy = Store(copy_store(small.path, tmp_path / "other.duckdb"))
    with copy.transaction() as con:
        con.execute("update settings set value = $v where key = 'supported_commune'", {"v": "Chiềng Ve"})
    assert rows(copy.query("commune_activities"), ["date", "content", "participants", "cost"]) == [
        [dt.date(2022, 6, 6), "Khảo sát mô hình bản văn hóa", 4, 800000]]
    assert rows(copy.query("commune_timeline"), ["year", "half", "kind", "activities"]) == [[2022, 1, "Giúp đỡ xã", 1]]


def test_commune_queries_agree(small):
    """The list, the timeline and the per-unit view count the same activities."""
    listed = small.query("commune_activities")
    assert small.query("commune_timeline")["activities"].sum() == len(listed) \
        == small.query("commune_units")["activities"].sum() == 4


def test_whole_plan_figures_from_the_timeline_are_the_per_unit_figures(small, monkeypatch):
    """The caption's whole-plan figures come from the timeline; they are those of commune_units
    without a period, which the page asks only when no number of people or amount is known."""
    from vanhoa.views import commune

    whole = small.query("commune_units")
    expected = (whole["activities"].sum(), whole["participants"].sum(min_count=1), whole["cost"].sum(min_count=1))
    assert expected == (4, 22, 6500000)

    def never_asked():
        pytest.fail("asked commune_units")

    assert commune.whole_plan(small.query("commune_timeline"), never_asked) == expected

    unknown = small.query("commune_timeline").assign(participants=None)  # nobody counted the people
    idle = whole.assign(participants=[None, 0] * 5 + [0])
    assert commune.whole_plan(unknown, lambda: idle) == (4, 0, 6500000)  # idle units count 0, as on the per-unit view


# ---------------------------------------------------------------- the page (AppTest)


demo_env = pytest.fixture(demo_copy_env, name="demo_env")


def page(period: str | None = None) -> AppTest:
    return run_page("commune", period)


def metrics(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def chart_titles(at: AppTest) -> list[str]:
    """Each Altair chart's title, its lines joined."""
    titles = []
    for chart in at.get("vega_lite_chart"):
        title = json.loads(chart.proto.spec)["title"]
        title = title["text"] if isinstance(title, dict) else title
        titles.append(" ".join(title) if isinstance(title, list) else title)
    return titles


def table(at: AppTest, index: int) -> list[list]:
    return at.dataframe[index].value.values.tolist()


def test_page_on_the_demonstration_year(demo_env):
    at = page()
    assert not at.exception
    assert [t.value for t in at.title] == ["Xã Chiềng Xuân"]
    assert at.radio(key="commune_scope").value == "period"
    assert metrics(at) == [("Số hoạt động", "8"), ("Lượt người tham gia", "38"), ("Kinh phí", "68.500.000 đ"),
                           ("Đơn vị tham gia", "3/11")]
    assert ("Cả giai đoạn 2022 - 2026: 8 hoạt động · 38 lượt người tham gia · 68.500.000 đ. Năm 2022 gồm cả "
            "6 tháng đầu năm; mỗi hoạt động tính theo ngày thực hiện, một lần.") in [c.value for c in at.caption]
    assert [s.value for s in at.subheader] == ["Diễn biến qua từng 6 tháng", "Theo đơn vị: Năm 2022",
                                               "Danh sách hoạt động: Năm 2022"]
    assert chart_titles(at) == [
        "Số hoạt động tại xã Chiềng Xuân theo loại hoạt động",
        "Lượt người tham gia các hoạt động tại xã Chiềng Xuân",
        "Kinh phí các hoạt động tại xã Chiềng Xuân",
        "Số hoạt động tại xã Chiềng Xuân của từng đơn vị (Năm 2022)",
    ]
    units = table(at, 0)
    assert len(units) == 11
    assert [row for row in units if row[1] != "0"] == [
        ["Phòng Khoa giáo - Văn xã", "3", "9", "33.500.000 đ", "10/08/2022"],
        ["Phòng Kiểm soát thủ tục hành chính", "1", "3", "2.500.000 đ", "20/09/2022"],
        ["Phòng Tổ chức - Hành chính - Quản trị", "4", "26", "32.500.000 đ", "13/10/2022"],
    ]
    listed = at.dataframe[1].value
    assert len(listed) == 8
    assert listed[["Ngày", "Đơn vị", "Số người tham gia", "Kinh phí"]].values.tolist() == [
        ["24/01/2022", "Phòng Tổ chức - Hành chính - Quản trị", "8", "15.000.000 đ"],
        ["24/03/2022", "Phòng Tổ chức - Hành chính - Quản trị", "6", "3.500.000 đ"],
        ["20/04/2022", "Phòng Khoa giáo - Văn xã", "3", "2.000.000 đ"],
        ["18/05/2022", "Phòng Khoa giáo - Văn xã", "2", "1.500.000 đ"],
        ["10/08/2022", "Phòng Khoa giáo - Văn xã", "4", "30.000.000 đ"],
        ["07/09/2022", "Phòng Tổ chức - Hành chính - Quản trị", "7", "12.000.000 đ"],
        ["20/09/2022", "Phòng Kiểm soát thủ tục hành chính", "3", "2.500.000 đ"],
        ["13/10/2022", "Phòng Tổ chức - Hành chính - Quản trị", "5", "2.000.000 đ"],
    ]
    assert set(listed["Loại hoạt động"]) == {"Giúp đỡ xã"}


def test_page_on_the_first_half_and_the_whole_plan(demo_env):
    at = page("2022-H1")
    assert not at.exception
    assert metrics(at) == [("Số hoạt động", "4"), ("Lượt người tham gia", "19"), ("Kinh phí", "22.000.000 đ"),
                           ("Đơn vị tham gia", "2/11")]
    assert len(at.dataframe[1].value) == 4
    at.radio(key="commune_scope").set_value("all").run()
    assert not at.exception
    assert metrics(at) == [("Số hoạt động", "8"), ("Lượt người tham gia", "38"), ("Kinh phí", "68.500.000 đ"),
                           ("Đơn vị tham gia", "3/11")]
    assert [s.value for s in at.subheader][1:] == ["Theo đơn vị: Cả giai đoạn 2022 - 2026",
                                                   "Danh sách hoạt động: Cả giai đoạn 2022 - 2026"]


def test_a_long_list_shows_its_first_activities(demo_env, monkeypatch, downloads):
    """A province's units report tens of thousands of activities there: the list shows the
    first PAGE_ROWS and says how many there are (the download has them all)."""
    from pages import commune

    monkeypatch.setattr(commune, "PAGE_ROWS", 3)
    at = page()
    assert not at.exception
    assert at.dataframe[1].value["Ngày"].tolist() == ["24/01/2022", "24/03/2022", "20/04/2022"]
    assert "Hiển thị 3 hoạt động đầu trong 8 hoạt động; tải về để có đủ." in [c.value for c in at.caption]
    assert [b.label for b in at.download_button] == ["Tải xuống CSV", "Tải xuống Excel"]
    # the files are written when a button is clicked, with every activity
    lines = downloads(at.download_button[0]).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 8 and lines[1].startswith("24/01/2022,Phòng Tổ chức - Hành chính - Quản trị,")
    assert next(csv.reader(lines[:1])) == list(at.dataframe[1].value.columns)  # the list's headers, as on screen


def test_many_units_chart_those_that_did_the_most(demo_env, monkeypatch):
    """A province has 1,000 units: the chart shows the CHART_UNITS that did the most there, the
    table every unit."""
    from vanhoa.views import commune

    monkeypatch.setattr(commune, "CHART_UNITS", 2)
    at = page()
    assert not at.exception
    assert chart_titles(at)[3] == ("Số hoạt động tại xã Chiềng Xuân: 2 đơn vị có nhiều hoạt động nhất "
                                   "(Năm 2022)")
    layer = json.loads(at.get("vega_lite_chart")[3].proto.spec)["layer"][0]
    assert len(layer["encoding"]["y"]["sort"]) == 2  # a bar per unit charted: TCHCQT (4), KGVX (3)
    assert "Biểu đồ: 2 đơn vị có nhiều hoạt động nhất; bảng dưới đây có đủ 11 đơn vị." in [c.value for c in at.caption]
    assert len(table(at, 0)) == 11


def test_page_on_a_period_without_data(demo_env):
    at = page("2023-H1")
    assert not at.exception
    assert metrics(at) == [("Số hoạt động", "0"), ("Lượt người tham gia", "0"), ("Kinh phí", "0 đ"),
                           ("Đơn vị tham gia", "0/11")]
    assert [i.value for i in at.info] == [
        "Trong 6 tháng đầu năm 2023, chưa có hoạt động nào tại xã Chiềng Xuân được báo cáo (kỳ này 0/11 đơn vị "
        "đã nộp báo cáo). Biểu đồ dưới đây cho thấy các kỳ khác."]
    assert len(chart_titles(at)) == 3  # the history still shows, with nothing highlighted
    assert len(at.dataframe) == 0


def test_page_on_an_empty_store(tmp_path, monkeypatch):
    monkeypatch.setenv("VANHOA_DB", str(tmp_path / "empty.duckdb"))
    at = page()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Chưa có báo cáo nào được nộp, nên chưa có hoạt động nào tại xã Chiềng Xuân để hiển thị. Văn thư các "
        "đơn vị hãy vào mục **Nộp báo cáo** để tải biểu mẫu, điền và tải lên báo cáo của đơn vị."]
    assert len(at.metric) == 0


def test_page_when_no_unit_has_worked_in_the_commune(small, tmp_path, monkeypatch):
    copy = Store(copy_store(small.path, tmp_path / "elsewhere.duckdb"))
    with copy.transaction() as con:
        con.execute("update settings set value = $v where key = 'supported_commune'", {"v": "Mường Do"})
    monkeypatch.setenv("VANHOA_DB", str(copy.path))
    at = page()
    assert not at.exception
    assert [t.value for t in at.title] == ["Xã Mường Do"]
    assert [i.value for i in at.info] == [
        "Chưa đơn vị nào báo cáo hoạt động tại xã Mường Do. Hoạt động tại xã được ghi ở sheet **Hoạt động** "
        "của biểu mẫu, cột **Xã/phường** là “Mường Do”."]


@pytest.mark.parametrize("scope", [None, "all"])
def test_the_page_queries_start_together_and_none_runs_twice(demo_env, monkeypatch, scope):
    from test_overview import assert_prefetch_runs_what_the_page_asks

    calls = assert_prefetch_runs_what_the_page_asks(
        monkeypatch, lambda: run_page("commune", "2022-Y", state={"commune_scope": scope} if scope else None))
    assert {"commune_timeline", "commune_units", "commune_activities"} <= {name for name, _ in calls}
