"""The Dữ liệu page (pages/data.py) driven like a leader would: choose a table, filter it, read
the count, and download exactly the rows shown as CSV and Excel.

The counts are those of the demonstration returns in data/demo/ (current versions; the Phòng
Tổng hợp return of 2022-Y has a second version), counted by reading the Excel files:
activities 61 (2022-H1) + 62 (2022-Y) = 123, 8 of them in Chiềng Xuân (4 + 4), 4 of kind
"Giúp đỡ xã" in 2022-Y, 8 in March 2022, 16 mentioning "Tết"; event participations 15 + 15 = 30,
11 of them at the Ngày hội Đại đoàn kết toàn dân tộc 2022; returns 11 + 12 = 23 (3 of Phòng Tổng
hợp); progress (11 units + Toàn Văn phòng) × 4 targets = 48 rows a period; 11 units a period.
Năm 2022 holds the year's two returns (cli.md): its 123 activities and 30 event rows are the
half-year's and the annual's (the annual repeats none of them).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from builders import good_sheets, signed_in, workbook_bytes
from page_runs import demo_copy_env
from streamlit.testing.v1 import AppTest
from test_cli import SPEC_COLUMNS  # cli.md's `export` columns, written once

from vanhoa.export import EXTRA_COLUMNS, HEADERS_VI, table_frame
from vanhoa.ingest import ingest
from vanhoa.store import Store

BOM = b"\xef\xbb\xbf"
PERIOD_LABELS = {"2022-H1": "6 tháng đầu năm 2022", "2022-Y": "Năm 2022", "2023-H1": "6 tháng đầu năm 2023"}
FORMULA = '=HYPERLINK("http://example.com","Bấm vào đây")'


def data_page():
    from pages import data

    data.render()


demo_env = pytest.fixture(demo_copy_env, name="demo_env")


def open_page() -> AppTest:
    at = signed_in(AppTest.from_function(data_page, default_timeout=30)).run()
    assert not at.exception
    return at


def count_line(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if m.value.endswith(" dòng**")]
    assert len(lines) == 1, [m.value for m in at.markdown]
    return lines[0]


def choose(at: AppTest, key: str, value) -> AppTest:
    at.selectbox(key=key).select(value).run()
    assert not at.exception
    return at


def button(at: AppTest, label: str):
    found = [b for b in at.download_button if b.label == label]
    assert len(found) == 1, [b.label for b in at.download_button]
    return found[0]


def csv_rows(data: bytes) -> list[dict]:
    assert data.startswith(BOM)
    return list(csv.DictReader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))


def csv_table(data: bytes) -> list[list[str]]:
    """The CSV's lines as cells (header first): UTF-8 with a BOM, comma-separated, CRLF."""
    assert data.startswith(BOM)
    text = data[len(BOM):].decode("utf-8")
    assert text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text, newline="")))


def as_file_cell(screen: str) -> str:
    """What the CSV holds for a cell the screen shows: '—' (not recorded) is an empty cell, and
    text a spreadsheet would run as a formula starts with an apostrophe."""
    if screen == "—":
        return ""
    return "'" + screen if screen.startswith(("=", "+", "-", "@", "\t", "\r")) and not NUMBER.fullmatch(screen) \
        else screen


NUMBER = re.compile(r"-?[0-9.]+")  # '-5' days: a number, not a formula


def excel_text(cell) -> str:
    """A cell as Excel shows it in a Vietnamese office (thousands '.', decimals ','), read from
    its value and number format: the test's own reading, not the code's formatter."""
    value, code = cell.value, cell.number_format
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        assert cell.is_date
        return value.strftime({"dd/mm/yyyy": "%d/%m/%Y", "hh:mm dd/mm/yyyy": "%H:%M %d/%m/%Y"}[code])
    if isinstance(value, str):
        assert code == "General"
        return value
    grouped = lambda number: f"{number:,}".replace(",", ".")  # noqa: E731
    if code == "#,##0":
        assert float(value).is_integer()
        return grouped(int(value))
    if code == '#,##0 "đ"':
        return grouped(int(value)) + " đ"
    if code == "0.0 %":
        return f"{value * 100:.1f}".replace(".", ",") + " %"
    if code == "0 %":
        return f"{value * 100:.0f} %"
    raise AssertionError(f"unexpected number format {code!r} for {value!r}")


def xlsx_table(data: bytes) -> list[list[str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    return [[cell.value for cell in sheet[1]]] + [[excel_text(cell) for cell in row]
                                                   for row in sheet.iter_rows(min_row=2)]


def screen_cells(shown) -> list[list[str]]:
    return [list(shown.columns)] + [list(row) for row in shown.itertuples(index=False)]


def assert_files_are_the_screen(shown, csv_data: bytes, xlsx_data: bytes) -> None:
    """The CSV and the Excel file have the screen's headers and exactly its rows, in the same
    order, cell for cell: the CSV the screen's texts (an empty cell for '—'), the Excel file
    typed cells that Excel shows as the screen does."""
    assert all(isinstance(v, str) for v in shown.to_numpy().ravel())  # no None, NaN or <NA> on screen
    screen = screen_cells(shown)
    assert csv_table(csv_data) == [screen[0]] + [[as_file_cell(c) for c in row] for row in screen[1:]]
    assert xlsx_table(xlsx_data) == [screen[0]] + [["" if c == "—" else c for c in row] for row in screen[1:]]


def assert_download_is_what_is_shown(at: AppTest, downloads, name: str, filters: dict) -> list[dict]:
    """The files offered are the table on the screen (assert_files_are_the_screen), and hold
    the rows `python -m vanhoa export` writes for the same filters (the machine columns there)."""
    shown = at.dataframe[0].value
    assert list(shown.columns) == [HEADERS_VI[c] for c in SPEC_COLUMNS[name] + EXTRA_COLUMNS[name]]
    data = downloads(button(at, "Tải xuống CSV"))
    assert_files_are_the_screen(shown, data, downloads(button(at, "Tải xuống Excel")))
    rows = csv_rows(data)
    assert count_line(at) == f"**{len(rows)} dòng**"
    cli_filters = {key: value for key, value in filters.items() if value is not None}
    machine = table_frame(Store(), name, **cli_filters)
    assert [r["Đơn vị"] for r in rows] == machine["unit"].tolist()
    assert [r["Kỳ báo cáo"] for r in rows] == [PERIOD_LABELS[p] for p in machine["period"]]
    return rows


# ------------------------------------------------------------------ counts, one table at a time

# table, the rows of the sidebar's period (2022-Y), of every period, then a filter and its rows
COUNTS = [
    ("progress", 48, 96, ("data_unit", "TH"), 8, {"unit": "TH"}),
    ("completeness", 11, 22, ("data_unit", "NKTX"), 2, {"unit": "NKTX"}),
    ("activities", 123, 123, ("data_kind", "Giúp đỡ xã"), 8, {"kind": "Giúp đỡ xã"}),
    ("events", 30, 30, ("data_event", "Ngày hội Đại đoàn kết toàn dân tộc 2022"), 11,
     {"event": "Ngày hội Đại đoàn kết toàn dân tộc 2022"}),
    ("returns", 12, 23, ("data_unit", "TH"), 3, {"unit": "TH"}),
]


@pytest.mark.parametrize(("name", "in_period", "in_all", "widget", "filtered", "filters"), COUNTS,
                         ids=[c[0] for c in COUNTS])
def test_each_table_counts_and_downloads_what_it_shows(demo_env, downloads, name, in_period, in_all, widget,
                                                       filtered, filters):
    at = choose(open_page(), "data_table", name)
    assert at.selectbox(key="data_period").value == "2022-Y"  # the sidebar's period by default
    assert count_line(at) == f"**{in_period} dòng**"
    assert_download_is_what_is_shown(at, downloads, name, {"period": "2022-Y"})

    choose(at, "data_period", "")  # Tất cả các kỳ
    assert count_line(at) == f"**{in_all} dòng**"
    assert_download_is_what_is_shown(at, downloads, name, {})

    choose(at, *widget)
    assert count_line(at) == f"**{filtered} dòng**"
    assert_download_is_what_is_shown(at, downloads, name, filters)


def test_only_the_filters_that_apply_to_the_table_are_offered(demo_env):
    at = open_page()
    labels = lambda: ([w.label for w in at.selectbox], [w.label for w in at.date_input],  # noqa: E731
                      [w.label for w in at.text_input])
    assert at.selectbox(key="data_table").value == "progress"
    assert labels() == (["Bảng dữ liệu", "Kỳ báo cáo", "Đơn vị"], [], [])
    choose(at, "data_table", "activities")
    assert labels() == (["Bảng dữ liệu", "Kỳ báo cáo", "Đơn vị", "Loại hoạt động", "Xã/phường"],
                        ["Từ ngày", "Đến ngày"], ["Tìm kiếm"])
    choose(at, "data_table", "events")
    assert labels() == (["Bảng dữ liệu", "Kỳ báo cáo", "Đơn vị", "Sự kiện"], [], ["Tìm kiếm"])
    choose(at, "data_table", "returns")
    assert labels() == (["Bảng dữ liệu", "Kỳ báo cáo", "Đơn vị"], [], [])
    assert at.selectbox(key="data_table").options == [
        "Tiến độ chỉ tiêu", "Tình hình nộp báo cáo", "Hoạt động", "Sự kiện", "Các phiên bản báo cáo"]


def test_vietnamese_formats_on_screen(demo_env):
    at = open_page()
    assert ("Tệp CSV và Excel có đúng các cột, các dòng và thứ tự của bảng trên (luôn có cột Kỳ báo cáo); ô “—” "
            "(không có số liệu) để trống trong tệp; trong tệp Excel, số và ngày tháng là số và ngày tháng thực, "
            "tính toán được.") in [c.value for c in at.caption]
    office_t2 = at.dataframe[0].value.iloc[1]
    assert office_t2[["Kỳ báo cáo", "Đơn vị", "Chỉ tiêu", "Tử số", "Mẫu số", "Tỷ lệ", "Mục tiêu", "Đạt"]].tolist() \
        == ["Năm 2022", "Toàn Văn phòng", "T2", "91", "114", "79,8 %", "70 %", "đạt"]
    choose(at, "data_table", "activities")
    first = at.dataframe[0].value.iloc[0]
    assert first[["Ngày", "Số người tham gia", "Kinh phí (đồng)", "Từ báo cáo"]].tolist() == [
        "25/01/2022", "9", "900.000 đ", "6 tháng đầu năm 2022"]
    choose(at, "data_table", "completeness")
    first = at.dataframe[0].value.iloc[0]
    assert first[["Thời gian nộp", "Hạn nộp", "Phiên bản"]].tolist() == ["09:15 01/12/2022", "05/12/2022", "2"]


def test_a_period_nobody_filed_shows_dashes_and_no_verdict(demo_env, downloads):
    """Not recorded is '—' on screen (never 'None', '<NA>' or 0) and an empty cell in the files;
    a unit that has not filed, and the Office without any unit, get no 'chưa đạt'."""
    at = choose(choose(open_page(), "data_table", "progress"), "data_period", "2023-H1")
    shown = at.dataframe[0].value
    assert len(shown) == 48
    assert shown.iloc[2][["Đơn vị", "Chỉ tiêu", "Tử số", "Mẫu số", "Tỷ lệ", "Mục tiêu", "Đạt", "Tình trạng"]].tolist() \
        == ["Toàn Văn phòng", "T3", "—", "11", "—", "100 %", "—", "chưa nộp"]
    assert set(shown["Đạt"]) == {"—"} and set(shown["Tình trạng"]) == {"chưa nộp"}
    rows = assert_download_is_what_is_shown(at, downloads, "progress", {"period": "2023-H1"})
    assert {r["Đạt"] for r in rows} == {""}


def test_file_names_name_the_table_in_vietnamese_and_the_period():
    from pages.data import TABLE_NAMES, file_stem

    assert [file_stem(name, {"period": "2022-Y"}) for name in TABLE_NAMES] == [
        "tien-do-chi-tieu_2022-Y", "tinh-hinh-nop-bao-cao_2022-Y", "hoat-dong_2022-Y", "su-kien_2022-Y",
        "cac-phien-ban-bao-cao_2022-Y"]
    assert file_stem("activities", {"period": None, "unit": None}) == "hoat-dong_tat-ca-cac-ky"
    assert file_stem("activities", {"period": "2022-H1", "search": "tết"}) == "hoat-dong_2022-H1_loc"


# ------------------------------------------------------------------ activities: commune, text, dates


def test_commune_then_text_search(demo_env, downloads):
    at = choose(open_page(), "data_table", "activities")
    choose(at, "data_period", "")
    choose(at, "data_commune", "Chiềng Xuân")
    assert count_line(at) == "**8 dòng**"
    rows = assert_download_is_what_is_shown(at, downloads, "activities", {"commune": "Chiềng Xuân"})
    assert {r["Xã/phường"] for r in rows} == {"Chiềng Xuân"}
    assert {r["Loại hoạt động"] for r in rows} == {"Giúp đỡ xã"}

    at.text_input(key="data_search").input("tết").run()  # any case: "Tết Nguyên đán"
    assert count_line(at) == "**1 dòng**"
    rows = assert_download_is_what_is_shown(at, downloads, "activities", {"commune": "Chiềng Xuân", "search": "tết"})
    assert [(r["Kỳ báo cáo"], r["Đơn vị"], r["Nội dung"]) for r in rows] == [(
        "6 tháng đầu năm 2022", "Phòng Tổ chức - Hành chính - Quản trị",
        "Thăm, tặng quà hộ nghèo, gia đình chính sách xã Chiềng Xuân dịp Tết Nguyên đán Nhâm Dần 2022")]

    choose(at, "data_commune", "")
    assert count_line(at) == "**16 dòng**"
    assert_download_is_what_is_shown(at, downloads, "activities", {"search": "tết"})


def test_event_text_search(demo_env, downloads):
    at = choose(open_page(), "data_table", "events")
    choose(at, "data_period", "")
    at.text_input(key="data_search").input("  Mộc Châu ").run()
    assert count_line(at) == "**5 dòng**"
    rows = assert_download_is_what_is_shown(at, downloads, "events", {"search": "Mộc Châu"})
    assert {r["Tên sự kiện"] for r in rows} == {"Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)"}


def test_date_range(demo_env, downloads):
    at = choose(open_page(), "data_table", "activities")
    choose(at, "data_period", "")
    at.date_input(key="data_date_from").set_value(dt.date(2022, 3, 1)).run()
    at.date_input(key="data_date_to").set_value(dt.date(2022, 3, 31)).run()
    assert not at.exception
    assert count_line(at) == "**8 dòng**"
    rows = assert_download_is_what_is_shown(
        at, downloads, "activities", {"date_from": dt.date(2022, 3, 1), "date_to": dt.date(2022, 3, 31)})
    assert sorted({r["Ngày"] for r in rows}) == ["08/03/2022", "10/03/2022", "14/03/2022", "15/03/2022",
                                                 "16/03/2022", "24/03/2022", "25/03/2022"]

    at.date_input(key="data_date_from").set_value(dt.date(2022, 11, 1)).run()
    at.date_input(key="data_date_to").set_value(dt.date(2022, 11, 30)).run()
    assert count_line(at) == "**12 dòng**"

    at.date_input(key="data_date_to").set_value(dt.date(2022, 10, 1)).run()  # ends before it starts
    assert count_line(at) == "**0 dòng**"
    assert [w.value for w in at.warning] == ["“Từ ngày” đang sau “Đến ngày”: không có hoạt động nào trong khoảng này."]
    assert [i.value for i in at.info] == ["Không có dòng nào khớp với bộ lọc đã chọn. Hãy bỏ bớt điều kiện lọc."]
    assert not at.dataframe and not at.download_button


# ------------------------------------------------------------------ the period follows the sidebar


def test_period_follows_the_sidebar_and_all_periods_stays_chosen(demo_env):
    at = choose(open_page(), "data_table", "activities")
    at.session_state["period"] = "2022-H1"  # chosen in the sidebar (app.py's shared selector)
    at.run()
    assert at.selectbox(key="data_period").value == "2022-H1"
    assert count_line(at) == "**61 dòng**"
    choose(at, "data_period", "")
    at.run()
    assert count_line(at) == "**123 dòng**"
    at.session_state["period"] = "2022-Y"  # a new choice in the sidebar is followed again
    at.run()
    assert at.selectbox(key="data_period").value == "2022-Y"
    assert count_line(at) == "**123 dòng**"  # the year: its half-year's rows too


# ------------------------------------------------------------------ formulas and Excel cells


def test_text_that_starts_with_a_formula_sign_is_never_a_live_formula(demo_env, downloads, ref):
    sheets = good_sheets()  # Phòng Tổng hợp, 2022-H1: a second version replacing the demo one
    sheets["Hoạt động"][1][1] = FORMULA
    done = ingest(Store(demo_env), workbook_bytes(sheets), "cong-thuc.xlsx", "Lò Thị Hoa", ref=ref)
    assert done.status == "accepted", [p.line() for p in done.checked.problems]

    at = choose(open_page(), "data_table", "activities")
    choose(at, "data_period", "2022-H1")
    choose(at, "data_unit", "TH")
    assert count_line(at) == "**2 dòng**"
    assert at.dataframe[0].value["Nội dung"].tolist() == [FORMULA, "Giao lưu văn nghệ"]

    rows = assert_download_is_what_is_shown(at, downloads, "activities", {"period": "2022-H1", "unit": "TH"})
    assert rows[0]["Nội dung"] == "'" + FORMULA  # inert for Excel, the text kept

    data = downloads(button(at, "Tải xuống Excel"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets_xml = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets_xml and not any("<f>" in xml or "<f " in xml for xml in sheets_xml)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    content = sheet.cell(2, 4)
    assert (content.data_type, content.value) == ("s", FORMULA)


def test_excel_has_vietnamese_headers_typed_cells_and_the_rows_shown(demo_env, downloads):
    at = choose(open_page(), "data_table", "activities")
    shown = at.dataframe[0].value
    sheet = openpyxl.load_workbook(io.BytesIO(downloads(button(at, "Tải xuống Excel")))).worksheets[0]
    assert [c.value for c in sheet[1]] == list(shown.columns)
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row - 1 == len(shown) == 123
    assert [sheet.cell(r, 4).value for r in range(2, sheet.max_row + 1)] == shown["Nội dung"].tolist()
    first, second = sheet[2], sheet[3]
    assert first[2].value == dt.datetime(2022, 1, 25) and first[2].is_date       # date as a date
    assert (first[7].value, first[8].value) == (9, 900_000)                     # numbers as numbers
    assert second[8].value is None                                               # no cost: an empty cell


# ------------------------------------------------------------------ an empty store


def test_empty_store_invites_instead_of_failing(tmp_path, monkeypatch):
    monkeypatch.setenv("VANHOA_DB", str(tmp_path / "empty.duckdb"))
    at = open_page()
    assert [t.value for t in at.title] == ["Dữ liệu"]
    assert [i.value for i in at.info] == [
        "Chưa có báo cáo nào được nộp, nên chưa có dữ liệu để xem và tải xuống. Văn thư các đơn vị hãy vào mục "
        "**Nộp báo cáo** để tải biểu mẫu, điền và tải lên báo cáo của đơn vị."]
    assert not at.error and not at.dataframe and not at.download_button and not at.selectbox


# ------------------------------------------------------------------ a long table: the first rows on screen,
# every row in the files


@pytest.mark.parametrize(("name", "total"), [("activities", 123), ("events", 30), ("progress", 96)])
def test_a_long_table_shows_its_first_rows_and_downloads_them_all(demo_env, downloads, monkeypatch, name, total):
    """A province has a million activities: the screen shows the first PAGE_ROWS and says so,
    the files (written when a button is clicked) still have every row, in the same order."""
    from pages import data

    monkeypatch.setattr(data, "PAGE_ROWS", 20)
    at = choose(choose(open_page(), "data_table", name), "data_period", "")
    assert count_line(at) == f"**{total} dòng**"
    assert [c.value for c in at.caption if c.value.startswith("Hiển thị")] == [
        f"Hiển thị 20 dòng đầu trong {total} dòng; tải về để có đủ."]
    shown = at.dataframe[0].value
    assert len(shown) == 20
    screen = screen_cells(shown)
    lines = csv_table(downloads(button(at, "Tải xuống CSV")))
    assert len(lines) == 1 + total
    assert lines[:21] == [screen[0]] + [[as_file_cell(c) for c in row] for row in screen[1:]]
    assert [line[1] for line in lines[1:]] == table_frame(Store(), name)["unit"].tolist()  # the export's rows
    excel = xlsx_table(downloads(button(at, "Tải xuống Excel")))
    assert len(excel) == 1 + total
    assert excel[:21] == [screen[0]] + [["" if c == "—" else c for c in row] for row in screen[1:]]
