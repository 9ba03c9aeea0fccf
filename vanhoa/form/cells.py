"""One cell's value -> a typed value, or the Vietnamese rule it breaks.

Each parser returns (value, None) or (None, message). Empty cells give (None, None): whether
empty is allowed is the caller's business.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from vanhoa.form import spec
from vanhoa.formats import DATE_FORMAT, fmt_int
from vanhoa.text import clean_text, match_key

MAX_COUNT = 1_000_000  # people or families in one unit, one activity or one event
MAX_MONEY = 10**15  # đồng
LINE_BREAK = " ⏎ "  # how a line break inside a cell is shown in a one-line message
_BY_WHAT = object()  # parse_whole's default maximum: chosen by `what`

_WHOLE_RE = re.compile(r"^\d+$")
_GROUPED_RE = re.compile(r"^\d{1,3}(?:([. \u00a0\u202f])\d{3})(?:\1\d{3})*$")
_DATE_PATTERNS = (
    (re.compile(r"^(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$"), "ymd"),
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def is_empty(value: object) -> bool:
    if value is None:
        return True
    if type(value) is not str:
        return False
    if value.isprintable():  # the common case: no control characters to strip first
        return not value or value.isspace()
    return not clean_text(value)


def show(value: object) -> str:
    """A cell value as the clerk would recognise it in a message."""
    if value is None:
        return "(trống)"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return f"{int(value)}"
        return f"{value:g}".replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.strftime(f"{DATE_FORMAT} %H:%M")  # as Excel shows a date with a time
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    text = clean_text(str(value)) if isinstance(value, str) else str(value)
    if isinstance(value, str) and not text:
        return "(trống)"
    if "\n" in text:  # a cell typed with Alt+Enter: one message stays one line
        text = text.replace("\n", LINE_BREAK)
    return text if len(text) <= 80 else text[:77] + "..."


def parse_whole(value: object, what: str = "số nguyên",
                maximum: int | None | object = _BY_WHAT) -> tuple[int | None, str | None]:
    """A whole number from 0 to `maximum`, typed as a number or as text with Vietnamese thousand
    separators.

    By default `maximum` follows `what`: MAX_MONEY for a sum of money ("số tiền ..."), MAX_COUNT for
    anything else (people, families), so that every accepted number fits the store's columns
    (INTEGER for counts, BIGINT for money). None means no upper limit."""
    if maximum is _BY_WHAT:
        maximum = MAX_MONEY if what.startswith("số tiền") else MAX_COUNT
    kind = type(value)
    if kind is float and value.is_integer() and 0 <= value <= (maximum if maximum is not None else math.inf):
        return int(value), None  # the common case, first
    if kind is int and 0 <= value and (maximum is None or value <= maximum):
        return value, None
    rule = f"phải là {what} không âm, viết như 58 hoặc 1.200"
    if is_empty(value):
        return None, None
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return None, rule
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value) or not value.is_integer()):
            return None, rule
        number = int(value)
    else:
        text = clean_text(str(value))
        if _WHOLE_RE.match(text):
            digits = text
        elif _GROUPED_RE.match(text):
            digits = re.sub(r"\D", "", text)
        else:
            return None, rule
        digits = digits.lstrip("0") or "0"
        # Checked before int(), which refuses more than 4,300 digits (ValueError).
        if maximum is not None and len(digits) > len(str(maximum)):
            return None, _too_big(what, maximum)
        if len(digits) > 4000:
            return None, rule
        number = int(digits)
    if number < 0:
        return None, rule
    if maximum is not None and number > maximum:
        return None, _too_big(what, maximum)
    return number, None


def _too_big(what: str, maximum: int) -> str:
    return f"phải là {what} không âm, không quá {fmt_int(maximum)}"


def parse_date(value: object) -> tuple[dt.date | None, str | None]:
    kind = type(value)
    if kind is dt.datetime:
        return value.date(), None
    if kind is dt.date:
        return value, None
    rule = "phải là ngày hợp lệ, dạng dd/mm/yyyy (ví dụ 05/12/2022)"
    if is_empty(value):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, bool):
        return None, rule
    if isinstance(value, (int, float)):
        # A date typed into a cell formatted as a number arrives as its Excel serial.
        if isinstance(value, float) and not value.is_integer():
            return None, rule
        if 1 <= value <= 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value)), None
        return None, rule
    text = clean_text(str(value))
    for pattern, order in _DATE_PATTERNS:
        found = pattern.match(text)
        if found:
            a, b, c = (int(part) for part in found.groups())
            day, month, year = (a, b, c) if order == "dmy" else (c, b, a)
            try:
                return dt.date(year, month, day), None
            except ValueError:
                return None, rule
    return None, rule


_YES = {match_key(word) for word in spec.YES_WORDS}
_NO = {match_key(word) for word in spec.NO_WORDS}


def parse_yesno(value: object) -> tuple[bool | None, str | None]:
    rule = "phải là Có/Không (hoặc x, Đạt/Chưa đạt, TRUE/FALSE, 1/0, ✓)"
    if is_empty(value):
        return False, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value), None
    if isinstance(value, str):
        key = match_key(value)
        if key in _YES:
            return True, None
        if key in _NO:
            return False, None
    return None, rule


def parse_text(value: object) -> str | None:
    if type(value) is str:
        return clean_text(value) or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return show(value)
    return clean_text(str(value))


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """0-based grid position -> Excel reference ("C7")."""
    return f"{column_letters(col)}{row + 1}"


# ---------------------------------------------------------------- whole columns
#
# A return may hold 50,000 activity rows: one function call per cell costs about a second. The
# functions below give, for a column of values, exactly what the one-cell parsers above give for
# each value, but take the common case (what calamine hands over for a well-typed cell: a date, a
# float that is a whole number, clean text) in one pass, and call the one-cell parser, with its
# exact messages, only for the other cells (each distinct text once).

_PENDING = object()  # a cell the fast pass left to the one-cell parser
_JOIN = "|"  # joins a column's texts to check them at once: printable, not a space, never composes
_BLOCK = 1024  # texts checked together


def _settle(values, parsed: list, parse) -> tuple[list, dict[int, str]]:
    """Fill the _PENDING places of `parsed` with `parse(value)`; {row: problem} of those that have one."""
    problems: dict[int, str] = {}
    memo: dict[str, tuple] = {}
    for index in [index for index, value in enumerate(parsed) if value is _PENDING]:
        value = values[index]
        if type(value) is str:
            found = memo.get(value)
            if found is None:
                found = memo[value] = parse(value)
        else:
            found = parse(value)
        parsed[index], problem = found
        if problem:
            problems[index] = problem
    return parsed, problems


def parse_dates(values) -> tuple[list, dict[int, str]]:
    """[parse_date(v)[0] for v in values] and {row: parse_date(v)[1]} where there is a problem."""
    date, datetime = dt.date, dt.datetime
    parsed = [value if type(value) is date else value.date() if type(value) is datetime else _PENDING
              for value in values]
    return _settle(values, parsed, parse_date)


def parse_wholes(values, what: str = "số nguyên",
                 maximum: int | None | object = _BY_WHAT) -> tuple[list, dict[int, str]]:
    """[parse_whole(v, what, maximum)[0] for v in values] and {row: problem} where there is one."""
    if maximum is _BY_WHAT:
        maximum = MAX_MONEY if what.startswith("số tiền") else MAX_COUNT
    top = maximum if maximum is not None else math.inf
    try:  # a column of numbers holds few distinct ones: each float is judged once
        distinct = set(values)
    except TypeError:
        distinct = set()
    # Only floats (a True in the set may stand for 1.0: that float is then left to parse_whole).
    fast = {value: int(value) for value in distinct
            if type(value) is float and value.is_integer() and 0 <= value <= top}.get
    parsed = [fast(value, _PENDING) if type(value) is float
              else value if type(value) is int and 0 <= value <= top else _PENDING
              for value in values]
    return _settle(values, parsed, lambda value: parse_whole(value, what, maximum))


def _clean_already(texts) -> bool:
    """Whether clean_text leaves every one of these texts as it is (checked on them joined)."""
    try:
        joined = _JOIN.join(texts)
    except TypeError:  # not all text
        return False
    return (joined.count(_JOIN) == len(texts) - 1 and joined.isprintable()  # printable: " " is the only space
            and "  " not in joined and " " + _JOIN not in joined and _JOIN + " " not in joined
            and not joined.startswith(" ") and not joined.endswith(" ")
            and "\u00d0" not in joined and "\u00f0" not in joined
            and unicodedata.is_normalized("NFC", joined))


def parse_texts(values) -> list:
    """[parse_text(v) for v in values]: each distinct text parsed once, or, when nearly every text
    differs, all of them checked at once for the common case (already clean)."""
    try:
        distinct = set(values)
    except TypeError:  # something unhashable: one by one
        return [parse_text(value) for value in values]
    if len(distinct) * 4 > len(values):  # mostly different texts: blocks of them checked at once
        parsed = []
        for start in range(0, len(values), _BLOCK):
            block = values[start:start + _BLOCK]
            if _clean_already(block):
                parsed.extend([value or None for value in block])
            else:  # one text to clean (a trailing space, say) costs only its block the slow way
                parsed.extend([parse_text(value) for value in block])
        return parsed
    memo = {text: parse_text(text) for text in distinct if type(text) is str}
    return [memo[value] if type(value) is str else parse_text(value) for value in values]


def parse_codes(values, code) -> tuple[list, list[int]]:
    """[code(v) for each non-empty v, None for an empty one] (each distinct text coded once), and
    the rows whose non-empty value has no code (None)."""
    try:
        memo = {text: None if is_empty(text) else code(text) for text in set(values) if type(text) is str}
        coded = [memo[value] if type(value) is str else None if value is None else code(value) for value in values]
    except TypeError:  # something unhashable: one by one
        coded = [None if is_empty(value) else code(value) for value in values]
    return coded, [index for index, found in enumerate(coded) if found is None and not is_empty(values[index])]
