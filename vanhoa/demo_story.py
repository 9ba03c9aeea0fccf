"""The demonstration returns of 2022 as data: who files when, the staff figures, the criteria,
the activities and the events of each unit (vanhoa/demo.py writes them as Excel files).

The story the numbers tell (source: the 6-month report, seeds/003):
- 6 tháng đầu năm 2022: 58 cán bộ, công chức; 15 viên chức; 40 lao động hợp đồng (113 people).
  T1 110/113 (Nhà khách UBND tỉnh and Nhà khách Thanh Xuân miss 2 and 1); T2 70/113 = 61,9 %
  (below the 70 % goal); T3 10/11 (Nhà khách Thanh Xuân has not yet met "Xây dựng nếp sống văn
  minh..."); T4 below 100 % in three units. Nhà khách Thanh Xuân files late (22/06/2022).
- Năm 2022: headcounts move by one or two people; T2 above 70 %, T1 100 % except Nhà khách UBND
  tỉnh, all 11 units meet the standard, T4 below 100 % only at Nhà khách UBND tỉnh. Phòng Tổng hợp
  files twice (a corrected version the next day); Nhà khách UBND tỉnh files late (09/12/2022).
- The annual return lists the activities and events held after the 6-month return was filed
  (the earlier ones are in the 6-month return), so a list over both returns counts each once.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

from vanhoa.form import spec
from vanhoa.reference import Reference

H1, Y = "2022-H1", "2022-Y"
COMMUNE = "Chiềng Xuân"
PLAN = {code: f"{code} - {words}" for code, words in spec.PLAN_ITEMS}

# ------------------------------------------------------------------ who files, where they work

CLERKS = {  # unit -> (Người lập, Điện thoại)
    "TH": ("Nguyễn Thị Thu Hà", "0212 3852 101"),
    "KT": ("Lò Văn Thắng", "0212 3852 102"),
    "NC": ("Hoàng Minh Tuấn", "0212 3852 103"),
    "KGVX": ("Cầm Thị Hoa", "0212 3852 104"),
    "KSTT": ("Đinh Thị Ngọc Anh", "0212 3852 105"),
    "TCHCQT": ("Lường Thị Hằng", "0212 3852 106"),
    "BTCD": ("Quàng Văn Hải", "0212 3852 107"),
    "PVHCC": ("Trần Thị Phương", "0212 3852 108"),
    "TTTT": ("Vì Văn Dũng", "0212 3852 109"),
    "NKUB": ("Bùi Thị Huyền", "0212 3852 110"),
    "NKTX": ("Phạm Thị Lan", "024 3858 0111"),
}

_OFFICE = "Trụ sở Văn phòng UBND tỉnh"
PLACES = {
    "TH": _OFFICE, "KT": _OFFICE, "NC": _OFFICE, "KGVX": _OFFICE, "KSTT": _OFFICE, "TCHCQT": _OFFICE,
    "BTCD": "Trụ sở Tiếp công dân tỉnh",
    "PVHCC": "Trung tâm Phục vụ hành chính công tỉnh",
    "TTTT": "Trung tâm Thông tin",
    "NKUB": "Nhà khách UBND tỉnh",
    "NKTX": "Nhà khách Thanh Xuân, Hà Nội",
}

# (unit, period, version) -> when the file reached the Office (local time). Deadlines: 15/06/2022
# and 05/12/2022; nobody files on the deadline day itself, so "late" never hinges on the hour.
FILED_AT = {
    ("BTCD", H1, 1): "2022-06-08 14:15",
    ("KSTT", H1, 1): "2022-06-09 10:05",
    ("TH", H1, 1): "2022-06-10 09:20",
    ("NC", H1, 1): "2022-06-10 16:10",
    ("TTTT", H1, 1): "2022-06-13 09:00",
    ("KT", H1, 1): "2022-06-13 15:45",
    ("KGVX", H1, 1): "2022-06-14 08:30",
    ("PVHCC", H1, 1): "2022-06-14 10:50",
    ("NKUB", H1, 1): "2022-06-14 11:25",
    ("TCHCQT", H1, 1): "2022-06-14 16:40",
    ("NKTX", H1, 1): "2022-06-22 15:30",  # late
    ("BTCD", Y, 1): "2022-11-28 14:00",
    ("KSTT", Y, 1): "2022-11-29 10:30",
    ("PVHCC", Y, 1): "2022-11-30 09:40",
    ("KT", Y, 1): "2022-11-30 15:20",
    ("TH", Y, 1): "2022-12-01 09:15",
    ("TTTT", Y, 1): "2022-12-01 10:20",
    ("KGVX", Y, 1): "2022-12-01 16:05",
    ("NC", Y, 1): "2022-12-02 08:45",
    ("NKTX", Y, 1): "2022-12-02 11:00",
    ("TH", Y, 2): "2022-12-02 14:30",  # corrected: one more CBCC took part in cultural activities
    ("TCHCQT", Y, 1): "2022-12-02 16:50",
    ("NKUB", Y, 1): "2022-12-09 15:10",  # late
}

# ------------------------------------------------------------------ Chỉ tiêu

# (unit, group) -> (Tổng số, Thực hiện tốt chuẩn mực, Tham gia hoạt động văn hóa, Số gia đình, Gia đình
# văn hóa) in the 6-month return, then in the annual one: side by side, the headcounts move by one or two
STAFF = {
    ("TH", "CBCC"): ((9, 9, 7, 8, 8), (10, 10, 9, 9, 9)),  # one new civil servant
    ("KT", "CBCC"): ((8, 8, 5, 7, 7), (8, 8, 6, 7, 7)),
    ("NC", "CBCC"): ((6, 6, 4, 6, 6), (6, 6, 5, 6, 6)),
    ("KGVX", "CBCC"): ((6, 6, 5, 5, 5), (5, 5, 4, 5, 5)),  # one retired
    ("KSTT", "CBCC"): ((6, 6, 4, 5, 5), (6, 6, 5, 5, 5)),
    ("TCHCQT", "CBCC"): ((9, 9, 7, 8, 8), (9, 9, 8, 8, 8)),
    ("TCHCQT", "LDHD"): ((12, 12, 5, 10, 9), (11, 11, 8, 9, 9)),
    ("BTCD", "CBCC"): ((5, 5, 3, 5, 5), (5, 5, 4, 5, 5)),
    ("PVHCC", "CBCC"): ((5, 5, 4, 4, 4), (5, 5, 4, 4, 4)),
    ("PVHCC", "VC"): ((4, 4, 2, 3, 3), (5, 5, 4, 4, 4)),
    ("PVHCC", "LDHD"): ((2, 2, 1, 2, 2), (2, 2, 2, 2, 2)),
    ("TTTT", "CBCC"): ((2, 2, 2, 2, 2), (2, 2, 2, 2, 2)),
    ("TTTT", "VC"): ((7, 7, 5, 6, 5), (7, 7, 6, 6, 6)),
    ("TTTT", "LDHD"): ((3, 3, 1, 2, 2), (3, 3, 2, 2, 2)),
    ("NKUB", "CBCC"): ((1, 1, 1, 1, 1), (1, 1, 1, 1, 1)),
    ("NKUB", "VC"): ((2, 2, 1, 2, 2), (2, 2, 2, 2, 2)),
    ("NKUB", "LDHD"): ((15, 13, 6, 12, 10), (16, 15, 10, 13, 12)),
    ("NKTX", "CBCC"): ((1, 1, 1, 1, 1), (1, 1, 1, 1, 1)),
    ("NKTX", "VC"): ((2, 2, 1, 1, 1), (2, 2, 2, 1, 1)),
    ("NKTX", "LDHD"): ((8, 7, 5, 6, 6), (8, 8, 6, 6, 6)),
}
# The first annual file of Phòng Tổng hợp, before its correction (culture 8 instead of 9).
TH_Y_FIRST = {"CBCC": (10, 10, 8, 9, 9)}


def staff_of(period: str, unit: str) -> dict[str, tuple[int, int, int, int, int]]:
    """group -> the unit's five figures in that period's return."""
    half = 0 if period == H1 else 1
    return {group: figures[half] for (who, group), figures in STAFF.items() if who == unit}


# ------------------------------------------------------------------ Đơn vị văn hóa

# (period, unit) -> criterion code -> (met, note); every other criterion is met without a note.
CRITERIA_EXCEPTIONS = {
    (H1, "NKTX"): {"C2": (False, "Còn trường hợp chưa thực hiện nghiêm nội quy, văn hóa giao tiếp "
                                 "với khách; đơn vị đang chấn chỉnh.")},
    (Y, "NKTX"): {"C2": (True, "Đã khắc phục tồn tại của 6 tháng đầu năm.")},
    (Y, "NKUB"): {"C2": (True, "Còn 01 lao động hợp đồng chưa thực hiện tốt chuẩn mực văn hóa công sở, "
                               "đã được nhắc nhở.")},
}

# ------------------------------------------------------------------ Hoạt động


@dataclass(frozen=True)
class Activity:
    date: str  # dd/mm/yyyy, as the clerk reads it
    content: str
    kind: str
    plan: str  # III.1 .. III.5
    participants: int | None = None
    cost: int | None = None
    result: str | None = None
    commune: str | None = None
    place: str | None = None  # None: the unit's own premises


def _common_h1(total: int, half: int) -> dict[str, Activity]:
    """The Office-wide activities of the first half of 2022, for a unit of `total` people."""
    return {
        "quan_triet": Activity(
            "18/02/2022", "Quán triệt Kế hoạch số 17/KH-VPUB ngày 12/02/2022 của Văn phòng UBND tỉnh "
            "về thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” năm 2022",
            "Tuyên truyền", "III.4", total, None, "100% công chức, viên chức, người lao động được quán triệt"),
        "tet_nguoi_ngheo": Activity(
            "25/01/2022", "Ủng hộ Quỹ “Tết vì người nghèo” Xuân Nhâm Dần 2022",
            "Nhân đạo - từ thiện", "III.5", total, total * 100_000, "Chuyển Ủy ban MTTQ Việt Nam tỉnh"),
        "trong_cay": Activity(
            "08/02/2022", "Hưởng ứng “Tết trồng cây đời đời nhớ ơn Bác Hồ” Xuân Nhâm Dần 2022",
            "Bảo vệ môi trường", "III.1", half),
        "chuyen_de_bac_ho": Activity(
            "19/05/2022", "Sinh hoạt chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh, "
            "kỷ niệm 132 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - 19/5/2022)",
            "Tuyên truyền", "III.5", total),
        "ve_sinh": Activity(
            "03/06/2022", "Tổng vệ sinh trụ sở cơ quan, hưởng ứng Ngày Môi trường thế giới 5/6 "
            "và Tháng hành động vì môi trường năm 2022", "Bảo vệ môi trường", "III.1", total),
    }


def _common_y(total: int, half: int) -> dict[str, Activity]:
    """The Office-wide activities of the second half of 2022, for a unit of `total` people."""
    return {
        "thuong_binh": Activity(
            "22/07/2022", "Thăm hỏi, tặng quà gia đình chính sách nhân kỷ niệm 75 năm Ngày Thương binh - "
            "Liệt sĩ (27/7/1947 - 27/7/2022)", "Nhân đạo - từ thiện", "III.5", min(3, total), 1_000_000,
            "Tặng 02 suất quà (500.000 đồng/suất)"),
        "the_thao": Activity(
            "26/08/2022", "Giao lưu thể thao chào mừng 77 năm Cách mạng tháng Tám và Quốc khánh 2/9",
            "Thể dục - thể thao", "III.1", half),
        "ve_sinh": Activity(
            "17/09/2022", "Tổng vệ sinh trụ sở, hưởng ứng Chiến dịch Làm cho thế giới sạch hơn năm 2022",
            "Bảo vệ môi trường", "III.1", total),
        "phu_nu": Activity(
            "20/10/2022", "Tọa đàm kỷ niệm 92 năm Ngày thành lập Hội Liên hiệp Phụ nữ Việt Nam "
            "(20/10/1930 - 20/10/2022)", "Văn hóa - văn nghệ", "III.1", half),
        "vi_nguoi_ngheo": Activity(
            "28/10/2022", "Ủng hộ Quỹ “Vì người nghèo” nhân Tháng cao điểm vì người nghèo năm 2022",
            "Nhân đạo - từ thiện", "III.5", total, total * 100_000, "Chuyển Ủy ban MTTQ Việt Nam tỉnh"),
        "binh_xet": Activity(
            "24/11/2022", "Bình xét danh hiệu “Gia đình văn hóa”, đánh giá tiêu chuẩn “Cơ quan, đơn vị văn hóa” "
            "năm 2022 và đăng ký danh hiệu năm 2023", "Thi đua - khen thưởng", "III.2", total),
    }


# period -> unit -> which Office-wide activities the unit took part in (and reports)
COMMON_PLAN = {
    H1: {
        "TH": ("quan_triet", "tet_nguoi_ngheo", "chuyen_de_bac_ho", "ve_sinh"),
        "KT": ("quan_triet", "tet_nguoi_ngheo", "chuyen_de_bac_ho", "ve_sinh"),
        "NC": ("quan_triet", "tet_nguoi_ngheo", "chuyen_de_bac_ho", "ve_sinh"),
        "KGVX": ("quan_triet", "tet_nguoi_ngheo", "chuyen_de_bac_ho", "ve_sinh"),
        "KSTT": ("quan_triet", "tet_nguoi_ngheo", "chuyen_de_bac_ho", "ve_sinh"),
        "TCHCQT": ("quan_triet", "tet_nguoi_ngheo", "trong_cay", "chuyen_de_bac_ho", "ve_sinh"),
        "BTCD": ("quan_triet", "tet_nguoi_ngheo"),
        "PVHCC": ("quan_triet", "tet_nguoi_ngheo", "trong_cay", "chuyen_de_bac_ho", "ve_sinh"),
        "TTTT": ("quan_triet", "tet_nguoi_ngheo", "trong_cay", "chuyen_de_bac_ho", "ve_sinh"),
        "NKUB": ("quan_triet", "tet_nguoi_ngheo", "trong_cay", "chuyen_de_bac_ho", "ve_sinh"),
        "NKTX": ("quan_triet", "tet_nguoi_ngheo", "ve_sinh"),
    },
    Y: {
        "TH": ("thuong_binh", "the_thao", "ve_sinh", "phu_nu", "vi_nguoi_ngheo", "binh_xet"),
        "KT": ("thuong_binh", "the_thao", "ve_sinh", "vi_nguoi_ngheo", "binh_xet"),
        "NC": ("thuong_binh", "the_thao", "ve_sinh", "vi_nguoi_ngheo", "binh_xet"),
        "KGVX": ("thuong_binh", "ve_sinh", "phu_nu", "vi_nguoi_ngheo", "binh_xet"),
        "KSTT": ("the_thao", "ve_sinh", "vi_nguoi_ngheo", "binh_xet"),
        "TCHCQT": ("thuong_binh", "the_thao", "ve_sinh", "phu_nu", "vi_nguoi_ngheo", "binh_xet"),
        "BTCD": ("ve_sinh", "vi_nguoi_ngheo", "binh_xet"),
        "PVHCC": ("ve_sinh", "phu_nu", "vi_nguoi_ngheo", "binh_xet"),
        "TTTT": ("the_thao", "ve_sinh", "phu_nu", "vi_nguoi_ngheo", "binh_xet"),
        "NKUB": ("the_thao", "ve_sinh", "phu_nu", "vi_nguoi_ngheo", "binh_xet"),
        "NKTX": ("ve_sinh", "vi_nguoi_ngheo", "binh_xet"),
    },
}


def _common(period: str, unit: str, total: int) -> list[Activity]:
    """Office-wide activities: each unit reports its own share (its people, its money)."""
    table = (_common_h1 if period == H1 else _common_y)(total, math.ceil(total / 2))
    return [table[key] for key in COMMON_PLAN[period][unit]]


_HELP = "Giúp đỡ xã"
_UBND_XA = "UBND xã Chiềng Xuân"
OWN_ACTIVITIES = {
    (H1, "TH"): [
        Activity("08/03/2022", "Giao lưu văn nghệ chào mừng Ngày Quốc tế Phụ nữ 8/3", "Văn hóa - văn nghệ", "III.1", 9),
        Activity("10/03/2022", "Tuyên truyền Quyết định số 2214/QĐ-TTg ngày 28/12/2021 của Thủ tướng Chính phủ "
                 "phê duyệt Chương trình thực hiện Phong trào giai đoạn 2021 - 2026", "Tuyên truyền", "III.5", 9),
    ],
    (H1, "KT"): [
        Activity("25/03/2022", "Giao lưu bóng chuyền hơi nhân kỷ niệm 91 năm Ngày thành lập Đoàn TNCS Hồ Chí Minh "
                 "(26/3/1931 - 26/3/2022)", "Thể dục - thể thao", "III.1", 6, None, "Giải Nhì toàn đoàn"),
    ],
    (H1, "NC"): [
        Activity("06/06/2022", "Tuyên truyền phòng, chống tệ nạn ma túy, hưởng ứng Tháng hành động phòng, "
                 "chống ma túy năm 2022", "Tuyên truyền", "III.1", 6),
    ],
    (H1, "KGVX"): [
        Activity("20/04/2022", "Phối hợp với UBND xã Chiềng Xuân khảo sát thực trạng nhà văn hóa các bản",
                 _HELP, "III.3", 3, 2_000_000, "Khảo sát 05 nhà văn hóa bản xuống cấp, đề xuất hỗ trợ sửa chữa",
                 COMMUNE, _UBND_XA),
        Activity("18/05/2022", "Hướng dẫn xã Chiềng Xuân rà soát hương ước, quy ước bản gắn với xây dựng nếp sống "
                 "văn minh", _HELP, "III.2", 2, 1_500_000, None, COMMUNE, _UBND_XA),
    ],
    (H1, "KSTT"): [
        Activity("15/03/2022", "Tuyên truyền thực hiện Quy định văn hóa công sở (Quyết định số 02/QĐ-VPUB) gắn với "
                 "cải cách hành chính", "Tuyên truyền", "III.4", 6),
    ],
    (H1, "TCHCQT"): [
        Activity("24/01/2022", "Thăm, tặng quà hộ nghèo, gia đình chính sách xã Chiềng Xuân dịp Tết Nguyên đán "
                 "Nhâm Dần 2022", _HELP, "III.5", 8, 15_000_000, "Tặng 30 suất quà (500.000 đồng/suất)",
                 COMMUNE, _UBND_XA),
        Activity("27/01/2022", "Hội nghị cán bộ, công chức, viên chức, người lao động năm 2022; phát động thi đua",
                 "Thi đua - khen thưởng", "III.4", 21),
        Activity("24/03/2022", "Tuyên truyền xây dựng nông thôn mới, nếp sống văn minh tại các bản xã Chiềng Xuân",
                 _HELP, "III.3", 6, 3_500_000, "03 buổi tuyên truyền, khoảng 250 lượt người dân dự",
                 COMMUNE, "Nhà văn hóa các bản"),
    ],
    (H1, "BTCD"): [
        Activity("16/03/2022", "Tuyên truyền, vận động công dân thực hiện nếp sống văn minh tại trụ sở tiếp công dân",
                 "Tuyên truyền", "III.4", 5),
    ],
    (H1, "PVHCC"): [
        Activity("14/03/2022", "Phát động phong trào “Thân thiện - Chuyên nghiệp - Hiệu quả” trong tiếp nhận, "
                 "trả kết quả thủ tục hành chính", "Thi đua - khen thưởng", "III.4", 11),
        Activity("29/04/2022", "Khảo sát mức độ hài lòng của tổ chức, công dân về văn hóa giao tiếp tại Bộ phận "
                 "Một cửa", "Khác", "III.4", 4, None, "97% phiếu hài lòng"),
    ],
    (H1, "TTTT"): [
        Activity("31/05/2022", "Đăng tải tin, bài tuyên truyền Phong trào trên Cổng Thông tin điện tử tỉnh",
                 "Tuyên truyền", "III.5", 5, None, "Đăng tải 24 tin, bài"),
    ],
    (H1, "NKUB"): [
        Activity("08/03/2022", "Giao lưu văn nghệ chào mừng Ngày Quốc tế Phụ nữ 8/3", "Văn hóa - văn nghệ", "III.1",
                 14),
        Activity("21/04/2022", "Tập huấn văn hóa ứng xử, giao tiếp trong phục vụ khách", "Khác", "III.4", 18,
                 2_000_000),
    ],
    (Y, "TH"): [
        Activity("15/09/2022", "Tham gia Cuộc thi trực tuyến tìm hiểu pháp luật năm 2022", "Tuyên truyền", "III.5", 8),
    ],
    (Y, "KT"): [
        Activity("15/09/2022", "Tuyên truyền Cuộc vận động “Người Việt Nam ưu tiên dùng hàng Việt Nam”",
                 "Tuyên truyền", "III.5", 8),
    ],
    (Y, "NC"): [
        Activity("28/06/2022", "Tuyên truyền phòng, chống bạo lực gia đình nhân Ngày Gia đình Việt Nam 28/6",
                 "Tuyên truyền", "III.2", 6),
    ],
    (Y, "KGVX"): [
        Activity("10/08/2022", "Hỗ trợ kinh phí sửa chữa nhà văn hóa bản tại xã Chiềng Xuân", _HELP, "III.3", 4,
                 30_000_000, "Sửa chữa mái, nền 01 nhà văn hóa bản", COMMUNE, "Nhà văn hóa bản"),
        Activity("28/09/2022", "Hỗ trợ tập luyện đội văn nghệ Văn phòng dự Liên hoan bản, tổ dân phố văn hóa "
                 "tiêu biểu xuất sắc tỉnh Sơn La lần thứ V", "Văn hóa - văn nghệ", "III.2", 3),
    ],
    (Y, "KSTT"): [
        Activity("20/09/2022", "Hướng dẫn người dân xã Chiềng Xuân thực hiện thủ tục hành chính trên Cổng Dịch vụ "
                 "công", _HELP, "III.3", 3, 2_500_000, "Hướng dẫn khoảng 120 lượt người dân", COMMUNE, _UBND_XA),
    ],
    (Y, "TCHCQT"): [
        Activity("07/09/2022", "Tặng quà Trung thu cho học sinh các điểm trường xã Chiềng Xuân", _HELP, "III.5", 7,
                 12_000_000, "Tặng 200 suất quà Trung thu", COMMUNE, "Các điểm trường trên địa bàn xã"),
        Activity("13/10/2022", "Khảo sát, đánh giá kết quả thực hiện tiêu chí nông thôn mới tại xã Chiềng Xuân",
                 _HELP, "III.3", 5, 2_000_000, "Đề xuất giải pháp hoàn thiện tiêu chí văn hóa", COMMUNE, _UBND_XA),
    ],
    (Y, "PVHCC"): [
        Activity("16/08/2022", "Chuyên đề văn hóa giao tiếp với tổ chức, công dân tại Bộ phận Một cửa",
                 "Tuyên truyền", "III.4", 12),
    ],
    (Y, "TTTT"): [
        Activity("25/11/2022", "Đăng tải tin, bài tuyên truyền Phong trào 6 tháng cuối năm trên Cổng Thông tin "
                 "điện tử tỉnh", "Tuyên truyền", "III.5", 5, None, "Đăng tải 31 tin, bài"),
    ],
    (Y, "NKUB"): [
        Activity("12/08/2022", "Trồng hoa, cây cảnh tạo cảnh quan khuôn viên Nhà khách", "Bảo vệ môi trường",
                 "III.1", 10, 4_500_000),
    ],
}

# ------------------------------------------------------------------ Sự kiện

MARATHON = "Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)"
OLYMPIC = "Ngày chạy Olympic vì sức khỏe toàn dân 2022"
LIEN_HOAN = "Liên hoan bản, tổ dân phố văn hóa tiêu biểu xuất sắc tỉnh Sơn La lần thứ V"
DAI_DOAN_KET = "Ngày hội Đại đoàn kết toàn dân tộc 2022"

EVENT_PLACES = {
    OLYMPIC: ("26/03/2022", "Quảng trường Tây Bắc, thành phố Sơn La"),
    MARATHON: ("22/05/2022", "Huyện Mộc Châu"),
    LIEN_HOAN: ("30/09/2022", "Quảng trường Tây Bắc, thành phố Sơn La"),
    DAI_DOAN_KET: ("18/11/2022", "Khu dân cư nơi cư trú"),
}
# period -> unit -> [(event, registered, participants, achievement, note)]
EVENTS = {
    H1: {
        "TH": [(OLYMPIC, 6, 6, None, None), (MARATHON, 2, 2, None, "Cự ly 5 km")],
        "KT": [(OLYMPIC, 5, 5, None, None), (MARATHON, 2, 2, None, "Cự ly 10 km")],
        "NC": [(OLYMPIC, 4, 4, None, None)],
        "KGVX": [(OLYMPIC, 5, 4, None, "01 đồng chí bận công tác")],
        "KSTT": [(OLYMPIC, 4, 4, None, None)],
        "TCHCQT": [(OLYMPIC, 15, 14, None, None),
                   (MARATHON, 5, 4, "Giải Ba cự ly 10 km nam", "Hoàn thành cự ly 10 km và 21 km")],
        "BTCD": [(OLYMPIC, 3, 3, None, None)],
        "PVHCC": [(OLYMPIC, 8, 7, None, None), (MARATHON, 3, 3, None, "Cự ly 5 km")],
        "TTTT": [(OLYMPIC, 9, 9, None, "Đưa tin, ghi hình sự kiện"),
                 (MARATHON, 4, 4, "Giải Ba cự ly 10 km nữ", None)],
        "NKUB": [(OLYMPIC, 10, 8, None, None)],
    },
    Y: {
        "TH": [(DAI_DOAN_KET, None, 9, None, None)],
        "KT": [(DAI_DOAN_KET, None, 7, None, None)],
        "NC": [(DAI_DOAN_KET, None, 5, None, None)],
        "KGVX": [(LIEN_HOAN, 3, 3, None, "Tham gia Ban tổ chức, phục vụ Liên hoan"),
                 (DAI_DOAN_KET, None, 5, None, None)],
        "KSTT": [(DAI_DOAN_KET, None, 6, None, None)],
        "TCHCQT": [(LIEN_HOAN, 10, 9, "Giải Khuyến khích tiết mục múa", "Đội văn nghệ Văn phòng biểu diễn giao lưu"),
                   (DAI_DOAN_KET, None, 18, None, None)],
        "BTCD": [(DAI_DOAN_KET, None, 5, None, None)],
        "PVHCC": [(DAI_DOAN_KET, None, 10, None, None)],
        "TTTT": [(LIEN_HOAN, 4, 4, None, "Đưa tin, tuyên truyền Liên hoan"), (DAI_DOAN_KET, None, 10, None, None)],
        "NKUB": [(LIEN_HOAN, 6, 6, None, "Phục vụ các đoàn nghệ nhân lưu trú"), (DAI_DOAN_KET, None, 12, None, None)],
        "NKTX": [(DAI_DOAN_KET, None, 8, None, None)],
    },
}

@dataclass
class DemoReturn:
    unit: str
    period: str
    version: int
    filed_at: dt.datetime
    staff: dict[str, tuple[int, int, int, int, int]]
    criteria: dict[str, tuple[bool, str | None]] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)

    @property
    def filename(self) -> str:
        suffix = f"_v{self.version}" if self.version > 1 else ""
        return f"{self.period}_{self.unit}{suffix}.xlsx"

    @property
    def clerk(self) -> str:
        return CLERKS[self.unit][0]


def parse_date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def demo_returns(ref: Reference | None = None) -> list[DemoReturn]:
    """Every demonstration return, in filing order."""
    ref = ref or Reference.from_csv()
    returns = []
    for (unit, period, version), filed in FILED_AT.items():
        staff = TH_Y_FIRST if (unit, period, version) == ("TH", Y, 1) else staff_of(period, unit)
        total = sum(row[0] for row in staff.values())
        criteria = {code: (True, None) for code, _ in spec.CRITERIA}
        criteria.update(CRITERIA_EXCEPTIONS.get((period, unit), {}))
        acts = sorted(_common(period, unit, total) + OWN_ACTIVITIES.get((period, unit), []),
                      key=lambda a: parse_date(a.date))
        acts = [a if a.place else replace(a, place=PLACES[unit]) for a in acts]
        events = sorted(EVENTS[period].get(unit, []), key=lambda e: parse_date(EVENT_PLACES[e[0]][0]))
        returns.append(DemoReturn(unit, period, version, dt.datetime.fromisoformat(filed), staff,
                                  criteria, acts, events))
    unknown = {r.unit for r in returns} - set(ref.units)
    if unknown:
        raise ValueError(f"demo units not in units.csv: {sorted(unknown)}")
    return sorted(returns, key=lambda r: r.filed_at)
