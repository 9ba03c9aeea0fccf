"""Error cells of .xls and .ods workbooks, which python-calamine gives as empty strings.

calamine reads an error value (#DIV/0!, #REF!, #N/A, LibreOffice's Err:502...) as `Data::Error`,
and python-calamine hands that to Python as "", the value of a blank cell. A count computed by a
broken formula would then be read as blank (0) and the return accepted with wrong figures, while
the same return saved as .xlsx is refused at the cell (read.py's `_ErrorCells`). This module finds
those cells in the other two formats, so that read.py can put a `CellError` where calamine left
"" and every parser refuses it at its cell with the text the clerk sees in the spreadsheet.

- .ods: content.xml is streamed through expat (entity declarations refused) and each cell is
  placed as calamine places it: every table-cell and covered-table-cell takes
  `number-columns-repeated` columns, every table-row `number-rows-repeated` rows, in any
  row group. A cell is an error when LibreOffice marks it `calcext:value-type="error"`, or when it
  holds a formula whose shown text is an error (other producers); a formula saved without any
  value (scripts) is marked like the .xlsx reader marks one ("=SUM(...)").
- .xls: the Workbook stream as the size guard reads it (binguard's compound-file reader: every
  chain checked for loops and bounds), then the BIFF5/BIFF8 records of the form's sheets:
  FORMULA records whose cached result is an error (bytes 6..7 = FFFF, type byte 2) and BOOLERR
  records whose error flag is set. Any structure this reader cannot follow yields no markers:
  calamine has already read the file, so nothing here may refuse what it accepted.
- .xlsb: BrtCellError and BrtFmlaError records; a sheet with cells calamine skips (the short
  records SheetJS writes, rich-text cells) is refused as unreadable rather than read wrong.

Also `for_calamine`: an .ods indented between its cells (SheetJS, PhpSpreadsheet), which calamine
fails, is given to it without that white space.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile

from vanhoa.form.cells import column_letters
from vanhoa.form.parts import chunks, part_key, xml_parser
from vanhoa.form.refusals import MAX_FORMULA_CELLS, CellError, WorkbookRejected, too_many_formulas

Markers = dict[str, dict[tuple[int, int], CellError]]

# BIFF error codes (MS-XLS 2.5.97.2 BErr) as Excel shows them.
_BIFF_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
                0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
# The text an .ods error cell shows: Excel's names, LibreOffice's "Err:NNN".
_ODS_ERROR_TEXT = re.compile(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA)|Err:\d{3}")


def error_cells(kind: str, raw: bytes, archive: zipfile.ZipFile | None, names: list[str]) -> Markers:
    """Sheet name -> {(row, column) 0-based: CellError} for the sheets `names` (as calamine names
    them) of an .ods, .xls or .xlsb; {} for .xlsx (read.py has its own). An .xlsb whose cells
    calamine would lose is refused (WorkbookRejected)."""
    if kind == "ods" and archive is not None:
        return ods_error_cells(archive, names)
    if kind == "xls":
        return xls_error_cells(raw, names)
    if kind == "xlsb" and archive is not None:
        return xlsb_error_cells(archive, names)
    return {}


# ------------------------------------------------------------------------------------------ .ods

_MAX_REPEAT = 1 << 20  # beyond any sheet's 1,048,576 rows: an error cell repeated further is not placed


def _repeat(value: str | None) -> int:
    """A repeat count as calamine reads it (digits, optional '+'); 1 for anything else."""
    if not value:
        return 1
    digits = value[1:] if value[:1] == "+" else value
    if not (digits.isascii() and digits.isdigit()) or int(digits) == 0:
        return 1
    return min(int(digits), _MAX_REPEAT)


def _local(name: str) -> str:
    return name[name.rfind(":") + 1:]


class _OdsErrors:
    """One pass over content.xml: the error cells of the wanted tables, at calamine's positions."""

    def __init__(self, names: list[str]) -> None:
        self.wanted = set(names)
        self.found: Markers = {}
        self.cells = 0
        self.table: dict | None = None  # the wanted table being read: its markers
        self.depth = 0  # nesting of table elements (a sub-table inside a cell is not the sheet)
        self.row = 0  # rows before the current one, repeats included
        self.row_repeat = 1
        self.col = 0
        self.cell: dict | None = None  # the candidate cell being read: its attributes and text
        self.parser = xml_parser()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "table":
            self.depth += 1
            if self.depth == 1:
                name = next((v for k, v in attrs.items() if _local(k) == "name"), None)
                self.table = self.found.setdefault(name, {}) if name in self.wanted else None
                self.row = 0
            return
        if self.table is None or self.depth != 1:
            return
        if local == "table-row":
            self.row_repeat = _repeat(next((v for k, v in attrs.items() if _local(k) == "number-rows-repeated"), None))
            self.col = 0
        elif local in ("table-cell", "covered-table-cell"):
            by_local = {_local(k): v for k, v in attrs.items()}
            repeat = _repeat(by_local.get("number-columns-repeated"))
            if "formula" in by_local or by_local.get("value-type") == "error":
                self.cell = {"attrs": by_local, "at": self.col, "repeat": repeat, "text": [], "p": 0}
            self.col += repeat
        elif local == "p" and self.cell is not None:
            self.cell["p"] += 1
            if self.cell["p"] > 1:
                self.cell["text"].append("\n")

    def _text(self, data: str) -> None:
        if self.cell is not None and self.cell["p"] and sum(map(len, self.cell["text"])) < 200:
            self.cell["text"].append(data)

    def _end(self, tag: str) -> None:
        local = _local(tag)
        if local == "table":
            if self.depth == 1:
                self.table = None
            self.depth -= 1
            return
        if self.table is None or self.depth != 1:
            return
        if local in ("table-cell", "covered-table-cell") and self.cell is not None:
            cell, self.cell = self.cell, None
            marker = _ods_marker(cell["attrs"], "".join(cell["text"]))
            if marker is not None:
                for row in range(self.row, self.row + min(self.row_repeat, _MAX_REPEAT)):
                    for col in range(cell["at"], cell["at"] + cell["repeat"]):
                        self.cells += 1
                        if self.cells > MAX_FORMULA_CELLS:
                            raise too_many_formulas()
                        self.table[(row, col)] = marker
        elif local == "table-row":
            self.row += self.row_repeat
            self.row_repeat = 1
            self.col = 0


def _ods_marker(attrs: dict[str, str], text: str) -> CellError | None:
    """The marker for an .ods cell calamine gives as "" though it holds an error or a formula
    without its result; None for any other cell."""
    shown = " ".join(text.split())
    if attrs.get("value-type") == "error":  # calcext:value-type, LibreOffice's own mark
        return CellError(shown or "#N/A")
    formula = attrs.get("formula")
    if formula is None:
        return None
    if _ODS_ERROR_TEXT.fullmatch(shown) and attrs.get("value-type") in (None, "string"):
        return CellError(shown)
    if not any(key in attrs for key in ("value", "string-value", "date-value", "time-value", "boolean-value")) \
            and not shown:
        # A formula saved without its result: calamine has nothing to show.
        text = " ".join(formula.split())
        for prefix in ("of:", "msoxl:", "oooc:"):
            if text.startswith(prefix):
                text = text[len(prefix):]
                break
        text = text if text.startswith("=") else "=" + text
        return CellError(text if text != "=" else "(công thức chưa có kết quả)")
    return None


_TABLE_START = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?table(?=[\s/>])")
_TABLE_START_USUAL = re.compile(rb"<(table):table(?=[\s/>])")  # a literal prefix: searched much faster
_ODS_HINTS = (b"formula", b"error")  # an attribute table:formula, a value-type "error"


def _hinted_tables(content: bytes) -> list[bytes] | None:
    """The tables of content.xml that may hold a formula or an error, each as its own bytes; None
    when the tables cannot be told apart by their tags (nested tables, no UTF-8), for a full parse.
    A 50.000-row table of typed values is then never parsed here (20 s through expat callbacks)."""
    pattern = _TABLE_START_USUAL if b"<table:table" in content else _TABLE_START
    found, at = [], 0
    while (start := pattern.search(content, at)) is not None:
        prefix = start.group(1)
        closing = b"</" + (prefix + b":" if prefix else b"") + b"table>"
        end = content.find(closing, start.end())
        if end < 0 or pattern.search(content, start.end(), end) is not None:
            return None
        end += len(closing)
        if any(content.find(hint, start.start(), end) >= 0 for hint in _ODS_HINTS):
            found.append(content[start.start():end])
        at = end
    return found if at else None


def ods_error_cells(archive: zipfile.ZipFile, names: list[str]) -> Markers:
    """The error cells of an .ods's tables `names`; content.xml has passed the size guard."""
    info = next((i for i in archive.infolist() if part_key(i.filename) == "content.xml"), None)
    if info is None or not names:
        return {}
    content = b"".join(chunks(archive, info))
    if not any(hint in content for hint in _ODS_HINTS):
        return {}
    tables = _hinted_tables(content)
    documents = [content] if tables is None else [b"<r>" + table + b"</r>" for table in tables]
    found: Markers = {}
    cells = 0
    for document in documents:
        reader = _OdsErrors(names)
        reader.cells = cells
        try:
            reader.parser.Parse(document, True)
        except WorkbookRejected:
            raise
        except Exception:  # noqa: BLE001 - calamine read this part; a mismatch here must not refuse the file
            continue
        cells = reader.cells
        for name, marks in reader.found.items():
            if marks:
                found.setdefault(name, {}).update(marks)
    return found


# ------------------------------------------------------------------------------------------ .xls

class _Unreadable(Exception):
    """A BIFF structure this reader does not follow."""


_BOF, _EOF, _BOUNDSHEET, _CODEPAGE = 0x0809, 0x000A, 0x0085, 0x0042
_FORMULA, _BOOLERR = 0x0006, 0x0205


def _records(stream: bytes, at: int):
    """(type, data) of each record from `at` up to the substream's EOF (or the stream's end)."""
    end = len(stream)
    while at + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, at)
        data = stream[at + 4:at + 4 + length]
        at += 4 + length
        yield kind, data
        if kind == _EOF:
            return


def _sheet_offsets(stream: bytes) -> dict[str, int]:
    """Sheet name -> offset of its BOF, from the globals' BOUNDSHEET records (BIFF5 and BIFF8)."""
    records = _records(stream, 0)
    first = next(records, None)
    if first is None or first[0] != _BOF or len(first[1]) < 2:
        raise _Unreadable
    biff8 = struct.unpack_from("<H", first[1])[0] == 0x0600
    codepage = "cp1252"
    out: dict[str, int] = {}
    for kind, data in records:
        if kind == _CODEPAGE and len(data) >= 2:
            number = struct.unpack_from("<H", data)[0]
            codepage = {1200: "utf-16-le", 10000: "mac_roman"}.get(number, f"cp{number}")
        elif kind == _BOUNDSHEET and len(data) >= 8:
            offset = struct.unpack_from("<I", data)[0]
            count = data[6]
            if biff8:
                wide = data[7] & 1
                raw_name = data[8:8 + count * (2 if wide else 1)]
                name = raw_name.decode("utf-16-le" if wide else "latin-1", "replace")
            else:
                try:
                    name = data[7:7 + count].decode(codepage)
                except (LookupError, UnicodeDecodeError):
                    name = data[7:7 + count].decode("latin-1")
            out.setdefault(name, offset)
    return out


def _sheet_errors(stream: bytes, offset: int) -> dict[tuple[int, int], CellError]:
    found = {}
    for kind, data in _records(stream, offset):
        if kind == _FORMULA and len(data) >= 14:
            if data[12:14] == b"\xff\xff" and data[6] == 2:
                row, col = struct.unpack_from("<HH", data)
                found[(row, col)] = CellError(_BIFF_ERRORS.get(data[8], "#N/A"))
        elif kind == _BOOLERR and len(data) >= 8:
            if data[7] == 1:
                row, col = struct.unpack_from("<HH", data)
                found[(row, col)] = CellError(_BIFF_ERRORS.get(data[6], "#N/A"))
    return found


def xls_error_cells(raw: bytes, names: list[str]) -> Markers:
    """The error cells of an .xls's sheets `names`; {} where the structure cannot be followed."""
    from vanhoa.form.binguard import Compound  # the size guard's reader of the compound file

    try:
        stream = Compound(raw).workbook()
        offsets = _sheet_offsets(stream) if stream else {}
    except (WorkbookRejected, _Unreadable, struct.error):  # the guard passed it and calamine read it
        return {}
    out: Markers = {}
    cells = 0
    for name in names:
        if name not in offsets or offsets[name] >= len(stream):
            continue
        try:
            found = _sheet_errors(stream, offsets[name])
        except struct.error:
            continue
        cells += len(found)
        if cells > MAX_FORMULA_CELLS:
            raise too_many_formulas()
        if found:
            out[name] = found
    return out


# ----------------------------------------------------------------------------------------- .xlsb

# calamine's .xlsb cell reader knows the records BrtCellRk ... BrtFmlaNum and BrtFmlaBool (2-10)
# and skips every other record silently: BrtFmlaError (11) and BrtCellError (3, given to Python as
# "") are error cells; the short cells 13-18 (BrtShortRk ... BrtShortIsst: no column of their own,
# the next one) and BrtCellRString (62, a rich text) are values it loses. SheetJS writes its
# strings and numbers that way, so "Phòng Kinh tế" in Thông tin!B7 read as missing: such a file is
# refused as one the reader cannot read faithfully, rather than read wrong.
_XLSB_ERRORS = (3, 11)
_XLSB_LOST = frozenset((13, 14, 15, 16, 17, 18, 62))


def _unfaithful_xlsb(sheet: str, row: int, col: int) -> WorkbookRejected:
    return WorkbookRejected(
        f"Tệp .xlsb này được tạo bởi chương trình mà bộ đọc không đọc chính xác được (ô {sheet}!"
        f"{column_letters(col)}{row + 1} được ghi theo kiểu rút gọn); hãy mở bằng Excel hoặc LibreOffice và "
        "lưu lại thành .xlsx.")


def xlsb_error_cells(archive: zipfile.ZipFile, names: list[str]) -> Markers:
    """The error cells of an .xlsb's sheets `names`; refused when one holds a cell calamine skips.
    The parts have passed the size guard (binguard.check_xlsb)."""
    from vanhoa.form.binguard import record_header, xlsb_sheet_names

    parts = {name: key for key, name in xlsb_sheet_names(archive).items()}
    infos = {part_key(info.filename): info for info in archive.infolist()}
    out: Markers = {}
    cells = 0
    for name in names:
        info = infos.get(parts.get(name, ""))
        if info is None:
            continue
        data = b"".join(chunks(archive, info))
        found: dict[tuple[int, int], CellError] = {}
        row, col, at = 0, -1, 0
        while (header := record_header(data, at)) is not None:
            kind, size, start = header
            body = data[start:start + size]
            at = start + size
            if kind == 0 and len(body) >= 4:  # BrtRowHdr
                row, col = struct.unpack_from("<I", body)[0], -1
            elif 1 <= kind <= 11 and len(body) >= 4:
                col = struct.unpack_from("<I", body)[0]
                if kind in _XLSB_ERRORS and len(body) >= 9:
                    cells += 1
                    if cells > MAX_FORMULA_CELLS:
                        raise too_many_formulas()
                    found[(row, col)] = CellError(_BIFF_ERRORS.get(body[8], "#N/A"))
            elif kind == 12:  # BrtShortBlank: nothing lost
                col += 1
            elif kind in _XLSB_LOST:
                if kind != 62:
                    col += 1
                elif len(body) >= 4:
                    col = struct.unpack_from("<I", body)[0]
                raise _unfaithful_xlsb(name, row, col)
            elif kind == 0x92:  # BrtEndSheetData: calamine reads no further
                break
        if found:
            out[name] = found
    return out


# ------------------------------------------------------------------ .ods: white space between cells

# calamine's .ods reader expects each element of a table row to follow the previous one directly:
# white space between two cells ("Expecting 'table-cell', found Text") makes it fail the file,
# which the clerk was told was corrupt although LibreOffice opens it. SheetJS and PhpSpreadsheet
# write their content.xml indented. That white space means nothing in ODF outside paragraphs, so it
# is removed before calamine reads the file; text inside text:p / text:h is left as it is.
_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"
_STRUCTURE = rb"(?:table-cell|covered-table-cell|table-row|table-rows|table-row-group|table-header-rows|table-column|" \
    rb"table-columns|table-column-group|table-header-columns|table)"
# White space between two tags where it can only be layout: before a table element's start or end
# tag, before a paragraph or an annotation, and after a paragraph's end. Inside a paragraph, white
# space between two spans is text and stays.
_LAYOUT_SPACE = re.compile(
    rb">[ \t\r\n]+(?=<(?:/?" + _NAME + _STRUCTURE + rb"|" + _NAME + rb"(?:p|h|annotation))[\s/>])")
_GAP = re.compile(rb">[ \t\r\n]")
_AFTER_PARAGRAPH = re.compile(rb"(</" + _NAME + rb"(?:p|h|annotation)>)[ \t\r\n]+(?=<)")


def _without_layout_space(content: bytes) -> bytes | None:
    """content.xml without the white space between tags that is only layout; None if it has none
    (LibreOffice's files: one search at C speed)."""
    body = content.find(b"?>") + 2 if content.startswith(b"<?xml") else 0  # past the declaration's line end
    if not _GAP.search(content, body):
        return None  # LibreOffice writes no white space after a tag (a leading space is <text:s/>)
    if not _LAYOUT_SPACE.search(content) and not _AFTER_PARAGRAPH.search(content):
        return None
    content = _LAYOUT_SPACE.sub(b">", content)
    return _AFTER_PARAGRAPH.sub(rb"\1", content)


def for_calamine(kind: str, raw: bytes, archive: zipfile.ZipFile | None) -> bytes:
    """The bytes calamine should parse: an .ods whose content.xml is indented between cells is
    rewritten without that white space (the other parts as they were); any other file as it is.
    Runs after the size guard, so content.xml is within its limits."""
    if kind != "ods" or archive is None:
        return raw
    info = next((i for i in archive.infolist() if part_key(i.filename) == "content.xml"), None)
    if info is None:
        return raw
    content = _without_layout_space(b"".join(chunks(archive, info)))
    if content is None:
        return raw
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in archive.infolist():
            data = content if item is info else b"".join(chunks(archive, item))
            method = zipfile.ZIP_STORED if item.filename == "mimetype" else zipfile.ZIP_DEFLATED
            out.writestr(zipfile.ZipInfo(item.filename, item.date_time), data, compress_type=method, compresslevel=1)
    return buffer.getvalue()
