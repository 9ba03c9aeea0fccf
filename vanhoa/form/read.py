"""Workbook bytes -> grids of cell values, with the guards that run before any parser.

A clerk's file is untrusted: it may be a renamed PDF, a password-protected workbook, a corrupt
download, a zip bomb, or a small file whose cell references or repeat counts make a reader
allocate gigabytes. Each is refused here with one Vietnamese line, before python-calamine (the
fast Rust reader) sees it, and without inflating more than a bounded number of bytes.

Size guard (`_inflate_and_measure`), for every part that calamine may read:

- xlsx worksheets (any part under xl/worksheets/, chartsheets/, dialogsheets/, names compared as
  calamine does: case-insensitive, `\\` as `/`) of the sheets the form reads (a part that only
  other sheets use, such as `Hướng dẫn`, is never parsed by calamine and is not judged; a part no
  sheet name leads to is judged): the far corner of the cells that hold something, named by sheet.
  An empty row, a self-closing `<c r="A1048576" s="1"/>` or an empty `<c ...></c>` is skipped:
  LibreOffice ends many sheets with one, and calamine keeps no cell of them (measured: +0 MB for a
  styled empty cell at XFD1048576). Fast path on the
  bytes: every `r` attribute whose value is not a small reference (one letter, at most five
  digits) is read; every cell tag that does not begin `<c r="` (no reference, another attribute
  first, a prefix, a single quote) sends the part to the slow path, an expat simulation of
  calamine's row and column counters. Both run in bounded memory, chunk by chunk.
- xl/sharedStrings.xml: `uniqueCount`, which calamine reserves up front, and the `<si>` strings present.
- .xlsb and .xls (binguard.py): the binary records, walked before calamine opens the file; an .xls's
  compound-file chains are checked for loops and bounds, FILEPASS (a password) is named as such,
  and so is an .ods whose manifest describes encrypted parts.
- content.xml (.ods): rows x columns of the cells that hold a value or a formula, repeats
  included (LibreOffice repeats *empty* trailing rows and columns up to the sheet's end in
  every file; those are not data and are not counted), streamed through expat.

Error cells (`_ErrorCells`): python-calamine gives an Excel error (#REF!, #DIV/0!, #N/A...) and a
formula saved without its result (openpyxl, scripts) as an empty string, like a blank cell, so a
count computed by a broken formula would read as blank (0). In an .xlsx the size guard notes the
worksheets whose bytes hint at a formula or an error type; only those are searched again, and each
such cell that calamine left empty becomes a `CellError` in the grid: text ("#REF!", "=SUM(B2:B4)")
that every number, date and yes/no parser refuses at its cell, naming the value.
"""

from __future__ import annotations

import html
import io
import re
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.parsers import expat

import python_calamine as calamine

from vanhoa.form import spec
from vanhoa.text import match_key

# 50 MB as people read it and as the browser's upload box counts it (50.000.000 bytes on Linux and
# macOS), so the command line and the page refuse the same files. Streamlit's server counts its
# maxUploadSize (50) in MiB, a little more, so whatever a browser lets through reaches this
# Vietnamese refusal rather than the server's English one.
MAX_FILE_BYTES = 50_000_000
MAX_INFLATED_BYTES = 300 * 1024 * 1024  # all parts of an .xlsx/.ods together, once inflated
MAX_RATIO = 200  # a real sheet compresses 5-30x; a bomb thousands of times
MAX_SHEET_ROWS = 200_000
MAX_SHEET_CELLS = 5_000_000
# calamine reserves room for `uniqueCount` strings before reading one, and keeps every string of the
# table (about 60 MB per million): both the count declared and the strings present are bounded. A form
# at its limits (200,000 rows of 9 columns) has fewer than 2 million distinct texts.
MAX_SHARED_STRINGS = 2_000_000
EXCEL_MAX_COLUMN = 16_384  # XFD

# The reader's own refusals, one wording each (tests and callers compare them).
NOT_EXCEL = "Tệp không phải là bảng tính Excel (.xlsx, .xlsm, .xls, .xlsb, .ods)."
# Many programs "export to Excel" as an HTML page or Excel 2003's XML (SpreadsheetML) named .xls;
# Excel opens them with a warning, calamine cannot.
MARKUP = ("Tệp có đuôi {ext} nhưng thực chất là trang HTML/XML do phần mềm khác xuất ra, không phải bảng tính Excel: "
          "hãy mở bằng Excel hoặc LibreOffice và lưu lại thành .xlsx.")
# Excel 2.x-4.0 wrote a bare BIFF2-4 record stream, and some tools a bare BIFF5 one, without the
# compound file of Excel 97: calamine reads BIFF5-8 inside a compound file only.
OLD_BIFF = ("Tệp .xls theo định dạng cũ của Excel (trước Excel 97), bộ đọc không hỗ trợ: hãy mở bằng Excel "
            "hoặc LibreOffice và lưu lại thành .xlsx.")
# calamine failed on the file's inner structure; its error class and text are English (the server
# log keeps them, as the refusal's __cause__), so the clerk gets this.
CORRUPT = "Tệp bị hỏng, không đọc được: bộ đọc gặp lỗi ở cấu trúc bên trong của tệp."
CORRUPT_CONTENT = "Tệp bị hỏng, không đọc được nội dung các trang: bộ đọc gặp lỗi ở cấu trúc bên trong của tệp."

_CHUNK = 1 << 20
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# What zipfile raises for a damaged archive or member (NotImplementedError is a RuntimeError:
# "zip file version 8.4", an unknown compression method).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError)

# An `r` attribute as quick-xml reads it (after white space or right after the previous value's
# quote, spaces allowed around `=`), on any element, whose value is not a small reference: small is
# double-quoted, at most one letter and one to five digits (row < 100,000, column <= Z). The groups
# are the value's letters and digits.
_BIG_REF_RE = re.compile(rb"""r(?<=[\s"']r)\s*=\s*(?!"[A-Za-z]?[0-9]{1,5}")["']?([A-Za-z]*)([0-9]*)""")
_REF_RE = re.compile(rb"([A-Za-z]*)([0-9]*)")
# A cell start tag (`<c`, or `<x:c` with a prefix) that does not begin with r="...": its position may
# come from calamine's counters, which only the slow path follows.
_ODD_CELL_RE = re.compile(rb"""c(?<=[<:]c)(?=[\s/>])(?! r=")""")
_UNIQUE_COUNT_RE = re.compile(rb"""uniqueCount\s*=\s*["']\s*\+?0*([0-9]*)""")
# Bytes that may begin a formula element (<f>, <x:f ...>) or close an error type's value (t="e"): a
# worksheet without any of them has neither, and is not searched for error cells. A hint is at most
# 3 bytes long, so 8 bytes of the previous chunk are enough to find one split between two chunks.
_F_ENDS = (b">", b" ", b"/", b"\n", b"\t", b"\r")
_F_TAGS = tuple(b"<f" + end for end in _F_ENDS)
_F_PREFIXED = tuple(b":f" + end for end in _F_ENDS)
_E_VALUES = (b'"e"', b"'e'")


def _has_formula_hint(data: bytes) -> bool:
    """Whether the bytes hold a formula tag (<f…, <x:f…) or an "e" (error) value: four searches and a
    look at the byte after each '<f'/':f' hit, instead of one search per hint (0,21 s → 0,06 s on
    the 12 MB of a 50.000-row sheet)."""
    if b'"e"' in data or b"'e'" in data:
        return True
    for stem in (b"<f", b":f"):
        at = data.find(stem)
        while at >= 0:
            if data[at + 2:at + 3] in _F_ENDS:
                return True
            at = data.find(stem, at + 1)
    return False
_PREFIX_RE = re.compile(rb"[A-Za-z_][\w.-]*")
_ATTR_RE = re.compile(rb"""([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_TAG_RE = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?c[\s/>]")
_CELL_REF_RE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_V_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?(?:/>|>([^<]*)<)")
_F_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f(?:\s[^>]*)?(?:/>|>([^<]*)<)")
MAX_FORMULA_CELLS = 500_000  # formula or error cells in the form's sheets together
_SI_TAGS = (b"<si>", b"<si ", b"<si/", b":si>", b":si ", b":si/")  # a shared string, any prefix
_OVERLAP = 64  # bytes a match may need past its start: matches that start later are taken in the next chunk
_SMALL_ROWS, _SMALL_COLUMNS = 99_999, 26  # the far corner of a small reference
_SHEET_DIRS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/")
# Attributes that make an .ods cell hold something calamine stores (value, text or formula).
_ODS_FILLED = frozenset({"value", "string-value", "date-value", "time-value", "boolean-value", "formula",
                         "value-type"})


class CellError(str):
    """A cell that calamine reads as empty but is not: an Excel error value ("#REF!", "#DIV/0!",
    "#N/A"...) or a formula saved without its result ("=SUM(B7:B9)"). Its text is what the clerk sees
    in Excel (or the formula), so the parsers' messages show it as the value found; rules may test
    `isinstance(value, CellError)` to say more."""

    __slots__ = ()


class WorkbookRejected(Exception):
    """The file cannot be read as a workbook at all. The message is one Vietnamese line."""


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


def _vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + (char - 64)
    return number


_HUGE = 10**10  # stands for any row or column number this large or larger


def _reference(letters: bytes, digits: bytes) -> tuple[int, int]:
    """(row, column), 1-based, of a cell reference; absurd lengths count as _HUGE."""
    digits = digits.lstrip(b"0")
    row = min(int(digits or b"0"), _HUGE) if len(digits) <= 10 else _HUGE
    return row, _column_number(letters) if len(letters) <= 7 else _HUGE


def _vn_capped(number: int) -> str:
    return _vn(number) if number < _HUGE else f"hơn {_vn(_HUGE - 1)}"


def _corrupt_part(name: str) -> WorkbookRejected:
    return WorkbookRejected(f"Tệp bị hỏng: phần {name} không giải nén được.")


def _unreadable_part(name: str) -> WorkbookRejected:
    return WorkbookRejected(f"Tệp bị hỏng: phần {name} không đọc được (XML không hợp lệ).")


def _too_far(row: int, column: int, sheet: str | None = None) -> WorkbookRejected | None:
    """The refusal for a sheet whose value cells reach (row, column), 1-based, naming the sheet when
    it is known; None within the limits."""
    which = f"trang '{' '.join(sheet.split())}'" if sheet else "một trang tính"
    if row > MAX_SHEET_ROWS:
        return WorkbookRejected(f"Tệp bị từ chối: {which} có dữ liệu kéo tới dòng {_vn_capped(row)}, vượt giới hạn "
                                f"{_vn(MAX_SHEET_ROWS)} dòng của biểu mẫu.")
    if column > EXCEL_MAX_COLUMN:
        return WorkbookRejected(f"Tệp bị từ chối: {which} có ô ở cột thứ {_vn_capped(column)}, vượt quá cột cuối "
                                f"cùng của Excel (XFD, cột thứ {_vn(EXCEL_MAX_COLUMN)}): tệp bị hỏng hoặc bị sửa "
                                "ngoài Excel.")
    if row * column > MAX_SHEET_CELLS:
        return WorkbookRejected(f"Tệp bị từ chối: {which} có dữ liệu kéo tới dòng {_vn(row)} và cột thứ {_vn(column)}, "
                                f"tức {_vn(row * column)} ô, vượt giới hạn {_vn(MAX_SHEET_CELLS)} ô của biểu mẫu.")
    return None


def _xml_parser() -> expat.XMLParserType:
    """An expat parser that refuses entity declarations (nothing to expand, no billion laughs)."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args) -> None:
        raise expat.ExpatError("entity declarations are not allowed")

    parser.EntityDeclHandler = refuse
    return parser


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
            row, col = _reference(*found.groups())
            if row > self.max_row or col > self.max_col:
                self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)
                refusal = _too_far(self.max_row, self.max_col, self.sheet)  # reached by some cell: a lower bound
                if refusal:
                    raise refusal

    def close(self) -> None:
        super().close()
        if not self.odd:
            # Upper bound with the uncaptured cells of A1:Z99999; if it passes the limit while the
            # lower bound does not, only the slow path can tell.
            if _too_far(max(self.max_row, _SMALL_ROWS), max(self.max_col, _SMALL_COLUMNS)):
                self.odd = True


class _SheetSimulation:
    """Slow path for one worksheet part: calamine's placement of cells, followed through expat.

    A row with r="n" moves the row counter to n; each end of a row adds one and resets the column;
    a cell with r="A1" is placed there (and moves the column counter), one without r at the counters."""

    def __init__(self, name: str, sheet: str | None = None) -> None:
        self.name, self.sheet = name, sheet
        self.row = self.col = 0  # 0-based counters
        self.max_row = self.max_col = 0  # 1-based far corner
        self.cell: tuple[int, int] | None = None  # the open cell's place, judged at its end if it held anything
        self.filled = False
        self.parser = _xml_parser()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag[tag.rfind(":") + 1:]
        if local == "c":
            ref = attrs.get("r")
            found = _REF_RE.match(ref.encode("ascii", "replace")) if ref is not None else None
            if found and found.group(2):
                row, col = _reference(found.group(1), found.group(2))
                row, col = max(row, 1), max(col, 1)
                self.col = col - 1
            else:
                row, col = self.row + 1, self.col + 1
            self.col += 1
            self.cell, self.filled = (row, col), False
        elif local == "row":
            self.cell = None
            ref = attrs.get("r")
            found = _REF_RE.match(ref.encode("ascii", "replace")) if ref is not None else None
            if found and found.group(2):
                self.row = max(_reference(b"", found.group(2))[0], 1) - 1
        elif self.cell is not None:
            self.filled = True  # <v>, <f>, <is> inside the cell

    def _end(self, tag: str) -> None:
        local = tag[tag.rfind(":") + 1:]
        if local == "c":
            if self.cell is not None and self.filled:
                row, col = self.cell
                if row > self.max_row or col > self.max_col:
                    self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)
                    refusal = _too_far(self.max_row, self.max_col, self.sheet)
                    if refusal:
                        raise refusal
            self.cell = None
        elif local == "row":
            self.row += 1
            self.col = 0

    def feed(self, chunk: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as exc:
            raise _unreadable_part(self.name) from exc

    def close(self) -> None:
        self.feed(b"", final=True)


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
                f"{_vn(MAX_SHARED_STRINGS)} chuỗi, vượt giới hạn của biểu mẫu (tệp bị hỏng hoặc bị sửa ngoài Excel).")
        for found in _UNIQUE_COUNT_RE.finditer(window, start):
            if found.start() >= limit:
                break
            digits = found.group(1)
            if len(digits) > 12 or int(digits or b"0") > MAX_SHARED_STRINGS:
                count = "hơn " + _vn(10**12) if len(digits) > 12 else _vn(int(digits))
                raise WorkbookRejected(
                    f"Tệp bị từ chối: tệp khai báo {count} chuỗi văn bản dùng chung (xl/sharedStrings.xml), vượt "
                    f"giới hạn {_vn(MAX_SHARED_STRINGS)} (tệp bị hỏng hoặc bị sửa ngoài Excel).")


class _OdsTable:
    __slots__ = ("name", "row_pos", "row_repeat", "col", "row_width", "last_row", "width")

    def __init__(self, name: str) -> None:
        self.name = " ".join(name.split()) or "?"
        self.row_pos = 0  # rows before the current one, repeats included
        self.row_repeat = 1
        self.col = 0  # columns of the current row so far, repeats included
        self.row_width = 0  # columns up to the last cell that holds something
        self.last_row = 0  # 1-based: the last row that holds something, repeats included
        self.width = 0


_ODS_LOCAL_ROLES = {"table-cell": "cell", "covered-table-cell": "cell", "table-row": "row", "table": "table",
                    "number-columns-repeated": "repeat", "number-rows-repeated": "repeat", "name": "name",
                    **{local: "filled" for local in _ODS_FILLED}}
_ods_roles: dict[str, str] = {}  # element or attribute name as written (any prefix) -> role, by its local part


def _ods_role(name: str) -> str:
    role = _ods_roles.get(name)
    if role is None:
        role = _ODS_LOCAL_ROLES.get(name[name.rfind(":") + 1:], "")
        if len(_ods_roles) < 10_000:
            _ods_roles[name] = role
    return role


def _repeat(value: str) -> int:
    """The repeat count calamine reads (Rust's usize parse: optional '+', digits); 1 otherwise."""
    digits = value[1:] if value[:1] == "+" else value
    if not (digits.isascii() and digits.isdigit()):
        return 1
    digits = digits.lstrip("0")
    return int(digits or "1") if len(digits) <= 12 else 10**12


class _OdsScan:
    """content.xml of an .ods: per table, rows x columns of the cells calamine materialises.

    calamine expands a cell's `number-columns-repeated` and a row's `number-rows-repeated` only up
    to the last cell (row) that holds a value or a formula; trailing empty repeats cost nothing.
    Elements and attributes are recognised by their local name, whatever their prefix."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tables: list[_OdsTable] = [_OdsTable("?")]  # rows outside any table count too
        self.parser = _xml_parser()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        role = _ods_roles.get(tag)
        if role is None:
            role = _ods_role(tag)
        if not role:
            return
        table = self.tables[-1]
        if role == "cell":
            repeat, filled = 1, False
            for key, value in attrs.items():
                kind = _ods_roles.get(key)
                if kind is None:
                    kind = _ods_role(key)
                if kind == "filled":
                    filled = True
                elif kind == "repeat":
                    repeat = max(repeat, _repeat(value))
            table.col += repeat
            if filled:
                table.row_width = table.col
        elif role == "row":
            table.row_repeat = max([_repeat(value) for key, value in attrs.items() if _ods_role(key) == "repeat"],
                                   default=1)
            table.col = table.row_width = 0
        elif role == "table":
            names = [value for key, value in attrs.items() if _ods_role(key) == "name"]
            self.tables.append(_OdsTable(names[0] if names else "?"))

    def _end(self, tag: str) -> None:
        role = _ods_roles.get(tag)
        if role is None:
            role = _ods_role(tag)
        if role == "row":
            table = self.tables[-1]
            if table.row_width:
                table.last_row = table.row_pos + table.row_repeat
                table.width = max(table.width, table.row_width)
                self._check(table)
            table.row_pos += table.row_repeat
            table.col = table.row_width = 0
            table.row_repeat = 1
        elif role == "table" and len(self.tables) > 1:
            self.tables.pop()

    @staticmethod
    def _check(table: _OdsTable) -> None:
        rows, cols = table.last_row, table.width
        if rows > MAX_SHEET_ROWS:
            raise WorkbookRejected(
                f"Tệp bị từ chối: trang '{table.name}' có dữ liệu kéo tới dòng {_vn(rows)} (kể cả các dòng lặp lại), "
                f"vượt giới hạn {_vn(MAX_SHEET_ROWS)} dòng của biểu mẫu.")
        if rows * cols > MAX_SHEET_CELLS:
            raise WorkbookRejected(
                f"Tệp bị từ chối: trang '{table.name}' có dữ liệu trải trên {_vn(rows)} dòng × {_vn(cols)} cột = "
                f"{_vn(rows * cols)} ô (kể cả các ô lặp lại), vượt giới hạn {_vn(MAX_SHEET_CELLS)} ô của biểu mẫu.")

    def feed(self, chunk: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as exc:
            raise _unreadable_part(self.name) from exc

    def close(self) -> None:
        self.feed(b"", final=True)


def _check_zip(raw: bytes) -> tuple[str, zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        names = set(archive.namelist())
        mimetype = b""
        if "mimetype" in names:
            with archive.open("mimetype") as part:
                mimetype = part.read(100)  # not all of it: its declared size is not checked yet
    except _ZIP_ERRORS as exc:
        raise WorkbookRejected("Tệp bị hỏng: không mở được gói nén của tệp Excel.") from exc
    keys = {_part_key(name) for name in names}  # calamine finds "XL\\Workbook.xml" too
    if "xl/workbook.xml" in keys:
        kind = "xlsx"
    elif "xl/workbook.bin" in keys:
        kind = "xlsb"
    elif b"spreadsheet" in mimetype:
        kind = "ods"
    elif "word/document.xml" in names:
        raise WorkbookRejected("Tệp là văn bản Word, không phải bảng tính Excel.")
    else:
        raise WorkbookRejected(NOT_EXCEL)

    declared = sum(info.file_size for info in archive.infolist())
    if declared > MAX_INFLATED_BYTES:
        raise WorkbookRejected(
            f"Tệp bị từ chối: khi giải nén lên tới {declared // 2**20} MB, vượt giới hạn "
            f"{MAX_INFLATED_BYTES // 2**20} MB (nghi là tệp nén độc hại)."
        )
    for info in archive.infolist():
        if info.file_size > 10 * 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbookRejected(
                "Tệp bị từ chối: tỷ lệ nén bất thường (nghi là tệp nén độc hại - zip bomb)."
            )
    return kind, archive


def _part_key(name: str) -> str:
    """A part's name as calamine compares it: case-insensitive, `\\` for `/`."""
    return name.replace("\\", "/").lstrip("/").lower()


def _scanner(name: str, kind: str, sheet: str | None = None):
    """The size guard for one part, by its name as calamine looks it up; None for other parts.

    An .xlsb's sheets are binary records, not XML: only an .xlsx's are measured. content.xml is
    measured whatever the kind, since calamine falls back to reading an .ods."""
    key = _part_key(name)
    if kind == "xlsx" and key.startswith(_SHEET_DIRS):
        return _SheetScan(sheet)
    if kind == "xlsx" and key == "xl/sharedstrings.xml":
        return _SharedStringsScan()
    if key == "content.xml":
        return _OdsScan(name)
    return None


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The inflated bytes of one part, 1 MB at a time; a damaged part is refused by name."""
    try:
        with archive.open(info) as part:
            while chunk := part.read(_CHUNK):
                yield chunk
    except _ZIP_ERRORS as exc:
        raise _corrupt_part(info.filename) from exc


def _inflate_and_measure(archive: zipfile.ZipFile, kind: str) -> None:
    """Inflate each part once, in chunks, never trusting the sizes the archive declares, and run
    the size guard of the parts calamine reads (see the module's docstring)."""
    total = 0
    sheets, unread = _sheet_parts(archive) if kind == "xlsx" else ({}, set())
    for info in archive.infolist():
        if info.filename in unread:  # a sheet the form does not read: calamine never parses it
            scanner = None
        else:
            scanner = _scanner(info.filename, kind, sheets.get(info.filename))
        for chunk in _chunks(archive, info):
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
            simulation = _SheetSimulation(info.filename, sheets.get(info.filename))
            for chunk in _chunks(archive, info):  # inflated once already: within the limits above
                simulation.feed(chunk)
            simulation.close()


def _sheet_parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], set[str]]:
    """(part name -> the sheet name it holds, the parts that hold only sheets the form does not read).
    A part that no sheet name leads to is in neither: it is judged like a sheet of the form."""
    named: dict[str, list[str]] = {}
    try:
        parts = _Targets().read(archive)
    except WorkbookRejected:
        # XML that expat refuses and calamine may still read (an entity declaration, a control
        # character in a sheet name): no sheet can be told apart, so every part is judged.
        return {}, set()
    for sheet, part in parts.items():
        named.setdefault(part, []).append(sheet)
    names = {part: sheets[0] for part, sheets in named.items()}
    unread = {part for part, sheets in named.items() if all(match_key(s) not in _WANTED_SHEETS for s in sheets)}
    return names, unread


def _formula_hints(archive: zipfile.ZipFile) -> set[str]:
    """The worksheet parts of an .xlsx whose bytes hint at a formula or an error cell. Not part of
    the size guard: it runs while calamine parses (which releases the GIL), after the guard has
    passed the archive, so the parts' sizes are known to be within its limits."""
    hinted: set[str] = set()
    for info in archive.infolist():
        if not _part_key(info.filename).startswith(_SHEET_DIRS):
            continue
        tail = b""
        for chunk in _chunks(archive, info):
            if _has_formula_hint(chunk) or _has_formula_hint(tail + chunk[:8]):
                hinted.add(info.filename)
                break
            tail = chunk[-8:]
    return hinted


def detect_format(raw: bytes, filename: str = "") -> str:
    """'xlsx' | 'xlsb' | 'ods' | 'xls', or WorkbookRejected with the reason."""
    return _detect(raw, filename)[0]


def _detect(raw: bytes, filename: str) -> tuple[str, zipfile.ZipFile | None]:
    """The format and the archive (None for .xls), the archive passed by the size guard."""
    if not raw:
        raise WorkbookRejected("Tệp rỗng (0 byte).")
    if len(raw) > MAX_FILE_BYTES:
        raise WorkbookRejected(
            f"Tệp quá lớn: {_vn(len(raw))} byte, giới hạn {MAX_FILE_BYTES // 10**6} MB ({_vn(MAX_FILE_BYTES)} byte)."
        )
    if raw[:4] == b"PK\x03\x04":
        from vanhoa.form import binguard  # imports this module

        kind, archive = _check_zip(raw)
        if kind == "ods":
            binguard.check_ods_password(archive)
        _inflate_and_measure(archive, kind)
        if kind == "xlsb":
            binguard.check_xlsb(archive)
        return kind, archive
    if raw[:8] == _CFB_MAGIC:
        from vanhoa.form import binguard

        if _ENCRYPTED_PACKAGE in raw:
            raise WorkbookRejected(binguard.PASSWORD)
        binguard.check_xls(raw)
        return "xls", None
    lower = filename.lower()
    if raw[:5] == b"%PDF-":
        raise WorkbookRejected("Tệp là PDF, không phải bảng tính Excel: hãy tải lên tệp .xlsx của biểu mẫu.")
    if lower.endswith((".csv", ".txt")):
        raise WorkbookRejected("Tệp CSV/văn bản không được chấp nhận: hãy dùng biểu mẫu Excel (.xlsx).")
    if _is_markup(raw):
        ext = "." + lower.rsplit(".", 1)[-1] if lower.endswith((".xls", ".xlsx", ".xlsm", ".xlsb", ".ods")) else ".xls"
        raise WorkbookRejected(MARKUP.format(ext=ext))
    if len(raw) >= 4 and raw[0] == 0x09 and raw[1] in (0, 2, 4, 8) and raw[2:4] in (b"\x04\0", b"\x06\0", b"\x08\0",
                                                                                 b"\x10\0"):
        raise WorkbookRejected(OLD_BIFF)  # a BOF record: BIFF2 (0x0009), BIFF3 (0x0209), BIFF4 (0x0409), BIFF5+
    raise WorkbookRejected(NOT_EXCEL)


def _is_markup(raw: bytes) -> bool:
    """An HTML page or an Excel 2003 XML workbook (SpreadsheetML): UTF-8 (with a BOM
    or not) or UTF-16 with its BOM, as those exporters write them."""
    head = raw[:65536]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = head[2:len(head) // 2 * 2].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", "replace")
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    text = text.lstrip().lower()
    if text.startswith(("<html", "<!doctype html", "<table")) or "<html" in text[:4096]:
        return True
    return text.startswith("<?xml") and ("urn:schemas-microsoft-com:office:spreadsheet" in text
                                         or 'progid="excel.sheet"' in text)


_WANTED_SHEETS = {match_key(name) for name in spec.REQUIRED_SHEETS + spec.OPTIONAL_SHEETS}


# ------------------------------------------------------------------ error cells of an .xlsx


def _xml_text(raw: bytes | None) -> str:
    return html.unescape(raw.decode("utf-8", "replace")) if raw else ""


def _cell_marker(attrs: dict[str, str], formula: str | None, value: str | None) -> CellError | None:
    """The marker for a cell calamine gives as empty although it holds an error or an uncomputed
    formula; None for any other cell."""
    kind = attrs.get("t", "n")
    if kind == "e":
        return CellError(" ".join((value or "").split()) or "#N/A")
    if formula is not None and not value and kind not in ("str", "s", "inlineStr"):
        text = " ".join(formula.split())
        return CellError("=" + text if text else "(công thức chưa có kết quả)")
    return None


def _local(name: bytes | str) -> str:
    name = name.decode("utf-8", "replace") if isinstance(name, bytes) else name
    return name[name.rfind(":") + 1:]


class _NeedCounters(Exception):
    """A formula or error cell without its own reference: only calamine's counters place it."""


class _ErrorCells:
    """The cells of one worksheet part that calamine gives as empty though they hold an error or a
    formula without its result, as {(row, column) 0-based: CellError}.

    Fast path: the regular expression finds each formula tag and each "e" value; the cell tag that
    holds it is the last '<' before it. A cell without an r="A1" of its own sends the part to the slow
    path, the size guard's simulation of calamine's counters (expat)."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.data = name, data
        self.found: dict[tuple[int, int], CellError] = {}
        self.cells = 0

    def _count(self) -> None:
        self.cells += 1
        if self.cells > MAX_FORMULA_CELLS:
            raise WorkbookRejected(
                f"Tệp bị từ chối: các trang của biểu mẫu có hơn {_vn(MAX_FORMULA_CELLS)} ô công thức; hãy dán giá "
                "trị (Paste Special > Values) thay cho công thức rồi tải lên lại.")

    def run(self) -> dict[tuple[int, int], CellError]:
        try:
            self._fast()
        except _NeedCounters:
            self.found.clear()
            self._slow()
        return self.found

    def _hints(self):
        """The position of each formula element's '<' and of each "e" value (bytes.find: a regular
        expression took 0.3 s on the 12 MB of 50,000 rows)."""
        data = self.data
        for tokens, prefixed in ((_F_TAGS, False), (_F_PREFIXED, True), (_E_VALUES, False)):
            for token in tokens:
                at = data.find(token)
                while at >= 0:
                    if not prefixed:
                        yield at
                    else:
                        lt = data.rfind(b"<", 0, at)
                        if lt >= 0 and _PREFIX_RE.fullmatch(data, lt + 1, at):
                            yield lt
                    at = data.find(token, at + 1)

    def _fast(self) -> None:
        data, seen = self.data, set()
        for hit in self._hints():
            start = data.rfind(b"<", 0, hit)  # the tag around an "e", the tag before a <f>
            if start < 0 or start in seen or not _CELL_TAG_RE.match(data, start):
                continue  # not a cell's formula or type (a text that says "e", a formula outside a cell)
            seen.add(start)
            head_end = data.find(b">", start)
            if head_end < 0:
                return
            head = data[start:head_end]
            attrs = {_local(m.group(1)): _xml_text(m.group(2) if m.group(2) is not None else m.group(3))
                     for m in _ATTR_RE.finditer(head)}
            if head.endswith(b"/"):
                continue
            prefix = _CELL_TAG_RE.match(data, start).group(1)
            end = data.find(b"</" + prefix + b":c>" if prefix else b"</c>", head_end)
            body = data[head_end + 1:end if end >= 0 else len(data)]
            f = _F_RE.search(body)
            v = _V_RE.search(body)
            formula = None if f is None else _xml_text(f.group(1))
            if formula is None and attrs.get("t") != "e":
                continue
            self._count()
            marker = _cell_marker(attrs, formula, None if v is None else _xml_text(v.group(1)))
            if marker is None:
                continue
            ref = _CELL_REF_RE.fullmatch(attrs.get("r", "").strip())
            if ref is None:
                raise _NeedCounters
            row, col = _reference(ref.group(1).encode(), ref.group(2).encode())
            if row >= 1 and col >= 1:
                self.found[(row - 1, col - 1)] = marker

    def _slow(self) -> None:
        found, state = self.found, {}
        simulation = _SheetSimulation(self.name)
        place, close_row = simulation._start, simulation._end

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = tag[tag.rfind(":") + 1:]
            if local == "c":
                at = (simulation.row, simulation.col)  # where the counters put a cell without r
                ref = attrs.get("r")
                ref = _REF_RE.match(ref.encode("ascii", "replace")) if ref is not None else None
                if ref and ref.group(2):  # placed as _SheetSimulation places it
                    row, col = _reference(ref.group(1), ref.group(2))
                    at = (max(row, 1) - 1, max(col, 1) - 1)
                place(tag, attrs)
                state.clear()
                state.update(at=at, attrs={_local(k): v for k, v in attrs.items()}, f=None, v=None, text=None)
            elif local in ("f", "v") and state:
                state["text"] = []
                state[local] = state["text"]
            else:
                place(tag, attrs)

        def text(data: str) -> None:
            if state and state.get("text") is not None:
                state["text"].append(data)

        def end(tag: str) -> None:
            local = tag[tag.rfind(":") + 1:]
            if local in ("f", "v") and state:
                state["text"] = None
            elif local == "c" and state:
                formula = "".join(state["f"]) if state["f"] is not None else None
                if formula is not None or state["attrs"].get("t") == "e":
                    self._count()
                    marker = _cell_marker(state["attrs"], formula,
                                          "".join(state["v"]) if state["v"] is not None else None)
                    if marker is not None:
                        found[state["at"]] = marker
                state.clear()
            else:
                close_row(tag)

        simulation.parser.StartElementHandler = start
        simulation.parser.EndElementHandler = end
        simulation.parser.CharacterDataHandler = text
        simulation.feed(self.data)
        simulation.close()


class _Targets:
    """Sheet name -> part name, from xl/workbook.xml and its relationships, as calamine finds them."""

    def __init__(self) -> None:
        self.sheets: dict[str, str] = {}  # name -> relationship id
        self.targets: dict[str, str] = {}  # relationship id -> target

    def _parse(self, data: bytes, start) -> None:
        parser = _xml_parser()
        parser.StartElementHandler = start
        parser.Parse(data, True)

    def read(self, archive: zipfile.ZipFile) -> dict[str, str]:
        parts = {_part_key(info.filename): info for info in archive.infolist()}

        def load(key: str) -> bytes | None:
            info = parts.get(key)
            return b"".join(_chunks(archive, info)) if info is not None else None

        def sheet(tag: str, attrs: dict[str, str]) -> None:
            if _local(tag) == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
                if "name" in attrs and rid:
                    self.sheets.setdefault(attrs["name"], rid)

        def relationship(tag: str, attrs: dict[str, str]) -> None:
            if _local(tag) == "Relationship" and "Id" in attrs and "Target" in attrs:
                self.targets.setdefault(attrs["Id"], attrs["Target"])

        for key, handler in (("xl/workbook.xml", sheet), ("xl/_rels/workbook.xml.rels", relationship)):
            try:
                self._parse(load(key) or b"", handler)
            except expat.ExpatError as exc:  # an entity declaration too: error cells must not hide behind one
                raise _unreadable_part(parts[key].filename if key in parts else key) from exc
        out = {}
        for name, rid in self.sheets.items():
            target = self.targets.get(rid)
            if target is None:
                continue
            key = _part_key(target)
            if not target.replace("\\", "/").startswith("/") and not key.startswith("xl/"):
                key = "xl/" + key
            if key in parts:
                out[name] = parts[key].filename
        return out


def _error_cells(archive: zipfile.ZipFile, hinted: set[str], names: list[str]) -> dict[str, dict]:
    """Sheet name -> {(row, column): CellError} for the form's sheets among `names` whose part hints
    at formulas or errors."""
    parts = _Targets().read(archive)
    out: dict[str, dict] = {}
    cells = 0
    for name in names:
        part = parts.get(name)
        if part is None or part not in hinted:
            continue
        data = b"".join(_chunks(archive, archive.getinfo(part)))  # within the size guard's limits
        finder = _ErrorCells(part, data)
        finder.cells = cells
        out[name] = finder.run()
        cells = finder.cells
    return out


def _sheet_too_big(name: str, height: int, width: int) -> WorkbookRejected | None:
    """The refusal for a sheet calamine read as height x width cells; None within the limits."""
    if height > MAX_SHEET_ROWS:
        return WorkbookRejected(f"Trang '{name}' có {_vn(height)} dòng, vượt giới hạn {_vn(MAX_SHEET_ROWS)} dòng.")
    if height * width > MAX_SHEET_CELLS:
        return WorkbookRejected(f"Trang '{name}' có {_vn(height)} dòng × {_vn(width)} cột = {_vn(height * width)} ô, "
                                f"vượt giới hạn {_vn(MAX_SHEET_CELLS)} ô.")
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
            self.wanted = [name for name in self.book.sheet_names if match_key(name) in _WANTED_SHEETS]
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
    kind, archive = _detect(raw, filename)
    from vanhoa.form import cellerrors  # imports this module

    parsed = _Parsed(cellerrors.for_calamine(kind, raw, archive))  # an indented .ods made readable
    worker = threading.Thread(target=parsed.run, name="calamine", daemon=True)
    worker.start()
    try:
        hinted = _formula_hints(archive) if kind == "xlsx" else set()
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
        errors = _error_cells(archive, hinted, parsed.wanted) if hinted else {}
        if kind in ("xls", "ods", "xlsb"):  # calamine gives their error cells as "" too (see cellerrors.py)
            errors = cellerrors.error_cells(kind, raw, archive, parsed.wanted)
        for name in parsed.wanted:
            sheet = parsed.sheets[name]
            # Anchored at A1, the grid reaches the sheet's last row and column, not only its used range.
            last_row, last_col = sheet.end or (-1, -1)
            refusal = _sheet_too_big(name, last_row + 1, last_col + 1)
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
