"""The synthetic returns as real .xlsx files that `python -m vanhoa ingest` accepts, one per
stored version, plus a manifest.csv like data/demo's."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from vanhoa.form import spec
from vanhoa.reference import Reference
from vanhoa_tools.synth.dataset import Dataset, build_dataset
from vanhoa_tools.synth.load import check_counts
from vanhoa_tools.synth.words import unit_name

MANIFEST_COLUMNS = ["file", "unit", "period", "filed_at", "filed_by"]
# xlsxwriter's defaults turn "1.5" into a number and "=x" into a formula: a clerk's text stays text
_WORKBOOK_OPTIONS = {"in_memory": True, "constant_memory": True, "strings_to_numbers": False,
                     "strings_to_formulas": False, "strings_to_urls": False}


def write_xlsx(folder: str | Path, units: int, periods: int, activities: int, seed: int = 0,
               events: int = 20, ref: Reference | None = None) -> list[Path]:
    """The same returns as real .xlsx files (one per stored version) plus manifest.csv.

    Files are named S0001_2022-H1.xlsx (a correction S0001_2022-H1_v2.xlsx, which sorts after it),
    so `python -m vanhoa ingest DIR` stores each version in order. The units must be in the store
    first (`add_units`); manifest.csv gives each file's filing time, like data/demo's."""
    check_counts(units, periods, activities, events)
    ref = ref or Reference.from_csv()
    chosen = sorted(ref.periods.values(), key=lambda p: p.code)
    if periods > len(chosen):
        raise ValueError(f"chỉ có {len(chosen)} kỳ báo cáo, không sinh được {periods} kỳ.")
    chosen = chosen[:periods]
    known = [(row["name"], row["series"] or None, int(row["year"]), row["kind"] or None)
             for row in _reference_events()]
    data = build_dataset(list(range(1, units + 1)), chosen, known, activities, events, seed)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    parts = _Parts.of(data, {p.code: p.label for p in chosen}, activities, events)
    written, manifest = [], []
    for index, ret in enumerate(data.returns.to_pylist()):
        suffix = f"_v{ret['version']}" if ret["version"] > 1 else ""
        path = out / f"{ret['unit_code']}_{ret['period_code']}{suffix}.xlsx"
        path.write_bytes(_return_file(ret, index, parts))
        written.append(path)
        manifest.append({"file": path.name, "unit": ret["unit_code"], "period": ret["period_code"],
                         "filed_at": ret["filed_at"].isoformat(sep=" ", timespec="minutes"),
                         "filed_by": ret["prepared_by"]})
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS)
        writer.writeheader()
        writer.writerows(manifest)
    return written


@dataclass
class _Parts:
    """The child rows of every return as Python columns, sliced per return while writing."""
    labels: dict[str, str]  # period code -> its label (Kỳ báo cáo)
    staff: dict[str, list]
    criteria: dict[str, list]
    lists: tuple  # ((sheet, columns, Arrow table, rows per return), …) for Hoạt động and Sự kiện

    @classmethod
    def of(cls, data: Dataset, labels: dict[str, str], activities: int, events: int) -> _Parts:
        acts = data.activities.select([c.field for c in spec.ACTIVITY_COLUMNS])
        evs = data.events.select([c.field for c in spec.EVENT_COLUMNS])
        return cls(labels, data.staff.to_pydict(), data.criteria.to_pydict(),
                   ((spec.SHEET_ACTIVITIES, spec.ACTIVITY_COLUMNS, acts, activities),
                    (spec.SHEET_EVENTS, spec.EVENT_COLUMNS, evs, events)))


def _return_file(ret: dict, index: int, parts: _Parts) -> bytes:
    """The `index`-th stored version `ret` as the bytes of an .xlsx return."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, _WORKBOOK_OPTIONS)
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    info = book.add_worksheet(spec.SHEET_INFO)
    for row, (label, value) in enumerate((
            ("Đơn vị", unit_name(int(ret["unit_code"][1:]))), ("Kỳ báo cáo", parts.labels[ret["period_code"]]),
            ("Người lập", ret["prepared_by"]), ("Ngày lập", ret["prepared_on"]),
            ("Điện thoại", ret["phone"]), ("Email", ret["email"]),
            ("Phiên bản biểu mẫu", spec.FORM_VERSION))):
        info.write_string(row, 0, label)
        write_cell(info, row, 1, value, date_format)
    _staff_and_standard(book, index, parts)
    for name, columns, table, per in parts.lists:
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [c.header for c in columns])
        part = table.slice(index * per, per).to_pydict()
        fields = [c.field for c in columns]
        for row in range(per):
            for col, field_name in enumerate(fields):
                write_cell(sheet, row + 1, col, part[field_name][row], date_format)
    book.close()
    return buffer.getvalue()


def _staff_and_standard(book, index: int, parts: _Parts) -> None:
    """The Chỉ tiêu sheet (three staff groups) and the Đơn vị văn hóa sheet (C1..C4) of one return."""
    group_names = {code: name for code, name, _ in spec.STAFF_GROUPS}
    sheet = book.add_worksheet(spec.SHEET_STAFF)
    sheet.write_row(0, 0, [c.header for c in spec.STAFF_COLUMNS])
    for row in range(3):
        at = index * 3 + row
        sheet.write_string(row + 1, 0, group_names[parts.staff["staff_group"][at]])
        for col, name in enumerate(("total", "ethics", "culture", "families", "cultural_families"), start=1):
            sheet.write_number(row + 1, col, parts.staff[name][at])
    criteria_text = dict(spec.CRITERIA)
    sheet = book.add_worksheet(spec.SHEET_STANDARD)
    sheet.write_row(0, 0, [c.header for c in spec.STANDARD_COLUMNS])
    for row in range(len(spec.CRITERIA)):
        at = index * len(spec.CRITERIA) + row
        sheet.write_string(row + 1, 0, criteria_text[parts.criteria["criterion"][at]])
        sheet.write_string(row + 1, 1, "Có" if parts.criteria["met"][at] else "Không")
        if parts.criteria["note"][at]:
            sheet.write_string(row + 1, 2, parts.criteria["note"][at])


def write_cell(sheet, row: int, col: int, value, date_format) -> None:
    """One typed cell as a clerk's Excel holds it: a date as a formatted date, text as text, a
    number as a number; None leaves the cell empty."""
    if value is None:
        return
    if isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date_format)
    elif isinstance(value, str):
        sheet.write_string(row, col, value)
    else:
        sheet.write_number(row, col, value)


def _reference_events() -> list[dict]:
    from vanhoa.reference import read_reference_csv

    return read_reference_csv()["events"]
