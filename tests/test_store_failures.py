"""Store failures are clear (issue 12, item 9): a full disk, an unreachable PostgreSQL or a store
busy past its wait gives one Vietnamese line on the page and from the command line (exit 3,
../shared/spec/cli.md), with nothing changed; a checkpoint that fails is reported and retried.

A full disk is simulated portably: the writer runs in a subprocess whose file-size limit
(RLIMIT_FSIZE) sits just above what it may write, with SIGXFSZ ignored, so the write that does
not fit fails with EFBIG ("File too large"), as it would with ENOSPC on a full disk."""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from builders import good_sheets, workbook_bytes

from vanhoa.store import Store

ROOT = Path(__file__).resolve().parent.parent
DISK_FULL = "Ổ đĩa của máy chủ đã đầy: không ghi được vào kho dữ liệu; chưa có gì thay đổi."


def checkpoint_line(name: str) -> str:
    return (f"Chưa gộp được nhật ký ghi {name}.wal vào tệp kho {name} vì ổ đĩa của máy chủ đã đầy; các thay đổi "
            "đã lưu vẫn an toàn trong tệp .wal (đừng xóa tệp này) và sẽ được gộp lại ở lần mở kho sau.")


def file_size_limit(limit: int, hard: bool = True):
    """preexec_fn: writes past `limit` bytes in any one file fail (EFBIG) instead of killing the
    process; with hard=False the process may lift the limit again (the disk freed)."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit if hard else resource.RLIM_INFINITY))
    return apply


def env_for(db, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "VANHOA_DB"}
    env |= {"PYTHONIOENCODING": "utf-8", "VANHOA_DB": str(db), "PYTHONDONTWRITEBYTECODE": "1"} | extra
    return env


def cli(db, *args, limit: int | None = None, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vanhoa", *map(str, args)], cwd=ROOT, env=env_for(db, **env),
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=file_size_limit(limit) if limit is not None else None)


def counts(db) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {table: con.execute("select count(*) from " + table).fetchone()[0]
                for table in ("returns", "uploads", "files", "audit_log")}


@pytest.fixture
def filed(tmp_path) -> Path:
    """A store with one return (version 1 of Phòng Tổng hợp, 2022-H1), closed and checkpointed."""
    db = tmp_path / "kho.duckdb"
    (tmp_path / "v1.xlsx").write_bytes(workbook_bytes(good_sheets()))
    changed = good_sheets()
    changed["Chỉ tiêu"][1][3] = 7
    (tmp_path / "v2.xlsx").write_bytes(workbook_bytes(changed))
    broken = good_sheets()
    broken["Chỉ tiêu"][1][2] = 10  # more staff keep the code than there are staff
    (tmp_path / "broken.xlsx").write_bytes(workbook_bytes(broken))
    done = cli(db, "ingest", tmp_path / "v1.xlsx")
    assert done.returncode == 0, done.stderr
    assert not db.with_name("kho.duckdb.wal").exists()
    return db


# ---------------------------------------------------------------- a full disk


def test_a_commit_that_does_not_fit_exits_3_with_one_line_and_changes_nothing(filed):
    before = counts(filed)
    # the new version's write-ahead log (some 10 kB) does not fit; the file itself is only read
    done = cli(filed, "ingest", filed.with_name("v2.xlsx"), limit=4096)
    assert (done.returncode, done.stdout, done.stderr) == (3, "", f"Lỗi: v2.xlsx chưa được lưu — {DISK_FULL}\n")
    assert counts(filed) == before == {"returns": 1, "uploads": 1, "files": 1, "audit_log": 1}
    # and the store works again once there is room: the same file becomes version 2
    done = cli(filed, "ingest", filed.with_name("v2.xlsx"))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "Đã nhận: v2.xlsx — Phòng Tổng hợp, 6 tháng đầu năm 2022, phiên bản 2\n"


def test_a_rejected_file_on_a_full_disk_exits_3_not_1(filed):
    """1 is for a rejected file; a rejected file that could not be archived is a store failure."""
    before = counts(filed)
    done = cli(filed, "ingest", filed.with_name("broken.xlsx"), limit=4096)
    assert (done.returncode, done.stdout, done.stderr) == (3, "", f"Lỗi: broken.xlsx chưa được lưu — {DISK_FULL}\n")
    assert counts(filed) == before


def test_a_new_store_that_does_not_fit_leaves_no_broken_file(tmp_path):
    """Creating the store on a full disk: the line, and no truncated file that every later open
    would refuse; with room again the same command creates it."""
    db = tmp_path / "moi.duckdb"
    (tmp_path / "v1.xlsx").write_bytes(workbook_bytes(good_sheets()))
    done = cli(db, "ingest", tmp_path / "v1.xlsx", limit=4096)
    assert (done.returncode, done.stdout, done.stderr) == (3, "", f"Lỗi: {DISK_FULL}\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["v1.xlsx"]
    done = cli(db, "ingest", tmp_path / "v1.xlsx")
    assert (done.returncode, done.stderr) == (0, "")
    assert counts(db)["returns"] == 1


def test_a_full_disk_at_the_checkpoint_is_reported_with_exit_3_and_the_data_is_safe_in_the_log(filed):
    """The log fits, folding it into the file does not (the file may not grow): the return is
    stored (it is in the .wal), the command says so and what is not done, and exits 3."""
    size = filed.stat().st_size
    done = cli(filed, "ingest", filed.with_name("v2.xlsx"), limit=size)
    assert done.stdout == "Đã nhận: v2.xlsx — Phòng Tổng hợp, 6 tháng đầu năm 2022, phiên bản 2\n"
    assert (done.returncode, done.stderr) == (3, f"Lỗi: {checkpoint_line('kho.duckdb')}\n")
    wal = filed.with_name("kho.duckdb.wal")
    assert wal.stat().st_size > 0
    # still full: a further return does not fit in the log either; one line, not one per failure
    done = cli(filed, "ingest", filed.with_name("broken.xlsx"), limit=wal.stat().st_size)
    assert (done.returncode, done.stdout, done.stderr) == (3, "", f"Lỗi: broken.xlsx chưa được lưu — {DISK_FULL}\n")
    # the next open replays the log: version 2 is there; its close folds the log in
    done = cli(filed, "export", "returns")
    assert (done.returncode, done.stderr) == (0, "")
    assert [line.split(",")[2] for line in done.stdout.splitlines()[1:]] == ["1", "2"]
    assert not wal.exists()
    assert counts(filed)["returns"] == 2


def test_a_failed_checkpoint_at_the_idle_close_is_logged_and_the_next_operation_retries_it(filed):
    """The app's background close: the failure is a Vietnamese line in the server log (not a
    silent close), and the next operation folds the log in once the disk has room."""
    script = textwrap.dedent("""
        import logging, resource, sys, time
        sys.path.insert(0, "tests")
        from builders import good_sheets, workbook_bytes
        from vanhoa.ingest import ingest
        from vanhoa.store import Store, pool

        logging.basicConfig(format="%(levelname)s %(message)s", stream=sys.stdout)
        pool.LINGER_SECONDS = 0.1
        store = Store(sys.argv[1])
        sheets = good_sheets()
        sheets["Chỉ tiêu"][1][3] = 7
        print("stored", ingest(store, workbook_bytes(sheets), "v2.xlsx", "A").result.version, flush=True)
        time.sleep(1.0)  # the idle close runs, and its checkpoint does not fit
        root = pool.file_roots[store._key]
        print("pending", root.checkpoint_error is not None, flush=True)
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        print("empty", store.is_empty(), flush=True)  # the next operation: its open folds the log
        print("pending", root.checkpoint_error is not None, flush=True)
    """)
    wal = filed.with_name("kho.duckdb.wal")
    done = subprocess.run([sys.executable, "-c", script, str(filed)], cwd=ROOT, env=env_for(filed), text=True,
                          capture_output=True, timeout=120,
                          preexec_fn=file_size_limit(filed.stat().st_size, hard=False))
    assert done.stdout.splitlines() == [
        "stored 2",
        f"ERROR Kho dữ liệu: {checkpoint_line('kho.duckdb')}",
        "pending True",
        "WARNING Kho dữ liệu: đã gộp được nhật ký ghi kho.duckdb.wal vào tệp kho.",
        "empty False",
        "pending False",
    ], done.stderr
    assert "Traceback" not in done.stderr
    assert not wal.exists() or wal.stat().st_size == 0
    assert counts(filed)["returns"] == 2


# ---------------------------------------------------------------- PostgreSQL out of reach


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_postgresql_exits_3_with_which_server_and_no_password(tmp_path):
    port = closed_port()
    target = f"ducklake:postgres:dbname=vanhoa host=127.0.0.1 port={port} user=vanhoa password=bi-mat-123"
    for args in (("export", "progress"), ("ingest", tmp_path / "v1.xlsx"),
                 ("synth", "--units", "2", "--periods", "1", "--activities", "1")):
        (tmp_path / "v1.xlsx").write_bytes(workbook_bytes(good_sheets()))
        done = cli(target, *args, VANHOA_DATA_PATH=str(tmp_path / "lake"))
        assert (done.returncode, done.stdout) == (3, "")
        assert done.stderr == (f"Lỗi: Không kết nối được tới PostgreSQL (máy chủ 127.0.0.1, cổng {port}): máy chủ "
                               "từ chối kết nối; chưa có gì thay đổi. Vui lòng báo quản trị viên kiểm tra máy chủ "
                               "PostgreSQL.\n")


# ---------------------------------------------------------------- busy past the wait


def hold(path: Path) -> subprocess.Popen:
    """Another process holding the file until it is told (a line on its standard input)."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys
        con = duckdb.connect({str(path)!r})
        print("locked", flush=True)
        sys.stdin.readline()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def let_go(holder: subprocess.Popen) -> None:
    holder.stdin.write("\n")
    holder.stdin.flush()
    holder.wait(timeout=30)


def test_a_waiting_writer_says_so_at_once_then_proceeds(filed):
    """The holder lets go only once the writer has said it waits (however slow this machine is to
    start Python); the old code said nothing for the 20 s, then failed."""
    holder = hold(filed)
    try:
        started = time.monotonic()
        writer = subprocess.Popen([sys.executable, "-m", "vanhoa", "ingest", str(filed.with_name("v2.xlsx"))],
                                  cwd=ROOT, env=env_for(filed), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        first = writer.stderr.readline()
        waited = time.monotonic() - started
        assert first == (f"Kho dữ liệu kho.duckdb đang được tiến trình khác (tiến trình {holder.pid}) dùng; "
                         "đang chờ (tối đa 20 giây)…\n")
        assert waited < 15  # Python's start and one second, well before the 20 s are up
        let_go(holder)
        out, rest = writer.communicate(timeout=60)
        assert (writer.returncode, out, rest) == (
            0, "Đã nhận: v2.xlsx — Phòng Tổng hợp, 6 tháng đầu năm 2022, phiên bản 2\n", "")
    finally:
        holder.kill()
        holder.wait()


def test_busy_past_the_wait_exits_3_and_changes_nothing(filed):
    before = counts(filed)
    holder = hold(filed)
    try:
        done = cli(filed, "ingest", filed.with_name("v2.xlsx"), VANHOA_BUSY_TIMEOUT="1,5")
    finally:
        let_go(holder)
    assert (done.returncode, done.stdout) == (3, "")
    assert done.stderr.splitlines() == [
        f"Kho dữ liệu kho.duckdb đang được tiến trình khác (tiến trình {holder.pid}) dùng; đang chờ (tối đa 1,5 giây)…",
        f"Lỗi: Kho dữ liệu kho.duckdb đang bận: một tiến trình khác (tiến trình {holder.pid}) giữ tệp quá 1,5 giây; "
        "chưa có gì thay đổi. Vui lòng thử lại sau ít phút.",
    ]
    assert counts(filed) == before


# ---------------------------------------------------------------- the page


PAGE_DRIVER = textwrap.dedent("""
    import json, resource, sys
    sys.path.insert(0, "tests")
    from builders import good_sheets, signed_in, workbook_bytes
    from streamlit.testing.v1 import AppTest
    from vanhoa.store import pool

    pool.LINGER_SECONDS = 600.0  # no checkpoint in the middle: the write itself must fail

    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    page = "from pages import upload\\nupload.render()\\n"
    at = signed_in(AppTest.from_string(page, default_timeout=60), "clerk", "TH")
    at.run()
    at.file_uploader[0].set_value(("v1.xlsx", workbook_bytes(good_sheets()), XLSX)).run()
    confirm = next(b for b in at.button if b.label == "Xác nhận lưu")
    wal = sys.argv[1] + ".wal"
    import os
    room = os.path.getsize(wal) if os.path.exists(wal) else 0
    resource.setrlimit(resource.RLIMIT_FSIZE, (room + 1024, resource.RLIM_INFINITY))  # the disk is full
    confirm.click().run()
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    print(json.dumps({"errors": [e.value for e in at.error], "exception": [str(e.value) for e in at.exception],
                      "success": [e.value for e in at.success]}, ensure_ascii=False))
""")


def test_the_upload_page_shows_one_line_on_a_full_disk_and_stores_nothing(tmp_path):
    db = tmp_path / "page.duckdb"
    Store(db).is_empty()
    Store(db).release()
    done = subprocess.run([sys.executable, "-c", PAGE_DRIVER, str(db)], cwd=ROOT, env=env_for(db), text=True,
                          capture_output=True, timeout=180, preexec_fn=file_size_limit(2**40, hard=False))
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.splitlines()[-1])
    assert shown == {"errors": [DISK_FULL], "exception": [], "success": []}
    assert counts(db) | {"audit_log": None} == {"returns": 0, "uploads": 0, "files": 0, "audit_log": None}


def test_postgresql_gone_after_attach_gives_the_same_line_and_the_store_recovers(tmp_path, monkeypatch):
    """A server stopped under a running app: reads and writes give the line (the cached attachment
    is dropped), nothing is half-written, and once it is back the next operation attaches again."""
    from vanhoa.ingest import ingest
    from vanhoa.store import StoreUnavailable
    from vanhoa_tools.pgserver import PostgresServer

    monkeypatch.setenv("VANHOA_DATA_PATH", str(tmp_path / "lake-files"))
    with PostgresServer() as server:
        server.create_database("lake")
        store = Store(server.lake_target("lake"))
        assert ingest(store, workbook_bytes(good_sheets()), "v1.xlsx", "A").result.version == 1
        pg_ctl = [str(server.bin / "pg_ctl"), "-D", str(server.data)]
        server._run(*pg_ctl, "-m", "immediate", "stop")
        changed = good_sheets()
        changed["Chỉ tiêu"][1][3] = 7
        line = (f"Không kết nối được tới PostgreSQL (máy chủ 127.0.0.1, cổng {server.port}): máy chủ từ chối kết nối; "
                "chưa có gì thay đổi. Vui lòng báo quản trị viên kiểm tra máy chủ PostgreSQL.")
        for operation in (store.is_empty, lambda: ingest(store, workbook_bytes(changed), "v2.xlsx", "A")):
            with pytest.raises(StoreUnavailable) as caught:
                operation()
            assert (caught.value.kind, caught.value.message) == ("unreachable", line)
        server._run(*pg_ctl, "-o", f"-p {server.port} -k {server.folder} -c listen_addresses=127.0.0.1",
                    "-l", str(server.folder / "log"), "-w", "-t", "60", "start")
        assert store.query("returns")["version"].tolist() == [1]
        assert ingest(store, workbook_bytes(changed), "v2.xlsx", "A").result.version == 2
