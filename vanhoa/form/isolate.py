"""The second wall: a workbook is read in a worker process with hard limits on memory and time.

The size guard (read.py, binguard.py) refuses the hostile files we know of before calamine
allocates anything, but calamine is a Rust library fed untrusted bytes: a file it mis-handles in a
way nobody has tried yet could abort (Rust aborts the whole process when an allocation fails), panic,
loop or fill the memory, and inside the app server that stops the app for every signed-in user.
So `read.read_workbook` runs in a child process under `RLIMIT_AS` and a wall-clock limit, and only
the grids come back (pickles of a few thousand rows each, read back by an unpickler that knows
only the reader's own types; the parent unpickles one while the child pickles the next). A child
that dies, runs out of memory or time, or raises anything but a refusal becomes a one-line
Vietnamese refusal, which the caller stores like any other rejected file.

Workers are plain `python -c` processes (multiprocessing's 'spawn' and 'forkserver' import the
parent's main module again in the child, which is Streamlit's or pytest's here), talking over a
socket pair. A worker is kept for the next file, so a typical return pays a round trip, not a
Python start-up; it is retired after any failure, after `_JOBS_PER_WORKER` files, or when it holds
much memory after a large file.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date as _date
from multiprocessing.connection import Connection
from pathlib import Path

from vanhoa.form.read import Workbook, WorkbookRejected
from vanhoa.formats import fmt_int

# Address space of a reader process. Measured peaks (VmPeak) of a worker: 166 MB for a 50,000-row
# return, 426 MB for one at the form's limit (200,000 rows). 1.5 GB leaves room for those and stops
# a runaway allocation (calamine reserving a dense range, a loop growing a buffer) long before the
# 24 GB machine is in danger, even with every worker at its limit at once.
MEMORY_LIMIT = 1536 * 2**20
# A 50,000-row return reads in about a second; one at the form's limit (200,000 rows) needs about
# 10 s of CPU in the size guard's slow path and took 50 s on this machine when it was busy (load 14
# on 2 cores). Only a reader that never ends comes near a minute; a clerk's real file must not.
TIME_LIMIT = 60.0
MAX_WORKERS = 2  # readers at once: the machine has 2 cores; a third upload waits for one of them
_JOBS_PER_WORKER = 200
_RETIRE_RSS = 400 * 2**20  # a worker holding more than this after a file is not kept for the next

log = logging.getLogger("vanhoa.form.isolate")
_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the vanhoa package
_lock = threading.Lock()
_idle: list[_Worker] = []
_slots = threading.BoundedSemaphore(MAX_WORKERS)
# Tests only: an action the next child performs instead of reading ("abort", "panic", "sleep",
# "memory"), to show that each kind of death becomes a refusal. Never set from user input.
_TEST_ACTION: str | None = None
last_timing: list[float] = []  # the last file in the worker (bench): seconds reading, sending; CPU seconds of each


def _refusal(why: str) -> WorkbookRejected:
    return WorkbookRejected(f"Tệp bị từ chối: không đọc được tệp một cách an toàn (bộ đọc dừng vì {why}).")


def _rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _test_action(action: str) -> None:
    if action == "abort":
        os.abort()
    if action == "panic":  # what python-calamine raises for a Rust panic: a BaseException
        raise type("PanicException", (BaseException,), {})("index out of bounds")
    if action == "sleep":
        time.sleep(3600)
    if action == "memory":  # one allocation past the limit, as a runaway reservation would be
        bytearray(MEMORY_LIMIT)


def _detail(exc: BaseException | None) -> str | None:
    """What the server log keeps of a reader's failure: its class and the first line of its text
    (calamine's are English; the clerk sees the Vietnamese refusal only)."""
    if exc is None:
        return None
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def encode_reply(reply: tuple) -> bytes:
    """One pickle of the reply without the memo: the grids hold no cycle and no shared object worth
    a back-reference, and the memo's bookkeeping was most of the time (0,74 s → 0,12 s for the
    450.000 cells of a 50.000-row return, on a loaded machine)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(reply)
    return buffer.getvalue()


def _serve(fd: int) -> None:
    """A worker: read each (filename, raw) it is sent, answer with one pickled reply."""
    conn = Connection(fd)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort leaves no core file behind
    import gc

    gc.disable()  # the grids hold no cycles; as in ingest.collector_paused
    from vanhoa.form.read import read_workbook

    while True:
        try:
            filename, action = conn.recv()
            raw = conn.recv_bytes()
        except (EOFError, OSError):
            return
        started, cpu = time.perf_counter(), time.process_time()
        try:
            if action:
                _test_action(action)
            reply = ("ok", read_workbook(raw, filename))
        except WorkbookRejected as exc:
            reply = ("rejected", str(exc), _detail(exc.__cause__))
        except MemoryError:
            reply = ("died", f"vượt giới hạn bộ nhớ {fmt_int(MEMORY_LIMIT // 2**20)} MB", "MemoryError")
        except BaseException as exc:  # noqa: BLE001 - a Rust panic (pyo3's PanicException) is not an Exception
            reply = ("died", "lỗi trong thư viện đọc bảng tính", _detail(exc))
        del raw
        read_seconds, read_cpu = time.perf_counter() - started, time.process_time() - cpu
        try:
            _send(conn, reply)
        except MemoryError:
            conn.send_bytes(pickle.dumps(
                ("died", f"vượt giới hạn bộ nhớ {fmt_int(MEMORY_LIMIT // 2**20)} MB", "MemoryError")))
        except OSError:
            return
        # The trailer before the clean-up: freeing 450.000 cells is not the parent's wait.
        conn.send_bytes(encode_reply((_rss(), read_seconds, time.perf_counter() - started - read_seconds, read_cpu,
                                time.process_time() - cpu - read_cpu)))
        del reply
        gc.collect()


_CHUNK_ROWS = 4096


def _send(conn, reply: tuple) -> None:
    """The reply as messages: ("ok", the workbook without its grids, [(sheet, chunks)]) and then each
    grid in chunks of rows, so the parent unpickles a chunk while this process pickles the next
    (the two halves of the copy overlap instead of adding up); any other reply as one message."""
    if reply[0] != "ok":
        conn.send_bytes(encode_reply(reply))
        return
    workbook = reply[1]
    sheets, workbook.sheets = workbook.sheets, {}
    layout = [(name, -(-len(grid) // _CHUNK_ROWS)) for name, grid in sheets.items()]
    conn.send_bytes(encode_reply(("ok", workbook, layout)))
    for grid in sheets.values():
        for start in range(0, len(grid), _CHUNK_ROWS):
            conn.send_bytes(encode_reply(_plain(grid[start:start + _CHUNK_ROWS])))


_PLAIN = frozenset({str, float, int, bool, type(None)})


def _plain(rows: list[list]) -> tuple[list[list], list[tuple[int, int, int]], list[tuple[int, int, object]]]:
    """(rows with only plain values, [(row, column, ordinal)] of the dates taken out, [(row, column,
    value)] of the other values taken out). A date costs pickle a class lookup and a constructor
    call each, in both processes: 50.000 of them were half of the copy (0,11 s to pickle and 0,24 s
    to unpickle a 50.000-row sheet, against 0,02 s and 0,09 s with the dates as numbers)."""
    dates, others = [], []
    for r, row in enumerate(rows):
        if _PLAIN.issuperset(map(type, row)):
            continue
        for c, value in enumerate(row):
            kind = type(value)
            if kind is _date:
                dates.append((r, c, value.toordinal()))
                row[c] = None
            elif kind not in _PLAIN:
                others.append((r, c, value))
                row[c] = None
    return rows, dates, others


def _restore(chunk: tuple) -> list[list]:
    rows, dates, others = chunk
    from_ordinal = _date.fromordinal
    for r, c, ordinal in dates:
        rows[r][c] = from_ordinal(ordinal)
    for r, c, value in others:
        rows[r][c] = value
    return rows


class _Worker:
    def __init__(self) -> None:
        parent, child = socket.socketpair()
        for end in (parent, child):  # a chunk of rows passes in one or two writes, not dozens of handoffs
            end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 * 2**20)
            end.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 2**20)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")])))
        env.pop("PYTHONSTARTUP", None)
        # A Rust panic prints its English message (and with RUST_BACKTRACE, a whole backtrace) on
        # stderr, which is the command line's and the server's: the worker's goes nowhere, and what
        # is worth keeping comes back in the reply (`_detail`) for the log.
        env["RUST_BACKTRACE"] = "0"
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"from vanhoa.form.isolate import _serve; _serve({child.fileno()})"],
            pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, env=env, cwd=str(_ROOT))
        child.close()
        self.conn = Connection(parent.detach())
        self.jobs = 0

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        try:
            self.conn.close()
        finally:
            if self.alive():
                self.process.kill()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                pass


class _Unpickler(pickle.Unpickler):
    """Only the types a grid holds: a worker's reply is data, never code to run."""

    _ALLOWED = {("datetime", "datetime"), ("datetime", "date"), ("datetime", "time"), ("datetime", "timedelta")}

    def find_class(self, module: str, name: str):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        if module.startswith("vanhoa.form."):
            found = super().find_class(module, name)
            if isinstance(found, type) and issubclass(found, (str, Workbook)):
                return found
        raise pickle.UnpicklingError(f"{module}.{name}")


def _take() -> _Worker:
    with _lock:
        while _idle:
            worker = _idle.pop()
            if worker.alive():
                return worker
            worker.stop()
    return _Worker()


def _give_back(worker: _Worker, rss: int) -> None:
    worker.jobs += 1
    if worker.jobs >= _JOBS_PER_WORKER or rss > _RETIRE_RSS:
        worker.stop()
        return
    with _lock:
        _idle.append(worker)


def _death(worker: _Worker) -> WorkbookRejected:
    try:
        code = worker.process.wait(2)
    except subprocess.TimeoutExpired:
        code = None
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        why = f"lỗi nghiêm trọng hoặc hết bộ nhớ (tín hiệu {name})" if name == "SIGABRT" else f"tín hiệu {name}"
        return _refusal(why)
    return _refusal(f"tiến trình đọc kết thúc bất thường (mã {code})")


class _Late(Exception):
    """The worker did not answer before the deadline."""


def _receive(conn: Connection, deadline: float):
    if not conn.poll(max(deadline - time.monotonic(), 0)):
        raise _Late
    return decode_reply(conn.recv_bytes())


def decode_reply(data: bytes):
    """A worker's reply (encode_reply's bytes) as objects, refusing any type a grid does not hold."""
    return _Unpickler(io.BytesIO(data)).load()


def read_workbook_isolated(raw: bytes, filename: str = "") -> Workbook:
    """`read.read_workbook(raw, filename)` in a worker process; WorkbookRejected (one Vietnamese
    line) for a refused file and for a reader that died, ran out of memory or of time."""
    with _slots:
        worker = _take()
        try:
            deadline = time.monotonic() + TIME_LIMIT
            worker.conn.send((filename, _TEST_ACTION))
            worker.conn.send_bytes(raw)
            reply = _receive(worker.conn, deadline)
            if reply[0] == "ok":
                workbook, layout = reply[1], reply[2]
                for name, chunks in layout:
                    grid = workbook.sheets[name] = []
                    for _ in range(chunks):
                        grid.extend(_restore(_receive(worker.conn, deadline)))
                reply = ("ok", workbook)
            rss, *timing = _receive(worker.conn, deadline)
            last_timing[:] = timing
        except (EOFError, OSError):
            error = _death(worker)
            worker.stop()
            raise error from None
        except _Late:
            worker.stop()
            raise _refusal(f"đọc quá {TIME_LIMIT:.0f} giây") from None
        except (pickle.UnpicklingError, ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
            worker.stop()
            log.info("reader worker: invalid reply (%s)", _detail(exc))
            raise _refusal("kết quả đọc không hợp lệ") from exc
        except BaseException:
            worker.stop()
            raise
        if reply[0] == "ok":
            _give_back(worker, rss)
            return reply[1]
        if reply[2]:
            log.info("reader worker, %s: %s (%s)", filename, reply[0], reply[2])
        if reply[0] == "rejected":
            _give_back(worker, rss)
            raise WorkbookRejected(reply[1])
        worker.stop()
        raise _refusal(reply[1])


def shutdown() -> None:
    """Stop the idle workers (tests, and a clean exit of the command line)."""
    with _lock:
        workers, _idle[:] = list(_idle), []
    for worker in workers:
        worker.stop()
