"""The size guard of an .ods: content.xml's rows x columns of the cells that hold a value or a
formula, repeats included (LibreOffice repeats *empty* trailing rows and columns up to the sheet's
end in every file; those are not data and are not counted), streamed through expat.
"""

from __future__ import annotations

from vanhoa.form.parts import ExpatFeeder
from vanhoa.form.refusals import MAX_SHEET_CELLS, MAX_SHEET_ROWS, WorkbookRejected
from vanhoa.formats import fmt_int

# Attributes that make an .ods cell hold something calamine stores (value, text or formula).
_ODS_FILLED = frozenset({"value", "string-value", "date-value", "time-value", "boolean-value", "formula",
                         "value-type"})


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


class OdsScan(ExpatFeeder):
    """content.xml of an .ods: per table, rows x columns of the cells calamine materialises.

    calamine expands a cell's `number-columns-repeated` and a row's `number-rows-repeated` only up
    to the last cell (row) that holds a value or a formula; trailing empty repeats cost nothing.
    Elements and attributes are recognised by their local name, whatever their prefix."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.tables: list[_OdsTable] = [_OdsTable("?")]  # rows outside any table count too
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
                f"Tệp bị từ chối: trang '{table.name}' có dữ liệu kéo tới dòng {fmt_int(rows)} "
                "(kể cả các dòng lặp lại), "
                f"vượt giới hạn {fmt_int(MAX_SHEET_ROWS)} dòng của biểu mẫu.")
        if rows * cols > MAX_SHEET_CELLS:
            raise WorkbookRejected(
                f"Tệp bị từ chối: trang '{table.name}' có dữ liệu trải trên {fmt_int(rows)} dòng × "
                f"{fmt_int(cols)} cột = {fmt_int(rows * cols)} ô (kể cả các ô lặp lại), vượt giới hạn "
                f"{fmt_int(MAX_SHEET_CELLS)} ô của biểu mẫu.")
