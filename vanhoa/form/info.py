"""The sheet "Thông tin": which unit files for which period, who prepared the file, and the form's
version, each read from the cell right of its label.
"""

from __future__ import annotations

import re

from vanhoa.form import spec
from vanhoa.form.cells import cell_ref, is_empty, parse_date, parse_text, parse_whole
from vanhoa.form.problems import Collector, formula_problem
from vanhoa.reference import Reference
from vanhoa.text import clean_text, header_keys, match_key

_LABEL_KEYS = {key: field_name for field_name, label in spec.INFO_LABELS.items() for key in header_keys(label)}
_LABELS = spec.INFO_LABELS


def read_info(name: str, grid: list[list], ref: Reference, out: Collector) -> dict:
    """The sheet's fields: unit_code, period_code, unit_cell, prepared_by, prepared_on, phone,
    email, form_version (unit_code and period_code only when there is a value to check)."""
    found = _labelled_values(grid)
    info: dict = {}
    _read_unit(name, found, ref, info, out)
    _read_period(name, found, ref, info, out)
    for field_name in ("prepared_by", "phone", "email"):
        value, where = found.get(field_name, (None, ""))
        if problem := formula_problem(_LABELS[field_name], value):
            out.error(name, where, value, problem)
        info[field_name] = parse_text(value)
    value, where = found.get("prepared_on", (None, ""))
    prepared_on, problem = parse_date(value)
    if problem:
        out.error(name, where, value, f"'{_LABELS['prepared_on']}' {problem}.")
    info["prepared_on"] = prepared_on
    info["form_version"] = _read_version(name, found, out)
    return info


def _labelled_values(grid: list[list]) -> dict[str, tuple[object, str]]:
    """field -> (value, its cell) for each label the sheet holds, the first time it holds it."""
    found: dict[str, tuple[object, str]] = {}
    for row_index, row in enumerate(grid):
        for col_index, value in enumerate(row):
            if is_empty(value):
                continue
            field_name = (next((_LABEL_KEYS[k] for k in header_keys(value) if k in _LABEL_KEYS), None)
                          if isinstance(value, str) else None)
            if field_name and field_name not in found:
                # The value is the cell right of the label (column B in the form); a note
                # further right is never taken for the value.
                answer = row[col_index + 1] if col_index + 1 < len(row) else None
                found[field_name] = (answer, cell_ref(row_index, col_index + 1))
            break  # only the first non-empty cell of a row is a label
    return found


def _read_unit(name: str, found: dict, ref: Reference, info: dict, out: Collector) -> None:
    unit_value, unit_cell = found.get("unit", (None, "B1"))
    info["unit_cell"] = unit_cell
    if is_empty(unit_value):
        out.error(name, unit_cell, unit_value, f"thiếu '{_LABELS['unit']}': ghi tên đơn vị báo cáo.")
        return
    code = ref.unit_code(str(unit_value))
    if code is None:
        close = ref.closest_units(str(unit_value))
        hint = f" Có phải: {'; '.join(close)}?" if close else ""
        out.error(name, unit_cell, unit_value, f"đơn vị không có trong danh sách đơn vị của Văn phòng.{hint}")
    info["unit_code"] = code


def _read_period(name: str, found: dict, ref: Reference, info: dict, out: Collector) -> None:
    period_value, period_cell = found.get("period", (None, "B2"))
    if is_empty(period_value):
        out.error(name, period_cell, period_value,
                  f"thiếu '{_LABELS['period']}': ghi '6 tháng đầu năm 2022' hoặc 'Năm 2022'.")
        return
    code = parse_period(period_value)
    if code is None or code not in ref.periods:
        out.error(name, period_cell, period_value,
                  "kỳ báo cáo phải là '6 tháng đầu năm YYYY' hoặc 'Năm YYYY' (YYYY từ 2022 đến 2030), "
                  "hoặc mã '2022-H1', '2022-Y'.")
        code = None
    info["period_code"] = code


def _read_version(name: str, found: dict, out: Collector) -> int:
    value, where = found.get("form_version", (None, ""))
    version, problem = parse_whole(value)
    label = _LABELS["form_version"]
    if problem:
        out.error(name, where, value, f"'{label}' phải là số (phiên bản hiện hành: {spec.FORM_VERSION}).")
    elif version is not None and version < 1:
        out.error(name, where, value, f"'{label}' phải là {spec.FORM_VERSION} (phiên bản hiện hành).")
    elif version is not None and version > spec.FORM_VERSION:
        out.error(name, where, value,
                  f"biểu mẫu phiên bản {version} mới hơn phiên bản ứng dụng hỗ trợ ({spec.FORM_VERSION}); "
                  "hãy tải biểu mẫu mới nhất từ ứng dụng.")
    return version or spec.FORM_VERSION


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
