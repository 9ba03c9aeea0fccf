"""Demonstration returns of 2022 as real Excel files, consistent with the 6-month report.

    python -m vanhoa.demo        # writes data/demo/*.xlsx and data/demo/manifest.csv

Each file starts from `build_template` and is filled with openpyxl, exactly where a clerk types,
so the demo also proves that the template round-trips through the validator. The content is
fixed (no randomness; the story is vanhoa/demo_story.py) and the bytes are normalised (zip
timestamps, document dates), so running the script again writes identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl

from vanhoa import DEMO_DIR
from vanhoa.demo_story import CLERKS, EVENT_PLACES, PLAN, DemoReturn, demo_returns, parse_date
from vanhoa.form import spec
from vanhoa.form.template import CRITERIA_ROWS, FIRST_DATA_ROW, INFO_ROWS, NO, STAFF_ROWS, YES, build_template
from vanhoa.reference import Reference

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("file", "unit", "period", "filed_at", "filed_by")
SON_LA_UTC_OFFSET = dt.timedelta(hours=7)  # filing times are local (UTC+7); document dates are UTC


def _fill(ret: DemoReturn, ref: Reference) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(build_template(ret.unit, ret.period, ref)))
    name, phone = CLERKS[ret.unit]
    info = book[spec.SHEET_INFO]
    info[f"B{INFO_ROWS['prepared_by']}"] = name
    info[f"B{INFO_ROWS['prepared_on']}"] = ret.filed_at.date()
    info[f"B{INFO_ROWS['phone']}"] = phone

    staff = book[spec.SHEET_STAFF]
    for code, _, _ in spec.STAFF_GROUPS:
        numbers = ret.staff.get(code, (0, 0, 0, 0, 0))
        for col, number in enumerate(numbers, start=2):
            staff.cell(STAFF_ROWS[code], col, number)

    standard = book[spec.SHEET_STANDARD]
    for code, (met, note) in ret.criteria.items():
        standard.cell(CRITERIA_ROWS[code], 2, YES if met else NO)
        if note:
            standard.cell(CRITERIA_ROWS[code], 3, note)

    sheet = book[spec.SHEET_ACTIVITIES]
    for row, act in enumerate(ret.activities, start=FIRST_DATA_ROW):
        values = {"date": parse_date(act.date), "content": act.content, "kind": act.kind, "commune": act.commune,
                  "place": act.place, "participants": act.participants, "cost": act.cost,
                  "result": act.result, "plan_item": PLAN[act.plan]}
        for col, column in enumerate(spec.ACTIVITY_COLUMNS, start=1):
            if values[column.field] is not None:
                sheet.cell(row, col, values[column.field])

    sheet = book[spec.SHEET_EVENTS]
    for row, (event, registered, participants, achievement, note) in enumerate(ret.events, start=FIRST_DATA_ROW):
        date, place = EVENT_PLACES[event]
        values = {"event": event, "date": parse_date(date), "place": place, "registered": registered,
                  "participants": participants, "achievement": achievement, "note": note}
        for col, column in enumerate(spec.EVENT_COLUMNS, start=1):
            if values[column.field] is not None:
                sheet.cell(row, col, values[column.field])

    book.properties.lastModifiedBy = name
    book.calculation.fullCalcOnLoad = True  # openpyxl keeps the SUM formulas but not their values
    buffer = io.BytesIO()
    book.save(buffer)
    return _normalise(buffer.getvalue(), ret.filed_at)


_MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _normalise(raw: bytes, when: dt.datetime) -> bytes:
    """Same content -> same bytes: fixed zip timestamps and document 'modified' date."""
    stamp = (when - SON_LA_UTC_OFFSET).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _MODIFIED_RE.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            info = zipfile.ZipInfo(item.filename, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data)
    return out.getvalue()


def write_demo(folder: Path = DEMO_DIR) -> list[Path]:
    """Write every demonstration return and manifest.csv into `folder`; the paths, in filing order."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ref = Reference.from_csv()
    returns = demo_returns(ref)
    paths = []
    for ret in returns:
        path = folder / ret.filename
        path.write_bytes(_fill(ret, ref))
        paths.append(path)
    with open(folder / MANIFEST, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(MANIFEST_COLUMNS)
        for ret in returns:
            writer.writerow((ret.filename, ret.unit, ret.period, ret.filed_at.strftime("%Y-%m-%d %H:%M"), ret.clerk))
    return paths


if __name__ == "__main__":
    written = write_demo()
    print(f"Đã ghi {len(written)} biểu mẫu báo cáo và {MANIFEST} vào {DEMO_DIR}")
