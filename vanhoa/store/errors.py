"""What stops the store from being read or written, as a small hierarchy the page and the
command line can act on: each error is one Vietnamese line (`message`, never a server path, a
password or DuckDB's English), a `kind` saying which case it is, and `retryable`, whether the
same operation may succeed if the user simply tries again (the page then offers "Thử lại").

- StoreBusy: another process holds the file past the wait. Retryable: it lets go within seconds.
- StoreConflict: a DuckLake write kept losing to other servers' writes. Retryable: the next try
  rereads the latest version.
- StoreReadOnly: the store can be read but not written: a full disk, a read-only file, or a past
  moment of the lake. Not retryable: nothing changes until an administrator frees space or
  fixes the permissions (or the user leaves the past moment).
- StoreMisconfigured: the configuration is wrong (VANHOA_DATA_PATH, the attach string's
  credentials or database, a missing extension). Not retryable: only the operator can fix it.
- StoreUnavailable itself: the rest, e.g. a PostgreSQL server out of reach (retryable: it may be
  restarting) or an unexpected IO error (not retryable).

What raised any of them was rolled back, except where the message says otherwise (a checkpoint).
"""

from __future__ import annotations

import errno
import re

DISK_FULL_MESSAGE = "Ổ đĩa của máy chủ đã đầy: không ghi được vào kho dữ liệu; chưa có gì thay đổi."
# What the operating system says when a write does not fit (ENOSPC; EFBIG past a file size
# limit), as DuckDB quotes it in its IO errors.
_DISK_FULL_TEXTS = ("no space left on device", "file too large", "disk quota exceeded")
# What libpq and DuckDB's postgres scanner say when the catalog's server cannot be reached.
_UNREACHABLE_TEXTS = {
    "connection refused": "máy chủ từ chối kết nối",
    "timeout expired": "quá thời gian chờ kết nối",
    "timed out": "quá thời gian chờ kết nối",
    "could not translate host name": "không tìm thấy tên máy chủ",
    "no route to host": "không có đường tới máy chủ",
    "network is unreachable": "không có đường tới máy chủ",
    "server closed the connection": "máy chủ đã đóng kết nối",
    "no connection to the server": "mất kết nối tới máy chủ",
    "terminating connection": "máy chủ đã đóng kết nối",
}
# ... and when it answers but will not let us in (only in libpq's connect failure: "does not
# exist" alone is also a missing table's error). These are the operator's to fix.
_REFUSED_TEXTS = {
    "password authentication failed": "sai tên đăng nhập hoặc mật khẩu",
    "does not exist": "cơ sở dữ liệu hoặc tài khoản không tồn tại",
}


class StoreUnavailable(Exception):
    """The store could not be read or written; see the module's docstring for the cases."""

    retryable = False
    default_kind = "unavailable"

    def __init__(self, message: str, kind: str | None = None, retryable: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        # busy | conflict | disk_full | read_only | past | config | unreachable | checkpoint | unavailable
        self.kind = kind or self.default_kind
        if retryable is not None:
            self.retryable = retryable


class StoreBusy(StoreUnavailable):
    """Another process holds the database file past the wait."""

    retryable = True
    default_kind = "busy"


class StoreConflict(StoreUnavailable):
    """A write kept losing to other app servers' writes; nothing of it was stored."""

    retryable = True
    default_kind = "conflict"


class StoreReadOnly(StoreUnavailable):
    """The store cannot take a write: a full disk, a read-only file or folder, a past moment."""

    default_kind = "read_only"


class StoreMisconfigured(StoreUnavailable):
    """The store's configuration is wrong; the operator has to change it."""

    default_kind = "config"


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    import duckdb

    return isinstance(exc, duckdb.Error) and any(text in str(exc).lower() for text in _DISK_FULL_TEXTS)


def libpq_fields(target: str) -> dict[str, str]:
    """The key=value fields of an attach string (host, port, dbname, ...)."""
    return dict(re.findall(r"(\w+)=(\S+)", target))


def unreachable_error(target: str, exc: BaseException) -> StoreUnavailable | None:
    """A catalog server out of reach (retryable) or refusing us (misconfigured), in one line that
    names the server (host and port, from the attach string; never its password) and why, in our
    words, not libpq's; None when `exc` is neither."""
    text = str(exc).lower()
    connecting = "unable to connect to postgres" in text
    refused = next((words for key, words in _REFUSED_TEXTS.items() if key in text), None) if connecting else None
    reason = next((words for key, words in _UNREACHABLE_TEXTS.items() if key in text), None) or refused
    if reason is None and not connecting:
        return None
    fields = libpq_fields(target)
    where = f"máy chủ {fields.get('host', 'localhost')}, cổng {fields.get('port', '5432')}"
    line = (f"Không kết nối được tới PostgreSQL ({where}): {reason or 'lỗi kết nối'}; chưa có gì thay đổi. "
            "Vui lòng báo quản trị viên kiểm tra máy chủ PostgreSQL.")
    if refused is not None and reason == refused:
        return StoreMisconfigured(line, "config")
    return StoreUnavailable(line, "unreachable", retryable=True)

