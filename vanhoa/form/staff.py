"""The sheets "Chỉ tiêu" (one row per staff group) and "Đơn vị văn hóa" (one row per criterion):
short tables read row by row.
"""

from __future__ import annotations

import difflib
import re

from vanhoa.form import spec
from vanhoa.form.cells import cell_ref, is_empty, parse_text, parse_whole, parse_yesno
from vanhoa.form.model import StaffRow
from vanhoa.form.problems import NO_VALUE, Collector
from vanhoa.form.tables import Table, cell, check_total, find_table, rows
from vanhoa.formats import fmt_int
from vanhoa.text import clean_text, match_key

_GROUP_KEYS = {match_key(alias): code for code, name, aliases in spec.STAFF_GROUPS for alias in (name, *aliases)}
_GROUP_LIST = ", ".join(f"'{name}'" for name in spec.GROUP_NAMES.values())  # 'Cán bộ, công chức', 'Viên chức', ...
_H = spec.STAFF_HEADERS


def read_staff(name: str, grid: list[list], out: Collector) -> list[StaffRow]:
    """One StaffRow per group of the spec, in its order; a group the file leaves out is all zeros."""
    table = find_table(grid, spec.STAFF_COLUMNS, name, out)
    if table is None:
        return []
    found: dict[str, StaffRow] = {}
    seen_at: dict[str, str] = {}
    totals: list[tuple[int, list]] = []
    sums: dict[str, int] = {}
    for row_index, row, is_total in rows(grid, table):
        if is_total:
            totals.append((row_index, row))
            continue
        group = _staff_group(name, row, row_index, table, seen_at, out)
        values = _staff_figures(name, row, row_index, table, out)
        for key, number in values.items():
            sums[key] = sums.get(key, 0) + number
        if group is not None:
            seen_at[group] = cell_ref(row_index, table.columns["group"])
            found[group] = StaffRow(group=group, **values)
    check_total(name, table, totals, sums, spec.STAFF_COLUMNS, out)
    # A group the clerk left out counts as zero staff (the spec), stored so totals add up.
    return [found.get(code) or StaffRow(code, 0, 0, 0, 0, 0) for code, _, _ in spec.STAFF_GROUPS]


def _staff_group(name: str, row: list, row_index: int, table: Table, seen_at: dict[str, str],
                 out: Collector) -> str | None:
    """The row's group code, or None (and the problem) when it is missing, unknown or repeated."""
    group_value = cell(row, table, "group")
    group_cell = cell_ref(row_index, table.columns["group"])
    group = _GROUP_KEYS.get(match_key(group_value)) if not is_empty(group_value) else None
    if is_empty(group_value):
        out.error(name, group_cell, group_value, f"thiếu '{_H['group']}': ghi một trong {_GROUP_LIST}.")
    elif group is None:
        out.error(name, group_cell, group_value,
                  f"nhóm không hợp lệ: chỉ nhận {_GROUP_LIST} (hoặc {', '.join(spec.GROUP_SHORT.values())}).")
    elif group in seen_at:
        out.error(name, group_cell, group_value,
                  f"nhóm '{spec.GROUP_NAMES[group]}' đã khai ở ô {seen_at[group]}; mỗi nhóm chỉ khai một dòng.")
        group = None
    return group


def _staff_figures(name: str, row: list, row_index: int, table: Table, out: Collector) -> dict[str, int]:
    """field -> the row's whole number (0 when it is not one), each checked against the total and
    the families against the families' total."""
    values: dict[str, int] = {}
    valid = True
    for field_name in spec.STAFF_FIGURES:
        value = cell(row, table, field_name)
        number, problem = parse_whole(value)
        if problem:
            out.error(name, cell_ref(row_index, table.columns[field_name]), value, f"'{_H[field_name]}' {problem}.")
            valid = False
        values[field_name] = number or 0
    if not valid:
        return values
    for part, whole in (("ethics", "total"), ("culture", "total"), ("families", "total"),
                        ("cultural_families", "families")):
        if values[part] > values[whole]:
            out.error(name, cell_ref(row_index, table.columns[part]), values[part],
                      f"'{_H[part]}' ({fmt_int(values[part])}) không được lớn hơn '{_H[whole]}' "
                      f"({fmt_int(values[whole])}).")
    return values


_CRITERIA_KEYS = {match_key(text): code for code, text in spec.CRITERIA}
_LEADING_NUMBER_RE = re.compile(r"^\s*(?:[0-9]+|[a-dđ]|[ivx]+)\s*[.)/-]\s*|^\s*[-–•+]\s*", re.IGNORECASE)


def _criterion_code(value: object) -> str | None:
    key = match_key(_LEADING_NUMBER_RE.sub("", clean_text(str(value))))
    if key in _CRITERIA_KEYS:
        return _CRITERIA_KEYS[key]
    # The plan words criterion 3 a little differently ("chủ trương, đường lối của Đảng").
    best = difflib.get_close_matches(key, list(_CRITERIA_KEYS), n=1, cutoff=0.85)
    return _CRITERIA_KEYS[best[0]] if best else None


def read_standard(name: str, grid: list[list], out: Collector) -> dict[str, tuple[bool, str | None]]:
    probe = Collector()
    table = find_table(grid, spec.STANDARD_COLUMNS, name, probe)
    if table is None:
        # Without a header row the spec's fixed columns apply: A criterion, B Đạt, C Ghi chú.
        table = Table(-1, {"criterion": 0, "met": 1, "note": 2})
    else:
        out.problems.extend(probe.problems)
    criteria: dict[str, tuple[bool, str | None]] = {}
    for row_index, row, _ in rows(grid, table):
        value = cell(row, table, "criterion")
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
            out.error(name, met_cell, NO_VALUE, "tiêu chuẩn này đã khai ở dòng trên; mỗi tiêu chuẩn chỉ khai một lần.")
            continue
        met, problem = parse_yesno(cell(row, table, "met"))
        if problem:
            out.error(name, met_cell, cell(row, table, "met"), f"cột '{spec.MET_HEADER}' {problem}.")
        criteria[code] = (bool(met), parse_text(cell(row, table, "note")))
    for code, text in spec.CRITERIA:
        if code not in criteria:
            out.error(name, "", NO_VALUE, f"thiếu dòng tiêu chuẩn '{text}'.")
    return criteria
