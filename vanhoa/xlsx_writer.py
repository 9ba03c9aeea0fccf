"""A small XLSX writer of our own, on the standard library's zipfile: the OOXML parts that a
table needs (shared strings, number formats, one header style, widths, a frozen header row, a
filter) and nothing else.

Why not xlsxwriter: its public API takes one call per cell (about 6 µs each, 13 s for a
province's 99,000 activities × 11 columns). Here a caller gives each *distinct* value of a
column once (`Book.string`, `Book.number`, `Book.boolean` return the cell's XML after its
reference) and the sheet's rows are joined from those pieces, a chunk of rows at a time.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from itertools import chain

from vanhoa.form.cells import column_letters as column_name  # 0 -> A, 26 -> AA

EXCEL_ROWS = 1_048_576  # rows of a sheet, the header's included: Excel holds no more
EXCEL_TEXT = 32_767  # characters (UTF-16 code units) of a cell's text
SHEET_NAME = 31  # characters of a sheet's name
COMPRESSION = 3  # deflate level; 198,600 activities: 1: 1,5 s 11,7 MB; 3: 1,7 s 10,0 MB; 6: 2,6 s 8,6 MB
CHUNK_ROWS = 20_000  # rows joined into one piece of XML before it is compressed

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Excel's own escape, _xHHHH_, for what XML 1.0 cannot hold (and "\r", which an XML reader
# turns into "\n"); a literal "_x000D_" in the text gets its "_" escaped so it stays literal.
_EXCEL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
# Number formats Excel knows by number: written by number, not declared in styles.xml.
_BUILTIN_FORMATS = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}


def xml_text(text: str) -> str:
    """Text as an XML text or attribute value, with Excel's escapes and its length limit."""
    if len(text) > EXCEL_TEXT // 2 and len(text.encode("utf-16-le", "surrogatepass")) > 2 * EXCEL_TEXT:
        text = text.encode("utf-16-le", "surrogatepass")[: 2 * EXCEL_TEXT].decode("utf-16-le", "ignore")
    if _EXCEL_ESCAPE.search(text):
        text = _EXCEL_ESCAPE.sub(lambda m: "_x005F_" if m[0] == "_" else f"_x{ord(m[0]):04X}_", text)
    return text.translate(_XML_ESCAPE)


def number_text(value: int | float) -> str:
    """A number as <v> holds it: whole numbers without '.0', others with the digits that give the
    same float back; Excel keeps doubles, so an integer beyond 2**53 is the nearest double."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"Excel has no cell for the number {value}")
    number = float(value)
    if number.is_integer() and abs(number) < 2**53:
        return str(int(number))
    return repr(number)


class Sheet:
    """One sheet's parts: the header row's cells, the columns' cells and the widths."""

    def __init__(self, name: str, headers: Sequence[str], widths: Sequence[int]) -> None:
        self.name, self.headers, self.widths = name, list(headers), list(widths)
        self.columns: list[Sequence[str]] = []  # each row's cell XML after its reference, "" when empty
        self.rows = 0

    def cells(self, heads: Sequence[str]) -> Iterator[str]:
        """The <row> elements of the data rows (Excel's rows 2 ..), CHUNK_ROWS at a time; a row
        without a cell is left out."""
        columns = list(zip(heads, self.columns, strict=True))
        for start in range(0, self.rows, CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, self.rows)
            numbers = [str(row) for row in range(start + 2, stop + 2)]
            pieces = [[head + number + tail if tail else ""
                       for number, tail in zip(numbers, cells[start:stop], strict=True)] for head, cells in columns]
            opens = [f'<row r="{number}">' for number in numbers]
            closes = ["</row>"] * len(numbers)
            for row, filled in enumerate(zip(*pieces, strict=True)):
                if not any(filled):
                    opens[row] = closes[row] = ""
            yield "".join(chain.from_iterable(zip(opens, *pieces, closes, strict=True)))

    def last_row(self) -> int:
        """Excel's number of the last row holding a cell (1: the header's)."""
        for row in range(self.rows - 1, -1, -1):
            if any(cells[row] for cells in self.columns):
                return row + 2
        return 1


class Book:
    """A workbook being made: its shared strings, its cell formats, its sheets."""

    def __init__(self) -> None:
        self.strings: dict[str, int] = {}
        self.formats: dict[str, int] = {}  # number format code -> index of its cell format (2 ..)
        self.sheets: list[Sheet] = []

    def string(self, text: str, style: int = 0) -> str:
        """A text cell (a shared string), after its reference; text is never a formula."""
        index = self.strings.setdefault(text, len(self.strings))
        return f'"{_style(style)} t="s"><v>{index}</v></c>'

    def number(self, value: int | float, number_format: str | None = None) -> str:
        return f'"{_style(self.style(number_format))}><v>{number_text(value)}</v></c>'

    def boolean(self, value: bool) -> str:
        return f'" t="b"><v>{int(value)}</v></c>'

    def style(self, number_format: str | None) -> int:
        """The cell format of a number format code (0: General, 1: the header's); a format is
        added the first time a cell needs it, so a file holds only the formats it uses."""
        if number_format is None:
            return 0
        return self.formats.setdefault(number_format, len(self.formats) + 2)

    def add_sheet(self, name: str, headers: Sequence[str], widths: Sequence[int]) -> Sheet:
        name = name[:SHEET_NAME]
        if not name or _BAD_SHEET_NAME.search(name) or name.startswith("'") or name.endswith("'"):
            raise ValueError(f"Excel has no sheet named {name!r}")
        if name.casefold() in (sheet.name.casefold() for sheet in self.sheets):
            raise ValueError(f"two sheets named {name!r}")
        sheet = Sheet(name, headers, widths)
        self.sheets.append(sheet)
        return sheet

    def to_bytes(self) -> bytes:
        if not self.sheets:
            self.add_sheet("Sheet1", [], [])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as archive:
            archive.writestr("[Content_Types].xml", _content_types(len(self.sheets)))
            archive.writestr("_rels/.rels", _relationships([("officeDocument", "xl/workbook.xml")]))
            archive.writestr("xl/workbook.xml", _workbook(self.sheets))
            archive.writestr("xl/_rels/workbook.xml.rels", _relationships(
                [("worksheet", f"worksheets/sheet{n}.xml") for n in range(1, len(self.sheets) + 1)]
                + [("styles", "styles.xml"), ("sharedStrings", "sharedStrings.xml")]))
            for number, sheet in enumerate(self.sheets, start=1):
                with archive.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as part:
                    for piece in _worksheet(self, sheet, number == 1):
                        part.write(piece.encode("utf-8"))
            archive.writestr("xl/styles.xml", _styles(self.formats))
            archive.writestr("xl/sharedStrings.xml", _shared_strings(self.strings))
        return buffer.getvalue()


def _style(index: int) -> str:
    return f' s="{index}"' if index else ""


# ---------------------------------------------------------------- the parts


def _content_types(sheets: int) -> str:
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml."
    parts = [("/xl/workbook.xml", "sheet.main+xml"), ("/xl/styles.xml", "styles+xml"),
             ("/xl/sharedStrings.xml", "sharedStrings+xml")]
    parts += [(f"/xl/worksheets/sheet{n}.xml", "worksheet+xml") for n in range(1, sheets + 1)]
    return (_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{part}" ContentType="{kind}{end}"/>' for part, end in parts)
            + "</Types>")


def _relationships(targets: list[tuple[str, str]]) -> str:
    return (_HEAD + f'<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{n}" Type="{_REL}/{kind}" Target="{target}"/>'
                      for n, (kind, target) in enumerate(targets, start=1))
            + "</Relationships>")


def _workbook(sheets: list[Sheet]) -> str:
    """The sheets, and for each filter Excel's hidden name of its range (Excel sorts by it)."""
    names = "".join(f'<sheet name="{xml_text(sheet.name)}" sheetId="{n}" r:id="rId{n}"/>'
                    for n, sheet in enumerate(sheets, start=1))
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        f"{xml_text(_quoted(sheet.name))}!{_filter_ref(sheet, absolute=True)}</definedName>"
        for n, sheet in enumerate(sheets) if sheet.headers)
    return (_HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{names}</sheets>" + (f"<definedNames>{filters}</definedNames>" if filters else "")
            + "</workbook>")


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _filter_ref(sheet: Sheet, absolute: bool = False) -> str:
    """The header and the rows below it (at least one, as xlsxwriter wrote an empty table's)."""
    mark = "$" if absolute else ""
    last = column_name(len(sheet.headers) - 1)
    return f"{mark}A{mark}1:{mark}{last}{mark}{max(sheet.rows, 1) + 1}"


def _worksheet(book: Book, sheet: Sheet, selected: bool) -> Iterator[str]:
    heads = ['<c r="' + column_name(col) for col in range(len(sheet.headers))]
    dimension = f"A1:{column_name(len(heads) - 1)}{sheet.last_row()}" if heads else "A1"
    tab = ' tabSelected="1"' if selected else ""
    yield (_HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><dimension ref="{dimension}"/>'
           f'<sheetViews><sheetView{tab} workbookViewId="0">'
           '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
           '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/>' + _cols(sheet.widths) + "<sheetData>")
    if heads:
        yield '<row r="1">' + "".join(head + "1" + book.string(title, 1)
                                      for head, title in zip(heads, sheet.headers, strict=True)) + "</row>"
    yield from sheet.cells(heads)
    yield "</sheetData>" + (f'<autoFilter ref="{_filter_ref(sheet)}"/>' if heads else "")
    yield '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'


def _cols(widths: Sequence[int]) -> str:
    """Each column's width in characters, with Excel's padding of 5 pixels of a 7-pixel digit
    (in 1/256 of a character, as Excel stores it); adjacent equal widths share one <col>."""
    runs: list[list[int]] = []  # [first, last, width], 1-based
    for col, width in enumerate(widths, start=1):
        if runs and runs[-1][2] == width and runs[-1][1] == col - 1:
            runs[-1][1] = col
        else:
            runs.append([col, col, width])
    cols = "".join(f'<col min="{first}" max="{last}" width="{int((width * 7 + 5) / 7 * 256) / 256}" customWidth="1"/>'
                   for first, last, width in runs)
    return f"<cols>{cols}</cols>" if cols else ""


def _styles(formats: dict[str, int]) -> str:
    """Fonts (plain, bold), fills (none, Excel's gray125, the header's blue), borders (none,
    thin), then the cell formats: General, the header's, and one per number format used."""
    custom = [(164 + n, code) for n, code in enumerate(code for code in formats if code not in _BUILTIN_FORMATS)]
    ids = {**{code: i for i, code in custom}, **_BUILTIN_FORMATS}
    num_fmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{xml_text(code)}"/>' for i, code in custom)
    font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
    thin = "".join(f'<{side} style="thin"><color auto="1"/></{side}>' for side in ("left", "right", "top", "bottom"))
    xfs = ('<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
           'applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>'
           + "".join(f'<xf numFmtId="{ids[code]}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                     for code in formats))
    return (_HEAD + f'<styleSheet xmlns="{_MAIN}">'
            + (f'<numFmts count="{len(custom)}">{num_fmts}</numFmts>' if custom else "")
            + f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
            '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
            '</fill><fill><patternFill patternType="solid"><fgColor rgb="FFE8EEF7"/><bgColor indexed="64"/>'
            '</patternFill></fill></fills>'
            f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
            f"<border>{thin}<diagonal/></border></borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(formats) + 2}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _shared_strings(strings: dict[str, int]) -> str:
    """Each distinct text once, in the order of its index; a text with a space at either end
    keeps it (xml:space)."""
    items = "".join(f'<si><t xml:space="preserve">{xml_text(text)}</t></si>' if text != text.strip()
                    else f"<si><t>{xml_text(text)}</t></si>" for text in strings)
    return _HEAD + f'<sst xmlns="{_MAIN}" uniqueCount="{len(strings)}">{items}</sst>'
