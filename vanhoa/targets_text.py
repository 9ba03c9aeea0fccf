"""The words of the targets' figures while some units are missing, written once: the counting
rule (the Chỉ tiêu page, the README, the report) and what a card's numerator and denominator
count. No streamlit here, so the report uses the same sentences as the pages.
"""

from __future__ import annotations

from vanhoa.form import spec
from vanhoa.formats import counted_word, fmt_int
from vanhoa.vocabulary import OFFICE_LABEL

# The counting rule of T1-T4 when fewer units count than are expected (the lead's decision for
# issue 13, queries/progress.sql): T1, T2 and T4 are ratios of people and families, which a
# missing unit has not reported, so they are summed over the units that count; T3 is a ratio of
# units, and a unit that has not reported is not (yet) a cultural unit, so it stays in the
# denominator (the spec: never silently dropped). No verdict until every unit counts.
COUNTING_RULE = (
    f"Khi còn đơn vị chưa nộp báo cáo, kết quả của {OFFICE_LABEL} là tạm tính. T1, T2 và T4 được cộng trên "
    "các đơn vị đã nộp (khi bật “Chỉ số liệu đã phê duyệt”: các đơn vị đã được phê duyệt); đơn vị chưa nộp "
    "không có trong tử số lẫn mẫu số. T3 tính trên mọi đơn vị phải báo cáo: đơn vị chưa nộp vẫn có trong mẫu "
    "số và chưa được tính là đạt chuẩn. Kết quả tạm tính chưa được kết luận đạt hay chưa đạt; kết luận khi "
    "mọi đơn vị phải báo cáo đã nộp."
)

# The one sentence instead of the figures when nothing of the period counts: with "Chỉ số liệu đã
# phê duyệt" and nothing approved (cards of "—" with a red verdict contradicted the filing table),
# or with nothing filed.
NOTHING_APPROVED = ("Chưa có báo cáo nào của kỳ này được phê duyệt; tắt “Chỉ số liệu đã phê duyệt” để xem "
                    "số liệu đã nộp.")
NOTHING_FILED = "Chưa có đơn vị nào nộp báo cáo của kỳ này."

# What a target's numerator and denominator count, in the units a leader reads them in (the form spec's).
_COUNTED = spec.TARGET_COUNTED


def counts_text(target: str, numerator, denominator, counted: int, expected: int,
                approved_only: bool = False) -> str:
    """What a card's ratio is made of: 'T3: 1 đơn vị đạt chuẩn / 11 đơn vị phải báo cáo (10 đơn vị
    chưa nộp)'; T1, T2, T4: '10 người thực hiện tốt chuẩn mực / 10 người của 1/11 đơn vị đã nộp'
    (of every unit, once all count: '… / 113 người của 11 đơn vị')."""
    missing = expected - counted
    if target == "T3":
        text = f"{fmt_int(numerator)} đơn vị đạt chuẩn / {fmt_int(denominator)} đơn vị phải báo cáo"
        if missing > 0:
            text += f" ({fmt_int(missing)} đơn vị chưa {'được phê duyệt' if approved_only else 'nộp'})"
        return text
    top, bottom = _COUNTED[target]
    whose = (f"{fmt_int(counted)}/{fmt_int(expected)} đơn vị {counted_word(approved_only)}" if missing > 0
             else f"{fmt_int(expected)} đơn vị")
    return f"{fmt_int(numerator)} {top} / {fmt_int(denominator)} {bottom} của {whose}"
