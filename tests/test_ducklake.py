"""The same app on DuckLake with its catalog in a real PostgreSQL server (started by the tests).

The export tables are byte-identical to the embedded store's for the demonstration data and for
synthetic data; `migrate --to` copies an embedded store and checks it; a write by another process
(another app server) shows at once; an administrator sees the store as it stood on a date and which
snapshot changed a figure. The store's own suite and the concurrent writers run on both back ends
in tests/test_store.py and tests/test_concurrency.py.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import pandas as pd
import pytest
from builders import good_sheets, signed_in, workbook_bytes
from streamlit.testing.v1 import AppTest

from vanhoa import ROOT
from vanhoa.admin import review
from vanhoa.export import TABLES, table_frame, to_csv_bytes
from vanhoa.ingest import ingest
from vanhoa.store import LOCAL_TZ, Store


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "VANHOA_DB"}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "vanhoa", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


def export_bytes(store: Store) -> dict[str, bytes]:
    """Every export table as the CSV a user downloads: unfiltered, and per period (2022)."""
    today = dt.date(2022, 12, 20)  # completeness counts days to the deadline from 'today'
    out = {}
    for name in TABLES:
        for period in (None, "2022-H1", "2022-Y"):
            filters = {"period": period} if period else {}
            if name == "completeness":
                filters["today"] = today
            out[f"{name} {period or 'mọi kỳ'}"] = to_csv_bytes(table_frame(store, name, **filters))
    return out


@pytest.fixture(scope="module")
def lake_demo(postgres, tmp_path_factory) -> Store:
    """The demonstration data loaded into a DuckLake store through the app's own ingest path."""
    from vanhoa.demo_load import load_demo

    previous = os.environ.get("VANHOA_DATA_PATH")
    os.environ["VANHOA_DATA_PATH"] = str(tmp_path_factory.mktemp("lake-demo-files"))
    postgres.create_database("demo_lake")
    try:
        store = Store(postgres.lake_target("demo_lake"))  # keeps its data path
    finally:
        if previous is None:
            os.environ.pop("VANHOA_DATA_PATH")
        else:
            os.environ["VANHOA_DATA_PATH"] = previous
    lines = list(load_demo(store))
    assert lines[0] == f"Đã nạp 23 báo cáo minh họa vào {store.target}."
    return store


def test_demo_export_tables_are_identical_on_both_back_ends(demo_db, lake_demo):
    embedded, lake = export_bytes(Store(demo_db)), export_bytes(lake_demo)
    assert list(lake) == list(embedded)
    different = [name for name in embedded if embedded[name] != lake[name]]
    assert different == []
    # and they are the demonstration figures, not two empty tables
    progress = table_frame(lake_demo, "progress", period="2022-H1")
    office = progress[progress["unit"] == "Toàn Văn phòng"].set_index("target")
    assert [round(float(office.at[t, "ratio"]), 3) for t in ("T1", "T2", "T3", "T4")] == [0.973, 0.619, 0.909, 0.958]


def test_synthetic_export_tables_are_identical_on_both_back_ends(lake_store, tmp_path):
    from vanhoa_tools.synth import synthesize

    embedded = Store(tmp_path / "synth.duckdb")
    for store in (embedded, lake_store):
        done = synthesize(store, units=40, periods=2, activities_per_return=25, events_per_return=5, seed=7)
        # 80 versions: 79 current returns (S0035 did not file 2022-Y) and S0011's correction of 2022-Y
        assert (done.returns, done.current_returns, done.activities) == (80, 79, 2000)
        assert (done.missing, done.corrected) == ([("S0035", "2022-Y")], [("S0011", "2022-Y")])
    embedded_tables, lake_tables = export_bytes(embedded), export_bytes(lake_store)
    assert [name for name in embedded_tables if embedded_tables[name] != lake_tables[name]] == []
    assert lake_tables["activities mọi kỳ"].count(b"\n") == 1 + 79 * 25  # header + current versions' rows


def test_migrate_copies_every_version_and_file_and_checks_counts_and_progress(postgres, demo_db, tmp_path,
                                                                            monkeypatch):
    monkeypatch.setenv("VANHOA_DATA_PATH", str(tmp_path / "files"))
    postgres.create_database("moved")
    target = postgres.lake_target("moved")
    done = cli("--db", demo_db, "migrate", "--to", target)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"Đã chuyển kho {demo_db} sang {target}:"
    assert "  returns                    23 →         23  khớp" in lines
    assert "  files                      23 →         23  khớp" in lines
    # 2 periods × (11 units + the Office) × 4 targets
    assert lines[-1] == "  bảng tiến độ (progress, mọi kỳ): 96 dòng, khớp"
    assert all(line.endswith("khớp") and "KHÔNG" not in line for line in lines[1:])

    source, lake = Store(demo_db), Store(target)
    assert export_bytes(lake) == export_bytes(source)
    # the archived uploads' bytes themselves, and the accounts (so everyone can still sign in)
    sha = source.query("returns")["sha256"].iloc[0]
    assert lake.file_bytes(sha) == source.file_bytes(sha)
    from vanhoa import auth
    assert auth.list_accounts(lake)["name"].tolist() == auth.list_accounts(source)["name"].tolist()
    assert lake.query("audit_log")["action"].iloc[0] == "chuyển kho"

    source.release()  # this process lets go of the file, or the command would wait for it (and say so)
    again = cli("--db", demo_db, "migrate", "--to", target)
    assert again.returncode == 2
    assert again.stderr == ("Lỗi: Kho đích đã có dữ liệu (uploads 23, returns 23, accounts 13, audit_log 37 dòng): "
                            "chỉ chuyển vào kho DuckLake trống.\n")  # 36 copied + the migration's own line


def test_migrate_refuses_a_file_target_and_a_lake_without_data_path(demo_db, tmp_path, monkeypatch):
    done = cli("--db", demo_db, "migrate", "--to", str(tmp_path / "other.duckdb"))
    assert done.returncode == 2
    assert done.stderr == ("Lỗi: Kho đích phải là chuỗi kết nối DuckLake, ví dụ "
                           "'ducklake:postgres:dbname=vanhoa host=127.0.0.1 user=vanhoa'.\n")
    monkeypatch.delenv("VANHOA_DATA_PATH", raising=False)
    done = cli("--db", demo_db, "migrate", "--to", "ducklake:postgres:dbname=x host=127.0.0.1")
    assert done.returncode == 3  # the store cannot be opened (cli.md)
    assert done.stderr == ("Lỗi: Kho DuckLake cần biến môi trường VANHOA_DATA_PATH: thư mục dữ liệu dùng chung "
                           "của mọi máy chủ ứng dụng (xem README, mục Triển khai nhiều máy chủ).\n")


def test_a_server_with_another_data_path_is_told_so(lake_store, tmp_path, monkeypatch):
    lake_store.reference()  # the lake exists, with its data path
    monkeypatch.setenv("VANHOA_DATA_PATH", str(tmp_path / "elsewhere"))
    done = cli("--db", lake_store.target, "export", "returns")
    assert done.returncode == 3
    assert done.stderr == (f"Lỗi: VANHOA_DATA_PATH ({tmp_path / 'elsewhere'}/) khác thư mục dữ liệu kho này đang dùng "
                           f"({tmp_path / 'lake-files'}/): mọi máy chủ ứng dụng phải dùng cùng một thư mục.\n")


def test_a_lake_whose_server_is_down_gives_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("VANHOA_DATA_PATH", str(tmp_path))
    done = cli("--db", "ducklake:postgres:dbname=none host=127.0.0.1 port=1 user=vanhoa", "export", "returns")
    assert (done.returncode, done.stdout) == (3, "")  # cli.md: the store could not be read
    assert done.stderr == ("Lỗi: Không kết nối được tới PostgreSQL (máy chủ 127.0.0.1, cổng 1): máy chủ từ chối "
                           "kết nối; chưa có gì thay đổi. Vui lòng báo quản trị viên kiểm tra máy chủ PostgreSQL.\n")


def test_a_sign_in_on_the_lake_is_a_snapshot_that_leaves_the_data_version(lake_store):
    """Each sign-in still commits a DuckLake snapshot (its rows: the account, the session, the
    audit log), but the dashboard's caches are keyed by the figures, which it does not change."""
    from vanhoa import auth
    from vanhoa.history import snapshots

    auth.add_account(lake_store, "lo.thi.mai", "leader", "mat-khau-du-dai-123", by="quantri")
    before, count = lake_store.data_version(), len(snapshots(lake_store))
    account, _ = auth.sign_in(lake_store, "lo.thi.mai", "mat-khau-du-dai-123")
    auth.end_session(lake_store, auth.create_session(lake_store, account), account)
    assert snapshots(lake_store)["message"].tolist()[:3] == ["đăng xuất", "mở phiên", "đăng nhập"]
    assert len(snapshots(lake_store)) == count + 3
    assert lake_store.data_version() == before
    filed = ingest(lake_store, workbook_bytes(good_sheets()), "th.xlsx", "Lò Thị Hoa")
    assert filed.result.version == 1
    assert lake_store.data_version() != before


def test_a_write_by_another_server_shows_at_once(lake_store, tmp_path):
    before = lake_store.data_version()
    assert lake_store.query("returns").empty
    path = tmp_path / "th.xlsx"
    path.write_bytes(workbook_bytes(good_sheets()))
    done = cli("--db", lake_store.target, "ingest", str(path), "--by", "máy chủ 2")
    assert done.returncode == 0, done.stderr
    assert lake_store.data_version() != before  # the dashboard's caches are keyed by it
    assert lake_store.query("returns")[["unit", "version", "filed_by"]].values.tolist() == [
        ["Phòng Tổng hợp", 1, "máy chủ 2"]]


def _file(culture: int) -> bytes:
    sheets = good_sheets()
    sheets["Chỉ tiêu"][1][3] = culture  # CBCC taking part in cultural activities
    return workbook_bytes(sheets)


def test_as_it_stood_shows_what_had_been_filed_by_then(lake_store):
    ingest(lake_store, _file(8), "v1.xlsx", "Lò Thị Hoa")
    time.sleep(0.05)
    between = dt.datetime.now(LOCAL_TZ)
    time.sleep(0.05)
    ingest(lake_store, _file(5), "v2.xlsx", "Lò Thị Hoa")

    then = lake_store.at(between)
    try:
        assert then.query("returns")["version"].tolist() == [1]
        th = then.query("progress", period="2022-H1", unit="TH").set_index("target")
        assert (th.at["T2", "numerator"], th.at["T2", "denominator"]) == (9, 11)  # 8 CBCC + 1 VC of 11
        with pytest.raises(Exception, match="không thể ghi"):
            ingest(then, _file(4), "v3.xlsx", "Lò Thị Hoa")
    finally:
        then.release()
    now = lake_store.query("progress", period="2022-H1", unit="TH").set_index("target")
    assert (now.at["T2", "numerator"], now.at["T2", "denominator"]) == (6, 11)
    assert lake_store.query("returns")["version"].tolist() == [1, 2]


def test_figure_changes_name_the_snapshot_who_and_what(lake_store):
    from vanhoa import auth, history

    ingest(lake_store, _file(8), "v1.xlsx", "Lò Thị Hoa")
    auth.add_account(lake_store, "lanhdao", "leader", "mat-khau-dai", by="test")  # changes no figure
    ingest(lake_store, _file(5), "v2.xlsx", "Lò Thị Hoa")
    review(lake_store, "TH", "2022-H1", 2, True, "lanhdao")

    changes = history.figure_changes(lake_store, "2022-H1", "T2", unit_code="TH")
    assert changes[["author", "message", "before", "after"]].values.tolist() == [
        ["Lò Thị Hoa", "tải lên TH 2022-H1: v1.xlsx", None, (9, 11, round(9 / 11, 6))],
        ["Lò Thị Hoa", "tải lên TH 2022-H1: v2.xlsx", (9, 11, round(9 / 11, 6)), (6, 11, round(6 / 11, 6))],
    ]
    approved = history.figure_changes(lake_store, "2022-H1", "T2", unit_code="TH", approved_only=True)
    assert approved[["author", "message", "after"]].values.tolist()[-1] == [
        "lanhdao", "phê duyệt TH 2022-H1 phiên bản 2", (6, 11, round(6 / 11, 6))]
    snaps = history.snapshots(lake_store)
    assert snaps["message"].iloc[0] == "phê duyệt TH 2022-H1 phiên bản 2"
    assert snaps["author"].iloc[0] == "lanhdao"


def _history_page(monkeypatch, target: str) -> AppTest:
    monkeypatch.setenv("VANHOA_DB", target)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    signed_in(at, "admin")
    at.switch_page("pages/history.py")
    return at


def test_history_page_shows_snapshots_and_switches_every_page_to_a_past_moment(lake_store, monkeypatch):
    from vanhoa import ui
    from vanhoa.store import now_local

    lake_store.reference()  # the schema exists from here on
    time.sleep(0.05)
    before_upload = now_local()
    time.sleep(0.05)
    ingest(lake_store, _file(8), "v1.xlsx", "Lò Thị Hoa")
    at = _history_page(monkeypatch, lake_store.target).run()
    assert not at.exception
    assert at.title[0].value == "Lịch sử kho dữ liệu"
    assert "tải lên TH 2022-H1: v1.xlsx" in at.dataframe[-1].value["Thao tác"].tolist()

    at.button(key="as_of_apply").click().run()  # today 23:59, the form's default
    assert not at.exception
    assert [w.value for w in at.sidebar.warning] == [
        f"Đang xem số liệu như tại **23:59 {ui.today():%d/%m/%Y}** (chỉ xem)."]

    at.button(key="as_of_clear").click().run()
    assert [w.value for w in at.sidebar.warning] == []

    # a moment before the upload: the overview reads the store as it stood then
    overview = signed_in(AppTest.from_function(_overview, default_timeout=60), "admin")
    overview.session_state[ui.AS_OF_KEY] = before_upload.isoformat()
    overview.run()
    assert not overview.exception
    assert overview.info[0].value.startswith("Chưa có báo cáo nào được nộp.")
    del overview.session_state[ui.AS_OF_KEY]
    overview.run()
    assert overview.subheader[0].value == "Kỳ báo cáo: 6 tháng đầu năm 2022"


def _overview() -> None:
    import pages.overview

    pages.overview.render()


def test_history_page_on_a_file_store_explains_where_history_is(demo_copy, monkeypatch):
    at = _history_page(monkeypatch, str(demo_copy.path)).run()
    assert not at.exception
    assert at.info[0].value.startswith("Lịch sử theo thời điểm chỉ có khi kho chạy trên DuckLake")


QUERY_CALLS = [  # (query, parameters) covering every file in queries/, as the pages call them
    ("activities", {}), ("activities", {"period": "2022-H1"}), ("audit_log", {}),
    ("commune_activities", {}), ("commune_activities", {"period": "2022-Y"}), ("commune_timeline", {}),
    ("commune_units", {"period": "2022-Y"}), ("completeness", {"period": "2022-H1", "today": dt.date(2022, 12, 20)}),
    ("event_list", {}), ("event_participation", {"period": "2022-Y"}), ("event_summary", {"period": "2022-Y"}),
    ("event_trend", {}), ("events", {}), ("filed_periods", {}), ("filter_values", {}),
    ("pending_changes", {"limit": 25}), ("pending_periods", {}), ("pending_returns", {"limit": 25}),
    ("pending_units", {}), ("progress", {}), ("progress", {"period": "2022-Y"}),
    ("return_figures", {"unit": "TH", "period": "2022-H1", "version": 1}), ("returns", {}),
    ("standard_criteria", {"period": "2022-H1"}), ("target_by_group", {"period": "2022-H1", "target": "T2"}),
    ("reviewed_returns", {"limit": 1000}), ("target_list", {}), ("unit_list", {}), ("uploads", {}),
]
NOTHING_IN_THE_DEMO = {"reviewed_returns"}  # no decision yet: see test_approval_queries_on_both_back_ends


def test_every_query_gives_the_same_rows_on_both_back_ends(demo_db, lake_demo):
    from vanhoa import QUERIES_DIR

    assert {name for name, _ in QUERY_CALLS} == {p.stem for p in QUERIES_DIR.glob("*.sql")}
    embedded = Store(demo_db)
    for name, params in QUERY_CALLS:
        left, right = embedded.query(name, **params), lake_demo.query(name, **params)
        if name in ("audit_log", "uploads"):  # who and when of the demo load differ between the two loads
            assert list(left.columns) == list(right.columns) and len(left) == len(right), name
            continue
        assert name in NOTHING_IN_THE_DEMO or not left.empty, name
        pd.testing.assert_frame_equal(left, right, check_dtype=False, obj=name)


def test_approval_queries_on_both_back_ends(lake_store, tmp_path):
    """Phê duyệt's lists after decisions: a version approved, one returned, one waiting that
    changes a figure of the approved one, one waiting with nothing approved."""
    embedded = Store(tmp_path / "embedded.duckdb")
    for store in (embedded, lake_store):
        ingest(store, _file(8), "v1.xlsx", "Lò Thị Hoa", filed_at=dt.datetime(2022, 6, 10, 9, 0))
        ingest(store, _file(7), "v2.xlsx", "Lò Thị Hoa", filed_at=dt.datetime(2022, 6, 11, 9, 0))
        review(store, "TH", "2022-H1", 1, True, "lanhdao")
        review(store, "TH", "2022-H1", 2, False, "lanhdao", "Chưa đúng")
        ingest(store, _file(5), "v3.xlsx", "Lò Thị Hoa", filed_at=dt.datetime(2022, 6, 12, 9, 0))
        ingest(store, workbook_bytes(good_sheets(unit="Phòng Kinh tế")), "kt.xlsx", "Vũ Văn Nam",
               filed_at=dt.datetime(2022, 6, 13, 9, 0))
    for name, params in [("pending_periods", {}), ("pending_units", {}), ("pending_returns", {"limit": 25}),
                         ("pending_changes", {"limit": 25}), ("reviewed_returns", {"limit": 1000})]:
        left, right = embedded.query(name, **params), lake_store.query(name, **params)
        assert not left.empty, name
        if name == "reviewed_returns":  # decided now, on each store in turn
            left, right = left.drop(columns="reviewed_at"), right.drop(columns="reviewed_at")
        pd.testing.assert_frame_equal(left, right, check_dtype=False, obj=name)
    changes = lake_store.query("pending_changes", limit=25)
    assert changes[changes["unit_code"] == "TH"][["figure", "value_old", "value"]].values.tolist() == [
        ["culture", 8, 5]]


def _page(name: str) -> None:
    import importlib

    importlib.import_module(f"pages.{name}").render()


@pytest.mark.parametrize("name", ["overview", "targets", "commune", "events", "data", "report", "approval",
                                  "upload", "lists", "accounts", "audit", "archive", "history"])
def test_every_page_runs_on_ducklake(lake_demo, monkeypatch, name):
    monkeypatch.setenv("VANHOA_DB", lake_demo.target)
    monkeypatch.setenv("VANHOA_DATA_PATH", lake_demo.data_path)
    at = signed_in(AppTest.from_function(_page, args=(name,), default_timeout=120), "admin").run()
    assert not at.exception, at.exception
    assert at.title, name
    assert not at.error, [e.value for e in at.error]
