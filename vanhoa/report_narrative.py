"""The report's narrative: what no return holds, pre-filled for the period in the seed report's
wording (../shared/seeds/003_…), and how a sentence names a period and the next one."""

from __future__ import annotations

from vanhoa.reference import Period

# What the Office does, in the seed report's words (section I).
OFFICE_ROLE = (
    "Văn phòng UBND tỉnh với chức năng, nhiệm vụ tham mưu, giúp UBND tỉnh, Chủ tịch UBND tỉnh về chương trình, "
    "kế hoạch công tác; kiểm soát thủ tục hành chính; tổ chức triển khai thực hiện cơ chế một cửa, một cửa liên "
    "thông trong giải quyết thủ tục hành chính; tổ chức, quản lý và công bố các thông tin chính thức về hoạt động "
    "của UBND, Chủ tịch UBND tỉnh; quản lý Công báo và phục vụ các hoạt động chung của UBND tỉnh; quản lý văn thư "
    "- lưu trữ và công tác quản trị nội bộ của Văn phòng."
)
PLAN_END = 2026  # the last year of Kế hoạch số 23/KH-UBND (giai đoạn 2022 - 2026)


def period_words(period: Period) -> str:
    """The period as a sentence says it: 'năm 2022', '6 tháng đầu năm 2022' (its label, lower-cased)."""
    return period.label[:1].lower() + period.label[1:]


def next_period_words(period: Period) -> str:
    return f"6 tháng cuối năm {period.year}" if period.kind == "H1" else f"năm {period.year + 1}"


def _plan_task(period: Period) -> str:
    """The first task: go on with the 2022 - 2026 plan, sum it up after its last year, or (a period
    after it) go on with the Province's plans of the time."""
    plan = ("Kế hoạch số 23/KH-UBND ngày 18/01/2022 của UBND tỉnh triển khai Chương trình thực hiện Phong trào "
            "“Toàn dân đoàn kết xây dựng đời sống văn hóa” trên địa bàn tỉnh Sơn La giai đoạn 2022 - 2026")
    next_year = period.year if period.kind == "H1" else period.year + 1
    if next_year <= PLAN_END:
        return f"Tiếp tục triển khai thực hiện {plan} và các kế hoạch của Văn phòng UBND tỉnh."
    if period.year == PLAN_END:
        return (f"Tổng kết việc thực hiện {plan}; triển khai các kế hoạch giai đoạn tiếp theo của UBND tỉnh và "
                "của Văn phòng UBND tỉnh.")
    return ("Tiếp tục triển khai thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” theo các kế "
            "hoạch của UBND tỉnh và của Văn phòng UBND tỉnh.")


def default_narrative(period: Period, commune: str = "Chiềng Xuân") -> dict[str, str]:
    """What no return holds, pre-filled in the seed report's wording for the period's own words."""
    plan = ("Kế hoạch số 41/KH-UBND ngày 10/02/2022 của UBND tỉnh" if period.year == 2022
            else "Kế hoạch của UBND tỉnh")
    context = (
        f"Thực hiện {plan} thực hiện Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” năm {period.year}. "
        f"Văn phòng UBND tỉnh báo cáo Sở Văn hóa, Thể thao và Du lịch kết quả thực hiện {period_words(period)}, "
        f"nhiệm vụ {next_period_words(period)} với các nội dung như sau:"
    )
    # Nghị định 122/2018/NĐ-CP governed the titles until Nghị định 86/2023/NĐ-CP replaced it from
    # 30/01/2024: a period of 2024 on cites the decree in force, not a repealed one (the dated
    # table of legal documents is the plan issue's)
    titles_rule = ("theo đúng quy định tại Nghị định số 122/2018/NĐ-CP ngày 17/9/2018 của Chính phủ"
                   if period.year <= 2023 else
                   "theo đúng quy định tại Nghị định số 86/2023/NĐ-CP ngày 07/12/2023 của Chính phủ")
    tasks = "\n".join([
        _plan_task(period),
        "Đẩy mạnh công tác tuyên truyền giáo dục nâng cao nhận thức của công chức, cơ quan, đơn vị về vai trò của "
        "văn hóa, trách nhiệm thực hiện nhiệm vụ phát triển văn hóa; kịp thời biểu dương, khen thưởng các cá nhân, "
        "tập thể, hộ gia đình văn hóa có thành tích xuất sắc trong Phong trào.",
        "Chi ủy các chi bộ và phòng, ban, đơn vị tập trung lãnh đạo, chỉ đạo thực hiện; tạo điều kiện cho phong "
        "trào ở đơn vị hoạt động thường xuyên, hiệu quả.",
        f"Giám sát và thực hiện tốt việc bình xét và công nhận các danh hiệu văn hóa {titles_rule}; kiên quyết "
        "loại bỏ bệnh hình thức, chạy theo thành tích.",
        f"Tiếp tục giúp đỡ xã {commune} lồng ghép các tiêu chí văn hóa, xây dựng nếp sống văn hóa gắn với xây "
        "dựng nông thôn mới.",
        (f"Tổng hợp, báo cáo kết quả thực hiện Phong trào năm {period.year} và đăng ký danh hiệu văn hóa năm "
         f"{period.year + 1} đảm bảo thời gian." if period.kind == "H1" else
         f"Tổng hợp, báo cáo kết quả thực hiện Phong trào 6 tháng đầu năm {period.year + 1} đảm bảo thời gian."),
    ])
    return {
        "number": "",
        "context": context,
        "tasks": tasks,
        "recipients": "\n".join(["Sở VH, TT&DL (Báo cáo);", "LĐVP;", "Các phòng, ban, đơn vị;",
                                 "Trang Thông tin điện tử VP;", "Lưu: VT, TCHCQT."]),
        "signer_title": "KT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG",
        "signer_name": "Sòi Đức Nghĩa",
    }


