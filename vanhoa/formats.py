"""Vietnamese formats, written once: numbers, percentages, money, dates, times, and the words
that qualify a figure (provisional, the days to a deadline).

The screen, the downloads, the charts and the official report all format through this module,
so "99,1 %" on a card is "99,1 %" in the report. It imports neither streamlit nor the store, and
pandas only when a value needs it (the workbook reader's worker process formats its refusals
here and never loads pandas: 0,6 s and 350 MB of address space), so anything may use it
(glossary: `1.234`, `61,9 %`, `2.500.000 đ`, `05/12/2022`, `14:05 05/12/2022`).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

MISSING = "—"  # a figure that was not recorded: shown as a dash, never as 0 or "None"
DATE_FORMAT, TIME_FORMAT = "%d/%m/%Y", "%H:%M %d/%m/%Y"


def is_missing(value) -> bool:
    """None, NaN, NaT and pandas' NA (nullable columns) are all 'not recorded'."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, (int, str)):  # a plain number or text is recorded (and needs no pandas)
        return False
    import pandas as pd

    if value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_int(value) -> str:
    """1234 -> '1.234'; None -> '—'."""
    if is_missing(value):
        return MISSING
    return f"{int(value):,}".replace(",", ".")


def fmt_decimal(value, digits: int = 1) -> str:
    """12.345 -> '12,3' (a decimal comma, no thousands separator: seconds, a ratio); None -> '—'."""
    if is_missing(value):
        return MISSING
    return f"{value:.{digits}f}".replace(".", ",")


def fmt_pct(ratio, digits: int = 1) -> str:
    """0.6195 -> '61,9 %' (a space before the sign, as the glossary writes it)."""
    if is_missing(ratio):
        return MISSING
    return f"{ratio * 100:.{digits}f}".replace(".", ",") + " %"


def fmt_goal(ratio) -> str:
    """A goal as the plan writes it: 1.0 -> '100 %', 0.7 -> '70 %', 0.725 -> '72,5 %'."""
    if is_missing(ratio):
        return MISSING
    return fmt_pct(ratio, 0 if round(ratio * 100, 6).is_integer() else 1)


def fmt_points(points) -> str:
    """A change in percentage points: 2.04 -> '+2,0 điểm %'."""
    return f"{points:+.1f} điểm %".replace(".", ",")


def fmt_money(value) -> str:
    """2500000 -> '2.500.000 đ'."""
    return MISSING if is_missing(value) else f"{fmt_int(value)} đ"


def fmt_money_short(value) -> str:
    """For a metric card, which cuts a long value off ('132.561.9…'): from a thousand million on,
    in tỷ with up to two decimals (132561900000 -> '132,56 tỷ đ'); below it, as fmt_money."""
    if is_missing(value) or abs(value) < 1_000_000_000:
        return fmt_money(value)
    billions = f"{value / 1_000_000_000:,.2f}".rstrip("0").rstrip(".")
    return billions.replace(",", " ").replace(".", ",").replace(" ", ".") + " tỷ đ"


def fmt_date(value) -> str:
    """'05/12/2022'."""
    if is_missing(value):
        return MISSING
    if isinstance(value, dt.date):  # a date or datetime (pandas' Timestamp is one): no pandas needed
        return value.strftime(DATE_FORMAT)
    import pandas as pd

    return pd.Timestamp(value).strftime(DATE_FORMAT)


def fmt_time(value) -> str:
    """'14:05 05/12/2022' (the glossary's time format)."""
    if is_missing(value):
        return MISSING
    import pandas as pd

    return pd.Timestamp(value).strftime(TIME_FORMAT)


def fmt_times(values: pd.Series) -> pd.Series:
    """fmt_time for a whole column of timestamps at once (a thousand rows: a third of the time)."""
    return values.dt.strftime(TIME_FORMAT).fillna(MISSING)


def fmt_dates(values: pd.Series) -> pd.Series:
    """fmt_date for a whole column of timestamps at once."""
    return values.dt.strftime(DATE_FORMAT).fillna(MISSING)


def fmt_yes_no(value) -> str:
    """True -> 'có', False -> 'không', not recorded -> '—'."""
    return MISSING if is_missing(value) else ("có" if bool(value) else "không")


def deadline_text(status: str, days) -> str:
    """'trước hạn 5 ngày' / 'trễ 7 ngày' / 'còn 12 ngày' / 'quá hạn 30 ngày' / 'đúng ngày hạn'."""
    if is_missing(days):
        return MISSING
    days = int(days)
    if status == "chưa nộp":
        return f"còn {days * -1} ngày" if days < 0 else ("hạn nộp hôm nay" if days == 0 else f"quá hạn {days} ngày")
    if days < 0:
        return f"trước hạn {-days} ngày"
    return "đúng ngày hạn" if days == 0 else f"trễ {days} ngày"


def days_to_deadline(deadline: dt.date, today: dt.date) -> str:
    """'còn 2 ngày đến hạn nộp 05/12/2026' / 'hạn nộp hôm nay (05/12/2026)' / 'đã quá hạn nộp
    05/12/2026 được 3 ngày'."""
    days = (deadline - today).days
    if days > 0:
        return f"còn {days} ngày đến hạn nộp {fmt_date(deadline)}"
    if days == 0:
        return f"hạn nộp hôm nay ({fmt_date(deadline)})"
    return f"đã quá hạn nộp {fmt_date(deadline)} được {-days} ngày"


def counted_word(approved_only: bool) -> str:
    """What makes a unit's return count: filed, or (the sidebar's choice) approved."""
    return "đã được phê duyệt" if approved_only else "đã nộp"


def provisional_note(counted: int, expected: int, approved_only: bool = False) -> str:
    """The one wording of an incomplete figure, on every card, table, download and in the
    report (glossary): 'tạm tính: 1/11 đơn vị đã nộp'."""
    return f"tạm tính: {fmt_int(counted)}/{fmt_int(expected)} đơn vị {counted_word(approved_only)}"


def filing_rate(filed: int, expected: int) -> str:
    """The reporting rate next to the cards (as DHIS2 shows it): 'Đã nộp 1/11 đơn vị (9,1 %)'."""
    share = f" ({fmt_pct(filed / expected)})" if expected else ""
    return f"Đã nộp {fmt_int(filed)}/{fmt_int(expected)} đơn vị{share}"
