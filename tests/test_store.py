"""The store: versions per unit and period, raw files kept, identical re-uploads, restore,
all-or-nothing commits, concurrent writers, and another process holding the file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time

import pandas as pd
import pytest
from builders import good_sheets, workbook_bytes

from vanhoa.ingest import check, ingest, store_checked
from vanhoa.store import Store, StoreBusy, sha256_of

TABLES = ("returns", "return_staff", "return_criteria", "return_activities", "return_events", "files", "uploads",
          "events")


@pytest.fixture(params=["embedded", "ducklake"])
def store(request, tmp_path) -> Store:
    """Every test here that takes `store` runs on both back ends: an embedded DuckDB file, and
    DuckLake with its catalog in a real PostgreSQL server."""
    if request.param == "embedded":
        return Store(tmp_path / "test.duckdb")
    return request.getfixturevalue("lake_store")


def counts(store: Store) -> dict[str, int]:
    with store.connect() as con:
        return {table: con.execute("select count(*) from " + table).fetchone()[0] for table in TABLES}


def changed(culture: int = 7) -> dict:
    """The good return with one number changed (Tham gia hoạt động văn hóa of CBCC)."""
    sheets = good_sheets()
    sheets["Chỉ tiêu"][1][3] = culture
    return sheets


def test_schema_is_created_with_reference_data(store):
    with store.connect() as con:
        assert con.execute("select count(*) from units where active").fetchone()[0] == 11
        deadline = con.execute("select deadline from periods where code = '2022-Y'").fetchone()[0]
        assert deadline.isoformat() == "2022-12-05"
        assert con.execute("select max(version) from schema_migrations").fetchone()[0] == 7
    assert store.reference().supported_commune == "Chiềng Xuân"


def test_activity_keys_are_written_with_each_row(store):
    """commune_key and content_key (migration 5) are derived when a return is committed."""
    ingest(store, workbook_bytes(good_sheets()), "v1.xlsx", "A")
    with store.connect() as con:
        rows = con.execute("select commune, commune_key, content_key from return_activities order by row_no")
        assert rows.fetchall() == [
            ("Chiềng Xuân", "chiềng xuân", "tuyên truyền xây dựng nông thôn mới"),
            (None, None, "giao lưu văn nghệ")]


def test_each_upload_is_a_new_version_and_older_ones_are_kept(store):
    first, second = workbook_bytes(good_sheets()), workbook_bytes(changed())
    assert ingest(store, first, "v1.xlsx", "Lò Thị Hoa").result.version == 1
    assert ingest(store, second, "v2.xlsx", "Lò Thị Hoa").result.version == 2
    returns = store.query("returns")
    assert returns[["version", "current", "filed_by", "filename"]].values.tolist() == [
        [1, False, "Lò Thị Hoa", "v1.xlsx"], [2, True, "Lò Thị Hoa", "v2.xlsx"]]
    assert store.file_bytes(sha256_of(first)) == first and store.file_bytes(sha256_of(second)) == second
    old = store.query("return_figures", unit="TH", period="2022-H1", version=1)
    new = store.query("return_figures", unit="TH", period="2022-H1", version=2)
    culture = "culture"  # the spec's key; the screen labels it (compare.figure_label)
    assert old[(old["item"] == "CBCC") & (old["figure"] == culture)]["value"].tolist() == [6]
    assert new[(new["item"] == "CBCC") & (new["figure"] == culture)]["value"].tolist() == [7]
    # the dashboard reads the current version only
    progress = store.query("progress", period="2022-H1", unit="TH")
    assert progress[progress["target"] == "T2"][["numerator", "denominator"]].values.tolist() == [[8, 11]]


def test_identical_reupload_changes_nothing_and_says_so(store):
    raw = workbook_bytes(good_sheets())
    ingest(store, raw, "a.xlsx", "A")
    before = counts(store)
    again = ingest(store, raw, "a-copy.xlsx", "B")
    assert (again.status, again.result.version) == ("unchanged", 1)
    after = counts(store)
    assert after == before | {"uploads": before["uploads"] + 1}  # the attempt is logged, nothing else
    assert store.query("uploads")["status"].tolist() == ["unchanged", "accepted"]


def test_rejected_upload_keeps_bytes_and_problems(store):
    broken = good_sheets()
    broken["Chỉ tiêu"][1][1] = "58,5"
    raw = workbook_bytes(broken)
    done = ingest(store, raw, "loi.xlsx", "C")
    assert done.status == "rejected"
    uploads = store.query("uploads")
    assert uploads[["filename", "status", "unit_code", "period"]].values.tolist() == [
        ["loi.xlsx", "rejected", "TH", "2022-H1"]]
    assert json.loads(uploads["problems"][0])[0]["cell"] == "B2"
    assert store.file_bytes(uploads["sha256"][0]) == raw
    assert store.query("returns").empty


def test_restore_makes_an_old_version_current_as_a_new_version(store):
    ingest(store, workbook_bytes(good_sheets()), "v1.xlsx", "A")
    ingest(store, workbook_bytes(changed()), "v2.xlsx", "A")
    result = store.restore("TH", "2022-H1", 1, "Trưởng phòng")
    assert (result.status, result.version) == ("accepted", 3)
    returns = store.query("returns")
    assert returns[["version", "current", "filed_by"]].values.tolist() == [
        [1, False, "A"], [2, False, "A"], [3, True, "Trưởng phòng"]]
    assert [None if pd.isna(v) else int(v) for v in returns["restored_from"]] == [None, None, 1]
    v1 = store.query("return_figures", unit="TH", period="2022-H1", version=1)
    v3 = store.query("return_figures", unit="TH", period="2022-H1", version=3)
    assert v1.equals(v3)
    assert len(store.query("activities", period="2022-H1")) == 2  # activities came back with it


def test_a_failure_half_way_leaves_the_store_as_it_was(store, monkeypatch):
    ingest(store, workbook_bytes(good_sheets()), "v1.xlsx", "A")
    before = counts(store)
    checked = check(workbook_bytes(changed()), "v2.xlsx", store.reference())
    from vanhoa.store import writes

    real_insert = writes.insert_rows

    def fail_on_events(con, table, *args):
        if table == "return_events":  # staff, criteria and activities are written by now
            raise OSError("disk full")
        return real_insert(con, table, *args)

    monkeypatch.setattr(writes, "insert_rows", fail_on_events)
    with pytest.raises(OSError):
        store_checked(store, checked, "A")
    assert counts(store) == before
    assert store.query("returns")["version"].tolist() == [1]


def test_concurrent_commits_in_one_process_never_share_a_version(store):
    files = [workbook_bytes(changed(culture)) for culture in range(1, 7)]
    ref = store.reference()
    checked = [check(raw, f"f{i}.xlsx", ref) for i, raw in enumerate(files)]
    results, errors = [], []

    def worker(item):
        try:
            results.append(store_checked(store, item, "clerk").result.version)
        except Exception as exc:  # noqa: BLE001 - pragma: no cover; a failure is the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(item,)) for item in checked]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [1, 2, 3, 4, 5, 6]
    assert store.query("returns")["version"].tolist() == [1, 2, 3, 4, 5, 6]


def test_other_process_holding_the_file_gets_a_clear_message_then_a_retry_succeeds(tmp_path):
    path = tmp_path / "busy.duckdb"
    Store(path).is_empty()  # create it
    Store(path).release()  # this process would let go of it once idle; at once here
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            print("locked", flush=True)
            time.sleep(float(sys.argv[1]))
        """), "1.5"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        impatient = Store(path, busy_timeout=0.3)
        with pytest.raises(StoreBusy) as caught:
            impatient.is_empty()
        assert caught.value.kind == "busy"
        assert caught.value.message == (
            f"Kho dữ liệu busy.duckdb đang bận: một tiến trình khác (tiến trình {holder.pid}) giữ tệp quá 0,3 giây; "
            "chưa có gì thay đổi. Vui lòng thử lại sau ít phút.")
        started = time.monotonic()
        patient = Store(path, busy_timeout=20)
        assert patient.is_empty() is True  # waited for the holder to finish, then read
        assert time.monotonic() - started > 0.2
    finally:
        holder.wait(timeout=10)


def test_a_store_of_an_older_schema_is_migrated_in_place(tmp_path):
    """A store created by the first release (schema 1) gains the later tables and columns;
    its returns are kept and count as filed, awaiting approval."""
    import duckdb

    from vanhoa.store import migrated_stores, schema

    path = tmp_path / "old.duckdb"
    original, original_staging = schema.MIGRATIONS, schema.staging_sql
    schema.MIGRATIONS = {1: original[1]}
    schema.staging_sql = lambda: ([], "the first release had no staging layer")
    try:
        Store(path).is_empty()
        with duckdb.connect(str(path)) as con:  # a return as the first release stored it
            con.execute("insert into returns values ('TH', '2022-H1', 1, timestamp '2022-06-10 09:00', 'A', 'abc', "
                        "null, 'v1.xlsx', null, null, null, null, 1, null, '')")
            con.execute("insert into return_staff values ('TH', '2022-H1', 1, 'CBCC', 9, 9, 6, 8, 8)")
            con.execute("insert into return_activities values ('TH', '2022-H1', 1, 1, date '2022-03-15', "
                        "' Tuyên truyền  ', 'Giúp đỡ xã', 'Chiềng Xuân', null, 12, 0, null, null)")
    finally:
        schema.MIGRATIONS, schema.staging_sql = original, original_staging
        migrated_stores.discard(str(path.resolve()))
    migrated = Store(path)
    with migrated.connect() as con:
        assert con.execute("select max(version) from schema_migrations").fetchone()[0] == 7
        assert con.execute("select status from returns").fetchall() == [("pending",)]
        # the keys the commune pages compare are filled in for rows stored before they existed
        assert con.execute("select commune_key, content_key from return_activities").fetchall() == [
            ("chiềng xuân", "tuyên truyền")]
    assert migrated.report_draft("2022-H1") is None
    migrated.save_report_draft("2022-H1", {"context": "Mở đầu"}, "Lãnh đạo")
    assert migrated.report_draft("2022-H1")["context"] == "Mở đầu"
    progress = migrated.query("progress", period="2022-H1", unit="TH")
    assert progress[progress["target"] == "T2"][["numerator", "denominator"]].values.tolist() == [[6, 9]]


def _other_process_opens(path, seconds: float = 0.0) -> str:
    """Whether another process can open the file: 'opened', or DuckDB's lock error. With `seconds`,
    it retries (through Store, as the command line does) for that long."""
    script = textwrap.dedent("""
        import sys, duckdb
        from vanhoa.store import Store, StoreBusy
        try:
            if float(sys.argv[2]):
                Store(sys.argv[1], busy_timeout=float(sys.argv[2])).is_empty()
            else:
                duckdb.connect(sys.argv[1]).close()
            print("opened")
        except (duckdb.IOException, StoreBusy) as exc:
            print("locked:", str(exc).splitlines()[0])
    """)
    done = subprocess.run([sys.executable, "-c", script, str(path), str(seconds)], capture_output=True, text=True,
                          timeout=60)
    return done.stdout.strip() or done.stderr


def test_the_file_is_held_between_operations_and_let_go_once_idle(tmp_path, monkeypatch):
    """A file store stays open for a moment after use (a page's queries and a clerk's commit
    share one open, and the checkpoint waits for the idle moment), then is closed so that the
    command line can write while the app runs."""
    from vanhoa.store import pool

    path = tmp_path / "held.duckdb"
    store = Store(path)
    monkeypatch.setattr(pool, "LINGER_SECONDS", 60.0)
    result = ingest(store, workbook_bytes(good_sheets()), "th.xlsx", "Lò Thị Hoa")
    assert result.status == "accepted"
    # the commit is durable in the write-ahead log; folding it into the file waits for the close
    assert path.with_name("held.duckdb.wal").stat().st_size > 0
    assert _other_process_opens(path).startswith("locked: IO Error: Could not set lock on file")

    store.release()
    assert not path.with_name("held.duckdb.wal").exists()
    assert _other_process_opens(path) == "opened"
    assert Store(path).query("returns")["version"].tolist() == [1]

    monkeypatch.setattr(pool, "LINGER_SECONDS", 0.2)
    assert store.is_empty() is False
    deadline = time.monotonic() + 10
    while (state := _other_process_opens(path)) != "opened" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert state == "opened"


def test_a_process_in_constant_use_still_lets_another_one_in(tmp_path, monkeypatch):
    """Queries back to back never leave the file idle: after MAX_HOLD_SECONDS it is closed between
    two of them anyway, and another process waiting for it (the command line) gets its turn."""
    from vanhoa.store import pool

    path = tmp_path / "busy.duckdb"
    store = Store(path)
    store.is_empty()
    monkeypatch.setattr(pool, "MAX_HOLD_SECONDS", 0.5)
    outcome = []
    waiting = threading.Thread(target=lambda: outcome.append(_other_process_opens(path, seconds=15)))
    waiting.start()
    while waiting.is_alive():
        store.is_empty()
    assert outcome == ["opened"]


def test_the_data_version_moves_with_data_not_with_the_idle_checkpoint(tmp_path):
    """Cached results are keyed by the data version: a write changes it, and another process's write
    does too, but folding the log into the file when the store goes idle does not (the pages would
    otherwise recompute everything a second time after each upload)."""
    path = tmp_path / "version.duckdb"
    store = Store(path)
    empty = store.data_version()
    assert ingest(store, workbook_bytes(good_sheets()), "th.xlsx", "Lò Thị Hoa").status == "accepted"
    written = store.data_version()
    assert written != empty
    store.release()  # the checkpoint
    assert not path.with_name("version.duckdb.wal").exists()
    assert store.data_version() == written

    other = textwrap.dedent("""
        import sys
        from builders import good_sheets, workbook_bytes
        from vanhoa.ingest import ingest
        from vanhoa.store import Store
        sheets = good_sheets()
        sheets["Hoạt động"][2][1] = "Giao lưu văn nghệ lần 2"
        print(ingest(Store(sys.argv[1]), workbook_bytes(sheets), "th2.xlsx", "CLI").status)
    """)
    done = subprocess.run([sys.executable, "-c", other, str(path)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(["tests", "."])})
    assert done.stdout.strip() == "accepted", done.stderr
    assert store.data_version() != written
    assert store.query("returns")["version"].tolist() == [1, 2]
