"""The staging layer (queries/staging/): what a period holds, written once, on a small store with
the exact rows of each macro.

The small store (2022):
- Phòng Tổng hợp's half-year return lists propaganda in Chiềng Xuân on 15/03 (12 people), a
  cultural exchange on 20/04 and a survey without a date; the marathon (14/05, 4 people) and the
  Olympic run (26/03), which the annual return does not repeat.
- Its annual return repeats the propaganda (other case and spaces, 14 people: the annual version
  wins), the cultural exchange on another date (20/05: not a repeat), the survey without a date
  (never a repeat), a gift on 10/09; the marathon again (5 people) and the Ngày hội (18/11).
- Nhà khách Thanh Xuân's half-year return: version 1, approved, and version 2, pending (an
  approved version is locked in until a newer one is approved: version 1 counts either way).
- A leader approved Phòng Tổng hợp's annual return, not its half-year one.
- Ban Tiếp công dân tỉnh no longer reports from 2023-H1 on."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import ACTIVITY_HEADER, EVENT_HEADER, good_sheets, rows_of, workbook_bytes

from vanhoa import admin
from vanhoa.ingest import ingest
from vanhoa.store import Store

NKTX = "Nhà khách Thanh Xuân - Hà Nội"
PROPAGANDA = "Tuyên truyền xây dựng nông thôn mới"
MARATHON = "Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)"
OLYMPIC = "Ngày chạy Olympic vì sức khỏe toàn dân 2022"
NGAY_HOI = "Ngày hội Đại đoàn kết toàn dân tộc 2022"


def th_half_year() -> dict:
    sheets = good_sheets()
    sheets["Hoạt động"] = [
        ACTIVITY_HEADER,
        [dt.date(2022, 3, 15), PROPAGANDA, "Giúp đỡ xã", "Chiềng Xuân", "UBND xã", 12, 1500000, "Tốt", "III.3"],
        ["20/04/2022", "Giao lưu văn nghệ", "Văn hóa - văn nghệ", None, "Hội trường", 30, 0, None, "III.1"],
    ]
    sheets["Sự kiện"] = [
        EVENT_HEADER,
        [OLYMPIC, "26/03/2022", "Sơn La", 6, 6, None, None],
        [MARATHON, "14/05/2022", "Mộc Châu", 5, 4, "Giải Ba 10 km", None],
    ]
    return sheets


def th_year() -> dict:
    sheets = good_sheets(period="Năm 2022")
    sheets["Hoạt động"] = [
        ACTIVITY_HEADER,
        [dt.date(2022, 3, 15), "TUYÊN TRUYỀN xây dựng nông thôn mới", "Giúp đỡ xã", "Chiềng Xuân", "UBND xã", 14,
         1500000, "Tốt", "III.3"],
        ["20/05/2022", "Giao lưu văn nghệ", "Văn hóa - văn nghệ", None, "Hội trường", 25, 0, None, "III.1"],
        ["10/09/2022", "Tặng quà Trung thu cho học sinh", "Giúp đỡ xã", "Chiềng Xuân", "Điểm trường", 5, 3000000],
    ]
    sheets["Sự kiện"] = [
        EVENT_HEADER,
        [MARATHON, "14/05/2022", "Mộc Châu", 5, 5, "Giải Ba 10 km", "Bổ sung 01 người"],
        [NGAY_HOI, "18/11/2022", "Bản Áng", None, 9, None, None],
    ]
    return sheets


def nktx_half_year(people: int) -> dict:
    sheets = good_sheets(unit=NKTX)
    sheets["Hoạt động"] = [
        ACTIVITY_HEADER, ["01/06/2022", "Dọn vệ sinh khuôn viên nhà khách", "Bảo vệ môi trường", None, "Hà Nội", people,
                          "500.000"]]
    sheets["Sự kiện"] = sheets["Sự kiện"][:1]
    return sheets


def add_undated_rows(con) -> None:
    """A row without a date in both of Phòng Tổng hợp's returns (the form requires a date; an
    older store or a direct load may hold one): never a repeat, so both count."""
    for period in ("2022-H1", "2022-Y"):
        con.execute(
            "insert into return_activities (unit_code, period_code, version, row_no, date, content, kind, "
            "participants, commune_key, content_key) values ('TH', $p, 1, 99, null, 'Khảo sát bản', "
            "'Giúp đỡ xã', 2, null, 'khảo sát bản')", {"p": period})
        con.execute(
            "insert into return_events (unit_code, period_code, version, row_no, event, date, participants) "
            "values ('TH', $p, 1, 99, $e, null, 1)", {"p": period, "e": NGAY_HOI})


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("staging") / "small.duckdb")
    for sheets, name, at in [
        (th_half_year(), "th-h1.xlsx", dt.datetime(2022, 6, 10, 9, 0)),
        (th_year(), "th-y.xlsx", dt.datetime(2022, 12, 1, 9, 0)),
        (nktx_half_year(9), "nktx-h1.xlsx", dt.datetime(2022, 6, 12, 9, 0)),
        (nktx_half_year(10), "nktx-h1-v2.xlsx", dt.datetime(2022, 6, 20, 9, 0)),
    ]:
        result = ingest(store, workbook_bytes(sheets), name, "Lò Thị Hoa", filed_at=at)
        assert result.status == "accepted", result.errors
    with store.transaction() as con:
        add_undated_rows(con)
    admin.review(store, "TH", "2022-Y", 1, True, "lanhdao")
    admin.review(store, "NKTX", "2022-H1", 1, True, "lanhdao")
    admin.retire_unit(store, "BTCD", "2023-H1", "admin")
    return store


def macro(store: Store, sql: str, **params) -> list[tuple]:
    with store.connect() as con:
        return con.execute(sql, params).fetchall()


@pytest.mark.parametrize("approved_only, expected", [
    (None, [("NKTX", "2022-H1", 1, "approved"), ("TH", "2022-H1", 1, "pending"), ("TH", "2022-Y", 1, "approved")]),
    (False, [("NKTX", "2022-H1", 1, "approved"), ("TH", "2022-H1", 1, "pending"), ("TH", "2022-Y", 1, "approved")]),
    # only what a leader approved: not Phòng Tổng hợp's half-year return
    (True, [("NKTX", "2022-H1", 1, "approved"), ("TH", "2022-Y", 1, "approved")]),
])
def test_counted_returns(small, approved_only, expected):
    assert macro(small, "select unit_code, period_code, version, status from counted_returns($a) order by all",
                 a=approved_only) == expected


def test_expected_units_keep_a_retired_unit_in_its_past_periods(small):
    counts = dict(macro(small, "select period_code, count(*) from expected_units group by all"))
    assert (counts["2022-H1"], counts["2022-Y"], counts["2023-H1"], counts["2030-Y"]) == (11, 11, 10, 10)
    assert macro(small, "select period_code from expected_units where unit_code = 'BTCD' order by all") == [
        ("2022-H1",), ("2022-Y",)]


SOURCES = "select * from period_sources($p, $a) order by all"


@pytest.mark.parametrize("period, approved_only, expected", [
    ("2022-H1", False, [("2022-H1", "NKTX", "2022-H1", 1, "H1", 2022), ("2022-H1", "TH", "2022-H1", 1, "H1", 2022)]),
    # a year is the whole year: its half-year returns and its annual ones
    ("2022-Y", False, [("2022-Y", "NKTX", "2022-H1", 1, "H1", 2022), ("2022-Y", "TH", "2022-H1", 1, "H1", 2022),
                       ("2022-Y", "TH", "2022-Y", 1, "Y", 2022)]),
    ("2022-Y", True, [("2022-Y", "NKTX", "2022-H1", 1, "H1", 2022), ("2022-Y", "TH", "2022-Y", 1, "Y", 2022)]),
    # the whole history: every return in its own period
    (None, False, [("2022-H1", "NKTX", "2022-H1", 1, "H1", 2022), ("2022-H1", "TH", "2022-H1", 1, "H1", 2022),
                   ("2022-Y", "TH", "2022-Y", 1, "Y", 2022)]),
    ("2023-Y", False, []),
    ("2099-Y", False, []),  # not a period of the store
])
def test_period_sources(small, period, approved_only, expected):
    assert macro(small, SOURCES, p=period, a=approved_only) == expected


ACTIVITIES = """select period_code, source_period, unit_code, version, row_no, date, content, participants
                from period_activities($p, $a) order by source_period, unit_code, row_no"""
TH_H1 = [
    ("2022-H1", "TH", 1, 1, dt.date(2022, 3, 15), PROPAGANDA, 12),
    ("2022-H1", "TH", 1, 2, dt.date(2022, 4, 20), "Giao lưu văn nghệ", 30),
    ("2022-H1", "TH", 1, 99, None, "Khảo sát bản", 2),
]
TH_Y = [
    ("2022-Y", "TH", 1, 1, dt.date(2022, 3, 15), "TUYÊN TRUYỀN xây dựng nông thôn mới", 14),
    ("2022-Y", "TH", 1, 2, dt.date(2022, 5, 20), "Giao lưu văn nghệ", 25),
    ("2022-Y", "TH", 1, 3, dt.date(2022, 9, 10), "Tặng quà Trung thu cho học sinh", 5),
    ("2022-Y", "TH", 1, 99, None, "Khảo sát bản", 2),
]


NKTX_H1 = ("2022-H1", "NKTX", 1, 1, dt.date(2022, 6, 1), "Dọn vệ sinh khuôn viên nhà khách", 9)


def held(period: str, rows: list[tuple]) -> list[tuple]:
    return [(period, *row) for row in rows]


@pytest.mark.parametrize("period, approved_only, expected", [
    # the half-year holds its return as filed: March with 12 people
    ("2022-H1", False, held("2022-H1", [NKTX_H1, *TH_H1])),
    # the year: March once, as the annual return gives it (14 people); the exchange of another date
    # and the survey without a date are no repeats
    ("2022-Y", False, held("2022-Y", [NKTX_H1, *TH_H1[1:], *TH_Y])),
    ("2022-Y", None, held("2022-Y", [NKTX_H1, *TH_H1[1:], *TH_Y])),
    # approved only: Phòng Tổng hợp's half-year return is not approved, Nhà khách's first version is
    ("2022-Y", True, held("2022-Y", [NKTX_H1, *TH_Y])),
    ("2022-H1", True, held("2022-H1", [NKTX_H1])),
    # the whole history: each row once, in the period of its return
    (None, False, [("2022-H1", *NKTX_H1), *held("2022-H1", TH_H1[1:]), *held("2022-Y", TH_Y)]),
    ("2023-H1", False, []),
])
def test_period_activities(small, period, approved_only, expected):
    assert macro(small, ACTIVITIES, p=period, a=approved_only) == expected


def test_period_activities_columns_are_the_contract(small):
    with small.connect() as con:
        columns = [c[0] for c in con.execute("select * from period_activities('2022-Y', false)").description]
        stored = [c[0] for c in con.execute("select * from return_activities limit 0").description]
    assert columns == ["period_code", "source_period"] + [c for c in stored if c != "period_code"]


EVENTS = """select period_code, source_period, unit_code, version, row_no, event, date, participants
            from period_events($p, $a) order by source_period, unit_code, row_no"""
TH_H1_EVENTS = [
    ("2022-H1", "TH", 1, 1, OLYMPIC, dt.date(2022, 3, 26), 6),
    ("2022-H1", "TH", 1, 2, MARATHON, dt.date(2022, 5, 14), 4),
    ("2022-H1", "TH", 1, 99, NGAY_HOI, None, 1),
]
TH_Y_EVENTS = [
    ("2022-Y", "TH", 1, 1, MARATHON, dt.date(2022, 5, 14), 5),
    ("2022-Y", "TH", 1, 2, NGAY_HOI, dt.date(2022, 11, 18), 9),
    ("2022-Y", "TH", 1, 99, NGAY_HOI, None, 1),
]


@pytest.mark.parametrize("period, approved_only, expected", [
    ("2022-H1", False, held("2022-H1", TH_H1_EVENTS)),
    # the Olympic run, which the annual return does not repeat, is in the year; the marathon once
    # (the annual version); the row without a date is no repeat
    ("2022-Y", False, held("2022-Y", [TH_H1_EVENTS[0], TH_H1_EVENTS[2], *TH_Y_EVENTS])),
    ("2022-Y", True, held("2022-Y", TH_Y_EVENTS)),
    (None, False, [*held("2022-H1", [TH_H1_EVENTS[0], TH_H1_EVENTS[2]]), *held("2022-Y", TH_Y_EVENTS)]),
    ("2099-Y", False, []),
])
def test_period_events(small, period, approved_only, expected):
    assert macro(small, EVENTS, p=period, a=approved_only) == expected


def test_a_half_year_event_the_annual_return_does_not_repeat_is_in_the_year_everywhere(small):
    """The Olympic run of the first half, on every query of events for the year."""
    def olympic(frame) -> list:
        return rows_of(frame[frame["event"] == OLYMPIC], ["event", "participants"])

    assert olympic(small.query("events", period="2022-Y")) == [[OLYMPIC, 6]]
    assert small.query("events", period="2022-Y").query("event == @OLYMPIC")["source_period"].tolist() == ["2022-H1"]
    assert olympic(small.query("event_participation", period="2022-Y")) == [[OLYMPIC, 6]]
    assert rows_of(small.query("event_summary", period="2022-Y"), ["event", "units", "participants"]) == [
        [OLYMPIC, 1, 6], [MARATHON, 1, 5], [NGAY_HOI, 1, 11]]
    assert olympic(small.query("event_trend")) == [[OLYMPIC, 6]]


def test_activities_of_the_year_follow_the_rule(small):
    """activities.sql: the year's rows, period = the period asked, source_period = the return."""
    frame = small.query("activities", period="2022-Y")
    assert rows_of(frame, ["period", "unit", "date", "participants", "source_period"]) == [
        ["2022-Y", "Phòng Tổng hợp", dt.date(2022, 3, 15), 14, "2022-Y"],
        ["2022-Y", "Phòng Tổng hợp", dt.date(2022, 4, 20), 30, "2022-H1"],
        ["2022-Y", "Phòng Tổng hợp", dt.date(2022, 5, 20), 25, "2022-Y"],
        ["2022-Y", "Phòng Tổng hợp", dt.date(2022, 9, 10), 5, "2022-Y"],
        ["2022-Y", "Phòng Tổng hợp", None, 2, "2022-H1"],  # no date: last, and no repeat
        ["2022-Y", "Phòng Tổng hợp", None, 2, "2022-Y"],
        ["2022-Y", NKTX, dt.date(2022, 6, 1), 9, "2022-H1"],
    ]
    every = small.query("activities")  # the whole history: each row once, in its return's period
    assert every["period"].tolist() == every["source_period"].tolist()
    assert len(every) == 7 and every["participants"].sum() == 87


def year_has_march_once(store: Store) -> bool:
    """The propaganda of 15/03 counts once in the year, as the annual version (14 people)."""
    rows = macro(store, "select source_period, participants from period_activities('2022-Y', false) "
                        "where unit_code = 'TH' and date = date '2022-03-15'")
    return rows == [("2022-Y", 14)]


def test_repeats_stored_before_they_were_kept_are_found_by_the_migration(small, tmp_path):
    """A store of the release before (schema 5: no activity_repeats) gains the table, filled
    from the rows already stored, so its year periods count a repeat once from the first open."""
    import shutil

    from vanhoa import store as store_module

    small.release()
    path = tmp_path / "older.duckdb"
    shutil.copy(small.path, path)
    with Store(path).transaction() as con:
        con.execute("drop table activity_repeats")
        con.execute("drop table event_repeats")
        con.execute("delete from schema_migrations where version = 6")
    Store(path).release()
    store_module._migrated.discard(str(path.resolve()))
    reopened = Store(path)
    assert year_has_march_once(reopened)
    assert macro(reopened, "select unit_code, h1_period, h1_version, h1_row_no, y_period, y_version "
                           "from activity_repeats") == [("TH", "2022-H1", 1, 1, "2022-Y", 1)]
    assert macro(reopened, "select unit_code, h1_period, h1_version, h1_row_no, y_period, y_version "
                           "from event_repeats") == [("TH", "2022-H1", 1, 2, "2022-Y", 1)]


def test_a_restored_half_year_version_is_still_a_repeat_in_the_year(small, tmp_path):
    """Restoring copies a version as a new one: its repeats are kept for the copy too."""
    import shutil

    small.release()
    path = tmp_path / "restored.duckdb"
    shutil.copy(small.path, path)
    store = Store(path)
    ingest(store, workbook_bytes(th_half_year() | {"Hoạt động": th_half_year()["Hoạt động"][:2]}),
           "th-h1-v2.xlsx", "Lò Thị Hoa", filed_at=dt.datetime(2022, 6, 14, 9, 0))
    assert store.restore("TH", "2022-H1", 1, "Lò Thị Hoa").version == 3
    assert year_has_march_once(store)
    assert macro(store, "select h1_version, y_version from activity_repeats order by all") == [(1, 1), (2, 1), (3, 1)]
