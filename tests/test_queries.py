"""Each query in queries/ on its own, against a small store, with the exact rows expected.

The small store: Phòng Tổng hợp filed 2022-H1 on time; Nhà khách Thanh Xuân filed late and
misses the cultural-unit standard; the nine other units have not filed; 2023-H1 has no data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from builders import good_sheets, rows_of, workbook_bytes

from vanhoa.ingest import ingest
from vanhoa.store import Store

NKTX = "Nhà khách Thanh Xuân - Hà Nội"


def nktx_sheets() -> dict:
    """Nhà khách Thanh Xuân: 1 CBCC + 8 LĐHĐ; 'Xây dựng nếp sống văn minh…' not met."""
    sheets = good_sheets(unit=NKTX)
    sheets["Chỉ tiêu"][1:] = [["Cán bộ, công chức", 1, 1, 1, 1, 1], ["Lao động hợp đồng", 8, 7, 4, 6, 5]]
    sheets["Đơn vị văn hóa"][2][1] = "Không"
    sheets["Hoạt động"] = sheets["Hoạt động"][:1] + [
        ["01/06/2022", "Dọn vệ sinh khuôn viên nhà khách", "Bảo vệ môi trường", None, "Hà Nội", 9, "500.000"]]
    sheets["Sự kiện"] = sheets["Sự kiện"][:1]
    return sheets


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Store:
    """Two returns of 2022-H1 (one on time, one late) and a second version of the first."""
    store = Store(tmp_path_factory.mktemp("queries") / "small.duckdb")
    ingest(store, workbook_bytes(good_sheets()), "th.xlsx", "Lò Thị Hoa", filed_at=dt.datetime(2022, 6, 10, 9, 0))
    ingest(store, workbook_bytes(nktx_sheets()), "nktx.xlsx", "Vũ Văn Nam", filed_at=dt.datetime(2022, 6, 22, 15, 30))
    fixed = good_sheets()
    fixed["Hoạt động"][2][5] = 35  # the correction changes one activity's participants
    ingest(store, workbook_bytes(fixed), "th-v2.xlsx", "Lò Thị Hoa", filed_at=dt.datetime(2022, 6, 25, 8, 0))
    return store


def rows(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    """Rows as plain lists: NaN/NA/NaT become None, midnight timestamps dates, ratios rounded to 4 places."""
    return rows_of(frame, columns, digits=4)


PROGRESS = ["unit", "target", "numerator", "denominator", "ratio", "goal", "met", "status"]


def test_progress_office_filed_and_not_filed_units(small):
    frame = small.query("progress", period="2022-H1")
    assert len(frame) == 4 * 12  # 4 targets x (11 units + the Office)
    shown = frame[frame["unit"].isin(["Toàn Văn phòng", "Phòng Tổng hợp", "Phòng Kinh tế", NKTX])]
    assert rows(shown, PROGRESS) == [
        # 2 of the 11 units have filed: the Office's figures are provisional, no verdict on them
        ["Toàn Văn phòng", "T1", 19, 20, 0.95, 1.0, False, "tạm tính"],
        ["Toàn Văn phòng", "T2", 12, 20, 0.6, 0.7, False, "tạm tính"],
        ["Toàn Văn phòng", "T3", 1, 11, 0.0909, 1.0, False, "tạm tính"],
        ["Toàn Văn phòng", "T4", 15, 17, 0.8824, 1.0, False, "tạm tính"],
        ["Phòng Tổng hợp", "T1", 11, 11, 1.0, 1.0, True, "đạt"],
        ["Phòng Tổng hợp", "T2", 7, 11, 0.6364, 0.7, False, "chưa đạt"],
        ["Phòng Tổng hợp", "T3", 1, 1, 1.0, 1.0, True, "đạt"],
        ["Phòng Tổng hợp", "T4", 9, 10, 0.9, 1.0, False, "chưa đạt"],
        ["Phòng Kinh tế", "T1", None, None, None, 1.0, False, "chưa nộp"],
        ["Phòng Kinh tế", "T2", None, None, None, 0.7, False, "chưa nộp"],
        ["Phòng Kinh tế", "T3", None, 1, None, 1.0, False, "chưa nộp"],
        ["Phòng Kinh tế", "T4", None, None, None, 1.0, False, "chưa nộp"],
        [NKTX, "T1", 8, 9, 0.8889, 1.0, False, "chưa đạt"],
        [NKTX, "T2", 5, 9, 0.5556, 0.7, False, "chưa đạt"],
        [NKTX, "T3", 0, 1, 0.0, 1.0, False, "chưa đạt"],
        [NKTX, "T4", 6, 7, 0.8571, 1.0, False, "chưa đạt"],
    ]


PERIOD_COUNTS = ["period", "unit", "target", "counted", "expected", "provisional"]


def test_progress_counts_the_units_of_the_period_on_every_row(small):
    """counted / expected / provisional are the period's: the same on the Office's rows and on
    every unit's, even with a unit filter (the unit's row still says the Office is provisional)."""
    frame = small.query("progress", period="2022-H1")
    assert set(map(tuple, rows(frame, ["counted", "expected", "provisional"]))) == {(2, 11, True)}
    assert rows(small.query("progress", period="2022-H1", unit="TH"), PERIOD_COUNTS) == [
        ["2022-H1", "Phòng Tổng hợp", target, 2, 11, True] for target in ("T1", "T2", "T3", "T4")]


def test_progress_of_a_complete_period_gives_its_verdict(demo_db):
    """All 11 units filed 2022-H1 in the demonstration data: the Office's figures are final,
    'đạt' or 'chưa đạt' as the goal says."""
    frame = Store(demo_db).query("progress", period="2022-H1")
    office = frame[frame["unit"] == "Toàn Văn phòng"]
    assert rows(office, PROGRESS + ["counted", "expected", "provisional"]) == [
        ["Toàn Văn phòng", "T1", 110, 113, 0.9735, 1.0, False, "chưa đạt", 11, 11, False],
        ["Toàn Văn phòng", "T2", 70, 113, 0.6195, 0.7, False, "chưa đạt", 11, 11, False],
        ["Toàn Văn phòng", "T3", 10, 11, 0.9091, 1.0, False, "chưa đạt", 11, 11, False],
        ["Toàn Văn phòng", "T4", 92, 96, 0.9583, 1.0, False, "chưa đạt", 11, 11, False],
    ]


def test_progress_for_one_unit_has_no_office_row(small):
    frame = small.query("progress", period="2022-H1", unit="TH")
    assert frame["unit"].unique().tolist() == ["Phòng Tổng hợp"]


def test_progress_of_a_period_without_data(small):
    frame = small.query("progress", period="2023-H1")
    office = frame[frame["unit"] == "Toàn Văn phòng"]
    # nothing to estimate: 'chưa nộp', not 'tạm tính'; still provisional (0 of 11 counted)
    assert rows(office, PROGRESS + ["counted", "expected", "provisional"]) == [
        ["Toàn Văn phòng", "T1", None, None, None, 1.0, False, "chưa nộp", 0, 11, True],
        ["Toàn Văn phòng", "T2", None, None, None, 0.7, False, "chưa nộp", 0, 11, True],
        ["Toàn Văn phòng", "T3", None, 11, None, 1.0, False, "chưa nộp", 0, 11, True],
        ["Toàn Văn phòng", "T4", None, None, None, 1.0, False, "chưa nộp", 0, 11, True],
    ]
    assert set(frame["status"]) == {"chưa nộp"} and len(frame) == 48


def test_progress_without_period_covers_periods_with_returns(small):
    assert small.query("progress")["period"].unique().tolist() == ["2022-H1"]


def test_progress_office_only_is_the_office_rows_of_every_period(small):
    every = small.query("progress")
    office = small.query("progress", office_only=True)
    assert rows(office, ["period", "unit", "target", "numerator", "denominator", "status"]) == rows(
        every[every["unit"] == "Toàn Văn phòng"], ["period", "unit", "target", "numerator", "denominator", "status"])
    assert office["target"].tolist() == ["T1", "T2", "T3", "T4"]


@pytest.mark.parametrize(("params", "total"), [
    ({}, 48), ({"period": "2022-H1"}, 48), ({"period": "2023-H1"}, 48), ({"unit": "TH"}, 4),
    ({"office_only": True}, 4)])
def test_progress_limit_gives_the_first_rows_and_counts_them_all(small, params, total):
    """The Dữ liệu page's call: the first rows in the files' order, and how many there are."""
    every = small.query("progress", **params)
    assert len(every) == total and every["total_rows"].isna().all()  # the download counts what it gets
    for limit in (1, 5, 100):
        first = small.query("progress", **params, limit=limit)
        columns = [c for c in every.columns if c != "total_rows"]
        assert rows(first, columns) == rows(every.head(limit), columns)  # (None and NaN alike)
        assert first["total_rows"].tolist() == [total] * min(limit, total)


def test_progress_first_rows_of_a_period(small):
    first = small.query("progress", period="2022-H1", limit=6)
    assert rows(first, PROGRESS + ["total_rows"]) == [
        ["Toàn Văn phòng", "T1", 19, 20, 0.95, 1.0, False, "tạm tính", 48],
        ["Toàn Văn phòng", "T2", 12, 20, 0.6, 0.7, False, "tạm tính", 48],
        ["Toàn Văn phòng", "T3", 1, 11, 0.0909, 1.0, False, "tạm tính", 48],
        ["Toàn Văn phòng", "T4", 15, 17, 0.8824, 1.0, False, "tạm tính", 48],
        ["Phòng Tổng hợp", "T1", 11, 11, 1.0, 1.0, True, "đạt", 48],
        ["Phòng Tổng hợp", "T2", 7, 11, 0.6364, 0.7, False, "chưa đạt", 48],
    ]


def test_completeness(small):
    frame = small.query("completeness", period="2022-H1", today=dt.date(2022, 6, 20))
    shown = frame[frame["unit"].isin(["Phòng Tổng hợp", "Phòng Kinh tế", NKTX])]
    assert rows(shown, ["unit", "status", "filed_at", "version", "days_after_deadline"]) == [
        ["Phòng Tổng hợp", "đúng hạn", pd.Timestamp("2022-06-10 09:00"), 1 + 1, -5],
        ["Phòng Kinh tế", "chưa nộp", None, None, 5],
        [NKTX, "trễ hạn", pd.Timestamp("2022-06-22 15:30"), 1, 7],
    ]
    assert frame["status"].value_counts().to_dict() == {"chưa nộp": 9, "đúng hạn": 1, "trễ hạn": 1}


def test_completeness_of_a_period_without_data(small):
    frame = small.query("completeness", period="2023-H1", today=dt.date(2023, 6, 1))
    assert len(frame) == 11 and set(frame["status"]) == {"chưa nộp"}
    assert set(frame["days_after_deadline"]) == {-14}


def test_activities_of_current_versions_only(small):
    frame = small.query("activities", period="2022-H1")
    assert rows(frame, ["unit", "date", "content", "kind", "commune", "participants", "cost"]) == [
        ["Phòng Tổng hợp", dt.date(2022, 3, 15), "Tuyên truyền xây dựng nông thôn mới", "Giúp đỡ xã", "Chiềng Xuân",
         12, 1500000],
        ["Phòng Tổng hợp", dt.date(2022, 4, 20), "Giao lưu văn nghệ", "Văn hóa - văn nghệ", None, 35, 0],
        [NKTX, dt.date(2022, 6, 1), "Dọn vệ sinh khuôn viên nhà khách", "Bảo vệ môi trường", None, 9, 500000],
    ]


@pytest.mark.parametrize("filters, contents", [
    ({"commune": "Chiềng Xuân"}, ["Tuyên truyền xây dựng nông thôn mới"]),
    ({"kind": "Bảo vệ môi trường"}, ["Dọn vệ sinh khuôn viên nhà khách"]),
    ({"unit": "NKTX"}, ["Dọn vệ sinh khuôn viên nhà khách"]),
    ({"date_from": dt.date(2022, 4, 1), "date_to": dt.date(2022, 5, 31)}, ["Giao lưu văn nghệ"]),
    ({"search": "VĂN NGHỆ"}, ["Giao lưu văn nghệ"]),
    # the fields are searched as one text, joined by spaces (content, place, result, commune)
    ({"search": "mới ubnd xã TỐT chiềng"}, ["Tuyên truyền xây dựng nông thôn mới"]),
    ({"search": "nghệ hội trường"}, ["Giao lưu văn nghệ"]),  # no result, no commune: skipped
    ({"search": "tốt CHIỀNG XUÂN"}, ["Tuyên truyền xây dựng nông thôn mới"]),
    ({"search": "ô"}, ["Tuyên truyền xây dựng nông thôn mới", "Dọn vệ sinh khuôn viên nhà khách"]),
    ({"search": "xã tốt mới"}, []),
    ({"search": "%"}, []),
    ({"period": "2023-H1"}, []),
])
def test_activity_filters(small, filters, contents):
    assert small.query("activities", **filters)["content"].tolist() == contents


@pytest.mark.parametrize("name", ["activities", "events"])
def test_a_limit_gives_the_first_rows_and_counts_them_all(small, name):
    every = small.query(name)
    assert len(every) >= 1 and every["total_rows"].isna().all()  # an export counts what it gets
    first = small.query(name, limit=1)
    assert first.drop(columns="total_rows").to_dict("records") == \
        every.drop(columns="total_rows").head(1).to_dict("records")
    assert first["total_rows"].tolist() == [len(every)]
    assert small.query(name, limit=1, period="2023-H1").empty


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_a_search_with_a_limit_gives_the_first_matching_rows_and_counts_them(small, limit):
    first = small.query("activities", search="ô", limit=limit)
    assert first["content"].tolist() == \
        ["Tuyên truyền xây dựng nông thôn mới", "Dọn vệ sinh khuôn viên nhà khách"][:limit]
    assert first["total_rows"].tolist() == [2] * min(limit, 2)
    assert small.query("activities", search="nghệ hội", limit=limit)["total_rows"].tolist() == [1]
    assert small.query("activities", search="không có", limit=limit).empty


def test_events(small):
    frame = small.query("events", period="2022-H1")
    assert rows(frame, ["unit", "event", "date", "registered", "participants", "achievement", "series"]) == [
        ["Phòng Tổng hợp", "Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)", dt.date(2022, 5, 14), 5, 4,
         "Giải Ba 10 km", "Marathon Mộc Châu"]]


def test_returns_lists_every_version(small):
    frame = small.query("returns", period="2022-H1")
    assert rows(frame, ["unit", "version", "current", "filed_by", "filename"]) == [
        ["Phòng Tổng hợp", 1, False, "Lò Thị Hoa", "th.xlsx"],
        ["Phòng Tổng hợp", 2, True, "Lò Thị Hoa", "th-v2.xlsx"],
        [NKTX, 1, True, "Vũ Văn Nam", "nktx.xlsx"],
    ]


def test_filed_periods(small):
    assert small.query("filed_periods")["period"].tolist() == ["2022-H1"]  # three versions, one period


def test_return_figures_compare_versions(small):
    v1 = small.query("return_figures", unit="TH", period="2022-H1", version=1)
    v2 = small.query("return_figures", unit="TH", period="2022-H1", version=2)
    merged = v1.merge(v2, on=["section", "item", "figure"], suffixes=("_v1", "_v2"))
    assert rows(merged[merged["value_v1"] != merged["value_v2"]], ["item", "figure", "value_v1", "value_v2"]) == []
    assert len(v1) == 15 + 4 + 3


def test_uploads_newest_first(small):
    frame = small.query("uploads")
    assert frame["filename"].tolist() == ["th-v2.xlsx", "nktx.xlsx", "th.xlsx"]
    assert small.query("uploads", status="rejected").empty


def test_target_by_group(small):
    frame = small.query("target_by_group", period="2022-H1", target="T2")
    assert rows(frame, ["unit", "staff_group", "numerator", "denominator"]) == [
        ["Phòng Tổng hợp", "CBCC", 6, 9], ["Phòng Tổng hợp", "VC", 1, 2], ["Phòng Tổng hợp", "LDHD", 0, 0],
        [NKTX, "CBCC", 1, 1], [NKTX, "VC", 0, 0], [NKTX, "LDHD", 4, 8],
    ]
    t4 = small.query("target_by_group", period="2022-H1", target="T4")
    assert rows(t4[t4["unit"] == NKTX], ["staff_group", "numerator", "denominator"]) == [
        ["CBCC", 1, 1], ["VC", 0, 0], ["LDHD", 5, 6]]
    assert small.query("target_by_group", period="2022-H1", target="T3").empty
    assert small.query("target_by_group", period="2023-H1", target="T1").empty


def test_standard_criteria(small):
    frame = small.query("standard_criteria", period="2022-H1")
    assert len(frame) == 44
    shown = frame[frame["unit"].isin(["Phòng Tổng hợp", "Phòng Kinh tế", NKTX])]
    assert rows(shown, ["unit", "criterion", "status"]) == [
        ["Phòng Tổng hợp", "C1", "đạt"], ["Phòng Tổng hợp", "C2", "đạt"], ["Phòng Tổng hợp", "C3", "đạt"],
        ["Phòng Tổng hợp", "C4", "đạt"],
        ["Phòng Kinh tế", "C1", "chưa nộp"], ["Phòng Kinh tế", "C2", "chưa nộp"], ["Phòng Kinh tế", "C3", "chưa nộp"],
        ["Phòng Kinh tế", "C4", "chưa nộp"],
        [NKTX, "C1", "đạt"], [NKTX, "C2", "chưa đạt"], [NKTX, "C3", "đạt"], [NKTX, "C4", "đạt"],
    ]


def test_filter_values(small):
    frame = small.query("filter_values")
    assert frame.values.tolist() == [
        ["commune", "Chiềng Xuân"],
        ["event", "Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)"],
    ]


# ------------------------------------------------------------------ approval


@pytest.fixture(scope="module")
def reviewing(small, tmp_path_factory) -> Store:
    """The small store after a leader's decisions: TH 2022-H1 v1 approved and v2 returned;
    NKTX 2022-H1 v1 approved, then a v2 waiting that changes one figure; TH 2023-H1 v1 waiting,
    nothing of it approved."""
    import shutil

    from vanhoa import admin

    small.release()  # the file holds everything once this process lets go of it
    store = Store(shutil.copy(small.path, tmp_path_factory.mktemp("reviewing") / "reviewing.duckdb"))
    admin.review(store, "TH", "2022-H1", 1, True, "lanhdao")
    admin.review(store, "TH", "2022-H1", 2, False, "lanhdao", "Sai số người tham gia")
    admin.review(store, "NKTX", "2022-H1", 1, True, "lanhdao")
    more = nktx_sheets()
    more["Chỉ tiêu"][2] = ["Lao động hợp đồng", 8, 7, 6, 6, 5]  # culture 4 -> 6
    ingest(store, workbook_bytes(more), "nktx-v2.xlsx", "Vũ Văn Nam", filed_at=dt.datetime(2022, 7, 1, 8, 0))
    ingest(store, workbook_bytes(good_sheets(period="6 tháng đầu năm 2023")), "th-2023.xlsx", "Lò Thị Hoa",
           filed_at=dt.datetime(2023, 6, 5, 9, 0))
    with store.connect() as con:  # decisions at known times, one a day
        for day, (unit, version) in enumerate([("TH", 1), ("TH", 2), ("NKTX", 1)], start=1):
            con.execute("update returns set reviewed_at = ? where unit_code = ? and period_code = '2022-H1' "
                        "and version = ?", [dt.datetime(2022, 7, day, 10, 0), unit, version])
    return store


def test_progress_approved_only_tells_a_unit_waiting_for_approval_from_one_that_has_not_filed(reviewing):
    """2023-H1: TH filed, nothing approved. With the toggle TH is 'chưa phê duyệt' (its filing
    column says it filed), the nine others 'chưa nộp', and the Office, of which nothing counts, too."""
    frame = reviewing.query("progress", period="2023-H1", approved_only=True)
    shown = frame[frame["unit"].isin(["Toàn Văn phòng", "Phòng Tổng hợp", "Phòng Kinh tế"])
                  & frame["target"].isin(["T1", "T3"])]
    assert rows(shown, PROGRESS + ["counted", "expected", "provisional"]) == [
        ["Toàn Văn phòng", "T1", None, None, None, 1.0, False, "chưa phê duyệt", 0, 11, True],
        ["Toàn Văn phòng", "T3", None, 11, None, 1.0, False, "chưa phê duyệt", 0, 11, True],
        ["Phòng Tổng hợp", "T1", None, None, None, 1.0, False, "chưa phê duyệt", 0, 11, True],
        ["Phòng Tổng hợp", "T3", None, 1, None, 1.0, False, "chưa phê duyệt", 0, 11, True],
        ["Phòng Kinh tế", "T1", None, None, None, 1.0, False, "chưa nộp", 0, 11, True],
        ["Phòng Kinh tế", "T3", None, 1, None, 1.0, False, "chưa nộp", 0, 11, True],
    ]
    # everything filed: TH's figures count, 1 of 11
    filed = reviewing.query("progress", period="2023-H1", approved_only=False)
    assert rows(filed[filed["target"] == "T1"].head(2), PROGRESS + ["counted", "expected", "provisional"]) == [
        ["Toàn Văn phòng", "T1", 11, 11, 1.0, 1.0, False, "tạm tính", 1, 11, True],
        ["Phòng Tổng hợp", "T1", 11, 11, 1.0, 1.0, True, "đạt", 1, 11, True],
    ]
    # 2022-H1: TH's and NKTX's first versions are approved and count
    approved = reviewing.query("progress", period="2022-H1", approved_only=True)
    assert set(map(tuple, rows(approved, ["counted", "expected", "provisional"]))) == {(2, 11, True)}


def test_standard_criteria_and_groups_approved_only(reviewing):
    """2023-H1 with the toggle: TH's criteria wait for approval, the others have not filed, and
    no staff group counts; 2022-H1: TH's approved first version counts, not its returned second."""
    criteria = reviewing.query("standard_criteria", period="2023-H1", approved_only=True)
    assert rows(criteria[criteria["unit_code"].isin(["TH", "KT"])], ["unit", "criterion", "status"]) == [
        ["Phòng Tổng hợp", c, "chưa phê duyệt"] for c in ("C1", "C2", "C3", "C4")] + [
        ["Phòng Kinh tế", c, "chưa nộp"] for c in ("C1", "C2", "C3", "C4")]
    assert set(reviewing.query("standard_criteria", period="2023-H1")["status"]) == {"đạt", "chưa nộp"}
    assert reviewing.query("target_by_group", period="2023-H1", target="T1", approved_only=True).empty
    groups = reviewing.query("target_by_group", period="2022-H1", target="T2", approved_only=True)
    assert rows(groups[groups["unit_code"] == "NKTX"], ["staff_group", "numerator", "denominator"]) == [
        ["CBCC", 1, 1], ["VC", 0, 0], ["LDHD", 4, 8]]  # v1 approved; v2 (culture 6) waits


def test_pending_periods_and_units(reviewing):
    assert reviewing.query("pending_periods").values.tolist() == [["2023-H1", 1], ["2022-H1", 1]]
    # a unit where it first waits: NKTX in 2022-H1 before TH in 2023-H1
    assert reviewing.query("pending_units").values.tolist() == [["NKTX", NKTX], ["TH", "Phòng Tổng hợp"]]
    assert reviewing.query("pending_units", period="2023-H1").values.tolist() == [["TH", "Phòng Tổng hợp"]]


def test_pending_returns_with_the_version_they_replace(reviewing):
    frame = reviewing.query("pending_returns")
    columns = ["period", "unit_code", "version", "filed_by", "filename", "approved_version", "total_rows"]
    assert rows(frame, columns) == [
        ["2022-H1", "NKTX", 2, "Vũ Văn Nam", "nktx-v2.xlsx", 1, None],
        ["2023-H1", "TH", 1, "Lò Thị Hoa", "th-2023.xlsx", None, None],
    ]
    first = reviewing.query("pending_returns", limit=1)
    assert rows(first, ["unit_code", "total_rows"]) == [["NKTX", 2]]
    assert rows(reviewing.query("pending_returns", unit="TH", limit=25), ["period", "total_rows"]) == [["2023-H1", 1]]
    assert reviewing.query("pending_returns", period="2023-H1", unit="NKTX", limit=25).empty


def test_pending_changes_are_the_figures_that_differ_from_the_approved_version(reviewing):
    frame = reviewing.query("pending_changes", limit=25)
    nktx = frame[frame["unit_code"] == "NKTX"]
    assert rows(nktx, ["period", "version", "section", "item", "figure", "value_old", "value"]) == [
        ["2022-H1", 2, 1, "LDHD", "culture", 4, 6]]
    # nothing approved: every figure of the version, as return_figures gives them
    th = frame[frame["unit_code"] == "TH"].reset_index(drop=True)
    figures = reviewing.query("return_figures", unit="TH", period="2023-H1", version=1)
    pd.testing.assert_frame_equal(th[["section", "item", "figure", "value"]], figures)
    assert th["value_old"].isna().all() and set(th["period"]) == {"2023-H1"}
    # the same versions as pending_returns with the same parameters
    assert reviewing.query("pending_changes", limit=1)["unit_code"].unique().tolist() == ["NKTX"]
    assert reviewing.query("pending_changes", period="2023-H1", limit=25)["unit_code"].unique().tolist() == ["TH"]


def test_reviewed_returns_latest_decision_first(reviewing):
    frame = reviewing.query("reviewed_returns")
    assert rows(frame, ["period", "unit", "version", "status", "reviewed_by", "review_comment", "total_rows"]) == [
        ["2022-H1", NKTX, 1, "approved", "lanhdao", None, None],
        ["2022-H1", "Phòng Tổng hợp", 2, "returned", "lanhdao", "Sai số người tham gia", None],
        ["2022-H1", "Phòng Tổng hợp", 1, "approved", "lanhdao", None, None],
    ]
    assert rows(reviewing.query("reviewed_returns", limit=1), ["unit", "total_rows"]) == [[NKTX, 3]]
