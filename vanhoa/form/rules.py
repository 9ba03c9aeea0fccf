"""Grids of cells -> a Return, or every Problem of the file at once.

The rules are those of ../shared/spec/return-form.md, one module a sheet: info.py (Thông tin),
staff.py (Chỉ tiêu, Đơn vị văn hóa), lists.py (Hoạt động, Sự kiện), over the tables of tables.py.
An error (lỗi) blocks storing; a warning (cảnh báo) is stored with the return. Each problem names
the sheet, the cell, the value found and the rule, in Vietnamese (problems.py).
"""

from __future__ import annotations

from vanhoa.form import spec
from vanhoa.form.info import parse_period, read_info
from vanhoa.form.lists import read_activities, read_events
from vanhoa.form.model import Outcome, Return, StaffRow
from vanhoa.form.problems import ERROR, NO_VALUE, WARNING, Collector, Problem, formula_problem
from vanhoa.form.read import Workbook
from vanhoa.form.staff import read_staff, read_standard
from vanhoa.reference import Reference

# The validator's public names, imported from here by the store, the ingest and the pages.
__all__ = ["ERROR", "WARNING", "Outcome", "Problem", "Return", "StaffRow", "formula_problem", "parse_period",
           "validate"]

def validate(workbook: Workbook, ref: Reference) -> Outcome:
    """Every problem of the workbook at once; a Return only when there is no error."""
    out = Collector()
    sheets = {}
    for wanted in spec.REQUIRED_SHEETS + spec.OPTIONAL_SHEETS:
        found = workbook.find(wanted)
        if found is None and wanted in spec.REQUIRED_SHEETS:
            out.error(wanted, "", NO_VALUE,
                      f"không tìm thấy trang '{wanted}' (bắt buộc). Hãy dùng biểu mẫu tải từ ứng dụng.")
        sheets[wanted] = found

    info = read_info(*sheets[spec.SHEET_INFO], ref, out) if sheets[spec.SHEET_INFO] else {}
    ret = Return(unit_code=info.get("unit_code") or "", period_code=info.get("period_code") or "",
                 prepared_by=info.get("prepared_by"), prepared_on=info.get("prepared_on"),
                 phone=info.get("phone"), email=info.get("email"), unit_cell=info.get("unit_cell", ""),
                 form_version=info.get("form_version", spec.FORM_VERSION))
    if sheets[spec.SHEET_STAFF]:
        ret.staff = read_staff(*sheets[spec.SHEET_STAFF], out)
    if sheets[spec.SHEET_STANDARD]:
        ret.criteria = read_standard(*sheets[spec.SHEET_STANDARD], out)
    if sheets[spec.SHEET_ACTIVITIES]:
        read_activities(*sheets[spec.SHEET_ACTIVITIES], ret, ref, out)
    if sheets[spec.SHEET_EVENTS]:
        read_events(*sheets[spec.SHEET_EVENTS], ret, ref, out)

    ret.warnings = [p for p in out.problems if p.severity == WARNING]
    has_error = any(p.severity == ERROR for p in out.problems)
    return Outcome(None if has_error else ret, out.problems, draft=ret)
