"""The pre-filled return (biểu mẫu báo cáo) of one unit for one period, as .xlsx bytes.

The sheets, headers, groups, criteria and lists all come from `spec`, so the template can
never drift from what the validator (`rules.py`) reads back. Layout of every data sheet:

    row 1-2   ỦY BAN NHÂN DÂN TỈNH SƠN LA / VĂN PHÒNG   |   CỘNG HÒA ... / Độc lập - Tự do - Hạnh phúc
    row 3     BIỂU MẪU BÁO CÁO KẾT QUẢ THỰC HIỆN PHONG TRÀO “...”
    row 4     the sheet's subject, the unit and the period
    row 5     blank
    row 6     the table header (HEADER_ROW)
    row 7...  the data (FIRST_DATA_ROW)

Dropdown lists live on the hidden sheet `Danh mục`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from vanhoa.form import spec
from vanhoa.formats import fmt_date
from vanhoa.reference import Period, Reference

# Excel row numbers (1-based), shared with the demo writer and the tests.
HEADER_ROW = 6
FIRST_DATA_ROW = HEADER_ROW + 1
DATA_ROWS = 200  # rows below the header that carry dropdowns and formats on Hoạt động / Sự kiện
INFO_ROWS = {field: FIRST_DATA_ROW + i for i, field in enumerate(spec.INFO_LABELS)}  # field -> Excel row
STAFF_ROWS = {code: FIRST_DATA_ROW + i for i, (code, _, _) in enumerate(spec.STAFF_GROUPS)}
STAFF_TOTAL_ROW = FIRST_DATA_ROW + len(spec.STAFF_GROUPS)
CRITERIA_ROWS = {code: FIRST_DATA_ROW + i for i, (code, _) in enumerate(spec.CRITERIA)}

AGENCY_PARENT = "ỦY BAN NHÂN DÂN TỈNH SƠN LA"
AGENCY = "VĂN PHÒNG"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FORM_TITLE = ("BIỂU MẪU BÁO CÁO KẾT QUẢ THỰC HIỆN PHONG TRÀO "
              "“TOÀN DÂN ĐOÀN KẾT XÂY DỰNG ĐỜI SỐNG VĂN HÓA”")
YES, NO = "Có", "Không"
TOTAL_LABEL = "Tổng cộng"

_SUBJECTS = {
    spec.SHEET_INFO: "Phần 1. THÔNG TIN CHUNG",
    spec.SHEET_STAFF: "Phần 2. KẾT QUẢ THỰC HIỆN CHỈ TIÊU THEO NHÓM CÁN BỘ",
    spec.SHEET_STANDARD: "Phần 3. TIÊU CHUẨN CƠ QUAN, ĐƠN VỊ VĂN HÓA",
    spec.SHEET_ACTIVITIES: "Phần 4. CÁC HOẠT ĐỘNG ĐÃ THỰC HIỆN TRONG KỲ",
    spec.SHEET_EVENTS: "Phần 5. THAM GIA CÁC SỰ KIỆN",
}
_INFO_HEADER = ("Mục", "Nội dung kê khai")
_INFO_WIDTHS = (26, 52)
_INFO_HINTS = {
    "unit": "Tên đơn vị đã điền sẵn, không sửa.",
    "period": "Kỳ báo cáo đã điền sẵn: '6 tháng đầu năm YYYY' hoặc 'Năm YYYY'.",
    "prepared_by": "Họ và tên người lập biểu.",
    "prepared_on": "Ngày lập biểu, dạng dd/mm/yyyy (ví dụ 05/12/2022).",
    "phone": "Số điện thoại liên hệ của người lập biểu.",
    "email": "Thư điện tử (không bắt buộc).",
    "form_version": "Phiên bản biểu mẫu, không sửa.",
}
_DATE_FORMAT = "dd/mm/yyyy"
_DATE_MIN, _DATE_MAX = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def template_filename(unit_code: str, period_code: str) -> str:
    """'bieu-mau_TH_2022-H1.xlsx': ASCII only, safe for every browser and file system."""
    return f"bieu-mau_{_ascii(unit_code)}_{_ascii(period_code)}.xlsx"


def _ascii(text: str) -> str:
    text = str(text).replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-") or "x"


def _resolve(unit_code: str, period_code: str, ref: Reference) -> tuple[str, Period]:
    code = unit_code if unit_code in ref.units else ref.unit_code(unit_code)
    if code is None:
        raise ValueError(f"Không có đơn vị '{unit_code}' trong danh sách đơn vị.")
    period = ref.periods.get(period_code)
    if period is None:
        from vanhoa.form.rules import parse_period  # accepts '6 tháng đầu năm 2022' too

        period = ref.periods.get(parse_period(period_code) or "")
    if period is None:
        raise ValueError(f"Không có kỳ báo cáo '{period_code}' (ví dụ đúng: 2022-H1, 2022-Y).")
    return code, period


def _period_events(ref: Reference, year: int) -> list[str]:
    """Events of the period's year, plus those whose name carries no year (e.g. 'lần thứ V')."""
    chosen = [name for name in ref.events
              if str(year) in name or not re.search(r"\b20\d\d\b", name)]
    return chosen or list(ref.events)


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        base = {"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter"}
        add = lambda **kw: book.add_format({**base, **kw})  # noqa: E731
        self.agency_parent = add(align="center")
        self.bold_center = add(bold=True, align="center")
        self.motto = add(bold=True, align="center", underline=1)
        self.title = add(bold=True, align="center", text_wrap=True, font_size=13)
        self.subject = add(bold=True, italic=True, align="center", text_wrap=True)
        self.header = add(bold=True, align="center", text_wrap=True, border=1, bg_color="#DDEBF7")
        self.text = add(border=1, text_wrap=True, valign="top")
        self.label = add(border=1, bold=True, text_wrap=True)
        self.count = add(border=1, num_format="0", align="right")
        self.money = add(border=1, num_format="#,##0", align="right")
        self.date = add(border=1, num_format=_DATE_FORMAT, align="center")
        self.choice = add(border=1, text_wrap=True)
        self.total_label = add(border=1, bold=True)
        self.total = add(border=1, bold=True, num_format="0", align="right")
        self.info_value = add(border=1, text_wrap=True)
        self.info_date = add(border=1, num_format=_DATE_FORMAT, align="left")
        self.info_text = add(border=1, num_format="@")
        self.guide_head = add(bold=True, font_size=12)
        self.guide = add(text_wrap=True, valign="top")
        self.list_head = add(bold=True)
        self.warn = book.add_format({"bg_color": "#F8CBAD", "font_color": "#9C0006"})

    def for_kind(self, kind: str):
        return {"count": self.count, "money": self.money, "date": self.date,
                "choice": self.choice, "plan": self.choice, "yesno": self.choice}.get(kind, self.text)


def _merge(ws, row: int, first_col: int, last_col: int, value: str, fmt) -> None:
    """Write `value` across columns first..last of a 0-based row (merged when wider than one)."""
    if last_col > first_col:
        ws.merge_range(row, first_col, row, last_col, value, fmt)
    else:
        ws.write_string(row, first_col, value, fmt)


def _title_block(ws, fmt: _Formats, n_cols: int, subject: str) -> None:
    """Rows 1-5: agency and national motto side by side, the title, the subject, one blank row."""
    last = max(n_cols, 2) - 1
    split = max(1, (last + 1) // 2)
    _merge(ws, 0, 0, split - 1, AGENCY_PARENT, fmt.agency_parent)
    _merge(ws, 1, 0, split - 1, AGENCY, fmt.bold_center)
    _merge(ws, 0, split, last, NATION, fmt.bold_center)
    _merge(ws, 1, split, last, MOTTO, fmt.motto)
    _merge(ws, 2, 0, last, FORM_TITLE, fmt.title)
    _merge(ws, 3, 0, last, subject, fmt.subject)
    ws.set_row(2, 36)
    ws.set_row(3, 34)


def _header(ws, fmt: _Formats, columns: tuple[spec.Column, ...]) -> None:
    for col, column in enumerate(columns):
        ws.set_column(col, col, column.width)
        ws.write_string(HEADER_ROW - 1, col, column.header, fmt.header)
    ws.set_row(HEADER_ROW - 1, 48)
    ws.freeze_panes(HEADER_ROW, 0)


def _col_range(col: int, first_row: int, last_row: int) -> str:
    """'B7:B9' from a 0-based column and 1-based Excel rows."""
    letter = xl_col_to_name(col)
    return f"{letter}{first_row}:{letter}{last_row}"


def _list_source(col: int, length: int) -> str:
    letter = xl_col_to_name(col)
    return f"='{spec.SHEET_LISTS}'!${letter}$2:${letter}${length + 1}"


class _Lists:
    """The hidden `Danh mục` sheet: one list per column, header in row 1, items from row 2."""

    def __init__(self, ws, fmt: _Formats) -> None:
        self.ws, self.fmt, self.sources = ws, fmt, {}

    def add(self, key: str, title: str, items: list[str]) -> None:
        col = len(self.sources)
        self.ws.write_string(0, col, title, self.fmt.list_head)
        for row, item in enumerate(items, start=1):
            self.ws.write_string(row, col, item)
        self.ws.set_column(col, col, max(14, min(60, max(len(i) for i in items) + 2)))
        self.sources[key] = _list_source(col, len(items))


def _dropdown(ws, cells: str, source: str, title: str, message: str, strict: bool = True) -> None:
    ws.data_validation(cells, {
        "validate": "list", "source": source, "ignore_blank": True,
        "input_title": title[:32], "input_message": message[:255],
        "error_type": "stop" if strict else "information",
        "error_title": "Giá trị không có trong danh mục"[:32],
        "error_message": ("Hãy chọn một giá trị trong danh sách thả xuống." if strict else
                          "Giá trị chưa có trong danh mục. Chọn OK để giữ giá trị vừa nhập.")[:255],
    })


def _whole(ws, cells: str, title: str) -> None:
    ws.data_validation(cells, {
        "validate": "integer", "criteria": ">=", "value": 0, "ignore_blank": True,
        "input_title": title[:32], "input_message": "Nhập số nguyên không âm (ví dụ 58 hoặc 1200).",
        "error_type": "stop", "error_title": "Phải là số nguyên không âm",
        "error_message": "Ô này chỉ nhận số nguyên lớn hơn hoặc bằng 0, không có phần thập phân.",
    })


def _date(ws, cells: str, title: str) -> None:
    ws.data_validation(cells, {
        "validate": "date", "criteria": "between", "minimum": _DATE_MIN, "maximum": _DATE_MAX,
        "ignore_blank": True, "input_title": title[:32],
        "input_message": "Nhập ngày dạng dd/mm/yyyy, ví dụ 05/12/2022.",
        "error_type": "warning", "error_title": "Ngày chưa đúng dạng",
        "error_message": "Ngày phải có dạng dd/mm/yyyy (ngày trước, tháng sau), ví dụ 05/12/2022.",
    })


def _write_guide(ws, fmt: _Formats, unit_name: str, period: Period) -> None:
    ws.set_column(0, 0, 4)
    ws.set_column(1, 1, 110)
    _title_block(ws, fmt, 2, f"HƯỚNG DẪN ĐIỀN BIỂU MẪU\n{unit_name} - {period.label}")
    info, staff, std, acts, evs = (spec.SHEET_INFO, spec.SHEET_STAFF, spec.SHEET_STANDARD,
                                   spec.SHEET_ACTIVITIES, spec.SHEET_EVENTS)
    groups = "; ".join(f"'{name}'" for _, name, _ in spec.STAFF_GROUPS)
    kinds = "; ".join(spec.ACTIVITY_KINDS)
    plan = "; ".join(f"{code} - {words}" for code, words in spec.PLAN_ITEMS)
    sections = [
        ("I. CÁC TRANG CỦA BIỂU MẪU", [
            f"Trang '{info}': thông tin chung của báo cáo. Đơn vị và kỳ báo cáo đã điền sẵn; "
            "điền người lập, ngày lập, điện thoại, thư điện tử.",
            f"Trang '{staff}': mỗi nhóm ({groups}) một dòng; ghi tổng số người và số người đạt từng chỉ tiêu. "
            f"Dòng '{TOTAL_LABEL}' tự cộng, không cần ghi.",
            f"Trang '{std}': cột 'Đạt' chọn {YES} hoặc {NO} cho từng tiêu chuẩn; "
            "đơn vị đạt chuẩn văn hóa khi ba tiêu chuẩn đầu đều đạt. Có thể ghi chú ở cột 'Ghi chú'.",
            f"Trang '{acts}': mỗi hoạt động đã thực hiện trong kỳ một dòng. Loại hoạt động chọn trong danh sách: "
            f"{kinds}. Cột 'Nội dung Kế hoạch' chọn một mục: {plan}.",
            f"Trang '{evs}': mỗi sự kiện đơn vị tham gia một dòng (chọn tên sự kiện trong danh sách; "
            "sự kiện mới chưa có trong danh sách thì gõ tên đầy đủ).",
        ]),
        ("II. QUY TẮC KHI ĐIỀN", [
            "Không đổi tên trang, không sửa, không xóa các dòng tiêu đề của bảng và các cột; "
            "không xóa các dòng nhóm cán bộ, các dòng tiêu chuẩn đã in sẵn.",
            "Số người, số gia đình ghi bằng số nguyên không âm (ví dụ 9, 58, 1.200); không ghi số thập phân, "
            "số âm hoặc chữ.",
            "Kinh phí ghi bằng đồng, số nguyên (ví dụ 15.000.000).",
            "Ngày ghi theo dạng dd/mm/yyyy: ngày trước, tháng sau (ví dụ 05/12/2022).",
            f"Ô có/không ghi '{YES}' hoặc '{NO}' (chọn trong danh sách thả xuống).",
            "Số người thực hiện tốt chuẩn mực, tham gia hoạt động văn hóa và số gia đình không lớn hơn tổng số; "
            "số gia đình văn hóa không lớn hơn số gia đình.",
            "Khi tải lên, ứng dụng kiểm tra toàn bộ biểu mẫu. Mỗi lỗi nêu rõ tên trang và ô bị lỗi "
            f"(ví dụ '{staff}!C7'), giá trị đã ghi và quy tắc bị vi phạm; sửa đúng ô đó rồi tải lên lại.",
            "Báo cáo có lỗi sẽ không được lưu; cảnh báo không chặn việc lưu nhưng được hiển thị kèm báo cáo.",
            "Nộp lại báo cáo đã sửa sẽ tạo phiên bản mới; các phiên bản trước vẫn được lưu giữ.",
        ]),
        ("III. HẠN NỘP", [
            f"Kỳ báo cáo: {period.label} (từ {fmt_date(period.start)} đến {fmt_date(period.end)}). "
            f"Hạn nộp: {fmt_date(period.deadline)}.",
        ]),
    ]
    row = 5
    for head, lines in sections:
        ws.write_string(row, 0, head, fmt.guide_head)
        row += 1
        for number, line in enumerate(lines, start=1):
            ws.write_string(row, 0, f"{number}.", fmt.guide)
            ws.write_string(row, 1, line, fmt.guide)
            ws.set_row(row, 15 * (1 + len(line) // 120))
            row += 1
        row += 1


def _write_info(ws, fmt: _Formats, unit_name: str, period: Period) -> None:
    for col, width in enumerate(_INFO_WIDTHS):
        ws.set_column(col, col, width)
    _title_block(ws, fmt, len(_INFO_WIDTHS), f"{_SUBJECTS[spec.SHEET_INFO]}\n{unit_name} - {period.label}")
    for col, text in enumerate(_INFO_HEADER):
        ws.write_string(HEADER_ROW - 1, col, text, fmt.header)
    ws.freeze_panes(HEADER_ROW, 0)
    prefilled = {"unit": unit_name, "period": period.label, "form_version": spec.FORM_VERSION}
    for field, label in spec.INFO_LABELS.items():
        row = INFO_ROWS[field] - 1
        ws.write_string(row, 0, label, fmt.label)
        value = prefilled.get(field)
        cell_fmt = {"prepared_on": fmt.info_date, "phone": fmt.info_text}.get(field, fmt.info_value)
        if isinstance(value, int):
            ws.write_number(row, 1, value, cell_fmt)
        elif value is not None:
            ws.write_string(row, 1, value, cell_fmt)
        else:
            ws.write_blank(row, 1, None, cell_fmt)
        cell = xl_rowcol_to_cell(row, 1)
        if field == "prepared_on":
            _date(ws, cell, label)
        elif field == "form_version":
            ws.data_validation(cell, {"validate": "integer", "criteria": "==", "value": spec.FORM_VERSION,
                                      "input_title": label, "input_message": _INFO_HINTS[field],
                                      "error_title": "Không sửa ô này",
                                      "error_message": f"Phiên bản biểu mẫu là {spec.FORM_VERSION}."})
        else:
            ws.data_validation(cell, {"validate": "any", "input_title": label[:32],
                                      "input_message": _INFO_HINTS[field]})


def _write_staff(ws, fmt: _Formats, lists: _Lists, subject: str) -> None:
    columns = spec.STAFF_COLUMNS
    _title_block(ws, fmt, len(columns), subject)
    _header(ws, fmt, columns)
    first, last = FIRST_DATA_ROW, STAFF_TOTAL_ROW - 1
    for code, name, _ in spec.STAFF_GROUPS:
        row = STAFF_ROWS[code] - 1
        ws.write_string(row, 0, name, fmt.choice)
        for col, column in enumerate(columns[1:], start=1):
            ws.write_blank(row, col, None, fmt.for_kind(column.kind))
    ws.write_string(STAFF_TOTAL_ROW - 1, 0, TOTAL_LABEL, fmt.total_label)
    for col in range(1, len(columns)):
        letter = xl_col_to_name(col)
        ws.write_formula(STAFF_TOTAL_ROW - 1, col, f"=SUM({letter}{first}:{letter}{last})", fmt.total, 0)
    _dropdown(ws, _col_range(0, first, last), lists.sources["groups"], columns[0].header,
              "Chọn nhóm: " + "; ".join(name for _, name, _ in spec.STAFF_GROUPS) + ".")
    for col, column in enumerate(columns[1:], start=1):
        _whole(ws, _col_range(col, first, last), column.header)
    # Highlight (without blocking typing) a number larger than the one it is a part of.
    total_col = xl_col_to_name(1)
    families_col = xl_col_to_name(next(i for i, c in enumerate(columns) if c.field == "families"))
    for col, column in enumerate(columns[2:], start=2):
        bound = families_col if column.field == "cultural_families" else total_col
        letter = xl_col_to_name(col)
        ws.conditional_format(_col_range(col, first, last), {
            "type": "formula", "criteria": f"=AND(ISNUMBER({letter}{first}),{letter}{first}>${bound}{first})",
            "format": fmt.warn})


def _write_standard(ws, fmt: _Formats, lists: _Lists, subject: str) -> None:
    columns = spec.STANDARD_COLUMNS
    _title_block(ws, fmt, len(columns), subject)
    _header(ws, fmt, columns)
    for code, text in spec.CRITERIA:
        row = CRITERIA_ROWS[code] - 1
        ws.write_string(row, 0, text, fmt.text)
        ws.write_blank(row, 1, None, fmt.choice)
        ws.write_blank(row, 2, None, fmt.text)
    first, last = FIRST_DATA_ROW, FIRST_DATA_ROW + len(spec.CRITERIA) - 1
    _dropdown(ws, _col_range(1, first, last), lists.sources["yesno"], columns[1].header,
              f"Chọn {YES} hoặc {NO}.")


def _write_table(ws, fmt: _Formats, lists: _Lists, subject: str, columns: tuple[spec.Column, ...],
                 dropdowns: dict[str, tuple[str, str, bool]]) -> None:
    """An empty table (Hoạt động, Sự kiện) with formats and validations on DATA_ROWS rows."""
    _title_block(ws, fmt, len(columns), subject)
    _header(ws, fmt, columns)
    first, last = FIRST_DATA_ROW, FIRST_DATA_ROW + DATA_ROWS - 1
    for col, column in enumerate(columns):
        cell_fmt = fmt.for_kind(column.kind)
        for row in range(first - 1, last):
            ws.write_blank(row, col, None, cell_fmt)
        cells = _col_range(col, first, last)
        if column.field in dropdowns:
            key, message, strict = dropdowns[column.field]
            _dropdown(ws, cells, lists.sources[key], column.header, message, strict)
        elif column.kind in ("count", "money"):
            _whole(ws, cells, column.header)
        elif column.kind == "date":
            _date(ws, cells, column.header)


def build_template(unit_code: str, period_code: str, ref: Reference) -> bytes:
    """The return of `unit_code` (a code or a name) for `period_code`, pre-filled, as .xlsx bytes."""
    code, period = _resolve(unit_code, period_code, ref)
    unit_name = ref.unit_name(code)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({
        "title": f"Biểu mẫu báo cáo - {unit_name} - {period.label}",
        "subject": "Phong trào Toàn dân đoàn kết xây dựng đời sống văn hóa",
        "author": "Văn phòng UBND tỉnh Sơn La",
        "company": "Văn phòng UBND tỉnh Sơn La",
        "keywords": f"{code}; {period.code}; phiên bản biểu mẫu {spec.FORM_VERSION}",
        # A fixed date keeps the bytes of one unit's template for one period identical.
        "created": dt.datetime.combine(period.start, dt.time()),
    })
    fmt = _Formats(book)
    guide = book.add_worksheet(spec.SHEET_GUIDE)
    info = book.add_worksheet(spec.SHEET_INFO)
    staff = book.add_worksheet(spec.SHEET_STAFF)
    standard = book.add_worksheet(spec.SHEET_STANDARD)
    activities = book.add_worksheet(spec.SHEET_ACTIVITIES)
    events = book.add_worksheet(spec.SHEET_EVENTS)
    lists_ws = book.add_worksheet(spec.SHEET_LISTS)
    lists_ws.hide()

    lists = _Lists(lists_ws, fmt)
    lists.add("groups", "Nhóm", [name for _, name, _ in spec.STAFF_GROUPS])
    lists.add("yesno", "Đạt", [YES, NO])
    lists.add("kinds", "Loại hoạt động", list(spec.ACTIVITY_KINDS))
    lists.add("plan", "Nội dung Kế hoạch", [f"{c} - {words}" for c, words in spec.PLAN_ITEMS])
    lists.add("events", "Tên sự kiện", _period_events(ref, period.year))
    lists.add("communes", "Xã/phường", [ref.supported_commune])

    for ws in (guide, info, staff, standard, activities, events):
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.hide_gridlines(2 if ws is guide else 0)
    subject = lambda sheet: f"{_SUBJECTS[sheet]}\n{unit_name} - {period.label}"  # noqa: E731

    _write_guide(guide, fmt, unit_name, period)
    _write_info(info, fmt, unit_name, period)
    _write_staff(staff, fmt, lists, subject(spec.SHEET_STAFF))
    _write_standard(standard, fmt, lists, subject(spec.SHEET_STANDARD))
    _write_table(activities, fmt, lists, subject(spec.SHEET_ACTIVITIES), spec.ACTIVITY_COLUMNS, {
        "kind": ("kinds", "Chọn loại hoạt động trong danh sách.", True),
        "plan_item": ("plan", "Chọn nội dung của Kế hoạch mà hoạt động thực hiện (III.1 - III.5).", True),
        "commune": ("communes", f"Xã được giúp đỡ: {ref.supported_commune}. Nơi khác thì gõ tên xã/phường.",
                    False),
    })
    _write_table(events, fmt, lists, subject(spec.SHEET_EVENTS), spec.EVENT_COLUMNS, {
        "event": ("events", "Chọn sự kiện trong danh sách; sự kiện mới thì gõ tên đầy đủ.", False),
    })
    guide.activate()
    book.close()
    return buffer.getvalue()
