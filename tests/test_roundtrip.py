"""Template -> filled by a clerk (openpyxl, as Excel would save it) -> uploaded -> exported:
the numbers that come out of `export` are the numbers typed into the template."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl

from vanhoa.export import table_frame, to_csv_bytes
from vanhoa.form.template import CRITERIA_ROWS, FIRST_DATA_ROW, STAFF_ROWS, build_template
from vanhoa.ingest import ingest


def filled_template(ref) -> bytes:
    """Phòng Kinh tế, Năm 2023: 8 CBCC, standard met, two activities, one marathon entry."""
    book = openpyxl.load_workbook(io.BytesIO(build_template("KT", "2023-Y", ref)))
    info = book["Thông tin"]
    info[f"B{FIRST_DATA_ROW + 2}"] = "Cầm Văn Dũng"
    staff = book["Chỉ tiêu"]
    for col, value in zip("BCDEF", [8, 8, 7, 8, 7]):
        staff[f"{col}{STAFF_ROWS['CBCC']}"] = value
    standard = book["Đơn vị văn hóa"]
    for row in CRITERIA_ROWS.values():
        standard[f"B{row}"] = "Có"
    acts = book["Hoạt động"]
    rows = [
        [dt.datetime(2023, 3, 8), "Giao lưu văn nghệ chào mừng 8/3", "Văn hóa - văn nghệ", None, "Hội trường", 8,
         "2.000.000", None, "III.1 - Xây dựng môi trường văn hóa lành mạnh"],
        ["15/10/2023", "Tặng sách cho điểm trường bản Suối Lìn", "Giúp đỡ xã", "Chiềng Xuân", "Bản Suối Lìn", 5,
         3500000, "Trao 300 cuốn sách", "III.3"],
    ]
    for offset, values in enumerate(rows):
        for col, value in enumerate(values, start=1):
            if value is not None:
                acts.cell(row=FIRST_DATA_ROW + offset, column=col, value=value)
    events = book["Sự kiện"]
    for col, value in enumerate(["Giải chạy VTM Mộc Châu 2023 (Marathon Mộc Châu)", "12/11/2023", "Mộc Châu", 6, 5,
                                 "Hoàn thành cự ly 21 km"], start=1):
        events.cell(row=FIRST_DATA_ROW, column=col, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_rows(frame) -> list[dict]:
    return list(csv.DictReader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"))))


def test_template_to_upload_to_export(store, ref):
    done = ingest(store, filled_template(ref), "bieu-mau_KT_2023-Y.xlsx", "Cầm Văn Dũng")
    assert done.status == "accepted", [p.line() for p in done.checked.problems]

    progress = csv_rows(table_frame(store, "progress", period="2023-Y", unit="KT"))
    assert [(r["target"], r["numerator"], r["denominator"], r["met"]) for r in progress] == [
        ("T1", "8", "8", "true"), ("T2", "7", "8", "true"), ("T3", "1", "1", "true"), ("T4", "7", "8", "false")]

    activities = csv_rows(table_frame(store, "activities", period="2023-Y"))
    assert [(r["unit"], r["date"], r["kind"], r["commune"], r["participants"], r["cost"]) for r in activities] == [
        ("Phòng Kinh tế", "2023-03-08", "Văn hóa - văn nghệ", "", "8", "2000000"),
        ("Phòng Kinh tế", "2023-10-15", "Giúp đỡ xã", "Chiềng Xuân", "5", "3500000"),
    ]
    assert [r["plan_item"] for r in activities] == ["III.1", "III.3"]

    events = csv_rows(table_frame(store, "events", period="2023-Y"))
    assert [(r["event"], r["date"], r["registered"], r["participants"], r["achievement"]) for r in events] == [
        ("Giải chạy VTM Mộc Châu 2023 (Marathon Mộc Châu)", "2023-11-12", "6", "5", "Hoàn thành cự ly 21 km")]

    returns = csv_rows(table_frame(store, "returns", unit="KT"))
    assert [(r["period"], r["version"], r["current"], r["filed_by"]) for r in returns] == [
        ("2023-Y", "1", "true", "Cầm Văn Dũng")]
