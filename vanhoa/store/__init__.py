"""The store: one DuckDB database, one writer path for the app and the command line.

Two back ends behind one class, chosen by the target string (`--db`, `VANHOA_DB`):
- a file path (the default): an embedded DuckDB file, for one office on one machine;
- `ducklake:postgres:dbname=… host=…`: DuckLake with its catalog in PostgreSQL and its data files
  under `VANHOA_DATA_PATH`, for several app servers sharing one store. The same SQL runs on both.

- A file is opened once per process and lent as a cursor per operation and thread (`_FileRoot`).
  It is closed again once idle for LINGER_SECONDS (at once when it has been open MAX_HOLD_SECONDS),
  in a background thread: that close folds the write-ahead log into the file (a checkpoint,
  0,25 s after a 50.000-row return), so nobody waits for it, and the app never holds the file's
  lock while idle, so `python -m vanhoa ingest` can write while the app runs. When another
  process holds the lock, we wait and retry, then give a clear Vietnamese message.
- Writes in this process go through one lock, so version numbers are never given twice; across
  processes DuckDB's file lock does the same.
- A commit is one transaction: a failure half-way leaves the store as it was.
- What stops the store from being read or written (busy past the wait, a full disk, PostgreSQL
  out of reach) is one exception, StoreUnavailable, with one Vietnamese line: the page shows it
  (ui.busy_guard), the command line prints it and exits 3. The checkpoint at the idle close is
  explicit, so a full disk there is logged and retried instead of passing silently.
- Every uploaded file's bytes are kept once per SHA-256 in `files`; every upload, accepted or
  not, has a row in `uploads`.

Only this module knows which back end it runs on; pages, queries and the CLI see tables.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import logging
import os
import random
import re
import atexit
import threading
import time
import uuid
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd
import pyarrow as pa

from vanhoa import DATA_DIR, QUERIES_DIR
from vanhoa.form import spec
from vanhoa.form.rules import Problem, Return
from vanhoa.reference import Reference, period_from_row, read_reference_csv
from vanhoa.store.errors import (DISK_FULL_MESSAGE, StoreBusy, StoreConflict, StoreMisconfigured,  # noqa: F401
                                 StoreReadOnly, StoreUnavailable, is_disk_full, unreachable_error,
                                 unreachable_message)
from vanhoa.store.errors import libpq_fields as _libpq_fields

DEFAULT_DB = DATA_DIR / "vanhoa.duckdb"
LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
SCHEMA_VERSION = 6
LAKE_PREFIX = "ducklake:"
LAKE_ALIAS = "lake"

_MIGRATIONS: dict[int, list[str]] = {
    1: [
        """create table units (code varchar primary key, name varchar not null, short_name varchar,
               kind varchar, sort_order integer, active boolean not null default true)""",
        """create table periods (code varchar primary key, kind varchar not null, year integer not null,
               label varchar not null, start_date date not null, end_date date not null, deadline date not null)""",
        """create table targets (code varchar primary key, name varchar not null, numerator varchar,
               denominator varchar, goal decimal(5, 4) not null, sort_order integer)""",
        """create table events (name varchar primary key, series varchar, year integer, kind varchar,
               added_by_upload varchar)""",
        "create table settings (key varchar primary key, value varchar)",
        "create table files (sha256 varchar primary key, size bigint not null, content blob not null)",
        """create table uploads (upload_id varchar primary key, sha256 varchar not null, filename varchar,
               uploaded_by varchar, uploaded_at timestamp not null, status varchar not null,
               unit_code varchar, period_code varchar, version integer, problems varchar)""",
        """create table returns (unit_code varchar not null, period_code varchar not null, version integer not null,
               filed_at timestamp not null, filed_by varchar, sha256 varchar not null, upload_id varchar,
               filename varchar, prepared_by varchar, prepared_on date, phone varchar, email varchar,
               form_version integer, restored_from integer, warnings varchar,
               primary key (unit_code, period_code, version))""",
        """create table return_staff (unit_code varchar, period_code varchar, version integer, staff_group varchar,
               total integer, ethics integer, culture integer, families integer, cultural_families integer)""",
        """create table return_criteria (unit_code varchar, period_code varchar, version integer,
               criterion varchar, met boolean, note varchar)""",
        """create table return_activities (unit_code varchar, period_code varchar, version integer, row_no integer,
               date date, content varchar, kind varchar, commune varchar, place varchar, participants integer,
               cost bigint, result varchar, plan_item varchar)""",
        """create table return_events (unit_code varchar, period_code varchar, version integer, row_no integer,
               event varchar, date date, place varchar, registered integer, participants integer,
               achievement varchar, note varchar)""",
        # The newest version of each unit and period is the one the dashboard shows.
        """create view current_returns as
               select * from returns
               qualify version = max(version) over (partition by unit_code, period_code)""",
    ],
    # The report's narrative (what no return holds), kept per period; every save is a new row
    # so an earlier wording can be found again.
    2: [
        """create table report_drafts (period_code varchar not null, saved_at timestamp not null,
               saved_by varchar, context varchar, tasks varchar, recipients varchar,
               signer_title varchar, signer_name varchar, number varchar)""",
    ],
    # Accounts, approval and the audit log (issue: accounts, roles, approval and audit).
    3: [
        "drop view current_returns",
        "alter table returns add column status varchar default 'pending'",  # pending | approved | returned
        "alter table returns add column reviewed_by varchar",
        "alter table returns add column reviewed_at timestamp",
        "alter table returns add column review_comment varchar",
        # A unit is expected to report from `active_from` until before `retired_from` (period codes
        # sort in time order), so retiring a unit keeps its history and its past periods' counts.
        "alter table units add column active_from varchar default '2022-H1'",
        "alter table units add column retired_from varchar",
        # An approved version is locked in: a newer upload waits for approval before it counts.
        # A version returned for correction counts only when nothing else was filed.
        """create view current_returns as
               select * from returns
               window w as (partition by unit_code, period_code)
               qualify version = coalesce(max(version) filter (where status = 'approved') over w,
                                          max(version) filter (where status <> 'returned') over w,
                                          max(version) over w)""",
        """create table accounts (name varchar primary key, display_name varchar, role varchar not null,
               unit_code varchar, password_hash varchar not null, active boolean not null default true,
               failed_attempts integer not null default 0, locked_until timestamp,
               created_at timestamp not null, password_changed_at timestamp)""",
        """create table sessions (token_hash varchar primary key, account varchar not null,
               created_at timestamp not null, expires_at timestamp not null)""",
        """create table audit_log (logged_at timestamp not null, actor varchar, action varchar not null,
               target varchar, details varchar)""",
    ],
    # One row every version-giving write updates. Two writers on DuckLake (several servers) that
    # both update it conflict, so the one that loses is retried and recomputes its version number;
    # on the embedded file the file lock already serialises writers and the update costs nothing.
    4: [
        "create table store_writes (n bigint not null)",
        "insert into store_writes values (0)",
    ],
    # The commune pages compare each activity's commune and wording without case, over a million
    # rows at province scale: keep those keys beside the text, written once at commit, instead of
    # lower() on every row of every query (-30 % on the commune queries).
    5: [
        "alter table return_activities add column commune_key varchar",
        "alter table return_activities add column content_key varchar",
        "update return_activities set commune_key = lower(commune), content_key = lower(trim(content))",
    ],
    # What a year period holds (cli.md): a half-year row that the same unit's annual return of
    # that year repeats (same date and content, or same date and event) counts once. Finding
    # those repeats at every query meant matching a million half-year rows against a million
    # annual ones (10 times the page budget); they are found once, when a version is written
    # (record_repeats), and kept here as pairs of versions: which version counts is decided at
    # query time (queries/staging), so approving or restoring a version needs nothing here.
    6: [
        """create table activity_repeats (unit_code varchar not null, h1_period varchar not null,
               h1_version integer not null, h1_row_no integer not null, y_period varchar not null,
               y_version integer not null)""",
        """create table event_repeats (unit_code varchar not null, h1_period varchar not null,
               h1_version integer not null, h1_row_no integer not null, y_period varchar not null,
               y_version integer not null)""",
    ],
}

# The repeats of a half-year row in an annual return of the same unit and year, as pairs of
# versions (migration 6). A row without a date, content or event is never a repeat.
# - _REPEATS_OF_VERSION: one new version's pairs with every stored version of the other half of
#   its year, for one unit: both sides filtered by unit and period, so the scan skips the rest
#   (on DuckLake too, where an IN-list made every commit read the whole table);
# - _REPEATS_OF_UNITS: every pair of some units ($units) or of the whole store ($units null).
_REPEATS_OF_VERSION = """
insert into {table}
select distinct h.unit_code, h.period_code, h.version, h.row_no, y.period_code, y.version
from {rows} h
join {rows} y on y.unit_code = h.unit_code and y.date = h.date and {same}
where h.unit_code = $unit and y.unit_code = $unit
  and h.period_code = $h1 and y.period_code = $y
  and (($new_half and h.version = $version) or (not $new_half and y.version = $version))
"""
_REPEATS_OF_UNITS = """
insert into {table}
select distinct h.unit_code, h.period_code, h.version, h.row_no, y.period_code, y.version
from {rows} h
join periods hp on hp.code = h.period_code and hp.kind = 'H1'
join periods yp on yp.year = hp.year and yp.kind = 'Y'
join {rows} y
  on y.unit_code = h.unit_code and y.period_code = yp.code
 and y.date = h.date and {same}
where $units is null or (h.unit_code in (select unnest($units)) and y.unit_code in (select unnest($units)))
"""
_REPEATS = (
    ("activity_repeats", "return_activities", "y.content_key = h.content_key"),
    ("event_repeats", "return_events", "y.event = h.event"),
)


def record_repeats(con: duckdb.DuckDBPyConnection, units: list[str] | None = None,
                   period: str | None = None, version: int | None = None) -> None:
    """Keep the repeats (see migration 6) of one new version (units=[its unit], its period and
    version), of some units' whole history (synthetic data), or of the whole store (units None)."""
    if period is None:
        for table, rows, same in _REPEATS:
            # Table names and conditions are this module's constants, never input.
            con.execute(_REPEATS_OF_UNITS.format(table=table, rows=rows, same=same), {"units": units})
        return
    (unit,) = units
    halves = dict(con.execute(
        "select kind, code from periods where year = (select year from periods where code = ?)", [period]).fetchall())
    if "H1" not in halves or "Y" not in halves:
        return
    new_half = period == halves["H1"]
    other = halves["Y"] if new_half else halves["H1"]
    # the usual case: the other half of the year has no return yet, so nothing can repeat
    if con.execute("select 1 from returns where unit_code = ? and period_code = ? limit 1",
                   [unit, other]).fetchone() is None:
        return
    params = {"unit": unit, "h1": halves["H1"], "y": halves["Y"], "new_half": new_half, "version": version}
    for table, rows, same in _REPEATS:
        con.execute(_REPEATS_OF_VERSION.format(table=table, rows=rows, same=same), params)


# Columns the store derives from a row when it is written (see migration 5).
ACTIVITY_KEYS = "lower(commune) as commune_key, lower(trim(content)) as content_key"


log = logging.getLogger("vanhoa.store")


def _seconds_vi(seconds: float) -> str:
    return f"{seconds:g}".replace(".", ",")


@dataclass(frozen=True)
class CommitResult:
    status: str  # accepted | unchanged
    unit_code: str
    period_code: str
    version: int
    upload_id: str | None

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"


def now_local() -> dt.datetime:
    """Wall-clock time in Việt Nam, without tzinfo (what clerks and deadlines mean)."""
    return dt.datetime.now(LOCAL_TZ).replace(tzinfo=None)


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


BUSY_TIMEOUT = 20.0  # seconds an open waits for another process holding the file
# A wait longer than this is told (Store.on_wait): writers taking turns wait milliseconds, and
# a batch's output should not fill with notices of those.
WAIT_NOTICE_SECONDS = 1.0


def default_busy_timeout() -> float:
    """BUSY_TIMEOUT, or VANHOA_BUSY_TIMEOUT (seconds) when the operator set one."""
    try:
        return max(0.0, float(os.environ.get("VANHOA_BUSY_TIMEOUT", "").replace(",", ".")))
    except ValueError:
        return BUSY_TIMEOUT


def resolve_target(db: str | os.PathLike | None = None) -> str:
    return str(db or os.environ.get("VANHOA_DB") or DEFAULT_DB)


def is_lake(target: str) -> bool:
    return str(target).startswith(LAKE_PREFIX)


def lake_data_path() -> str:
    """Where DuckLake writes its Parquet files: VANHOA_DATA_PATH, shared by every app server."""
    path = os.environ.get("VANHOA_DATA_PATH")
    if not path:
        raise StoreMisconfigured("Kho DuckLake cần biến môi trường VANHOA_DATA_PATH: thư mục dữ liệu dùng chung "
                        "của mọi máy chủ ứng dụng (xem README, mục Triển khai nhiều máy chủ).", "config")
    return path if path.endswith("/") else path + "/"


def describe_target(target: str) -> str:
    """The store's name for messages: the file name, or the catalog without its password."""
    if is_lake(target):
        return re.sub(r"password=\S+", "password=***", target)
    return str(target)


_process_lock = threading.Lock()
# DuckDB refuses two threads attaching the same file at the same instant ("Unique file handle
# conflict"): every Streamlit session is a thread, so opening is serialised (it takes microseconds).
_connect_lock = threading.Lock()
_write_locks: dict[str, threading.RLock] = {}
_migrated: set[str] = set()
_local_versions: dict[str, int] = {}
# DuckLake: one in-memory DuckDB per process and (target, snapshot) with the lake attached once
# (attaching costs ~0,5 s: extensions, catalog); each operation takes its own cursor from it,
# which is DuckDB's way for threads to share one database.
_lake_roots: dict[tuple, duckdb.DuckDBPyConnection] = {}

# A file store stays open this long after its last operation: a page's queries, or a clerk's
# check and commit, share one open (and the writer's checkpoint happens after, not during, them).
LINGER_SECONDS = 2.0
# ... but no longer than this while in use, so another process waiting for the file gets it.
MAX_HOLD_SECONDS = 5.0
# After such a forced close, this process waits this long before opening again: another
# process's retry (every 0,1 s at most, see Store._open_file) gets its turn.
YIELD_SECONDS = 0.3
# Folded into the file when the store is closed (idle), not inside a clerk's commit: DuckDB's
# default (16 MB) would checkpoint inside every second 50.000-row commit.
CHECKPOINT_THRESHOLD = "1GB"


def checkpoint_message(path: Path, exc: BaseException) -> str:
    """What is true after the write-ahead log could not be folded into the file: every change
    already made is safe in the log (DuckDB replays it at the next open), the file is not whole
    without it, and the fold is tried again."""
    why = "ổ đĩa của máy chủ đã đầy" if is_disk_full(exc) else "lỗi khi ghi tệp kho"
    return (f"Chưa gộp được nhật ký ghi {path.name}.wal vào tệp kho {path.name} vì {why}; các thay đổi đã lưu "
            "vẫn an toàn trong tệp .wal (đừng xóa tệp này) và sẽ được gộp lại ở lần mở kho sau.")


class _FileRoot:
    """One process's connection to one database file, lent out as cursors (DuckDB's way for
    threads to share a database) and closed in the background once nobody has used it for
    LINGER_SECONDS. While it closes (checkpoint), new operations wait for it, then reopen: one
    process never has the same file open twice.

    The checkpoint is an explicit CHECKPOINT before the close: DuckDB's own, inside close(),
    fails silently when the disk is full. A failed one is logged (the server log), kept in
    `checkpoint_error`, and tried again by the next open and the next close. The data is not at
    risk meanwhile: it is in the write-ahead log, which DuckDB replays at every open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.con: duckdb.DuckDBPyConnection | None = None
        self.users = 0
        self.opened_at = 0.0
        self.closing = False
        self.reopen_after = 0.0
        self.generation = 0  # bumped by every release: a close timer acts only if nothing came since
        self.cond = threading.Condition()
        # (stamp after our last close, stamp before it): folding the log into the file changes the
        # file's stamp, not its data, so the cached results stay valid
        self.alias: tuple[str, str] | None = None
        self.checkpoint_error: str | None = None  # the Vietnamese line while the log is not folded
        self.poisoned = False  # DuckDB invalidated the open database (a fatal error): close at once

    def stamp(self) -> str:
        """The file's change stamp (file and write-ahead log), our own checkpoints seen through."""
        now = _file_stamp(self.path)
        alias = self.alias
        return alias[1] if alias and alias[0] == now else now

    def _checkpoint(self, con: duckdb.DuckDBPyConnection, log_failure: bool = True) -> bool:
        """Fold the log into the file; False (and logged) when that failed, which leaves the
        database invalidated in this process: the caller closes it."""
        try:
            con.execute("checkpoint")
        except duckdb.Error as exc:
            self.checkpoint_error = checkpoint_message(self.path, exc)
            if log_failure:
                log.error("Kho dữ liệu: %s", self.checkpoint_error)
            log.info("checkpoint of %s failed: %s", self.path, exc)
            return False
        if self.checkpoint_error is not None:
            self.checkpoint_error = None
            log.warning("Kho dữ liệu: đã gộp được nhật ký ghi %s.wal vào tệp kho.", self.path.name)
        return True

    def cursor(self, open_file) -> duckdb.DuckDBPyConnection:
        with self.cond:
            while self.closing:
                self.cond.wait()
            if self.con is None:
                pause = self.reopen_after - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                con = open_file()
                if self.checkpoint_error is not None and not self._checkpoint(con):
                    con.close()  # invalidated by the failed fold; the log is replayed again
                    con = open_file()
                con.execute("set checkpoint_threshold = '" + CHECKPOINT_THRESHOLD + "'")
                self.con = con
                self.poisoned = False
                self.opened_at = time.monotonic()
            self.users += 1
            try:
                return self.con.cursor()
            except BaseException:
                self.users -= 1
                raise

    def release(self, cursor: duckdb.DuckDBPyConnection) -> None:
        try:
            cursor.close()
        finally:
            with self.cond:
                self.users -= 1
                if self.users:
                    return
                self.generation += 1
                held = time.monotonic() - self.opened_at
                delay = 0.0 if held > MAX_HOLD_SECONDS or self.poisoned else LINGER_SECONDS
                timer = threading.Timer(delay, self.close, (self.generation, held > MAX_HOLD_SECONDS))
                timer.daemon = True
                timer.start()

    def close(self, generation: int | None = None, forced: bool = False, log_failure: bool = True) -> bool:
        """Close now (generation None: waiting for operations under way to end), or when the timer
        of `generation` fires and nothing has happened since. False when the log could not be
        folded into the file (see `checkpoint_error`)."""
        with self.cond:
            if generation is None:
                while self.users or self.closing:
                    self.cond.wait()
            elif generation != self.generation or self.users or self.closing:
                return True
            con, self.con = self.con, None
            if con is None:
                return self.checkpoint_error is None
            self.closing = True
        before = self.stamp()
        try:
            if not self.poisoned:  # an invalidated database refuses every statement; its log waits
                self._checkpoint(con, log_failure)
            con.close()
        finally:
            after = _file_stamp(self.path)
            with self.cond:
                if after != before:
                    self.alias = (after, before)
                self.closing = False
                if forced:
                    self.reopen_after = time.monotonic() + YIELD_SECONDS
                self.cond.notify_all()
        return self.checkpoint_error is None


_file_roots: dict[str, _FileRoot] = {}


def _file_stamp(path: Path) -> str:
    parts = []
    for part in (path, Path(str(path) + ".wal")):
        try:
            stat = part.stat()
            parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
        except FileNotFoundError:
            parts.append("-")
    return "/".join(parts)


@atexit.register
def _close_files() -> None:
    """A command-line run ends with its files closed and checkpointed, not left to the timer."""
    for root in list(_file_roots.values()):
        try:
            root.close()  # a failed fold is logged there
        except duckdb.Error as exc:
            log.error("Kho dữ liệu: %s", checkpoint_message(root.path, exc))


def _sql_text(value: str) -> str:
    """A SQL string literal, for ATTACH, which takes no bound parameters. The values are the
    operator's configuration (attach string, data path) or a timestamp we format, never user text."""
    return "'" + str(value).replace("'", "''") + "'"


def _extension_file(module_name: str, extension: str) -> str:
    """The .duckdb_extension shipped in a PyPI package: nothing is downloaded at run time."""
    import importlib

    module = importlib.import_module(module_name)
    found = sorted(Path(module.__file__).parent.glob(f"extensions/*/{extension}.duckdb_extension"))
    if not found:
        raise RuntimeError(f"{module_name} has no {extension}.duckdb_extension")
    return str(found[-1])


def _open_lake_root(target: str, data_path: str, as_of: dt.datetime | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False})
    con.execute("load " + _sql_text(_extension_file("duckdb_extension_postgres_scanner", "postgres_scanner")))
    con.execute("load " + _sql_text(_extension_file("duckdb_extension_ducklake", "ducklake")))
    attach_lake(con, target, data_path, LAKE_ALIAS, as_of=as_of)
    # DuckLake retries a commit that lost a race without a logical conflict; be patient with
    # several servers committing at once.
    con.execute("set ducklake_max_retry_count = 100")
    return con


def attach_lake(con: duckdb.DuckDBPyConnection, target: str, data_path: str, alias: str,
                as_of: dt.datetime | None = None, snapshot: int | None = None) -> None:
    """Attach the lake under `alias`; with `as_of` or `snapshot`, read-only as it stood then, so
    every query, view and page reads that moment unchanged. `alias` is one of our constants."""
    options = "DATA_PATH " + _sql_text(data_path)
    if as_of is not None:
        options += ", SNAPSHOT_TIME " + _sql_text(as_of.isoformat()) + ", READ_ONLY"
    if snapshot is not None:
        options += ", SNAPSHOT_VERSION " + str(int(snapshot)) + ", READ_ONLY"
    con.execute("attach " + _sql_text(target) + " as " + alias + " (" + options + ")")


class Store:
    def __init__(self, db: str | os.PathLike | None = None, busy_timeout: float | None = None,
                 as_of: dt.datetime | None = None) -> None:
        self.target = resolve_target(db)
        self.lake = is_lake(self.target)
        self.busy_timeout = busy_timeout if busy_timeout is not None else default_busy_timeout()
        if as_of is not None and not self.lake:
            raise ValueError("as_of needs a DuckLake store (snapshots)")
        # as_of: a timezone-aware moment; the store is then read-only, as it stood at that moment
        self.as_of = as_of
        if self.lake:
            self.path = None
            self.data_path = lake_data_path()
            self._key = self.target
        else:
            self.path = Path(self.target)
            self.data_path = None
            self._key = str(self.path.resolve())
            with _process_lock:
                self._file_root = _file_roots.setdefault(self._key, _FileRoot(self.path))
        with _process_lock:
            self._write_lock = _write_locks.setdefault(self._key, threading.RLock())
        # Called with one Vietnamese line when an open has to wait for another process (the
        # command line prints it at once, rather than seeming to hang for busy_timeout seconds).
        self.on_wait = None

    @property
    def name(self) -> str:
        return describe_target(self.target)

    def at(self, moment: dt.datetime) -> "Store":
        """The same DuckLake store, read-only, as it stood at `moment` (timezone-aware)."""
        return Store(self.target, self.busy_timeout, as_of=moment)

    def release(self) -> None:
        """Close this process's connection to the store now: a file is checkpointed and unlocked
        (before copying it, or for another program); a DuckLake moment's attachment is dropped.
        StoreUnavailable (kind 'checkpoint') when the log could not be folded into the file: the
        data is safe in the .wal, but the file alone is not whole."""
        if not self.lake:
            if not self._file_root.close(log_failure=False):
                raise StoreUnavailable(self._file_root.checkpoint_error, "checkpoint")
            return
        with _connect_lock:
            root = _lake_roots.pop((self.target, self.data_path, self.as_of), None)
        if root is not None:
            root.close()

    # ------------------------------------------------------------ connections

    def _open(self) -> duckdb.DuckDBPyConnection:
        if self.lake:
            return self._open_lake()
        return self._file_root.cursor(self._open_file)

    def _open_file(self) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.busy_timeout
        notice_at = time.monotonic() + WAIT_NOTICE_SECONDS
        pause = 0.02
        waiting = False
        while True:
            existed = self.path.exists()
            try:
                with _connect_lock:
                    return duckdb.connect(str(self.path))
            except duckdb.IOException as exc:
                if not existed and is_disk_full(exc):
                    # A new store that did not fit is a truncated file every later open would
                    # refuse: as it was is no file at all.
                    for part in (self.path, Path(str(self.path) + ".wal")):
                        part.unlink(missing_ok=True)
                if "could not set lock" not in str(exc).lower():  # not "lock" in the path
                    raise
                holder = re.search(r"PID (\d+)", str(exc))
                who = f" (tiến trình {holder.group(1)})" if holder else ""
                limit = _seconds_vi(self.busy_timeout)
                if time.monotonic() > deadline:
                    raise StoreBusy(
                        f"Kho dữ liệu {self.path.name} đang bận: một tiến trình khác{who} giữ tệp quá {limit} giây; "
                        "chưa có gì thay đổi. Vui lòng thử lại sau ít phút."
                    ) from exc
                if not waiting and self.on_wait is not None and time.monotonic() > notice_at:
                    waiting = True
                    self.on_wait(f"Kho dữ liệu {self.path.name} đang được tiến trình khác{who} dùng; "
                                 f"đang chờ (tối đa {limit} giây)…")
                time.sleep(pause)
                pause = min(pause * 2, 0.1)  # often enough to find the gap another process leaves

    def _open_lake(self) -> duckdb.DuckDBPyConnection:
        key = (self.target, self.data_path, self.as_of)
        with _connect_lock:
            root = _lake_roots.get(key)
            if root is None:
                try:
                    root = _open_lake_root(self.target, self.data_path, self.as_of)
                except duckdb.Error as exc:
                    used = re.search(r'existing data path in the catalog "([^"]*)"', str(exc))
                    if used:
                        raise StoreMisconfigured(
                            f"VANHOA_DATA_PATH ({self.data_path}) khác thư mục dữ liệu kho này đang dùng "
                            f"({used.group(1)}): mọi máy chủ ứng dụng phải dùng cùng một thư mục.", "config") from exc
                    if self.as_of is not None and "snapshot" in str(exc).lower():
                        raise StoreMisconfigured(f"Kho chưa có dữ liệu vào thời điểm {self.as_of:%d/%m/%Y %H:%M}.", "past") from exc
                    raise self._unavailable(exc) from exc
                _lake_roots[key] = root
        cursor = root.cursor()
        cursor.execute("use " + LAKE_ALIAS)
        return cursor

    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        """DuckDB's or the system's error as the one Vietnamese line. DuckDB's own words (server
        paths, the attach string) go only to the log, at INFO, a password masked."""
        log.info("store %s: %s", self.name, describe_target(" ".join(str(exc).split())))
        if is_disk_full(exc):
            return StoreReadOnly(DISK_FULL_MESSAGE, "disk_full")
        if not self.lake:
            return StoreUnavailable(f"Không đọc hoặc ghi được kho dữ liệu {self.path.name}; chưa có gì thay đổi. "
                                    "Vui lòng báo quản trị viên.")
        error = unreachable_error(self.target, exc)
        if error is not None:
            return error
        fields = _libpq_fields(self.target)
        return StoreMisconfigured(
            f"Không mở được kho dữ liệu DuckLake (máy chủ PostgreSQL {fields.get('host', 'localhost')}, cổng "
            f"{fields.get('port', '5432')}); chưa có gì thay đổi. Vui lòng báo quản trị viên kiểm tra máy chủ "
            "PostgreSQL và chuỗi kết nối.")

    def _translated(self, exc: BaseException) -> StoreUnavailable | None:
        """The store-level failures every caller gets as StoreUnavailable; None for the rest
        (a bug, a constraint our own code should have kept: those stay as they are)."""
        if isinstance(exc, StoreUnavailable):
            return None
        if is_disk_full(exc):
            return self._unavailable(exc)
        if self.lake and isinstance(exc, duckdb.Error) and unreachable_message(self.target, exc):
            with _connect_lock:  # the next operation attaches again
                _lake_roots.pop((self.target, self.data_path, self.as_of), None)
            return self._unavailable(exc)
        return None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for one operation, schema ensured; the file is unlocked once idle (_FileRoot).
        A full disk or an unreachable catalog server becomes StoreUnavailable, in the open and
        in the caller's statements alike."""
        try:
            con = self._open()
        except (duckdb.Error, OSError) as exc:
            translated = self._translated(exc)
            if translated is None:
                raise
            raise translated from exc
        try:
            if self._key not in _migrated and self.as_of is None:
                with self._write_lock:
                    self._migrate(con)
                _migrated.add(self._key)
            yield con
        except (duckdb.Error, OSError) as exc:
            if isinstance(exc, duckdb.FatalException) and not self.lake:
                self._file_root.poisoned = True  # closed at release, reopened by the next operation
            translated = self._translated(exc)
            if translated is None:
                raise
            raise translated from exc
        finally:
            if self.lake:
                con.close()
            else:
                self._file_root.release(con)

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One lock in this process, one transaction, all or nothing."""
        if self.as_of is not None:
            raise StoreReadOnly("Đang xem kho như tại một ngày trong quá khứ: không thể ghi.", "past")
        with self._write_lock, self.connect() as con:
            try:
                with _all_or_nothing(con):
                    yield con
            finally:
                _local_versions[self.target] = _local_versions.get(self.target, 0) + 1

    def write(self, action, actor: str | None = None, message: str | None = None):
        """The single writer path for versioned writes: `action(con)` in one transaction, after
        updating `store_writes`. On DuckLake a transaction that lost to another server's write is
        retried from the start (it rereads the latest version), so nothing is lost or given twice;
        the message becomes the snapshot's commit message (who did what, for the history)."""
        deadline = time.monotonic() + max(self.busy_timeout, 30.0)
        pause = 0.05
        while True:
            try:
                with self.transaction() as con:
                    con.execute("update store_writes set n = n + 1")
                    if self.lake and message:
                        con.execute("call " + LAKE_ALIAS + ".set_commit_message($actor, $message)",
                                    {"actor": actor or "", "message": message})
                    return action(con)
            except duckdb.TransactionException as exc:
                if not self.lake or "conflict" not in str(exc).lower():
                    raise
                if time.monotonic() > deadline:
                    raise StoreConflict("Nhiều người đang ghi vào kho cùng lúc; chưa lưu được. "
                                        "Vui lòng bấm lưu lại.") from exc
                time.sleep(pause * (0.5 + random.random()))
                pause = min(pause * 1.5, 1.0)

    def data_version(self) -> str:
        """Changes whenever the database changes: the key of every cached query result."""
        if self.lake:
            if self.as_of is not None:
                return "as-of " + self.as_of.isoformat()
            # Another server's commit is a new snapshot: the newest snapshot id is the version.
            with self.connect() as con:
                snapshot = con.execute("select id from " + LAKE_ALIAS + ".current_snapshot()").fetchone()[0]
            return f"{_local_versions.get(self.target, 0)}/{snapshot}"
        # Another process's write changes the file's stamp; ours bump the local count too.
        return f"{_local_versions.get(self.target, 0)}/{self._file_root.stamp()}"

    # ------------------------------------------------------------ schema

    def _ddl(self, statement: str) -> str:
        """DuckLake has no PRIMARY KEY/UNIQUE constraints: the writer path keeps keys unique."""
        if not self.lake:
            return statement
        statement = re.sub(r",\s*primary key\s*\([^)]*\)", "", statement)
        return re.sub(r"\s+primary key\b", "", statement)

    def _migrate(self, con: duckdb.DuckDBPyConnection) -> None:
        # Two servers starting on an empty lake both try to create the schema; the loser retries
        # and finds it done.
        for attempt in range(20):
            try:
                self._migrate_once(con)
                return
            except duckdb.TransactionException as exc:
                if not self.lake or "conflict" not in str(exc).lower() or attempt == 19:
                    raise
                time.sleep(0.1 + random.random() * 0.3)

    def _migrate_once(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute(self._ddl("create table if not exists schema_migrations (version integer primary key, applied_at timestamp)"))
        done = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
        self._apply_numbered(con, done)
        self._apply_staging(con)

    def _apply_numbered(self, con: duckdb.DuckDBPyConnection, done: set[int]) -> None:
        for version in sorted(_MIGRATIONS):
            if version in done:
                continue
            with _all_or_nothing(con):
                for statement in _MIGRATIONS[version]:
                    con.execute(self._ddl(statement))
                if version == 1:
                    self._seed_reference(con)
                if version == 6:
                    record_repeats(con)  # the rows stored before it
                con.execute("insert into schema_migrations values (?, ?)", [version, now_local()])

    @staticmethod
    def _apply_staging(con: duckdb.DuckDBPyConnection) -> None:
        """The staging layer (queries/staging/*.sql: the rules every query reads, such as what a
        period holds) is a repeatable migration: (re)created, in file order, whenever its text
        changes, so a release that changes a rule changes it in every store it opens."""
        statements, checksum = staging_sql()
        con.execute("create table if not exists staging_applied (checksum varchar, applied_at timestamp)")
        applied = con.execute("select checksum from staging_applied order by applied_at desc limit 1").fetchone()
        if applied is not None and applied[0] == checksum:
            return
        with _all_or_nothing(con):
            for statement in statements:
                con.execute(statement)
            con.execute("delete from staging_applied")
            con.execute("insert into staging_applied values (?, ?)", [checksum, now_local()])

    @staticmethod
    def _seed_reference(con: duckdb.DuckDBPyConnection) -> None:
        tables = read_reference_csv()
        for row in tables["units"]:
            con.execute("insert into units values (?, ?, ?, ?, ?, true)",
                        [row["code"], row["name"], row["short_name"], row["kind"], int(row["sort_order"])])
        for row in tables["periods"]:
            period = period_from_row(row)
            con.execute("insert into periods values (?, ?, ?, ?, ?, ?, ?)",
                        [period.code, period.kind, period.year, period.label, period.start, period.end, period.deadline])
        for row in tables["targets"]:
            con.execute("insert into targets values (?, ?, ?, ?, ?, ?)",
                        [row["code"], row["name"], row["numerator"], row["denominator"], row["goal"], int(row["sort_order"])])
        for row in tables["events"]:
            con.execute("insert into events values (?, ?, ?, ?, null)", [row["name"], row["series"], int(row["year"]), row["kind"]])
        for row in tables["settings"]:
            con.execute("insert into settings values (?, ?)", [row["key"], row["value"]])

    # ------------------------------------------------------------ reading

    def reference(self) -> Reference:
        with self.connect() as con:
            units = con.execute("select code, name from units where active order by sort_order, code").fetchall()
            periods = con.execute(
                "select code, kind, year, label, start_date, end_date, deadline from periods order by code").fetchall()
            events = [row[0] for row in con.execute("select name from events order by year, name").fetchall()]
            settings = dict(con.execute("select key, value from settings").fetchall())
        return Reference(
            units=dict(units),
            periods={row[0]: period_from_row(dict(zip(
                ("code", "kind", "year", "label", "start_date", "end_date", "deadline"), row))) for row in periods},
            events=events,
            supported_commune=settings.get("supported_commune", "Chiềng Xuân"),
        )

    def query(self, name: str, **params) -> pd.DataFrame:
        """Run queries/<name>.sql with bound parameters."""
        with self.connect() as con:
            return run_query(con, name, **params)

    def is_empty(self) -> bool:
        with self.connect() as con:
            return con.execute("select count(*) from returns").fetchone()[0] == 0

    def file_bytes(self, sha256: str) -> bytes | None:
        with self.connect() as con:
            row = con.execute("select content from files where sha256 = ?", [sha256]).fetchone()
        return bytes(row[0]) if row else None

    def current_sha(self, sha256: str) -> tuple[str, str, int] | None:
        """(unit, period, version) when this exact file is already some unit's current version."""
        with self.connect() as con:
            return con.execute(
                "select unit_code, period_code, version from current_returns where sha256 = ? limit 1", [sha256]
            ).fetchone()

    def report_draft(self, period_code: str) -> dict | None:
        """The last saved narrative of the period's report, or None."""
        with self.connect() as con:
            cursor = con.execute(
                "select * from report_drafts where period_code = ? order by saved_at desc limit 1", [period_code])
            row = cursor.fetchone()
            names = [d[0] for d in cursor.description]
        return dict(zip(names, row)) if row else None

    # ------------------------------------------------------------ writing

    def save_report_draft(self, period_code: str, fields: dict, by: str | None, actor: str | None = None) -> None:
        """Keep the period's narrative; `by` is the author's name as typed, `actor` the account
        that saved it (the audit row's, in the same transaction)."""
        with self.transaction() as con:
            con.execute(
                "insert into report_drafts values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [period_code, now_local(), by, fields.get("context"), fields.get("tasks"), fields.get("recipients"),
                 fields.get("signer_title"), fields.get("signer_name"), fields.get("number")],
            )
            write_audit(con, actor or by, "lưu nội dung báo cáo", period_code, f"người soạn: {by}" if by else None)

    def _keep_file(self, con: duckdb.DuckDBPyConnection, raw: bytes, sha: str) -> None:
        # Through Arrow, not a query parameter: a 20 MB file is not copied into a SQL value.
        incoming = pa.table({"sha256": [sha], "size": pa.array([len(raw)], pa.int64()),
                             "content": pa.array([raw], pa.binary())})
        con.register("_incoming_file", incoming)
        try:
            con.execute("insert into files select * from _incoming_file i "
                        "where not exists (select 1 from files f where f.sha256 = i.sha256)")
        finally:
            con.unregister("_incoming_file")

    def record_upload(self, raw: bytes, filename: str, by: str | None, status: str,
                      problems: list[Problem] = (), unit_code: str | None = None,
                      period_code: str | None = None, at: dt.datetime | None = None) -> str:
        """Keep a file that was not stored as a return (rejected, unreadable): nothing is lost."""
        sha = sha256_of(raw)
        upload_id = uuid.uuid4().hex

        def keep(con) -> None:
            self._keep_file(con, raw, sha)
            con.execute(
                "insert into uploads values (?, ?, ?, ?, ?, ?, ?, ?, null, ?)",
                [upload_id, sha, filename, by, at or now_local(), status, unit_code or None, period_code or None,
                 json.dumps([p.as_dict() for p in problems], ensure_ascii=False)],
            )
            errors = sum(1 for p in problems if p.severity == "lỗi")
            write_audit(con, by, "tải lên (bị từ chối)", filename,
                        f"{unit_code or '?'} {period_code or '?'}, {errors} lỗi, SHA-256 {sha[:12]}…")

        self.write(keep, by, f"tải lên bị từ chối: {filename}")
        return upload_id

    def commit(self, ret: Return, raw: bytes, filename: str, by: str | None,
               filed_at: dt.datetime | None = None) -> CommitResult:
        """Store a valid return as the next version of its unit and period, in one transaction."""
        sha = sha256_of(raw)
        at = filed_at or now_local()
        upload_id = uuid.uuid4().hex

        def store_version(con):
            self._keep_file(con, raw, sha)
            latest = con.execute(
                "select max(version), arg_max(sha256, version) from returns where unit_code = ? and period_code = ?",
                [ret.unit_code, ret.period_code],
            ).fetchone()
            if latest[0] is not None and latest[1] == sha:
                con.execute(
                    "insert into uploads values (?, ?, ?, ?, ?, 'unchanged', ?, ?, ?, '[]')",
                    [upload_id, sha, filename, by, at, ret.unit_code, ret.period_code, latest[0]],
                )
                write_audit(con, by, "tải lên (không thay đổi)", filename,
                            f"{ret.unit_code} {ret.period_code}, giống phiên bản {latest[0]}")
                return CommitResult("unchanged", ret.unit_code, ret.period_code, latest[0], upload_id)
            version = (latest[0] or 0) + 1
            details = json.dumps([p.as_dict() for p in ret.warnings], ensure_ascii=False)
            warnings = "\n".join(p.line() for p in ret.warnings)  # readable where the return is shown
            con.execute(
                "insert into uploads values (?, ?, ?, ?, ?, 'accepted', ?, ?, ?, ?)",
                [upload_id, sha, filename, by, at, ret.unit_code, ret.period_code, version, details],
            )
            con.execute(
                """insert into returns (unit_code, period_code, version, filed_at, filed_by, sha256, upload_id,
                                        filename, prepared_by, prepared_on, phone, email, form_version, warnings,
                                        status)
                   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')""",
                [ret.unit_code, ret.period_code, version, at, by, sha, upload_id, filename, ret.prepared_by,
                 ret.prepared_on, ret.phone, ret.email, ret.form_version, warnings],
            )
            key = [ret.unit_code, ret.period_code, version]
            con.executemany(
                "insert into return_staff values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [key + [s.group, s.total, s.ethics, s.culture, s.families, s.cultural_families] for s in ret.staff],
            )
            con.executemany(
                "insert into return_criteria values (?, ?, ?, ?, ?, ?)",
                [key + [code, met, note] for code, (met, note) in ret.criteria.items()],
            )
            self._insert_rows(con, "return_activities", key, ret.activities, _ACTIVITY_TYPES)
            self._insert_rows(con, "return_events", key, ret.events, _EVENT_TYPES)
            record_repeats(con, [ret.unit_code], ret.period_code, version)
            write_audit(con, by, "tải lên (đã lưu)", filename,
                        f"{ret.unit_code} {ret.period_code} phiên bản {version}, SHA-256 {sha[:12]}…")
            for name in ret.new_events:
                year = int(ret.period_code[:4])
                con.execute(
                    "insert into events select ?, null, ?, null, ? where not exists (select 1 from events where name = ?)",
                    [name, year, upload_id, name],
                )
            return CommitResult("accepted", ret.unit_code, ret.period_code, version, upload_id)

        return self.write(store_version, by, f"tải lên {ret.unit_code} {ret.period_code}: {filename}")

    @staticmethod
    def _insert_rows(con, table: str, key: list, columns: dict[str, list], types: dict[str, pa.DataType]) -> None:
        count = len(next(iter(columns.values()), []))
        if not count:
            return
        arrays = {"row_no": pa.array(range(1, count + 1), pa.int32())}
        for name, kind in types.items():
            arrays[name] = pa.array(columns[name], kind)
        rows = pa.table(arrays)
        names = ", ".join(arrays)
        keys = ", commune_key, content_key" if table == "return_activities" else ""
        derived = ", " + ACTIVITY_KEYS if keys else ""
        con.register("_incoming_rows", rows)
        try:
            # Table names come from this module's constants, never from input.
            con.execute(
                "insert into " + table + " (unit_code, period_code, version, " + names + keys + ") "
                "select $unit, $period, $version, " + names + derived + " from _incoming_rows",
                {"unit": key[0], "period": key[1], "version": key[2]},
            )
        finally:
            con.unregister("_incoming_rows")

    def restore(self, unit_code: str, period_code: str, version: int, by: str | None) -> CommitResult:
        """Make an older version current again, as a new version that copies it."""
        def copy_version(con):
            old = con.execute(
                "select sha256 from returns where unit_code = ? and period_code = ? and version = ?",
                [unit_code, period_code, version],
            ).fetchone()
            if old is None:
                raise ValueError(f"Không có phiên bản {version} của {unit_code} kỳ {period_code}.")
            latest = con.execute(
                "select max(version) from returns where unit_code = ? and period_code = ?", [unit_code, period_code]
            ).fetchone()[0]
            if latest == version:
                return CommitResult("unchanged", unit_code, period_code, version, None)
            new = latest + 1
            params = {"unit": unit_code, "period": period_code, "old": version, "new": new}
            # The copy waits for approval like any new version.
            con.execute(
                """insert into returns (unit_code, period_code, version, filed_at, filed_by, sha256, upload_id,
                                        filename, prepared_by, prepared_on, phone, email, form_version,
                                        restored_from, warnings, status)
                   select unit_code, period_code, $new, $at, $by, sha256, upload_id, filename, prepared_by,
                          prepared_on, phone, email, form_version, $old, warnings, 'pending'
                   from returns where unit_code = $unit and period_code = $period and version = $old""",
                params | {"at": now_local(), "by": by},
            )
            for table in ("return_staff", "return_criteria", "return_activities", "return_events"):
                columns = [row[0] for row in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_catalog = current_database() and table_name = ? order by ordinal_position",
                    [table]).fetchall()]
                rest = ", ".join(columns[3:])
                con.execute(
                    "insert into " + table + " select unit_code, period_code, $new, " + rest + " from " + table
                    + " where unit_code = $unit and period_code = $period and version = $old",
                    params,
                )
            record_repeats(con, [unit_code], period_code, new)
            write_audit(con, by, "khôi phục phiên bản", f"{unit_code} {period_code}",
                        f"phiên bản {version} được khôi phục thành phiên bản {new} (chờ phê duyệt)")
            return CommitResult("accepted", unit_code, period_code, new, None)

        return self.write(copy_version, by, f"khôi phục {unit_code} {period_code} phiên bản {version}")


_ACTIVITY_TYPES = {
    "date": pa.date32(), "content": pa.string(), "kind": pa.string(), "commune": pa.string(),
    "place": pa.string(), "participants": pa.int32(), "cost": pa.int64(), "result": pa.string(),
    "plan_item": pa.string(),
}
_EVENT_TYPES = {
    "event": pa.string(), "date": pa.date32(), "place": pa.string(), "registered": pa.int32(),
    "participants": pa.int32(), "achievement": pa.string(), "note": pa.string(),
}
assert list(_ACTIVITY_TYPES) == [c.field for c in spec.ACTIVITY_COLUMNS]
assert list(_EVENT_TYPES) == [c.field for c in spec.EVENT_COLUMNS]


def write_audit(con: duckdb.DuckDBPyConnection, actor: str | None, action: str, target: str | None = None,
                details: str | None = None) -> None:
    """One row of the audit log ('nhật ký thao tác'), inside the caller's transaction."""
    con.execute("insert into audit_log values (?, ?, ?, ?, ?)", [now_local(), actor, action, target, details])


# ---------------------------------------------------------------- queries

_PARAM_RE = re.compile(r"\$([a-z_][a-z0-9_]*)")
_sql_cache: dict[str, str] = {}


@contextmanager
def _all_or_nothing(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction on `con`: committed at the end, rolled back on any failure."""
    con.begin()
    try:
        yield
        con.commit()
    except BaseException:
        try:
            con.rollback()
        except duckdb.Error:
            pass  # a failed commit has already ended the transaction
        raise


def staging_sql() -> tuple[list[str], str]:
    """The staging layer's statements in file order, and their checksum."""
    statements = [path.read_text(encoding="utf-8") for path in sorted((QUERIES_DIR / "staging").glob("*.sql"))]
    return statements, hashlib.sha256("\n;\n".join(statements).encode("utf-8")).hexdigest()


def load_sql(name: str) -> str:
    if name not in _sql_cache:
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise ValueError(f"bad query name {name!r}")
        _sql_cache[name] = (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return _sql_cache[name]


def run_query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """queries/<name>.sql with its $parameters bound; a parameter not given is null (no filter)."""
    sql = load_sql(name)
    wanted = dict.fromkeys(_PARAM_RE.findall(sql))
    unknown = set(params) - set(wanted)
    if unknown:
        raise TypeError(f"query {name} has no parameter {sorted(unknown)}")
    return con.execute(sql, {key: params.get(key) for key in wanted}).df()
