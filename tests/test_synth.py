"""vanhoa_tools.synth: synthetic returns straight into a store, and the same returns as Excel files that
ingest accepts. Small sizes here; province scale is `make bench`."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from vanhoa import QUERIES_DIR
from vanhoa.ingest import ingest
from vanhoa.store import Store, load_sql
from vanhoa_tools.synth import add_units, build_dataset, main, synthesize, unit_code, unit_name, write_xlsx

UNITS, PERIODS, ACTIVITIES, EVENTS = 5, 2, 10, 3
OFFICE_UNITS = 11  # the Office's own units, from data/reference/units.csv


def counts(store: Store) -> dict[str, int]:
    tables = ("units", "returns", "return_staff", "return_criteria", "return_activities", "return_events",
              "uploads", "files", "current_returns")
    with store.connect() as con:
        return {t: con.execute("select count(*) from " + t).fetchone()[0] for t in tables}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("synth") / "synth.duckdb")
    done = synthesize(store, UNITS, PERIODS, ACTIVITIES, events_per_return=EVENTS, seed=1)
    return store, done


def test_every_table_has_exactly_the_rows_asked_for(synthetic):
    store, done = synthetic
    pairs = UNITS * PERIODS
    # one pair not filed, one filed twice: exactly units × periods stored versions
    assert (len(done.missing), len(done.corrected)) == (1, 1)
    assert counts(store) == {
        "units": OFFICE_UNITS + UNITS, "returns": pairs, "return_staff": pairs * 3, "return_criteria": pairs * 4,
        "return_activities": pairs * ACTIVITIES, "return_events": pairs * EVENTS, "uploads": pairs,
        "files": pairs, "current_returns": pairs - 1,
    }
    assert (done.returns, done.current_returns, done.activities, done.events) == (
        pairs, pairs - 1, pairs * ACTIVITIES, pairs * EVENTS)
    assert done.periods == ["2022-H1", "2022-Y"]


def test_rows_look_like_what_commit_writes(synthetic):
    store, done = synthetic
    with store.connect() as con:
        units = con.execute("select code, name, active, active_from from units where code like 'S%' "
                            "order by code").fetchall()
        assert units == [(unit_code(n), unit_name(n), True, "2022-H1") for n in range(1, UNITS + 1)]
        assert con.execute("select distinct status, warnings, filed_by from returns").fetchall() == [
            ("pending", "", "Dữ liệu giả lập")]
        # every version's sha256 is that of a kept "file"; its upload row says accepted
        assert con.execute("""select count(*) from returns r join files f using (sha256)
                              join uploads u on u.upload_id = r.upload_id and u.version = r.version
                              where u.status = 'accepted'""").fetchone()[0] == UNITS * PERIODS
        unit, period = done.corrected[0]
        assert con.execute("select list(version order by version) from returns where unit_code = ? "
                           "and period_code = ?", [unit, period]).fetchone()[0] == [1, 2]
        # staff: the three groups, every "of whom" at most its total
        assert con.execute("select count(*) from return_staff where ethics > total or culture > total "
                           "or families > total or cultural_families > families").fetchone()[0] == 0
        assert con.execute("select distinct staff_group from return_staff order by 1").fetchall() == [
            ("CBCC",), ("LDHD",), ("VC",)]
        assert con.execute("select distinct criterion from return_criteria order by 1").fetchall() == [
            ("C1",), ("C2",), ("C3",), ("C4",)]
        # activities inside the period, the kinds of the form, events from the event list
        assert con.execute("""select count(*) from return_activities a join periods p on p.code = a.period_code
                              where a.date not between p.start_date and p.end_date""").fetchone()[0] == 0
        kinds = {k for (k,) in con.execute("select distinct kind from return_activities").fetchall()}
        from vanhoa.form.spec import ACTIVITY_KINDS
        assert kinds <= set(ACTIVITY_KINDS)
        assert con.execute("select count(*) from return_events where event not in (select name from events)"
                           ).fetchone()[0] == 0
        assert con.execute("select list(row_no order by row_no) from return_activities "
                           "group by unit_code, period_code, version limit 1").fetchone()[0] == list(
            range(1, ACTIVITIES + 1))


def test_progress_has_the_synthetic_units_and_no_ratio_above_one(synthetic):
    store, done = synthetic
    for period in done.periods:
        progress = store.query("progress", period=period)
        mine = progress[progress["unit_code"].fillna("").str.startswith("S")]
        assert sorted(set(mine["unit_code"])) == [unit_code(n) for n in range(1, UNITS + 1)]
        assert len(mine) == UNITS * 4
        not_filed = {u for u, p in done.missing if p == period}
        assert set(mine.loc[mine["status"] == "chưa nộp", "unit_code"]) == not_filed
        assert mine.loc[~mine["unit_code"].isin(not_filed), "numerator"].notna().all()
        assert (progress["ratio"].dropna() <= 1).all()
        filing = store.query("completeness", period=period)
        filing = filing[filing["unit_code"].str.startswith("S")]
        assert set(filing.loc[filing["status"] == "chưa nộp", "unit_code"]) == not_filed


def test_every_query_runs_on_the_synthetic_store(synthetic):
    store, done = synthetic
    generic = {"period": done.periods[-1], "unit": unit_code(2), "target": "T2", "series": "Marathon Mộc Châu",
               "today": dt.date(2022, 12, 20), "version": 1}
    for path in sorted(QUERIES_DIR.glob("*.sql")):
        wanted = duckdb.extract_statements(load_sql(path.stem))[-1].named_parameters
        store.query(path.stem, **{k: generic[k] for k in wanted if k in generic})
    assert len(store.query("commune_activities")) > 0  # some activities are in Chiềng Xuân


def test_same_seed_same_data_and_a_second_run_is_refused(synthetic):
    store, _ = synthetic
    from vanhoa.reference import Reference

    periods = sorted(Reference.from_csv().periods.values(), key=lambda p: p.code)[:2]
    first = build_dataset([1, 2], periods, [], 4, 2, seed=7)
    again = build_dataset([1, 2], periods, [], 4, 2, seed=7)
    assert first.activities.equals(again.activities) and first.returns.equals(again.returns)
    before = counts(store)
    with pytest.raises(ValueError, match="đã có"):
        synthesize(store, UNITS, PERIODS, ACTIVITIES, events_per_return=EVENTS)
    assert counts(store) == before


def test_excel_files_are_accepted_by_ingest_and_hold_what_synthesize_stores(tmp_path):
    files = write_xlsx(tmp_path / "xlsx", 3, 2, 6, seed=3, events=4)
    assert len(files) == 3 * 2  # one pair not filed, one filed twice
    assert (tmp_path / "xlsx" / "manifest.csv").exists()
    assert any(f.name.endswith("_v2.xlsx") for f in files)
    ingested = Store(tmp_path / "ingested.duckdb")
    add_units(ingested, 3)
    ref = ingested.reference()
    for path in files:
        done = ingest(ingested, path.read_bytes(), path.name, "test", ref=ref)
        assert done.status == "accepted", [p.line() for p in done.checked.problems]
        assert done.checked.outcome.problems == []  # not even a warning
    direct = Store(tmp_path / "direct.duckdb")
    synthesize(direct, 3, 2, 6, events_per_return=4, seed=3)
    for table in ("return_staff", "return_criteria", "return_activities", "return_events"):
        sql = "select * from " + table + " order by all"  # a table name: constants of this test
        with ingested.connect() as a, direct.connect() as b:
            assert a.execute(sql).fetchall() == b.execute(sql).fetchall(), table
    sql = "select unit_code, period_code, version, prepared_by, prepared_on, phone, email from returns order by all"
    with ingested.connect() as a, direct.connect() as b:
        assert a.execute(sql).fetchall() == b.execute(sql).fetchall()


def test_main_fills_a_store_and_says_so_in_vietnamese(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    assert main(["--units", "2", "--periods", "1", "--activities", "3", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Đã sinh 2 báo cáo giả lập (2 đơn vị × 1 kỳ; 0 chưa nộp, 0 nộp lại), 6 dòng hoạt động, "
                          "40 dòng sự kiện vào kho ")
    assert re.search(r" trong [0-9]+,[0-9] giây\.\n\Z", out), out  # seconds with a decimal comma
    assert counts(Store(db))["returns"] == 2


def test_main_writes_excel_files_and_registers_the_units(tmp_path, capsys):
    db, folder = tmp_path / "x.duckdb", tmp_path / "tep"
    assert main(["--units=2", "--periods=1", "--activities=2", "--events=1", "--xlsx", str(folder),
                 "--db", str(db)]) == 0
    assert "Đã ghi 2 tệp báo cáo giả lập" in capsys.readouterr().out
    assert sorted(p.name for p in folder.glob("*.xlsx")) == ["S0001_2022-H1.xlsx", "S0002_2022-H1.xlsx"]
    assert {unit_code(1), unit_code(2)} <= set(Store(db).reference().units)
    assert counts(Store(db))["returns"] == 0


@pytest.mark.parametrize("argv, message", [
    ([], "Lỗi: thiếu tùy chọn bắt buộc --units, --periods, --activities."),
    (["--units", "2", "--periods", "1"], "Lỗi: thiếu tùy chọn bắt buộc --activities."),
    (["--units", "hai", "--periods", "1", "--activities", "3"],
     "Lỗi: --units phải là số nguyên không âm (nhận được 'hai')."),
    (["--units", "2", "--periods", "1", "--activities", "3", "--bogus", "1"], "Lỗi: tùy chọn không hợp lệ '--bogus'."),
    (["--units", "0", "--periods", "1", "--activities", "3"], "Lỗi: số đơn vị phải từ 1 đến 9999."),
    (["--units", "2", "--periods", "1", "--activities", "200000"],
     "Lỗi: số hoạt động mỗi báo cáo phải từ 0 đến 199.999."),
    (["--units", "2", "--periods", "1", "--activities", "3", "--events", "10001"],
     "Lỗi: số sự kiện mỗi báo cáo phải từ 0 đến 10.000."),
    (["--units", "2", "--periods", "99", "--activities", "3"],
     "Lỗi: kho dữ liệu chỉ có 18 kỳ báo cáo, không sinh được 99 kỳ."),
    (["--units", "2", "--periods", "1"], "Cách dùng: python -m vanhoa synth"),
])
def test_usage_errors_exit_2_with_a_vietnamese_message(tmp_path, capsys, argv, message):
    assert main(argv + ["--db", str(tmp_path / "u.duckdb")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
