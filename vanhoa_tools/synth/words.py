"""The words and figures synthetic returns are drawn from: units S0001…, the communes, places,
activity contents by kind, clerks, criteria notes and event days (the demonstration data's shape)."""

from __future__ import annotations

import numpy as np

from vanhoa.form import spec

SYNTH_BY = "Dữ liệu giả lập"
SYNTH_KIND = "đơn vị giả lập"
SORT_BASE = 1000  # after the Office's own units
ACTIVE_FROM = "2022-H1"
MAX_UNITS = 9999
MAX_ACTIVITIES = 199_999  # one header row + rows stay under the reader's 200,000-row sheet limit
MAX_EVENTS = 10_000


def unit_code(number: int) -> str:
    """'S0001' for the first synthetic unit."""
    return f"S{number:04d}"


def unit_name(number: int) -> str:
    return f"Đơn vị tổng hợp số {number}"



COMMUNE = "Chiềng Xuân"
OTHER_COMMUNES = ("Tô Hiệu", "Chiềng Lề", "Quyết Thắng", "Chiềng Sinh", "Mường Bú", "Chiềng Cơi",
                  "Vân Hồ", "Mộc Châu")
PLACES = ("Hội trường cơ quan", "Trụ sở đơn vị", "Nhà văn hóa bản", "UBND xã", "Quảng trường Tây Bắc",
          "Sân vận động tỉnh", "Trường tiểu học trên địa bàn", "Khu dân cư nơi cư trú")
RESULTS = ("Hoàn thành", "Hoàn thành tốt", "Đạt yêu cầu", "100% cán bộ tham gia", "Được biểu dương")
# kind -> typical contents (the same eight kinds as the form's list)
CONTENTS = {
    "Tuyên truyền": (
        "Tuyên truyền Nghị quyết của Tỉnh ủy về xây dựng đời sống văn hóa",
        "Quán triệt Kế hoạch thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”",
        "Tuyên truyền phòng, chống tệ nạn ma túy",
        "Sinh hoạt chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "Tuyên truyền pháp luật về an toàn giao thông",
        "Phổ biến quy tắc ứng xử của cán bộ, công chức, viên chức"),
    "Văn hóa - văn nghệ": (
        "Giao lưu văn nghệ chào mừng Ngày Quốc tế Phụ nữ 8/3",
        "Tọa đàm kỷ niệm Ngày thành lập Hội Liên hiệp Phụ nữ Việt Nam 20/10",
        "Tập luyện đội văn nghệ của đơn vị",
        "Giao lưu văn nghệ mừng Đảng, mừng Xuân",
        "Tham gia hội diễn văn nghệ quần chúng",
        "Sinh hoạt câu lạc bộ văn hóa dân gian"),
    "Thể dục - thể thao": (
        "Giao lưu bóng chuyền hơi",
        "Giải cầu lông, bóng bàn cán bộ, công chức",
        "Giao lưu thể thao chào mừng Quốc khánh 2/9",
        "Tập luyện thể dục giữa giờ",
        "Giải kéo co, đẩy gậy truyền thống",
        "Chạy bộ vì sức khỏe cộng đồng"),
    "Giúp đỡ xã": (
        "Hỗ trợ sửa chữa nhà văn hóa bản",
        "Hướng dẫn rà soát hương ước, quy ước bản",
        "Thăm, tặng quà hộ nghèo, gia đình chính sách",
        "Khảo sát thực hiện tiêu chí nông thôn mới",
        "Tặng quà Trung thu cho học sinh các điểm trường",
        "Hướng dẫn người dân thực hiện thủ tục hành chính trực tuyến"),
    "Bảo vệ môi trường": (
        "Tổng vệ sinh trụ sở cơ quan",
        "Hưởng ứng Tết trồng cây đời đời nhớ ơn Bác Hồ",
        "Hưởng ứng Chiến dịch Làm cho thế giới sạch hơn",
        "Thu gom rác thải nhựa tại khu dân cư",
        "Trồng cây xanh tại khuôn viên cơ quan",
        "Hưởng ứng Ngày Môi trường thế giới 5/6"),
    "Nhân đạo - từ thiện": (
        "Ủng hộ Quỹ “Vì người nghèo”",
        "Ủng hộ Quỹ “Tết vì người nghèo”",
        "Thăm hỏi, tặng quà gia đình chính sách nhân Ngày Thương binh - Liệt sĩ",
        "Hiến máu tình nguyện",
        "Ủng hộ đồng bào bị thiệt hại do thiên tai",
        "Tặng quà Tết cho người lao động có hoàn cảnh khó khăn"),
    "Thi đua - khen thưởng": (
        "Bình xét danh hiệu “Gia đình văn hóa”",
        "Đánh giá tiêu chuẩn “Cơ quan, đơn vị văn hóa”",
        "Sơ kết phong trào thi đua 6 tháng",
        "Tổng kết công tác thi đua, khen thưởng năm",
        "Đăng ký danh hiệu thi đua năm sau",
        "Biểu dương cá nhân tiêu biểu trong phong trào"),
    "Khác": (
        "Họp mặt kỷ niệm ngày thành lập đơn vị",
        "Tổ chức sinh nhật cho đoàn viên công đoàn",
        "Tham quan học tập kinh nghiệm",
        "Gặp mặt cán bộ hưu trí",
        "Sinh hoạt chi đoàn thanh niên",
        "Tập huấn nghiệp vụ văn thư, lưu trữ"),
}
assert tuple(CONTENTS) == spec.ACTIVITY_KINDS
KIND_WEIGHTS = np.array([0.18, 0.16, 0.16, 0.12, 0.12, 0.10, 0.08, 0.08])
# the plan item an activity of each kind most often serves
KIND_PLAN = ("III.5", "III.1", "III.1", "III.3", "III.1", "III.5", "III.2", "III.4")
CLERK_NAMES = ("Nguyễn Thị Thu Hà", "Lò Văn Thắng", "Hoàng Minh Tuấn", "Cầm Thị Hoa", "Đinh Thị Ngọc Anh",
               "Lường Thị Hằng", "Quàng Văn Hải", "Trần Thị Phương", "Vì Văn Dũng", "Bùi Thị Huyền",
               "Phạm Thị Lan", "Lê Văn Nam", "Hà Thị Mai", "Sầm Văn Phúc", "Tòng Thị Xuân")
CRITERIA_NOTES = {
    "C1": "Còn nhiệm vụ chậm tiến độ, đơn vị đang khắc phục.",
    "C2": "Còn trường hợp chưa thực hiện nghiêm nội quy, văn hóa giao tiếp; đơn vị đang chấn chỉnh.",
    "C3": "Có cán bộ bị nhắc nhở trong việc chấp hành quy định.",
    "C4": "Chưa đăng ký danh hiệu năm sau.",
}
CRITERIA_MISS = {"C1": 0.01, "C2": 0.04, "C3": 0.01, "C4": 0.03}
ACHIEVEMENTS = ("Giải Nhất", "Giải Nhì", "Giải Ba", "Giải Khuyến khích")
# (month, day, place) of an event by its series; an unknown series is dated by its name
EVENT_DAYS = {
    "Ngày chạy Olympic vì sức khỏe toàn dân": (3, 26, "Quảng trường Tây Bắc, thành phố Sơn La"),
    "Marathon Mộc Châu": (5, 22, "Huyện Mộc Châu"),
    "Liên hoan bản, tổ dân phố văn hóa tiêu biểu": (9, 30, "Quảng trường Tây Bắc, thành phố Sơn La"),
    "Ngày hội Đại đoàn kết toàn dân tộc": (11, 18, "Khu dân cư nơi cư trú"),
}
EVENT_NOTES = ("Cự ly 5 km", "Cự ly 10 km", "Cự ly 21 km", "Đội nam", "Đội nữ", None, None, None)
