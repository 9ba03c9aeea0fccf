"""The size guard of an .xlsx (and the .ods content it may hold): every part calamine may read is
inflated once, in chunks, never trusting the sizes the archive declares, and measured before any
parser sees it.

- xlsx worksheets (any part under xl/worksheets/, chartsheets/, dialogsheets/, names compared as
  calamine does: case-insensitive, `\\` as `/`) of the sheets the form reads (a part that only
  other sheets use, such as `Hướng dẫn`, is never parsed by calamine and is not judged; a part no
  sheet name leads to is judged): the far corner of the cells that hold something, named by sheet.
  An empty row, a self-closing `<c r="A1048576" s="1"/>` or an empty `<c ...></c>` is skipped:
  LibreOffice ends many sheets with one, and calamine keeps no cell of them (measured: +0 MB for a
  styled empty cell at XFD1048576). Fast path on the bytes: every `r` attribute whose value is not
  a small reference (one letter, at most five digits) is read; every cell tag that does not begin
  `<c r="` (no reference, another attribute first, a prefix, a single quote) sends the part to the
  slow path, an expat simulation of calamine's row and column counters. Both run in bounded
  memory, chunk by chunk.
- xl/sharedStrings.xml: `uniqueCount`, which calamine reserves up front, and the `<si>` strings present.
- content.xml (.ods): odsguard.py.
"""

from __future__ import annotations

import re
import zipfile

from vanhoa.form.odsguard import OdsScan
from vanhoa.form.parts import REF_RE, SHEET_DIRS, ExpatFeeder, SheetTargets, chunks, is_wanted, part_key, reference
from vanhoa.form.refusals import MAX_INFLATED_BYTES, WorkbookRejected, too_far
from vanhoa.formats import fmt_int

# calamine reserves room for `uniqueCount` strings before reading one, and keeps every string of the
# table (about 60 MB per million): both the count declared and the strings present are bounded. A form
# at its limits (200,000 rows of 9 columns) has fewer than 2 million distinct texts.
MAX_SHARED_STRINGS = 2_000_000

# An `r` attribute as quick-xml reads it (after white space or right after the previous value's
# quote, spaces allowed around `=`), on any element, whose value is not a small reference: small is
# double-quoted, at most one letter and one to five digits (row < 100,000, column <= Z). The groups
# are the value's letters and digits.
_BIG_REF_RE = re.compile(rb"""r(?<=[\s"']r)\s*=\s*(?!"[A-Za-z]?[0-9]{1,5}")["']?([A-Za-z]*)([0-9]*)""")
# A cell start tag (`<c`, or `<x:c` with a prefix) that does not begin with r="...": its position may
# come from calamine's counters, which only the slow path follows.
_ODD_CELL_RE = re.compile(rb"""c(?<=[<:]c)(?=[\s/>])(?! r=")""")
_UNIQUE_COUNT_RE = re.compile(rb"""uniqueCount\s*=\s*["']\s*\+?0*([0-9]*)""")
_SI_TAGS = (b"<si>", b"<si ", b"<si/", b":si>", b":si ", b":si/")  # a shared string, any prefix
_OVERLAP = 64  # bytes a match may need past its start: matches that start later are taken in the next chunk
_SMALL_ROWS, _SMALL_COLUMNS = 99_999, 26  # the far corner of a small reference


class _Windowed:
    """Feeds chunks to `scan(window, start, limit)` so that every match starts in exactly one window
    and has `_OVERLAP` bytes after its start (and 8 before it, for look-behinds) in that window."""

    def __init__(self) -> None:
        self._tail = b""
        self._start = 0

    def feed(self, chunk: bytes, final: bool = False) -> None:
        window = self._tail + chunk if self._tail else chunk
        limit = len(window) if final else max(self._start, len(window) - _OVERLAP)
        self.scan(window, self._start, limit, final)
        keep = max(limit - 8, 0)
        self._tail, self._start = window[keep:], limit - keep

    def close(self) -> None:
        self.feed(b"", final=True)

    def scan(self, window: bytes, start: int, limit: int, final: bool) -> None:
        raise NotImplementedError


_TAG_NAME_RE = re.compile(rb"<([A-Za-z_][\w.:-]*)\s")


def _holds_value(window: bytes, found: re.Match, final: bool) -> bool | None:
    """Whether the element whose big `r` attribute is `found` is a cell with something inside (a value,
    a formula, an inline string): calamine skips a self-closing `<c r=".." s="1"/>` and keeps no
    value for `<c r=".."></c>` or for a row. None when the window does not show enough to tell."""
    at = found.start()
    lt = window.rfind(b"<", max(0, at - 40), at)
    if lt < 0 or b">" in window[lt:at]:
        return None
    tag = _TAG_NAME_RE.match(window, lt)
    if tag is None:
        return None
    local = tag.group(1).rsplit(b":", 1)[-1]
    if local != b"c":
        return False  # a row, or an element calamine does not read: it places no value
    gt = window.find(b">", found.end())
    if gt < 0 or (gt + 4 + len(tag.group(1)) > len(window) and not final):
        return None
    if window[gt - 1:gt] == b"/":
        return False
    return not window.startswith(b"</" + tag.group(1) + b">", gt + 1)


class _SheetScan(_Windowed):
    """Fast path for one worksheet part: the far corner of the cells with a big reference.

    Cells whose reference is small (not captured) lie within A1:Z99999. `odd` means the fast path
    cannot decide: a cell tag without a leading r="..." (its position comes from counters), or
    big references whose corner, together with that small region, might pass the limit."""

    def __init__(self, sheet: str | None = None) -> None:
        super().__init__()
        self.sheet = sheet
        self.max_row = self.max_col = 0
        self.odd = False

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if not self.odd:
            super().feed(chunk, final)

    def scan(self, window: bytes, start: int, limit: int, final: bool) -> None:
        odd = _ODD_CELL_RE.search(window, start)
        if odd and odd.start() < limit:
            self.odd = True
            return
        end = len(window)
        for found in _BIG_REF_RE.finditer(window, start):
            if found.start() >= limit:
                break
            if found.end() == end and not final:
                self.odd = True  # a value longer than the overlap: let the slow path read it
                return
            held = _holds_value(window, found, final)
            if held is None:
                self.odd = True  # the element or its end lies outside the window: the slow path decides
                return
            if not held:
                continue  # an empty row, or a cell with a style and no value: calamine keeps nothing
            row, col = reference(*found.groups())
            if row > self.max_row or col > self.max_col:
                self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)
                refusal = too_far(self.max_row, self.max_col, self.sheet)  # reached by some cell: a lower bound
                if refusal:
                    raise refusal

    def close(self) -> None:
        super().close()
        if not self.odd:
            # Upper bound with the uncaptured cells of A1:Z99999; if it passes the limit while the
            # lower bound does not, only the slow path can tell.
            if too_far(max(self.max_row, _SMALL_ROWS), max(self.max_col, _SMALL_COLUMNS)):
                self.odd = True


class SheetSimulation(ExpatFeeder):
    """Slow path for one worksheet part: calamine's placement of cells, followed through expat.

    A row with r="n" moves the row counter to n; each end of a row adds one and resets the column;
    a cell with r="A1" is placed there (and moves the column counter), one without r at the counters."""

    def __init__(self, name: str, sheet: str | None = None) -> None:
        super().__init__(name)
        self.sheet = sheet
        self.row = self.col = 0  # 0-based counters
        self.max_row = self.max_col = 0  # 1-based far corner
        self.cell: tuple[int, int] | None = None  # the open cell's place, judged at its end if it held anything
        self.filled = False
        self.parser.StartElementHandler = self.start_element
        self.parser.EndElementHandler = self.end_element

    def start_element(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag[tag.rfind(":") + 1:]
        if local == "c":
            ref = attrs.get("r")
            found = REF_RE.match(ref.encode("ascii", "replace")) if ref is not None else None
            if found and found.group(2):
                row, col = reference(found.group(1), found.group(2))
                row, col = max(row, 1), max(col, 1)
                self.col = col - 1
            else:
                row, col = self.row + 1, self.col + 1
            self.col += 1
            self.cell, self.filled = (row, col), False
        elif local == "row":
            self.cell = None
            ref = attrs.get("r")
            found = REF_RE.match(ref.encode("ascii", "replace")) if ref is not None else None
            if found and found.group(2):
                self.row = max(reference(b"", found.group(2))[0], 1) - 1
        elif self.cell is not None:
            self.filled = True  # <v>, <f>, <is> inside the cell

    def end_element(self, tag: str) -> None:
        local = tag[tag.rfind(":") + 1:]
        if local == "c":
            if self.cell is not None and self.filled:
                row, col = self.cell
                if row > self.max_row or col > self.max_col:
                    self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)
                    refusal = too_far(self.max_row, self.max_col, self.sheet)
                    if refusal:
                        raise refusal
            self.cell = None
        elif local == "row":
            self.row += 1
            self.col = 0


class _SharedStringsScan(_Windowed):
    def __init__(self) -> None:
        super().__init__()
        self.strings = 0

    def scan(self, window: bytes, start: int, limit: int, final: bool) -> None:
        # Every tag that starts in [start, limit) and ends within 3 bytes of the limit: each once.
        part = window[start:limit + 3]
        self.strings += sum(part.count(tag) for tag in _SI_TAGS)
        if self.strings > MAX_SHARED_STRINGS:
            raise WorkbookRejected(
                f"Tệp bị từ chối: bảng chuỗi văn bản dùng chung (xl/sharedStrings.xml) có hơn "
                f"{fmt_int(MAX_SHARED_STRINGS)} chuỗi, vượt giới hạn của biểu mẫu (tệp bị hỏng hoặc bị sửa ngoài "
                "Excel).")
        for found in _UNIQUE_COUNT_RE.finditer(window, start):
            if found.start() >= limit:
                break
            digits = found.group(1)
            if len(digits) > 12 or int(digits or b"0") > MAX_SHARED_STRINGS:
                count = "hơn " + fmt_int(10**12) if len(digits) > 12 else fmt_int(int(digits))
                raise WorkbookRejected(
                    f"Tệp bị từ chối: tệp khai báo {count} chuỗi văn bản dùng chung (xl/sharedStrings.xml), vượt "
                    f"giới hạn {fmt_int(MAX_SHARED_STRINGS)} (tệp bị hỏng hoặc bị sửa ngoài Excel).")


def _scanner(name: str, kind: str, sheet: str | None = None):
    """The size guard for one part, by its name as calamine looks it up; None for other parts.

    An .xlsb's sheets are binary records, not XML: only an .xlsx's are measured. content.xml is
    measured whatever the kind, since calamine falls back to reading an .ods."""
    key = part_key(name)
    if kind == "xlsx" and key.startswith(SHEET_DIRS):
        return _SheetScan(sheet)
    if kind == "xlsx" and key == "xl/sharedstrings.xml":
        return _SharedStringsScan()
    if key == "content.xml":
        return OdsScan(name)
    return None


def inflate_and_measure(archive: zipfile.ZipFile, kind: str) -> None:
    """Inflate each part once, in chunks, never trusting the sizes the archive declares, and run
    the size guard of the parts calamine reads (see the module's docstring)."""
    total = 0
    sheets, unread = _sheet_parts(archive) if kind == "xlsx" else ({}, set())
    for info in archive.infolist():
        if info.filename in unread:  # a sheet the form does not read: calamine never parses it
            scanner = None
        else:
            scanner = _scanner(info.filename, kind, sheets.get(info.filename))
        for chunk in chunks(archive, info):
            total += len(chunk)
            if total > MAX_INFLATED_BYTES:
                raise WorkbookRejected(
                    f"Tệp bị từ chối: khi giải nén vượt {MAX_INFLATED_BYTES // 2**20} MB "
                    "(nghi là tệp nén độc hại - zip bomb)."
                )
            if scanner is not None:
                scanner.feed(chunk)
        if scanner is not None:
            scanner.close()
        if isinstance(scanner, _SheetScan) and scanner.odd:
            simulation = SheetSimulation(info.filename, sheets.get(info.filename))
            for chunk in chunks(archive, info):  # inflated once already: within the limits above
                simulation.feed(chunk)
            simulation.close()


def _sheet_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], set[str]]:
    """(part name -> the sheet name it holds, the parts that hold only sheets the form does not read).
    A part that no sheet name leads to is in neither: it is judged like a sheet of the form."""
    named: dict[str, list[str]] = {}
    try:
        targets = SheetTargets().read(archive)
    except WorkbookRejected:
        # XML that expat refuses and calamine may still read (an entity declaration, a control
        # character in a sheet name): no sheet can be told apart, so every part is judged.
        return {}, set()
    for sheet, part in targets.items():
        named.setdefault(part, []).append(sheet)
    names = {part: sheets[0] for part, sheets in named.items()}
    unread = {part for part, sheets in named.items() if not any(is_wanted(s) for s in sheets)}
    return names, unread
