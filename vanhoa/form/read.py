"""Workbook bytes -> grids of cell values, with the guards that run before any parser.

A clerk's file is untrusted: it may be a renamed PDF, a password-protected workbook, a corrupt
download, a zip bomb, or a small file whose cell references or repeat counts make a reader
allocate gigabytes. Each is refused with one Vietnamese line (refusals.py), before python-calamine
(the fast Rust reader) sees it, and without inflating more than a bounded number of bytes:

- detect.py tells the format (or what the file is instead);
- sizeguard.py and odsguard.py measure the XML parts, binguard.py the binary .xlsb and .xls;
- this module reads the form's sheets with calamine and marks the error cells it gives as blank
  (xlsxerrors.py for an .xlsx, cellerrors.py for the others).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field

import python_calamine as calamine

from vanhoa.form import xlsxerrors
from vanhoa.form.detect import detect
from vanhoa.form.parts import is_wanted
from vanhoa.form.refusals import (
    CORRUPT,
    CORRUPT_CONTENT,
    MARKUP,
    MAX_FILE_BYTES,
    NOT_EXCEL,
    OLD_BIFF,
    CellError,
    WorkbookRejected,
    sheet_too_big,
)
from vanhoa.text import match_key

# The reader's public names, imported from here by the ingest, the pages and the tests.
__all__ = ["CORRUPT", "CORRUPT_CONTENT", "MARKUP", "MAX_FILE_BYTES", "NOT_EXCEL", "OLD_BIFF", "CellError", "Workbook",
           "WorkbookRejected", "read_workbook"]


@dataclass
class Workbook:
    filename: str
    format: str
    sheets: dict[str, list[list]] = field(default_factory=dict)  # sheet name as typed -> grid

    def find(self, wanted: str) -> tuple[str, list[list]] | None:
        """The sheet whose name matches `wanted` like a header, as (name as typed, grid)."""
        key = match_key(wanted)
        for name, grid in self.sheets.items():
            if match_key(name) == key:
                return name, grid
        return None


class _Parsed:
    """What calamine gives for the form's sheets, parsed in a worker thread (see read_workbook)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.book = None
        self.wanted: list[str] = []
        self.sheets: dict[str, object] = {}
        self.failure: WorkbookRejected | None = None

    def run(self) -> None:
        try:
            self.book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(self.raw))
        except calamine.PasswordError as exc:
            self.failure = _chained(WorkbookRejected("Tệp được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại."), exc)
            return
        except BaseException as exc:  # calamine raises several types for one cause: unreadable bytes; a Rust
            # panic arrives as pyo3_runtime.PanicException, which is a BaseException, not an Exception
            if not isinstance(exc, Exception) and not type(exc).__name__ == "PanicException":
                raise  # KeyboardInterrupt, SystemExit: not the file's fault
            self.failure = _chained(WorkbookRejected(CORRUPT), exc)
            return
        try:
            self.wanted = [name for name in self.book.sheet_names if is_wanted(name)]
            for name in self.wanted:
                self.sheets[name] = self.book.get_sheet_by_name(name)
        except BaseException as exc:
            if not isinstance(exc, Exception) and not type(exc).__name__ == "PanicException":
                raise
            self.failure = _chained(WorkbookRejected(CORRUPT_CONTENT), exc)


def _chained(error: WorkbookRejected, cause: BaseException) -> WorkbookRejected:
    error.__cause__ = cause
    return error


def read_workbook(raw: bytes, filename: str = "") -> Workbook:
    """Read the form's sheets into grids anchored at A1 (row 0 = Excel row 1).

    Once the size guard has passed the file, calamine parses the sheets in a worker thread (it
    releases the GIL) while this thread looks for formula and error hints in the XML: on two cores
    the hints cost nothing (0,06 s of a 50.000-row sheet's 0,7 s read)."""
    kind, archive = detect(raw, filename)
    from vanhoa.form import cellerrors  # imports this module

    parsed = _Parsed(cellerrors.for_calamine(kind, raw, archive))  # an indented .ods made readable
    worker = threading.Thread(target=parsed.run, name="calamine", daemon=True)
    worker.start()
    try:
        hinted = xlsxerrors.formula_hints(archive) if kind == "xlsx" else set()
    finally:
        worker.join()
    book = parsed.book
    if parsed.failure is None and book is None:  # the thread ended without a book or a reason
        parsed.failure = WorkbookRejected(CORRUPT)
    if parsed.failure is not None:
        if book is not None:
            book.close()
        raise parsed.failure
    workbook = Workbook(filename=filename, format=kind)
    try:
        errors = xlsxerrors.error_cells(archive, hinted, parsed.wanted) if hinted else {}
        if kind in ("xls", "ods", "xlsb"):  # calamine gives their error cells as "" too (see cellerrors.py)
            errors = cellerrors.error_cells(kind, raw, archive, parsed.wanted)
        for name in parsed.wanted:
            sheet = parsed.sheets[name]
            # Anchored at A1, the grid reaches the sheet's last row and column, not only its used range.
            last_row, last_col = sheet.end or (-1, -1)
            refusal = sheet_too_big(name, last_row + 1, last_col + 1)
            if refusal:
                raise refusal
            grid = sheet.to_python(skip_empty_area=False)
            for (row, col), marker in errors.get(name, {}).items():
                # Only where calamine saw nothing: a cached result it read is the cell's value.
                if row < len(grid) and col < len(grid[row]) and grid[row][col] == "":
                    grid[row][col] = marker
            workbook.sheets[name] = grid
    except WorkbookRejected:
        raise
    except BaseException as exc:  # a panic while making the grid (see _Parsed.run)
        if not isinstance(exc, Exception) and not type(exc).__name__ == "PanicException":
            raise
        raise WorkbookRejected(CORRUPT_CONTENT) from exc
    finally:
        book.close()
    return workbook
