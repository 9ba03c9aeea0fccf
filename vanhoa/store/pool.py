"""The file-handle pool: one open connection per database file and process, lent out as
cursors (DuckDB's way for threads to share a database), held for a moment after use and closed
in the background once idle, so that the app never holds the file's lock while nobody uses it
and `python -m vanhoa ingest` can write while the app runs.

- A file stays open LINGER_SECONDS after its last operation: a page's queries, or a clerk's check
  and commit, share one open, and the checkpoint happens after, not during, them.
- ... but no longer than MAX_HOLD_SECONDS while in constant use: it is then closed between two
  operations, and this process waits YIELD_SECONDS before opening again, so another process
  waiting for the file (see engine.open_file's lock wait) gets its turn.
- The close folds the write-ahead log into the file with an explicit CHECKPOINT: DuckDB's own,
  inside close(), fails silently when the disk is full. A failed one is logged (the server log),
  kept in `checkpoint_error`, and tried again by the next open and the next close. The data is
  not at risk meanwhile: it is in the write-ahead log, which DuckDB replays at every open.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from vanhoa.store.errors import is_disk_full

LINGER_SECONDS = 2.0
MAX_HOLD_SECONDS = 5.0
YIELD_SECONDS = 0.3
# Folded into the file when the store is closed (idle), not inside a clerk's commit: DuckDB's
# default (16 MB) would checkpoint inside every second 50.000-row commit.
CHECKPOINT_THRESHOLD = "1GB"
log = logging.getLogger("vanhoa.store")


def checkpoint_message(path: Path, exc: BaseException) -> str:
    """What is true after the write-ahead log could not be folded into the file: every change
    already made is safe in the log (DuckDB replays it at the next open), the file is not whole
    without it, and the fold is tried again."""
    why = "ổ đĩa của máy chủ đã đầy" if is_disk_full(exc) else "lỗi khi ghi tệp kho"
    return (f"Chưa gộp được nhật ký ghi {path.name}.wal vào tệp kho {path.name} vì {why}; các thay đổi đã lưu "
            "vẫn an toàn trong tệp .wal (đừng xóa tệp này) và sẽ được gộp lại ở lần mở kho sau.")


def file_stamp(path: Path) -> str:
    """The file's change stamp (file and write-ahead log: time and size): another process's
    write changes it. Two stat() calls, a few microseconds."""
    parts = []
    for part in (path, Path(str(path) + ".wal")):
        try:
            stat = part.stat()
            parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
        except FileNotFoundError:
            parts.append("-")
    return "/".join(parts)


class FileRoot:
    """One process's connection to one database file (see the module's docstring). While it
    closes (checkpoint), new operations wait for it, then reopen: one process never has the same
    file open twice."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.con: duckdb.DuckDBPyConnection | None = None
        self.users = 0
        self.opened_at = 0.0
        self.closing = False
        self.reopen_after = 0.0
        self.generation = 0  # bumped by every release: a close timer acts only if nothing came since
        self.cond = threading.Condition()
        self.checkpoint_error: str | None = None  # the Vietnamese line while the log is not folded
        self.poisoned = False  # DuckDB invalidated the open database (a fatal error): close at once

    @property
    def is_open(self) -> bool:
        return self.con is not None

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

    def cursor(self, open_file: Callable[[], duckdb.DuckDBPyConnection]) -> duckdb.DuckDBPyConnection:
        """A cursor on the open file, opening it (open_file) when it is closed."""
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
            self._last_user_left()

    def _last_user_left(self) -> None:
        """One operation ended; when it was the last, the close timer starts (linger or max hold)."""
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
        try:
            if not self.poisoned:  # an invalidated database refuses every statement; its log waits
                self._checkpoint(con, log_failure)
            con.close()
        finally:
            with self.cond:
                self.closing = False
                if forced:
                    self.reopen_after = time.monotonic() + YIELD_SECONDS
                self.cond.notify_all()
        return self.checkpoint_error is None


file_roots: dict[str, FileRoot] = {}
_roots_lock = threading.Lock()


def file_root(key: str, path: Path) -> FileRoot:
    """The process's one FileRoot of the file named by `key` (its resolved path)."""
    with _roots_lock:
        return file_roots.setdefault(key, FileRoot(path))


@atexit.register
def close_files() -> None:
    """A command-line run ends with its files closed and checkpointed, not left to the timer."""
    for root in list(file_roots.values()):
        try:
            root.close()  # a failed fold is logged there
        except duckdb.Error as exc:
            log.error("Kho dữ liệu: %s", checkpoint_message(root.path, exc))
