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
    parse_date,
    parse_text,
    parse_whole,
    parse_yesno,
    show,
)
from vanhoa.form.read import Workbook
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

    for field_name in ("prepared_by", "phone", "email"):
        value, _ = found.get(field_name, (None, ""))
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


def _read_activities(name: str, grid: list[list], ret: Return, ref: Reference, out: _Collector) -> None:
    table = _find_table(grid, spec.ACTIVITY_COLUMNS, name, out)
    if table is None:
        return
    period = ref.periods.get(ret.period_code) if ret.period_code else None
    commune_key = match_key(ref.supported_commune)
    acts = ret.activities
    totals, sums = [], {"participants": 0, "cost": 0}
    col = table.columns
    for row_index, row, is_total in _rows(grid, table):
        if is_total:
            totals.append((row_index, row))
            continue
        value = _cell(row, table, "date")
        date, problem = parse_date(value)
        if problem or date is None:
            out.error(name, cell_ref(row_index, col["date"]), value,
                      f"'Ngày' {problem}." if problem else "thiếu 'Ngày' của hoạt động.")
        elif period and not (period.start <= date <= period.end):
            out.warning(name, cell_ref(row_index, col["date"]), value,
                        f"ngày nằm ngoài kỳ báo cáo ({period.start:%d/%m/%Y} - {period.end:%d/%m/%Y}).")
        content = parse_text(_cell(row, table, "content"))
        if content is None:
            out.error(name, cell_ref(row_index, col["content"]), _cell(row, table, "content"),
                      "thiếu 'Nội dung' của hoạt động.")
        value = _cell(row, table, "kind")
        kind = _KIND_KEYS.get(match_key(value)) if not is_empty(value) else None
        if kind is None:
            out.error(name, cell_ref(row_index, col["kind"]), value,
                      "'Loại hoạt động' phải là một trong: " + ", ".join(spec.ACTIVITY_KINDS) + ".")
        commune = parse_text(_cell(row, table, "commune"))
        if commune is not None:
            key = match_key(commune)
            if key == commune_key or key.startswith(("xã " + commune_key, commune_key + " ")):
                commune = ref.supported_commune
            else:
                commune = re.sub(r"^(xã|phường|thị trấn)\s+", "", commune, flags=re.IGNORECASE)
        numbers = {}
        for field_name, header, what in (("participants", "Số người tham gia", "số nguyên"),
                                         ("cost", "Kinh phí (đồng)", "số tiền (đồng)")):
            value = _cell(row, table, field_name)
            number, problem = parse_whole(value, what)
            if problem:
                out.error(name, cell_ref(row_index, col[field_name]), value, f"'{header}' {problem}.")
            numbers[field_name] = number
            sums[field_name] += number or 0
        plan_value = _cell(row, table, "plan_item")
        plan = None
        if not is_empty(plan_value):
            plan = _plan_code(plan_value)
            if plan is None:
                out.error(name, cell_ref(row_index, col["plan_item"]), plan_value,
                          "'Nội dung Kế hoạch' phải là mã III.1 đến III.5 (có thể kèm tên nội dung).")
        acts["date"].append(date)
        acts["content"].append(content)
        acts["kind"].append(kind)
        acts["commune"].append(commune)
        acts["place"].append(parse_text(_cell(row, table, "place")))
        acts["participants"].append(numbers["participants"])
        acts["cost"].append(numbers["cost"])
        acts["result"].append(parse_text(_cell(row, table, "result")))
        acts["plan_item"].append(plan)
    _check_total(name, table, totals, sums, spec.ACTIVITY_COLUMNS, out)


def _read_events(name: str, grid: list[list], ret: Return, ref: Reference, out: _Collector) -> None:
    table = _find_table(grid, spec.EVENT_COLUMNS, name, out)
    if table is None:
        return
    events = ret.events
    col = table.columns
    totals, sums = [], {"registered": 0, "participants": 0}
    for row_index, row, is_total in _rows(grid, table):
        if is_total:
            totals.append((row_index, row))
            continue
        value = _cell(row, table, "event")
        event = parse_text(value)
        if event is None:
            out.error(name, cell_ref(row_index, col["event"]), value, "thiếu 'Tên sự kiện'.")
        else:
            known = ref.event_name(event)
            if known is None:
                out.warning(name, cell_ref(row_index, col["event"]), value,
                            "sự kiện chưa có trong danh mục; được lưu như một sự kiện mới.")
                if event not in ret.new_events:
                    ret.new_events.append(event)
            else:
                event = known
        value = _cell(row, table, "date")
        date, problem = parse_date(value)
        if problem or date is None:
            out.error(name, cell_ref(row_index, col["date"]), value,
                      f"'Ngày' {problem}." if problem else "thiếu 'Ngày' của sự kiện.")
        numbers = {}
        for field_name, header in (("registered", "Số người đăng ký"), ("participants", "Số người tham gia")):
            value = _cell(row, table, field_name)
            number, problem = parse_whole(value)
            if problem:
                out.error(name, cell_ref(row_index, col[field_name]), value, f"'{header}' {problem}.")
            elif number is None and field_name == "participants":
                out.error(name, cell_ref(row_index, col[field_name]), value, "thiếu 'Số người tham gia'.")
            numbers[field_name] = number
            sums[field_name] += number or 0
        if numbers["registered"] is not None and numbers["participants"] is not None \
                and numbers["participants"] > numbers["registered"]:
            out.warning(name, cell_ref(row_index, col["participants"]), numbers["participants"],
                        f"số người tham gia lớn hơn số người đăng ký ({_vn(numbers['registered'])}).")
        events["event"].append(event)
        events["date"].append(date)
        events["place"].append(parse_text(_cell(row, table, "place")))
        events["registered"].append(numbers["registered"])
        events["participants"].append(numbers["participants"])
        events["achievement"].append(parse_text(_cell(row, table, "achievement")))
        events["note"].append(parse_text(_cell(row, table, "note")))
    _check_total(name, table, totals, sums, spec.EVENT_COLUMNS, out)


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
