"""The sheets "Hoạt động" and "Sự kiện": long lists (50.000 rows) read column by column, each
column parsed once (cells.parse_*), the rows' problems told in the order a row-by-row reading
meets them.
"""

from __future__ import annotations

import re

from vanhoa.form import spec
from vanhoa.form.cells import cell_ref, parse_codes, parse_dates, parse_texts, parse_wholes
from vanhoa.form.model import Return
from vanhoa.form.problems import WARNING, Collector
from vanhoa.form.tables import RowProblems, add_formula_problems, body_columns, column_rows, find_table, nones
from vanhoa.formats import fmt_date, fmt_int
from vanhoa.reference import Reference
from vanhoa.text import clean_text, match_key

KIND_KEYS = {match_key(kind): kind for kind in spec.ACTIVITY_KINDS}
_PLAN_RE = re.compile(r"^\s*(?:mục\s*)?(III\s*\.\s*[1-5])(?=$|[\s.:)\-–,])", re.IGNORECASE)
_PLAN_TEXT_KEYS = {match_key(text): code for code, text in spec.PLAN_ITEMS}


def plan_code(value: object) -> str | None:
    text = clean_text(str(value))
    found = _PLAN_RE.match(text)
    if found:
        return re.sub(r"\s", "", found.group(1)).upper()
    return _PLAN_TEXT_KEYS.get(match_key(text))


def _commune_names(texts: list, ref: Reference) -> list:
    """The commune as stored: the supported commune's own spelling, others without "xã "."""
    commune_key = match_key(ref.supported_commune)
    names: dict[str, str] = {}
    for commune in {text for text in texts if text is not None}:
        key = match_key(commune)
        if key == commune_key or key.startswith(("xã " + commune_key, commune_key + " ")):
            names[commune] = ref.supported_commune
        else:
            names[commune] = re.sub(r"^(xã|phường|thị trấn)\s+", "", commune, flags=re.IGNORECASE)
    return [names[text] if text is not None else None for text in texts]


_ACTIVITY = spec.headers(spec.ACTIVITY_COLUMNS)
_EVENT = spec.headers(spec.EVENT_COLUMNS)
# The free-text columns of each sheet, as the spec names them: a text column added to the form
# is read, checked for formulas and kept with no change here.
_ACTIVITY_TEXTS = tuple(c.field for c in spec.ACTIVITY_COLUMNS if c.kind == "text")
_EVENT_TEXTS = tuple(c.field for c in spec.EVENT_COLUMNS if c.kind == "text")
_PLAN_RANGE = f"{spec.PLAN_ITEMS[0][0]} đến {spec.PLAN_ITEMS[-1][0]}"  # 'III.1 đến III.5'


def read_activities(name: str, grid: list[list], ret: Return, ref: Reference, out: Collector) -> None:
    """Column by column: each column is parsed once (cells.parse_*), then the rows' problems are
    told in the order a row-by-row reading meets them."""
    table = find_table(grid, spec.ACTIVITY_COLUMNS, name, out)
    if table is None:
        return
    period = ref.periods.get(ret.period_code) if ret.period_code else None
    raw = body_columns(grid, table, [c.field for c in spec.ACTIVITY_COLUMNS])
    dates, date_problems = parse_dates(raw["date"])
    texts = {f: parse_texts(raw[f]) for f in _ACTIVITY_TEXTS}
    kinds, _ = parse_codes(raw["kind"], lambda value: KIND_KEYS.get(match_key(value)))
    plans, bad_plans = parse_codes(raw["plan_item"], plan_code)
    participants, participant_problems = parse_wholes(raw["participants"], "số nguyên")
    costs, cost_problems = parse_wholes(raw["cost"], "số tiền (đồng)")
    content = texts["content"]
    rows, total_rows = column_rows(raw, table, [index for index, text in enumerate(content) if text is not None])

    problems = RowProblems(name, table, raw, rows)
    problems.add(date_problems, 0, "date", lambda index: f"'{_ACTIVITY['date']}' {date_problems[index]}.")
    problems.add([index for index in nones(dates) if index not in date_problems], 0, "date",
                 f"thiếu '{_ACTIVITY['date']}' của hoạt động.")
    if period:
        start, end = period.start, period.end
        problems.add([index for index, date in enumerate(dates) if date is not None and not start <= date <= end],
                     0, "date", f"ngày nằm ngoài kỳ báo cáo ({fmt_date(start)} - {fmt_date(end)}).", WARNING)
    problems.add(nones(content), 1, "content", f"thiếu '{_ACTIVITY['content']}' của hoạt động.")
    problems.add(nones(kinds), 2, "kind",
                 f"'{_ACTIVITY['kind']}' phải là một trong: " + ", ".join(spec.ACTIVITY_KINDS) + ".")
    problems.add(participant_problems, 3, "participants",
                 lambda index: f"'{_ACTIVITY['participants']}' {participant_problems[index]}.")
    problems.add(cost_problems, 4, "cost", lambda index: f"'{_ACTIVITY['cost']}' {cost_problems[index]}.")
    problems.add(bad_plans, 5, "plan_item",
                 f"'{_ACTIVITY['plan_item']}' phải là mã {_PLAN_RANGE} (có thể kèm tên nội dung).")
    add_formula_problems(problems, spec.ACTIVITY_COLUMNS, _ACTIVITY_TEXTS)
    problems.tell(out)

    texts["commune"] = _commune_names(texts["commune"], ref)
    kept = problems.keep(ret.activities, {"date": dates, "content": content, "kind": kinds, **texts,
                                          "participants": participants, "cost": costs, "plan_item": plans})
    problems.check_totals(grid, total_rows, kept, ("participants", "cost"), spec.ACTIVITY_COLUMNS, out)


def read_events(name: str, grid: list[list], ret: Return, ref: Reference, out: Collector) -> None:
    """Column by column, like read_activities."""
    table = find_table(grid, spec.EVENT_COLUMNS, name, out)
    if table is None:
        return
    raw = body_columns(grid, table, [c.field for c in spec.EVENT_COLUMNS])
    texts = {f: parse_texts(raw[f]) for f in _EVENT_TEXTS}
    dates, date_problems = parse_dates(raw["date"])
    registered, registered_problems = parse_wholes(raw["registered"])
    participants, participant_problems = parse_wholes(raw["participants"])
    typed = texts["event"]
    rows, total_rows = column_rows(raw, table, [index for index, text in enumerate(typed) if text is not None])

    problems = RowProblems(name, table, raw, rows)
    problems.add(nones(typed), 0, "event", f"thiếu '{_EVENT['event']}'.")
    known = {text: ref.event_name(text) for text in set(typed) if text is not None}
    events = [known[text] or text if text is not None else None for text in typed]
    unknown = [index for index, text in enumerate(typed) if text is not None and known[text] is None]
    problems.add(unknown, 0, "event", "sự kiện chưa có trong danh mục; được lưu như một sự kiện mới.", WARNING)
    problems.add(date_problems, 1, "date", lambda index: f"'{_EVENT['date']}' {date_problems[index]}.")
    problems.add([index for index in nones(dates) if index not in date_problems], 1, "date",
                 f"thiếu '{_EVENT['date']}' của sự kiện.")
    problems.add(registered_problems, 2, "registered",
                 lambda index: f"'{_EVENT['registered']}' {registered_problems[index]}.")
    problems.add(participant_problems, 3, "participants",
                 lambda index: f"'{_EVENT['participants']}' {participant_problems[index]}.")
    problems.add([index for index in nones(participants) if index not in participant_problems], 3, "participants",
                 f"thiếu '{_EVENT['participants']}'.")
    over = [index for index, (done, signed) in enumerate(zip(participants, registered))
            if done is not None and signed is not None and done > signed]
    problems.found.extend(
        (index, 4, cell_ref(problems.first + index, table.columns["participants"]), participants[index],
         f"số người tham gia lớn hơn số người đăng ký ({fmt_int(registered[index])}).", WARNING)
        for index in over if problems.data is None or index in problems.data)
    add_formula_problems(problems, spec.EVENT_COLUMNS, _EVENT_TEXTS)
    problems.tell(out)
    for index in unknown:
        if (problems.data is None or index in problems.data) and typed[index] not in ret.new_events:
            ret.new_events.append(typed[index])

    kept = problems.keep(ret.events, {**texts, "event": events, "date": dates, "registered": registered,
                                      "participants": participants})
    problems.check_totals(grid, total_rows, kept, ("registered", "participants"), spec.EVENT_COLUMNS, out)
