"""The return form, version 1 (../shared/spec/return-form.md) as data: sheets, headers, lists.

The reader, the validator and the template all read this module, so the form is defined once.
"""

from __future__ import annotations

from dataclasses import dataclass

FORM_VERSION = 1
HEADER_SEARCH_ROWS = 20

SHEET_INFO = "Thông tin"
SHEET_STAFF = "Chỉ tiêu"
SHEET_STANDARD = "Đơn vị văn hóa"
SHEET_ACTIVITIES = "Hoạt động"
SHEET_EVENTS = "Sự kiện"
SHEET_GUIDE = "Hướng dẫn"
SHEET_LISTS = "Danh mục"

REQUIRED_SHEETS = (SHEET_INFO, SHEET_STAFF, SHEET_STANDARD)
OPTIONAL_SHEETS = (SHEET_ACTIVITIES, SHEET_EVENTS)


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool
    kind: str  # text | count | money | date | choice | yesno | plan
    width: int = 16


# Sheet "Thông tin": label -> field
INFO_LABELS = {
    "unit": "Đơn vị",
    "period": "Kỳ báo cáo",
    "prepared_by": "Người lập",
    "prepared_on": "Ngày lập",
    "phone": "Điện thoại",
    "email": "Email",
    "form_version": "Phiên bản biểu mẫu",
}

STAFF_COLUMNS = (
    Column("group", "Nhóm", True, "choice", 22),
    Column("total", "Tổng số", True, "count", 12),
    Column("ethics", "Thực hiện tốt chuẩn mực đạo đức, văn hóa công sở", True, "count", 24),
    Column("culture", "Tham gia hoạt động văn hóa", True, "count", 18),
    Column("families", "Số gia đình", True, "count", 12),
    Column("cultural_families", "Gia đình văn hóa", True, "count", 14),
)

# (code, canonical name, accepted short forms; the first is the one messages suggest)
STAFF_GROUPS = (
    ("CBCC", "Cán bộ, công chức", ("CBCC", "Cán bộ công chức", "Công chức")),
    ("VC", "Viên chức", ("VC",)),
    ("LDHD", "Lao động hợp đồng", ("LĐHĐ", "LDHD", "Lao động", "HĐLĐ")),
)
GROUP_NAMES = {code: name for code, name, _ in STAFF_GROUPS}  # 'CBCC' -> 'Cán bộ, công chức'
GROUP_WORDS = {code: name.lower() for code, name, _ in STAFF_GROUPS}  # inside a sentence: 'cán bộ, công chức'
GROUP_SHORT = {code: aliases[0] for code, _, aliases in STAFF_GROUPS}  # 'LDHD' -> 'LĐHĐ'

STANDARD_COLUMNS = (
    Column("criterion", "Tiêu chuẩn", True, "text", 60),
    Column("met", "Đạt", True, "yesno", 10),
    Column("note", "Ghi chú", False, "text", 40),
)

# (code, criterion); C1..C3 make the standard, C4 is next year's registration.
CRITERIA = (
    ("C1", "Hoàn thành tốt nhiệm vụ"),
    ("C2", "Xây dựng nếp sống văn minh, môi trường văn hóa công sở"),
    ("C3", "Gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà nước"),
    ("C4", "Đăng ký danh hiệu Cơ quan, đơn vị văn hóa năm sau"),
)
STANDARD_CRITERIA = ("C1", "C2", "C3")

ACTIVITY_COLUMNS = (
    Column("date", "Ngày", True, "date", 12),
    Column("content", "Nội dung", True, "text", 50),
    Column("kind", "Loại hoạt động", True, "choice", 22),
    Column("commune", "Xã/phường", False, "text", 16),
    Column("place", "Địa điểm", False, "text", 20),
    Column("participants", "Số người tham gia", False, "count", 12),
    Column("cost", "Kinh phí (đồng)", False, "money", 16),
    Column("result", "Kết quả, ghi chú", False, "text", 30),
    Column("plan_item", "Nội dung Kế hoạch", False, "plan", 24),
)

ACTIVITY_KINDS = (
    "Tuyên truyền",
    "Văn hóa - văn nghệ",
    "Thể dục - thể thao",
    "Giúp đỡ xã",
    "Bảo vệ môi trường",
    "Nhân đạo - từ thiện",
    "Thi đua - khen thưởng",
    "Khác",
)

PLAN_ITEMS = (
    ("III.1", "Xây dựng môi trường văn hóa lành mạnh"),
    ("III.2", "Gia đình văn hóa; bản, tiểu khu, tổ dân phố văn hóa"),
    ("III.3", "Nông thôn mới, đô thị văn minh"),
    ("III.4", "Cơ quan, đơn vị văn hóa"),
    ("III.5", "Lồng ghép các cuộc vận động, phong trào"),
)

EVENT_COLUMNS = (
    Column("event", "Tên sự kiện", True, "text", 50),
    Column("date", "Ngày", True, "date", 12),
    Column("place", "Địa điểm", False, "text", 20),
    Column("registered", "Số người đăng ký", False, "count", 12),
    Column("participants", "Số người tham gia", True, "count", 12),
    Column("achievement", "Thành tích", False, "text", 30),
    Column("note", "Ghi chú", False, "text", 24),
)



def headers(columns: tuple[Column, ...]) -> dict[str, str]:
    """field -> header of a sheet's columns: the one spelling of a figure's label ('total' -> 'Tổng số')."""
    return {column.field: column.header for column in columns}


STAFF_HEADERS = headers(STAFF_COLUMNS)
STAFF_FIGURES = tuple(c.field for c in STAFF_COLUMNS if c.kind == "count")  # total, ethics, ..., cultural_families
MET_HEADER = STANDARD_COLUMNS[1].header  # 'Đạt'

# The totals of the two lists that a version's comparison shows, as (item, figure): key -> label.
# The item is the sheet, the figure the count or the column summed (queries/return_figures.sql
# gives the same keys).
LIST_ITEMS = {"activities": SHEET_ACTIVITIES, "events": SHEET_EVENTS}
LIST_FIGURES = {"count": "Số hoạt động", "cost": headers(ACTIVITY_COLUMNS)["cost"], "participants": "Số lượt tham gia"}



@dataclass(frozen=True)
class Target:
    """One of the plan's four targets, in the words each surface uses (the reference data,
    data/reference/targets.csv, holds its short name, goal and order)."""

    code: str
    title: str  # the official report's line (Nghị định 30)
    definition: str  # what the ratio counts, on the Chỉ tiêu page
    unit: str  # what the numerator counts
    counted: str = ""  # a card's numerator in words ("" for T3, which counts units)


TARGETS = (
    Target("T1", "Chỉ tiêu 1 - công chức, viên chức, lao động thực hiện tốt chuẩn mực đạo đức, văn hóa công sở "
                 "(Quyết định số 34/QĐ-VPUB, Quyết định số 02/QĐ-VPUB)",
           "Số người thực hiện tốt chuẩn mực đạo đức, văn hóa công sở / tổng số cán bộ, công chức, viên chức, "
           "lao động hợp đồng.", "người", "người thực hiện tốt chuẩn mực"),
    Target("T2", "Chỉ tiêu 2 - công chức, viên chức, lao động được nâng cao mức hưởng thụ và tham gia các hoạt động "
                 "văn hóa",
           "Số người tham gia hoạt động văn hóa / tổng số cán bộ, công chức, viên chức, lao động hợp đồng.",
           "người", "người tham gia hoạt động văn hóa"),
    Target("T3", "Chỉ tiêu 3 - cơ quan, đơn vị đạt chuẩn văn hóa",
           "Số đơn vị đạt chuẩn văn hóa (đạt cả ba tiêu chuẩn) / số đơn vị phải báo cáo; "
           "đơn vị chưa nộp tính vào mẫu số.", "đơn vị"),
    Target("T4", "Chỉ tiêu 4 - gia đình công chức, viên chức, lao động giữ vững danh hiệu Gia đình văn hóa",
           "Số gia đình đạt danh hiệu Gia đình văn hóa / số gia đình của cán bộ, công chức, viên chức, lao động.",
           "gia đình", "gia đình văn hóa"),
)
TARGET_TITLES = {t.code: t.title for t in TARGETS}
TARGET_DEFINITIONS = {t.code: t.definition for t in TARGETS}
TARGET_UNITS = {t.code: t.unit for t in TARGETS}
TARGET_COUNTED = {t.code: (t.counted, t.unit) for t in TARGETS if t.counted}

YES_WORDS = ("có", "x", "đạt", "true", "1", "✓", "✔")
NO_WORDS = ("không", "chưa đạt", "false", "0", "")
