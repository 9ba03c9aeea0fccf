"""The tables of the form's sheets: the header row found among the first rows whatever the order
of its columns, the body read row by row or column by column, total rows told apart from data
and checked against the sums, and the problems of a column told in row order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vanhoa.form import spec
from vanhoa.form.cells import cell_ref, is_empty, parse_whole
from vanhoa.form.problems import ERROR, NO_VALUE, Collector, formula_problem
from vanhoa.form.refusals import CellError
from vanhoa.formats import fmt_int
from vanhoa.text import header_keys, match_key


@dataclass
class Table:
    header_row: int
    columns: dict[str, int]  # field -> 0-based column


def find_table(grid: list[list], columns: tuple[spec.Column, ...], sheet: str, out: Collector) -> Table | None:
    """Locate the header row in the first 20 rows; every required column must be there."""
    wanted: dict[str, str] = {}
    for column in columns:
        for key in header_keys(column.header):
            wanted.setdefault(key, column.field)
    best_row, best_found = -1, {}
    for row_index, row in enumerate(grid[: spec.HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for col_index, value in enumerate(row):
            if not isinstance(value, str):
                continue
            for key in header_keys(value):
                field_name = wanted.get(key)
                if field_name and field_name not in found:
                    found[field_name] = col_index
                    break
        if len(found) > len(best_found):
            best_row, best_found = row_index, found
    if not best_found:
        names = ", ".join(f"'{c.header}'" for c in columns if c.required)
        out.error(sheet, "", NO_VALUE,
                  f"không tìm thấy dòng tiêu đề của bảng trong {spec.HEADER_SEARCH_ROWS} dòng đầu "
                  f"(cần các cột {names}).")
        return None
    width = len(grid[best_row])
    span = f"A{best_row + 1}:{cell_ref(best_row, max(width - 1, 0))}"
    missing = [c.header for c in columns if c.required and c.field not in best_found]
    for header in missing:
        out.error(sheet, span, NO_VALUE, f"thiếu cột bắt buộc '{header}' ở dòng tiêu đề (dòng {best_row + 1}).")
    known_cols = set(best_found.values())
    for col_index, value in enumerate(grid[best_row]):
        if col_index not in known_cols and not is_empty(value):
            out.warning(sheet, cell_ref(best_row, col_index), value,
                        "cột không có trong biểu mẫu, dữ liệu của cột này bị bỏ qua.")
    if missing:
        return None
    return Table(best_row, best_found)


def is_total_row(row: list, cols: list[int]) -> bool:
    """The first non-empty text cell starts with "Tổng"/"Cộng" (numbers before it are skipped,
    because with shuffled columns a total row may begin with its sums). `cols` is sorted."""
    for col in cols:
        value = row[col] if col < len(row) else None
        if type(value) is not str or is_empty(value) or parse_whole(value, maximum=None)[0] is not None:
            continue
        head = value.lstrip()[:1]
        if head not in "TtCc" or len(value) > 40:  # cheap test first: most rows are data
            return False
        return bool(TOTAL_RE.match(match_key(value)))
    return False


# "Tổng", "Cộng", "Tổng cộng", "Tổng số", "Tổng toàn đơn vị" - but not "Cộng tác viên" or "Tổng kết…"
TOTAL_RE = re.compile(r"^(tổng|cộng)( (cộng|số|chung|toàn( \w+){1,2}))?$")


def rows(grid: list[list], table: Table):
    """(row index, row, is_total) for every non-blank row below the header."""
    cols = sorted(table.columns.values())
    for row_index in range(table.header_row + 1, len(grid)):
        row = grid[row_index]
        if all(is_empty(row[c]) if c < len(row) else True for c in cols):
            continue
        yield row_index, row, is_total_row(row, cols)


def cell(row: list, table: Table, field_name: str):
    col = table.columns.get(field_name)
    if col is None or col >= len(row):
        return None
    return row[col]


def check_total(sheet: str, table: Table, total_rows: list[tuple[int, list]], sums: dict[str, int],
                 columns: tuple[spec.Column, ...], out: Collector) -> None:
    for row_index, row in total_rows:
        for column in columns:
            if column.kind not in ("count", "money") or column.field not in table.columns:
                continue
            value, problem = parse_whole(cell(row, table, column.field), maximum=None)
            if value is not None and problem is None and value != sums.get(column.field, 0):
                out.warning(sheet, cell_ref(row_index, table.columns[column.field]), value,
                            f"dòng tổng ghi {fmt_int(value)} nhưng cộng các dòng '{column.header}' được "
                            f"{fmt_int(sums.get(column.field, 0))}; dòng tổng không được lưu.")



def body_columns(grid: list[list], table: Table, fields) -> dict[str, list]:
    """field -> its column's values below the header row (None where a row is too short, a whole
    column of None for a column the table lacks)."""
    body = grid[table.header_row + 1:]
    columns = {}
    rectangular = bool(body) and min(map(len, body)) > max(table.columns.values())  # as calamine gives them
    for field_name in fields:
        col = table.columns.get(field_name)
        if col is None:
            columns[field_name] = [None] * len(body)
        elif rectangular:
            columns[field_name] = [row[col] for row in body]
        else:
            columns[field_name] = [row[col] if col < len(row) else None for row in body]
    return columns


def column_rows(columns: dict[str, list], table: Table, filled_somewhere: list[int]) -> tuple[list[int], list[int]]:
    """(data rows, total rows) below the header, as indices into the columns, like `rows`: a row
    whose cells in the table's columns are all empty is skipped, a total row is told apart by
    `is_total_row`'s rule, checked column by column. `filled_somewhere`: the rows known to hold
    something (the others are checked here)."""
    found = [field_name for field_name, _ in sorted(table.columns.items(), key=lambda item: item[1])]
    count = len(columns[found[0]])
    known = set(filled_somewhere)
    maybe_blank = [index for index in range(count) if index not in known] if len(known) < count else []
    for field_name in found:
        values = columns[field_name]
        maybe_blank = [index for index in maybe_blank if is_empty(values[index])]
    if maybe_blank:
        blank = set(maybe_blank)
        filled = [index for index in range(count) if index not in blank]
    else:
        filled = list(range(count))
    totals: set[int] = set()
    undecided = filled
    for field_name in found:  # the first text cell that is not a number decides, as in is_total_row
        if not undecided:
            break
        values = columns[field_name]
        texts = [index for index in undecided if type(values[index]) is str]
        if not texts:
            continue
        # Text that starts with a letter other than T, C is not a number and cannot start a total:
        # its row is a data row. The other texts are looked at as is_total_row does.
        others = [index for index in texts if not ((head := values[index][:1]).isalpha() and head not in "TtCc")]
        still = [index for index in undecided if type(values[index]) is not str] if len(texts) < len(undecided) else []
        for index in others:
            value = values[index]
            if is_empty(value) or parse_whole(value, maximum=None)[0] is not None:
                still.append(index)
            elif value.lstrip()[:1] in "TtCc" and len(value) <= 40 and TOTAL_RE.match(match_key(value)):
                totals.add(index)
        undecided = still
    if not totals:
        return filled, []
    return [index for index in filled if index not in totals], sorted(totals)


class RowProblems:
    """Problems found column by column, told in the order a row-by-row reading meets them: by row,
    then by `order` (the column's place in that reading)."""

    def __init__(self, name: str, table: Table, raw: dict[str, list], rows: list[int]) -> None:
        self.name, self.table, self.raw = name, table, raw
        self.first = table.header_row + 1  # grid row of index 0
        self.rows = rows
        self.data = set(rows) if len(rows) != len(next(iter(raw.values()))) else None  # None: every row
        self.found: list[tuple] = []

    def add(self, indices, order: int, field_name: str, message, severity: str = ERROR) -> None:
        """One problem per index that is a data row; `message` is a text or a function of the index."""
        values = self.raw[field_name]
        for index in indices:
            if self.data is None or index in self.data:
                text = message if isinstance(message, str) else message(index)
                cell = cell_ref(self.first + index, self.table.columns[field_name])
                self.found.append((index, order, cell, values[index], text, severity))

    def tell(self, out: Collector) -> None:
        self.found.sort(key=lambda item: item[:2])
        for _, _, cell, value, message, severity in self.found:
            (out.error if severity == ERROR else out.warning)(self.name, cell, value, message)

    def pick(self, values: list, rows: list[int]) -> list:
        return values if self.data is None else [values[index] for index in rows]

    def keep(self, target: dict[str, list], values: dict[str, list]) -> dict[str, list]:
        """Append each field's values of the data rows to the return's column of that field; the
        values kept, by field."""
        kept = {field_name: self.pick(column, self.rows) for field_name, column in values.items()}
        for field_name, column in kept.items():
            target[field_name].extend(column)
        return kept

    def check_totals(self, grid: list[list], total_rows: list[int], kept: dict[str, list], numbers: tuple[str, ...],
                     columns: tuple[spec.Column, ...], out: Collector) -> None:
        """The total rows (indices below the header) against the sums of the kept `numbers`."""
        sums = {f: sum(n for n in kept[f] if n is not None) for f in numbers}
        check_total(self.name, self.table, [(self.first + index, grid[self.first + index]) for index in total_rows],
                    sums, columns, out)


def nones(values: list) -> list[int]:
    return [index for index, value in enumerate(values) if value is None]



def add_formula_problems(problems: RowProblems, columns: tuple[spec.Column, ...], fields: tuple[str, ...]) -> None:
    """Error cells in the text columns, after every other problem of their row."""
    headers = spec.headers(columns)
    for order, field_name in enumerate(fields, start=10):
        values = problems.raw[field_name]
        indices = [index for index, value in enumerate(values) if isinstance(value, CellError)]
        if indices:
            problems.add(indices, order, field_name,
                         lambda index, f=field_name: formula_problem(headers[f], problems.raw[f][index]))
