"""The engine: which back end a target names, opening it, cursors, DuckDB's failures as the
store's errors (errors.py), and the one retry policy for a write that lost a race.

Two back ends, chosen by the target string (`--db`, `VANHOA_DB`):
- a file path (the default): an embedded DuckDB file, for one office on one machine, opened once
  per process and lent as cursors (pool.py). When another process holds its lock, the open waits
  (the lock wait, up to busy_timeout seconds), then gives a clear Vietnamese line;
- `ducklake:postgres:dbname=… host=…`: DuckLake with its catalog in PostgreSQL and its data files
  under `VANHOA_DATA_PATH`, for several app servers sharing one store. The same SQL runs on both.

Writes in this process go through one lock per store, so version numbers are never given twice;
across processes DuckDB's file lock does the same on a file, and on a lake the loser of a race is
retried (retry_on_conflict) and rereads the latest version. A transaction is all or nothing.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from vanhoa import DATA_DIR
from vanhoa.store import pool
from vanhoa.store.errors import (
    DISK_FULL_MESSAGE,
    StoreBusy,
    StoreConflict,
    StoreMisconfigured,
    StoreReadOnly,
    StoreUnavailable,
    is_disk_full,
    libpq_fields,
    unreachable_error,
)
from vanhoa.store.schema import migrate
from vanhoa.store.sql import all_or_nothing, sql_literal

DEFAULT_DB = DATA_DIR / "vanhoa.duckdb"
LAKE_PREFIX = "ducklake:"
LAKE_ALIAS = "lake"
BUSY_TIMEOUT = 20.0  # seconds an open waits for another process holding the file
# A wait longer than this is told (Store.on_wait): writers taking turns wait milliseconds, and
# a batch's output should not fill with notices of those.
WAIT_NOTICE_SECONDS = 1.0
# The retry policy of a write (or the schema's creation) that lost a DuckLake race: tried again
# after a pause that grows from the first to the longest, with jitter so that two losers do not
# collide again, for at least RETRY_PATIENCE seconds (busy_timeout if longer).
RETRY_FIRST_PAUSE = 0.05
RETRY_LONGEST_PAUSE = 1.0
RETRY_GROWTH = 1.5
RETRY_PATIENCE = 30.0
log = logging.getLogger("vanhoa.store")
T = TypeVar("T")


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
                                 "của mọi máy chủ ứng dụng (xem README, mục Triển khai nhiều máy chủ).")
    return path if path.endswith("/") else path + "/"


def describe_target(target: str) -> str:
    """The store's name for messages: the file name, or the catalog without its password."""
    if is_lake(target):
        return re.sub(r"password=\S+", "password=***", target)
    return str(target)


def seconds_vi(seconds: float) -> str:
    return f"{seconds:g}".replace(".", ",")


def is_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()


def retry_on_conflict(attempt: Callable[[], T], patience: float = RETRY_PATIENCE) -> T:
    """attempt() until it does not lose a write race (DuckLake: another server committed first);
    StoreConflict when it kept losing for `patience` seconds. Any other failure is raised."""
    deadline = time.monotonic() + patience
    pause = RETRY_FIRST_PAUSE
    while True:
        try:
            return attempt()
        except duckdb.TransactionException as exc:
            if not is_conflict(exc):
                raise
            if time.monotonic() > deadline:
                raise StoreConflict("Nhiều người đang ghi vào kho cùng lúc; chưa lưu được. "
                                    "Vui lòng bấm lưu lại.") from exc
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * RETRY_GROWTH, RETRY_LONGEST_PAUSE)


def figures_changed(con: duckdb.DuckDBPyConnection) -> None:
    """Inside a write's transaction: it changed figures, so the data version moves (migration 7)."""
    con.execute("update figures_version set n = n + 1")


# ---------------------------------------------------------------- the lake


def extension_file(module_name: str, extension: str) -> str:
    """The .duckdb_extension shipped in a PyPI package: nothing is downloaded at run time."""
    module = importlib.import_module(module_name)
    found = sorted(Path(module.__file__).parent.glob(f"extensions/*/{extension}.duckdb_extension"))
    if not found:
        raise StoreMisconfigured(f"Thiếu phần mở rộng DuckDB {extension} (gói {module_name}): "
                                 "vui lòng báo quản trị viên cài lại ứng dụng.")
    return str(found[-1])


def lake_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the extensions a lake needs loaded (from the installed packages,
    never downloaded); attach_lake then attaches a lake, as it is or as it stood."""
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False})
    con.execute("load " + sql_literal(extension_file("duckdb_extension_postgres_scanner", "postgres_scanner")))
    con.execute("load " + sql_literal(extension_file("duckdb_extension_ducklake", "ducklake")))
    return con


def attach_lake(con: duckdb.DuckDBPyConnection, target: str, data_path: str, alias: str,
                as_of: dt.datetime | None = None, snapshot: int | None = None) -> None:
    """Attach the lake under `alias`; with `as_of` or `snapshot`, read-only as it stood then, so
    every query, view and page reads that moment unchanged. `alias` is one of our constants."""
    options = "DATA_PATH " + sql_literal(data_path)
    if as_of is not None:
        options += ", SNAPSHOT_TIME " + sql_literal(as_of.isoformat()) + ", READ_ONLY"
    if snapshot is not None:
        options += ", SNAPSHOT_VERSION " + str(int(snapshot)) + ", READ_ONLY"
    con.execute("attach " + sql_literal(target) + " as " + alias + " (" + options + ")")


def _open_lake_root(target: str, data_path: str, as_of: dt.datetime | None = None) -> duckdb.DuckDBPyConnection:
    con = lake_connection()
    attach_lake(con, target, data_path, LAKE_ALIAS, as_of=as_of)
    # DuckLake retries a commit that lost a race without a logical conflict; be patient with
    # several servers committing at once.
    con.execute("set ducklake_max_retry_count = 100")
    return con


# DuckDB refuses two threads attaching the same file at the same instant ("Unique file handle
# conflict"): every Streamlit session is a thread, so opening is serialised (it takes microseconds).
_connect_lock = threading.Lock()
_process_lock = threading.Lock()
_write_locks: dict[str, threading.RLock] = {}
migrated_stores: set[str] = set()  # the stores (keys) whose schema this process brought up to date
# Transactions this process ran per target: what changed the file is then seen without a stat.
local_writes: dict[str, int] = {}
# DuckLake: one in-memory DuckDB per process and (target, data path, snapshot) with the lake
# attached once (attaching costs ~0,5 s: extensions, catalog); each operation takes its own cursor
# from it, which is DuckDB's way for threads to share one database.
_lake_roots: dict[tuple, duckdb.DuckDBPyConnection] = {}


class Engine:
    """One store's connections: cursors for operations, the schema ensured once per process, one
    write lock, and DuckDB's store-level failures as the store's errors."""

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
            self._file_root = pool.file_root(self._key, self.path)
        with _process_lock:
            self._write_lock = _write_locks.setdefault(self._key, threading.RLock())
        # Called with one Vietnamese line when an open has to wait for another process (the
        # command line prints it at once, rather than seeming to hang for busy_timeout seconds).
        self.on_wait = None

    @property
    def name(self) -> str:
        return describe_target(self.target)

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

    # ------------------------------------------------------------ opening

    def _open(self, busy_timeout: float | None = None) -> duckdb.DuckDBPyConnection:
        if self.lake:
            return self._open_lake()
        return self._file_root.cursor(lambda: self._open_file(self.busy_timeout if busy_timeout is None
                                                              else busy_timeout))

    def _open_file(self, busy_timeout: float) -> duckdb.DuckDBPyConnection:
        """The file, waiting (the lock wait) while another process holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + busy_timeout
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
                limit = seconds_vi(busy_timeout)
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
                    raise self._attach_error(exc) from exc
                _lake_roots[key] = root
        cursor = root.cursor()
        cursor.execute("use " + LAKE_ALIAS)
        return cursor

    def _attach_error(self, exc: duckdb.Error) -> StoreUnavailable:
        used = re.search(r'existing data path in the catalog "([^"]*)"', str(exc))
        if used:
            return StoreMisconfigured(
                f"VANHOA_DATA_PATH ({self.data_path}) khác thư mục dữ liệu kho này đang dùng "
                f"({used.group(1)}): mọi máy chủ ứng dụng phải dùng cùng một thư mục.")
        if self.as_of is not None and "snapshot" in str(exc).lower():
            return StoreMisconfigured(f"Kho chưa có dữ liệu vào thời điểm {self.as_of:%d/%m/%Y %H:%M}.", "past")
        return self._unavailable(exc)

    # ------------------------------------------------------------ failures

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
        fields = libpq_fields(self.target)
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
        if self.lake and isinstance(exc, duckdb.Error) and unreachable_error(self.target, exc):
            with _connect_lock:  # the next operation attaches again
                _lake_roots.pop((self.target, self.data_path, self.as_of), None)
            return self._unavailable(exc)
        return None

    # ------------------------------------------------------------ operations

    @contextmanager
    def connect(self, busy_timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for one operation, schema ensured; the file is unlocked once idle (pool.py).
        A full disk or an unreachable catalog server becomes StoreUnavailable, in the open and
        in the caller's statements alike."""
        try:
            con = self._open(busy_timeout)
        except (duckdb.Error, OSError) as exc:
            translated = self._translated(exc)
            if translated is None:
                raise
            raise translated from exc
        try:
            if self._key not in migrated_stores and self.as_of is None:
                with self._write_lock:
                    # Two servers starting on an empty lake both try to create the schema; the
                    # loser retries and finds it done.
                    retry_on_conflict(lambda: migrate(con, self.lake))
                migrated_stores.add(self._key)
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
    def transaction(self, figures: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """One lock in this process, one transaction, all or nothing. Every transaction updates
        `store_writes` (first: two servers' writes conflict there, see migration 4); one that
        changes figures (`figures`) also moves `figures_version`, the data version's counter."""
        if self.as_of is not None:
            raise StoreReadOnly("Đang xem kho như tại một ngày trong quá khứ: không thể ghi.", "past")
        with self._write_lock, self.connect() as con:
            try:
                with all_or_nothing(con):
                    con.execute("update store_writes set n = n + 1")
                    if figures:
                        figures_changed(con)
                    yield con
            finally:
                local_writes[self.target] = local_writes.get(self.target, 0) + 1
