"""One uploaded file from bytes to a stored version: read, validate, keep, commit.

The app's upload page and `python -m vanhoa ingest` both go through here, so a file gets the
same verdict wherever it arrives.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from vanhoa.form.isolate import read_workbook_isolated
from vanhoa.form.read import WorkbookRejected
from vanhoa.form.rules import ERROR, Outcome, Problem, validate
from vanhoa.reference import Reference
from vanhoa.store import CommitResult, Store
from vanhoa.text import clean_filename


@dataclass
class Checked:
    """A file's verdict before anything is stored."""
    filename: str
    raw: bytes
    outcome: Outcome | None = None
    unreadable: str | None = None  # one-line reason when the bytes are not a workbook at all

    @property
    def ok(self) -> bool:
        return self.outcome is not None and self.outcome.ok

    @property
    def problems(self) -> list[Problem]:
        if self.unreadable:
            return [Problem("", "", "", self.unreadable, ERROR)]
        return self.outcome.problems if self.outcome else []

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]


@dataclass
class Ingested:
    checked: Checked
    result: CommitResult | None = None
    upload_id: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.result is None:
            return "rejected"
        return self.result.status


_gc_lock = threading.Lock()
_gc_paused = 0


@contextmanager
def collector_paused():
    """Python's cycle collector off while a file becomes cells and rows: 50.000 rows are half a
    million new objects (none in a cycle) and the collector would walk them again and again
    (-12 % of the check of a 50.000-row return). Counted, so that checks in several threads at
    once turn it back on only when the last one ends."""
    global _gc_paused
    with _gc_lock:
        if _gc_paused == 0 and gc.isenabled():
            gc.disable()
            _gc_paused = 1
        elif _gc_paused:
            _gc_paused += 1
        owner = _gc_paused > 0
    try:
        yield
    finally:
        if owner:
            with _gc_lock:
                _gc_paused -= 1
                if _gc_paused == 0:
                    gc.enable()


def check(raw: bytes, filename: str, ref: Reference) -> Checked:
    # The name as it is recorded and shown, from the web or the command line: no NUL, control or
    # bidi character to spoof it on screen (text.clean_filename); the bytes stay as they came.
    filename = clean_filename(filename)
    with collector_paused():
        try:
            # In a worker process with limits on memory and time: whatever the bytes do to the
            # reader, this process (the app server, a batch of the command line) goes on.
            workbook = read_workbook_isolated(raw, filename)
        except WorkbookRejected as exc:
            return Checked(filename, raw, unreadable=str(exc))
        return Checked(filename, raw, outcome=validate(workbook, ref))


def refuse_other_unit(checked: Checked, unit_code: str, ref: Reference) -> Checked:
    """A clerk may file only for their own unit: a file naming another unit gets an error at
    the cell that names it, so it is refused (and kept in the archive) like any broken file."""
    draft = checked.outcome.draft if checked.outcome else None
    if draft is None or not draft.unit_code or draft.unit_code == unit_code:
        return checked
    problem = Problem("Thông tin", draft.unit_cell, ref.unit_name(draft.unit_code),
                      f"tệp ghi đơn vị “{ref.unit_name(draft.unit_code)}”; tài khoản của bạn chỉ được nộp báo cáo "
                      f"cho “{ref.unit_name(unit_code)}”.", ERROR)
    outcome = Outcome(None, [problem, *checked.outcome.problems], draft=draft)
    return Checked(checked.filename, checked.raw, outcome=outcome)


def store_checked(store: Store, checked: Checked, by: str | None, filed_at: dt.datetime | None = None) -> Ingested:
    """Commit a valid file as a new version; keep a rejected one's bytes and problems."""
    if not checked.ok:
        ret = checked.outcome.draft if checked.outcome else None
        upload_id = store.record_upload(
            checked.raw, checked.filename, by, "rejected", checked.problems,
            unit_code=ret.unit_code if ret else None, period_code=ret.period_code if ret else None,
            at=filed_at,
        )
        return Ingested(checked, None, upload_id)
    result = store.commit(checked.outcome.ret, checked.raw, checked.filename, by, filed_at=filed_at)
    return Ingested(checked, result, result.upload_id)


def ingest(store: Store, raw: bytes, filename: str, by: str | None,
           ref: Reference | None = None, filed_at: dt.datetime | None = None) -> Ingested:
    return store_checked(store, check(raw, filename, ref or store.reference()), by, filed_at)
