"""Grids of cells -> a Return, or every Problem of the file at once.

The rules are those of ../shared/spec/return-form.md. An error (lỗi) blocks storing; a warning
(cảnh báo) is stored with the return. Each problem names the sheet, the cell, the value found
and the rule, in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from vanhoa.form import spec
from vanhoa.form.cells import (
    cell_ref,
    is_empty,
    parse_codes,
    parse_date,
    parse_dates,
    parse_text,
    parse_texts,
    parse_whole,
    parse_wholes,
    parse_yesno,
    show,
)
from vanhoa.form.read import CellError, Workbook
from vanhoa.reference import Reference
from vanhoa.text import clean_text, header_keys, match_key

ERROR = "lỗi"
WARNING = "cảnh báo"


@dataclass(frozen=True)
class Problem:
    sheet: str
    cell: str
    value: str
    message: str
    severity: str = ERROR

    @property
    def where(self) -> str:
        if not self.cell:
            return self.sheet
        return f"{self.sheet}!{self.cell}" if self.sheet else self.cell

    def line(self) -> str:
        value = f" (giá trị: {self.value})" if self.value else ""
        where = f" {self.where}" if self.where else ""
        return f"{self.severity.capitalize()}{where}{value}: {self.message}"

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "cell": self.cell, "value": self.value,
                "message": self.message, "severity": self.severity}


@dataclass
class StaffRow:
    group: str  # CBCC | VC | LDHD
    total: int
    ethics: int
    culture: int
    families: int
    cultural_families: int


@dataclass
class Return:
    unit_code: str
    period_code: str
    prepared_by: str | None = None
    prepared_on: dt.date | None = None
    phone: str | None = None
    email: str | None = None
    form_version: int = spec.FORM_VERSION
    unit_cell: str = ""  # where the file names its unit ("B7"), for messages about it
    staff: list[StaffRow] = field(default_factory=list)
    criteria: dict[str, tuple[bool, str | None]] = field(default_factory=dict)
    # Column-wise lists: 50,000 activity rows go to the store as one DataFrame.
    activities: dict[str, list] = field(default_factory=lambda: {c.field: [] for c in spec.ACTIVITY_COLUMNS})
    events: dict[str, list] = field(default_factory=lambda: {c.field: [] for c in spec.EVENT_COLUMNS})
    new_events: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def meets_standard(self) -> bool:
        return all(self.criteria.get(code, (False, None))[0] for code in spec.STANDARD_CRITERIA)


@dataclass
class Outcome:
    ret: Return | None  # only when there is no error
    problems: list[Problem]
    draft: Return | None = None  # what could be read even with errors: unit and period for the archive

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return self.ret is not None and not self.errors


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, sheet: str, cell: str, value: object, message: str) -> None:
        self.problems.append(Problem(sheet, cell, show(value) if value is not _NO_VALUE else "", message, ERROR))

    def warning(self, sheet: str, cell: str, value: object, message: str) -> None:
        self.problems.append(Problem(sheet, cell, show(value) if value is not _NO_VALUE else "", message, WARNING))


_NO_VALUE = object()


def _vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


# ---------------------------------------------------------------- tables


@dataclass
class _Table:
    header_row: int
    columns: dict[str, int]  # field -> 0-based column


def _find_table(grid: list[list], columns: tuple[spec.Column, ...], sheet: str, out: _Collector) -> _Table | None:
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
        out.error(sheet, "", _NO_VALUE,
                  f"không tìm thấy dòng tiêu đề của bảng trong {spec.HEADER_SEARCH_ROWS} dòng đầu (cần các cột {names}).")
        return None
    width = len(grid[best_row])
    span = f"A{best_row + 1}:{cell_ref(best_row, max(width - 1, 0))}"
    missing = [c.header for c in columns if c.required and c.field not in best_found]
    for header in missing:
        out.error(sheet, span, _NO_VALUE, f"thiếu cột bắt buộc '{header}' ở dòng tiêu đề (dòng {best_row + 1}).")
    known_cols = set(best_found.values())
    for col_index, value in enumerate(grid[best_row]):
        if col_index not in known_cols and not is_empty(value):
            out.warning(sheet, cell_ref(best_row, col_index), value,
                        "cột không có trong biểu mẫu, dữ liệu của cột này bị bỏ qua.")
    if missing:
        return None
    return _Table(best_row, best_found)


def _is_total_row(row: list, cols: list[int]) -> bool:
    """The first non-empty text cell starts with "Tổng"/"Cộng" (numbers before it are skipped,
    because with shuffled columns a total row may begin with its sums). `cols` is sorted."""
    for col in cols:
        value = row[col] if col < len(row) else None
        if type(value) is not str or is_empty(value) or parse_whole(value, maximum=None)[0] is not None:
            continue
        head = value.lstrip()[:1]
        if head not in "TtCc" or len(value) > 40:  # cheap test first: most rows are data
            return False
        return bool(_TOTAL_RE.match(match_key(value)))
    return False


# "Tổng", "Cộng", "Tổng cộng", "Tổng số", "Tổng toàn đơn vị" - but not "Cộng tác viên" or "Tổng kết…"
_TOTAL_RE = re.compile(r"^(tổng|cộng)( (cộng|số|chung|toàn( \w+){1,2}))?$")


def _rows(grid: list[list], table: _Table):
    """(row index, row, is_total) for every non-blank row below the header."""
    cols = sorted(table.columns.values())
    for row_index in range(table.header_row + 1, len(grid)):
        row = grid[row_index]
        if all(is_empty(row[c]) if c < len(row) else True for c in cols):
            continue
        yield row_index, row, _is_total_row(row, cols)


def _cell(row: list, table: _Table, field_name: str):
    col = table.columns.get(field_name)
    if col is None or col >= len(row):
        return None
    return row[col]


def _check_total(sheet: str, table: _Table, total_rows: list[tuple[int, list]], sums: dict[str, int],
                 columns: tuple[spec.Column, ...], out: _Collector) -> None:
    for row_index, row in total_rows:
        for column in columns:
            if column.kind not in ("count", "money") or column.field not in table.columns:
                continue
            value, problem = parse_whole(_cell(row, table, column.field), maximum=None)
            if value is not None and problem is None and value != sums.get(column.field, 0):
                out.warning(sheet, cell_ref(row_index, table.columns[column.field]), value,
                            f"dòng tổng ghi {_vn(value)} nhưng cộng các dòng '{column.header}' được "
                            f"{_vn(sums.get(column.field, 0))}; dòng tổng không được lưu.")


# ---------------------------------------------------------------- sheets


def _read_info(name: str, grid: list[list], ref: Reference, out: _Collector) -> dict:
    labels = {}
    for field_name, label in spec.INFO_LABELS.items():
        for key in header_keys(label):
            labels[key] = field_name
    found: dict[str, tuple[object, str]] = {}
    for row_index, row in enumerate(grid):
        for col_index, value in enumerate(row):
            if is_empty(value):
                continue
            field_name = next((labels[k] for k in header_keys(value) if k in labels), None) if isinstance(value, str) else None
            if field_name and field_name not in found:
                # The value is the cell right of the label (column B in the form); a note
                # further right is never taken for the value.
                answer = row[col_index + 1] if col_index + 1 < len(row) else None
                found[field_name] = (answer, cell_ref(row_index, col_index + 1))
            break  # only the first non-empty cell of a row is a label
    info: dict = {}

    unit_value, unit_cell = found.get("unit", (None, "B1"))
    info["unit_cell"] = unit_cell
    if is_empty(unit_value):
        out.error(name, unit_cell, unit_value, "thiếu 'Đơn vị': ghi tên đơn vị báo cáo.")
    else:
        code = ref.unit_code(str(unit_value))
        if code is None:
            close = ref.closest_units(str(unit_value))
            hint = f" Có phải: {'; '.join(close)}?" if close else ""
            out.error(name, unit_cell, unit_value, f"đơn vị không có trong danh sách đơn vị của Văn phòng.{hint}")
        info["unit_code"] = code

    period_value, period_cell = found.get("period", (None, "B2"))
    if is_empty(period_value):
        out.error(name, period_cell, period_value,
                  "thiếu 'Kỳ báo cáo': ghi '6 tháng đầu năm 2022' hoặc 'Năm 2022'.")
    else:
        code = parse_period(period_value)
        if code is None or code not in ref.periods:
            out.error(name, period_cell, period_value,
                      "kỳ báo cáo phải là '6 tháng đầu năm YYYY' hoặc 'Năm YYYY' (YYYY từ 2022 đến 2030), "
                      "hoặc mã '2022-H1', '2022-Y'.")
            code = None
        info["period_code"] = code

    for field_name, label in (("prepared_by", "Người lập"), ("phone", "Điện thoại"), ("email", "Email")):
        value, where = found.get(field_name, (None, ""))
        if problem := formula_problem(label, value):
            out.error(name, where, value, problem)
        info[field_name] = parse_text(value)

    value, where = found.get("prepared_on", (None, ""))
    prepared_on, problem = parse_date(value)
    if problem:
        out.error(name, where, value, f"'Ngày lập' {problem}.")
    info["prepared_on"] = prepared_on

    value, where = found.get("form_version", (None, ""))
    version, problem = parse_whole(value)
    if problem:
        out.error(name, where, value, "'Phiên bản biểu mẫu' phải là số (phiên bản hiện hành: 1).")
    elif version is not None and version < 1:
        out.error(name, where, value, "'Phiên bản biểu mẫu' phải là 1 (phiên bản hiện hành).")
    elif version is not None and version > spec.FORM_VERSION:
        out.error(name, where, value,
                  f"biểu mẫu phiên bản {version} mới hơn phiên bản ứng dụng hỗ trợ ({spec.FORM_VERSION}); "
                  "hãy tải biểu mẫu mới nhất từ ứng dụng.")
    info["form_version"] = version or spec.FORM_VERSION
    return info


_PERIOD_H1_RE = re.compile(r"^6 tháng (?:đầu )?năm (\d{4})$")
_PERIOD_Y_RE = re.compile(r"^(?:cả )?năm (\d{4})$")
_PERIOD_CODE_RE = re.compile(r"^(\d{4})\s*-\s*(h1|y)$")


def parse_period(value: object) -> str | None:
    """'6 tháng đầu năm 2022' | 'Năm 2022' | '2022-H1' | '2022-Y' -> period code."""
    text = clean_text(str(value)).casefold()
    found = _PERIOD_CODE_RE.match(text)
    if found:
        return f"{found.group(1)}-{found.group(2).upper()}"
    key = match_key(value)
    found = _PERIOD_H1_RE.match(key)
    if found:
        return f"{found.group(1)}-H1"
    found = _PERIOD_Y_RE.match(key)
    if found:
        return f"{found.group(1)}-Y"
    return None


_GROUP_KEYS = {}
for _code, _name, _aliases in spec.STAFF_GROUPS:
    for _alias in (_name, *_aliases):
        _GROUP_KEYS[match_key(_alias)] = _code
_GROUP_NAMES = {code: name for code, name, _ in spec.STAFF_GROUPS}
_STAFF_HEADERS = {c.field: c.header for c in spec.STAFF_COLUMNS}


def _read_staff(name: str, grid: list[list], out: _Collector) -> list[StaffRow]:
    table = _find_table(grid, spec.STAFF_COLUMNS, name, out)
    if table is None:
        return []
    rows: dict[str, StaffRow] = {}
    seen_at: dict[str, str] = {}
    totals: list[tuple[int, list]] = []
    sums: dict[str, int] = {}
    numeric = [c for c in spec.STAFF_COLUMNS if c.kind == "count"]
    for row_index, row, is_total in _rows(grid, table):
        if is_total:
            totals.append((row_index, row))
            continue
        group_value = _cell(row, table, "group")
        group_cell = cell_ref(row_index, table.columns["group"])
        group = _GROUP_KEYS.get(match_key(group_value)) if not is_empty(group_value) else None
        if is_empty(group_value):
            out.error(name, group_cell, group_value,
                      "thiếu 'Nhóm': ghi một trong 'Cán bộ, công chức', 'Viên chức', 'Lao động hợp đồng'.")
        elif group is None:
            out.error(name, group_cell, group_value,
                      "nhóm không hợp lệ: chỉ nhận 'Cán bộ, công chức', 'Viên chức', 'Lao động hợp đồng' "
                      "(hoặc CBCC, VC, LĐHĐ).")
        elif group in seen_at:
            out.error(name, group_cell, group_value,
                      f"nhóm '{_GROUP_NAMES[group]}' đã khai ở ô {seen_at[group]}; mỗi nhóm chỉ khai một dòng.")
            group = None
        values: dict[str, int] = {}
        valid = True
        for column in numeric:
            value = _cell(row, table, column.field)
            number, problem = parse_whole(value)
            if problem:
                out.error(name, cell_ref(row_index, table.columns[column.field]), value, f"'{column.header}' {problem}.")
                valid = False
            values[column.field] = number or 0
        if valid:
            for column in numeric[1:4]:  # ethics, culture, families <= total
                if values[column.field] > values["total"]:
                    out.error(name, cell_ref(row_index, table.columns[column.field]), values[column.field],
                              f"'{column.header}' ({_vn(values[column.field])}) không được lớn hơn "
                              f"'Tổng số' ({_vn(values['total'])}).")
            if values["cultural_families"] > values["families"]:
                out.error(name, cell_ref(row_index, table.columns["cultural_families"]), values["cultural_families"],
                          f"'Gia đình văn hóa' ({_vn(values['cultural_families'])}) không được lớn hơn "
                          f"'Số gia đình' ({_vn(values['families'])}).")
        for key, number in values.items():
            sums[key] = sums.get(key, 0) + number
        if group is not None:
            seen_at[group] = group_cell
            rows[group] = StaffRow(group=group, **values)
    _check_total(name, table, totals, sums, spec.STAFF_COLUMNS, out)
    # A group the clerk left out counts as zero staff (the spec), stored so totals add up.
    return [rows.get(code) or StaffRow(code, 0, 0, 0, 0, 0) for code, _, _ in spec.STAFF_GROUPS]


_CRITERIA_KEYS = {match_key(text): code for code, text in spec.CRITERIA}
_LEADING_NUMBER_RE = re.compile(r"^\s*(?:[0-9]+|[a-dđ]|[ivx]+)\s*[.)/-]\s*|^\s*[-–•+]\s*", re.IGNORECASE)


def _criterion_code(value: object) -> str | None:
    key = match_key(_LEADING_NUMBER_RE.sub("", clean_text(str(value))))
    if key in _CRITERIA_KEYS:
        return _CRITERIA_KEYS[key]
    # The plan words criterion 3 a little differently ("chủ trương, đường lối của Đảng").
    best = difflib.get_close_matches(key, list(_CRITERIA_KEYS), n=1, cutoff=0.85)
    return _CRITERIA_KEYS[best[0]] if best else None


def _read_standard(name: str, grid: list[list], out: _Collector) -> dict[str, tuple[bool, str | None]]:
    probe = _Collector()
    table = _find_table(grid, spec.STANDARD_COLUMNS, name, probe)
    if table is None:
        # Without a header row the spec's fixed columns apply: A criterion, B Đạt, C Ghi chú.
        table = _Table(-1, {"criterion": 0, "met": 1, "note": 2})
    else:
        out.problems.extend(probe.problems)
    criteria: dict[str, tuple[bool, str | None]] = {}
    for row_index, row, _ in _rows(grid, table):
        value = _cell(row, table, "criterion")
        if is_empty(value):
            continue
        code = _criterion_code(value)
        if code is None:
            if table.header_row >= 0:
                out.warning(name, cell_ref(row_index, table.columns["criterion"]), value,
                            "dòng không phải tiêu chuẩn của biểu mẫu, bị bỏ qua.")
            continue
        met_cell = cell_ref(row_index, table.columns["met"])
        if code in criteria:
            out.error(name, met_cell, _NO_VALUE, "tiêu chuẩn này đã khai ở dòng trên; mỗi tiêu chuẩn chỉ khai một lần.")
            continue
        met, problem = parse_yesno(_cell(row, table, "met"))
        if problem:
            out.error(name, met_cell, _cell(row, table, "met"), f"cột 'Đạt' {problem}.")
        criteria[code] = (bool(met), parse_text(_cell(row, table, "note")))
    for code, text in spec.CRITERIA:
        if code not in criteria:
            out.error(name, "", _NO_VALUE, f"thiếu dòng tiêu chuẩn '{text}'.")
    return criteria


_KIND_KEYS = {match_key(kind): kind for kind in spec.ACTIVITY_KINDS}
_PLAN_RE = re.compile(r"^\s*(?:mục\s*)?(III\s*\.\s*[1-5])(?=$|[\s.:)\-–,])", re.IGNORECASE)
_PLAN_TEXT_KEYS = {match_key(text): code for code, text in spec.PLAN_ITEMS}


def _plan_code(value: object) -> str | None:
    text = clean_text(str(value))
    found = _PLAN_RE.match(text)
    if found:
        return re.sub(r"\s", "", found.group(1)).upper()
    return _PLAN_TEXT_KEYS.get(match_key(text))


def _body_columns(grid: list[list], table: _Table, fields) -> dict[str, list]:
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


def _column_rows(columns: dict[str, list], table: _Table, filled_somewhere: list[int]) -> tuple[list[int], list[int]]:
    """(data rows, total rows) below the header, as indices into the columns, like `_rows`: a row
    whose cells in the table's columns are all empty is skipped, a total row is told apart by
    `_is_total_row`'s rule, checked column by column. `filled_somewhere`: the rows known to hold
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
    for field_name in found:  # the first text cell that is not a number decides, as in _is_total_row
        if not undecided:
            break
        values = columns[field_name]
        texts = [index for index in undecided if type(values[index]) is str]
        if not texts:
            continue
        # Text that starts with a letter other than T, C is not a number and cannot start a total:
        # its row is a data row. The other texts are looked at as _is_total_row does.
        others = [index for index in texts if not ((head := values[index][:1]).isalpha() and head not in "TtCc")]
        still = [index for index in undecided if type(values[index]) is not str] if len(texts) < len(undecided) else []
        for index in others:
            value = values[index]
            if is_empty(value) or parse_whole(value, maximum=None)[0] is not None:
                still.append(index)
            elif value.lstrip()[:1] in "TtCc" and len(value) <= 40 and _TOTAL_RE.match(match_key(value)):
                totals.add(index)
        undecided = still
    if not totals:
        return filled, []
    return [index for index in filled if index not in totals], sorted(totals)


def _commune_names(texts: list, ref: Reference) -> list:
    """The commune as stored: the supported commune's own spelling, others without "xã "."""
    commune_key = match_key(ref.supported_commune)
    names: dict[str, str] = {}
    for commune in {text for text in texts if text is not None}:
        key = match_key(commune)
        if key == commune_key or key.startswith(("xã " + commune_key, commune_key + " ")):
            names[commune] = ref.supported_commune
        else:
            names[commune] = re.sub(r"^(xã|phường|thị trấn)\s+", "", commune, flags=re.IGNORECASE)
    return [names[text] if text is not None else None for text in texts]


class _RowProblems:
    """Problems found column by column, told in the order a row-by-row reading meets them: by row,
    then by `order` (the column's place in that reading)."""

    def __init__(self, name: str, table: _Table, raw: dict[str, list], rows: list[int]) -> None:
        self.name, self.table, self.raw = name, table, raw
        self.first = table.header_row + 1  # grid row of index 0
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

    def tell(self, out: _Collector) -> None:
        self.found.sort(key=lambda item: item[:2])
        for _, _, cell, value, message, severity in self.found:
            (out.error if severity == ERROR else out.warning)(self.name, cell, value, message)

    def pick(self, values: list, rows: list[int]) -> list:
        return values if self.data is None else [values[index] for index in rows]


def _nones(values: list) -> list[int]:
    return [index for index, value in enumerate(values) if value is None]


def formula_problem(header: str, value: object) -> str | None:
    """A text cell that holds an Excel error or a formula without its result: the reader gives its
    text ("#REF!", "=A1&B1"), which must not be stored as if the clerk had typed it."""
    if not isinstance(value, CellError):
        return None
    if value.startswith("#"):
        return f"'{header}' có lỗi công thức {value}; hãy sửa công thức hoặc nhập giá trị."
    return f"'{header}' là công thức chưa được tính; hãy mở tệp bằng Excel, lưu lại rồi tải lên."


def _add_formula_problems(problems: "_RowProblems", columns: tuple[spec.Column, ...], fields: tuple[str, ...]) -> None:
    """Error cells in the text columns, after every other problem of their row."""
    headers = {column.field: column.header for column in columns}
    for order, field_name in enumerate(fields, start=10):
        values = problems.raw[field_name]
        indices = [index for index, value in enumerate(values) if isinstance(value, CellError)]
        if indices:
            problems.add(indices, order, field_name, lambda index, f=field_name: formula_problem(headers[f], problems.raw[f][index]))


def _read_activities(name: str, grid: list[list], ret: Return, ref: Reference, out: _Collector) -> None:
    """Column by column: each column is parsed once (cells.parse_*), then the rows' problems are
    told in the order a row-by-row reading meets them."""
    table = _find_table(grid, spec.ACTIVITY_COLUMNS, name, out)
    if table is None:
        return
    period = ref.periods.get(ret.period_code) if ret.period_code else None
    raw = _body_columns(grid, table, [c.field for c in spec.ACTIVITY_COLUMNS])
    dates, date_problems = parse_dates(raw["date"])
    texts = {f: parse_texts(raw[f]) for f in ("content", "commune", "place", "result")}
    kinds, _ = parse_codes(raw["kind"], lambda value: _KIND_KEYS.get(match_key(value)))
    plans, bad_plans = parse_codes(raw["plan_item"], _plan_code)
    participants, participant_problems = parse_wholes(raw["participants"], "số nguyên")
    costs, cost_problems = parse_wholes(raw["cost"], "số tiền (đồng)")
    content = texts["content"]
    rows, total_rows = _column_rows(raw, table, [index for index, text in enumerate(content) if text is not None])

    problems = _RowProblems(name, table, raw, rows)
    problems.add(date_problems, 0, "date", lambda index: f"'Ngày' {date_problems[index]}.")
    problems.add([index for index in _nones(dates) if index not in date_problems], 0, "date",
                 "thiếu 'Ngày' của hoạt động.")
    if period:
        start, end = period.start, period.end
        problems.add([index for index, date in enumerate(dates) if date is not None and not start <= date <= end],
                     0, "date", f"ngày nằm ngoài kỳ báo cáo ({start:%d/%m/%Y} - {end:%d/%m/%Y}).", WARNING)
    problems.add(_nones(content), 1, "content", "thiếu 'Nội dung' của hoạt động.")
    problems.add(_nones(kinds), 2, "kind", "'Loại hoạt động' phải là một trong: " + ", ".join(spec.ACTIVITY_KINDS) + ".")
    problems.add(participant_problems, 3, "participants",
                 lambda index: f"'Số người tham gia' {participant_problems[index]}.")
    problems.add(cost_problems, 4, "cost", lambda index: f"'Kinh phí (đồng)' {cost_problems[index]}.")
    problems.add(bad_plans, 5, "plan_item", "'Nội dung Kế hoạch' phải là mã III.1 đến III.5 (có thể kèm tên nội dung).")
    _add_formula_problems(problems, spec.ACTIVITY_COLUMNS, ("content", "commune", "place", "result"))
    problems.tell(out)

    def pick(values: list) -> list:
        return problems.pick(values, rows)

    numbers = {"participants": pick(participants), "cost": pick(costs)}
    acts = ret.activities
    acts["date"].extend(pick(dates))
    acts["content"].extend(pick(content))
    acts["kind"].extend(pick(kinds))
    acts["commune"].extend(_commune_names(pick(texts["commune"]), ref))
    acts["place"].extend(pick(texts["place"]))
    acts["participants"].extend(numbers["participants"])
    acts["cost"].extend(numbers["cost"])
    acts["result"].extend(pick(texts["result"]))
    acts["plan_item"].extend(pick(plans))
    sums = {f: sum(n for n in values if n is not None) for f, values in numbers.items()}
    _check_total(name, table, [(problems.first + index, grid[problems.first + index]) for index in total_rows],
                 sums, spec.ACTIVITY_COLUMNS, out)


def _read_events(name: str, grid: list[list], ret: Return, ref: Reference, out: _Collector) -> None:
    """Column by column, like _read_activities."""
    table = _find_table(grid, spec.EVENT_COLUMNS, name, out)
    if table is None:
        return
    raw = _body_columns(grid, table, [c.field for c in spec.EVENT_COLUMNS])
    texts = {f: parse_texts(raw[f]) for f in ("event", "place", "achievement", "note")}
    dates, date_problems = parse_dates(raw["date"])
    registered, registered_problems = parse_wholes(raw["registered"])
    participants, participant_problems = parse_wholes(raw["participants"])
    typed = texts["event"]
    rows, total_rows = _column_rows(raw, table, [index for index, text in enumerate(typed) if text is not None])

    problems = _RowProblems(name, table, raw, rows)
    problems.add(_nones(typed), 0, "event", "thiếu 'Tên sự kiện'.")
    known = {text: ref.event_name(text) for text in set(typed) if text is not None}
    events = [known[text] or text if text is not None else None for text in typed]
    unknown = [index for index, text in enumerate(typed) if text is not None and known[text] is None]
    problems.add(unknown, 0, "event", "sự kiện chưa có trong danh mục; được lưu như một sự kiện mới.", WARNING)
    problems.add(date_problems, 1, "date", lambda index: f"'Ngày' {date_problems[index]}.")
    problems.add([index for index in _nones(dates) if index not in date_problems], 1, "date",
                 "thiếu 'Ngày' của sự kiện.")
    problems.add(registered_problems, 2, "registered", lambda index: f"'Số người đăng ký' {registered_problems[index]}.")
    problems.add(participant_problems, 3, "participants",
                 lambda index: f"'Số người tham gia' {participant_problems[index]}.")
    problems.add([index for index in _nones(participants) if index not in participant_problems], 3, "participants",
                 "thiếu 'Số người tham gia'.")
    over = [index for index, (done, signed) in enumerate(zip(participants, registered))
            if done is not None and signed is not None and done > signed]
    problems.found.extend(
        (index, 4, cell_ref(problems.first + index, table.columns["participants"]), participants[index],
         f"số người tham gia lớn hơn số người đăng ký ({_vn(registered[index])}).", WARNING)
        for index in over if problems.data is None or index in problems.data)
    _add_formula_problems(problems, spec.EVENT_COLUMNS, ("event", "place", "achievement", "note"))
    problems.tell(out)
    for index in unknown:
        if (problems.data is None or index in problems.data) and typed[index] not in ret.new_events:
            ret.new_events.append(typed[index])

    def pick(values: list) -> list:
        return problems.pick(values, rows)

    numbers = {"registered": pick(registered), "participants": pick(participants)}
    target = ret.events
    target["event"].extend(pick(events))
    target["date"].extend(pick(dates))
    target["place"].extend(pick(texts["place"]))
    target["registered"].extend(numbers["registered"])
    target["participants"].extend(numbers["participants"])
    target["achievement"].extend(pick(texts["achievement"]))
    target["note"].extend(pick(texts["note"]))
    sums = {f: sum(n for n in values if n is not None) for f, values in numbers.items()}
    _check_total(name, table, [(problems.first + index, grid[problems.first + index]) for index in total_rows],
                 sums, spec.EVENT_COLUMNS, out)


def validate(workbook: Workbook, ref: Reference) -> Outcome:
    """Every problem of the workbook at once; a Return only when there is no error."""
    out = _Collector()
    sheets = {}
    for wanted in spec.REQUIRED_SHEETS + spec.OPTIONAL_SHEETS:
        found = workbook.find(wanted)
        if found is None and wanted in spec.REQUIRED_SHEETS:
            out.error(wanted, "", _NO_VALUE,
                      f"không tìm thấy trang '{wanted}' (bắt buộc). Hãy dùng biểu mẫu tải từ ứng dụng.")
        sheets[wanted] = found

    info = _read_info(*sheets[spec.SHEET_INFO], ref, out) if sheets[spec.SHEET_INFO] else {}
    ret = Return(unit_code=info.get("unit_code") or "", period_code=info.get("period_code") or "",
                 prepared_by=info.get("prepared_by"), prepared_on=info.get("prepared_on"),
                 phone=info.get("phone"), email=info.get("email"), unit_cell=info.get("unit_cell", ""),
                 form_version=info.get("form_version", spec.FORM_VERSION))
    if sheets[spec.SHEET_STAFF]:
        ret.staff = _read_staff(*sheets[spec.SHEET_STAFF], out)
    if sheets[spec.SHEET_STANDARD]:
        ret.criteria = _read_standard(*sheets[spec.SHEET_STANDARD], out)
    if sheets[spec.SHEET_ACTIVITIES]:
        _read_activities(*sheets[spec.SHEET_ACTIVITIES], ret, ref, out)
    if sheets[spec.SHEET_EVENTS]:
        _read_events(*sheets[spec.SHEET_EVENTS], ret, ref, out)

    ret.warnings = [p for p in out.problems if p.severity == WARNING]
    has_error = any(p.severity == ERROR for p in out.problems)
    return Outcome(None if has_error else ret, out.problems, draft=ret)
