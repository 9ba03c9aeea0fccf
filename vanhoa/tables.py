"""The tables people see and download: one description per column, and from it the table on
the screen, its CSV and its Excel file, cell for cell the same.

A table is a list of `Column`s: the query's column, its Vietnamese header, and its kind, which
says how a value is shown ("1.234", "99,1 %", "05/12/2022", "14:05 05/12/2022", "có", "đạt",
"Năm 2022") and how Excel gets it (a number with a Vietnamese-looking format, a date, a time,
or the shown words as text). From a query's frame:

- `screen_frame`: every cell as the text st.dataframe shows; a figure, a date or a word that was
  not recorded is "—", a text not given is empty;
- `csv_bytes`: the same headers, rows and texts, UTF-8 with a BOM, comma-separated; a cell the
  screen shows as "—" is empty (a spreadsheet then sums and filters the column), and text that
  a spreadsheet would run as a formula starts with an apostrophe (vanhoa.export.defuse);
- `xlsx_bytes` / `human_book`: the same headers and rows; numbers as numbers ('#,##0',
  '0.0 %', '#,##0 "đ"'), days as dates (dd/mm/yyyy), moments as date-times (hh:mm dd/mm/yyyy),
  labels (the period, có/không, đạt/chưa đạt) as text; an empty cell where the screen shows "—".

The command line's `export` keeps the machine columns of the spec (vanhoa.export.to_csv_bytes:
`period,unit,...`, true/false, ISO dates): scripts read those. This module has no streamlit,
so the pages, the report's appendix and anything else write people's tables the same way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vanhoa.export import EXTRA_COLUMNS, HEADERS_VI, TABLES, CellStyle, defuse, styled_book
from vanhoa.form import spec
from vanhoa.formats import MISSING, fmt_date, fmt_goal, fmt_int, fmt_money, fmt_pct, fmt_time, is_missing

SHEET = "Dữ liệu"
VERDICTS = {"đạt", "chưa đạt"}  # the progress statuses that are a verdict (not 'tạm tính', 'chưa nộp', ...)


@dataclass(frozen=True)
class Kind:
    """How the values of a column are shown and written. `show` turns a value that is there into
    its text; `blank` is the screen's text for a value that is not (the files leave the cell
    empty); `style` is how Excel gets the value (None: as the shown text)."""
    show: Callable[[object], str]
    blank: str = MISSING
    style: CellStyle | None = None
    number: bool = False  # Excel gets the value as a number (an int, a ratio, an amount)


def _signed(value) -> str:
    """-5 -> '-5', 1234 -> '1.234' (days after a deadline; negative: before it)."""
    return ("-" if value < 0 else "") + fmt_int(abs(value))


def _goal_format(value: float) -> str:
    """A goal as the plan writes it: '100 %', '70 %', '72,5 %' (fmt_goal)."""
    return "0 %" if round(value * 100, 6).is_integer() else "0.0 %"


KINDS: dict[str, Kind] = {
    "text": Kind(str, blank=""),
    "count": Kind(fmt_int, style=CellStyle(number_format=lambda v: "int"), number=True),
    "signed": Kind(_signed, style=CellStyle(number_format=lambda v: "int"), number=True),
    "ratio": Kind(fmt_pct, style=CellStyle(number_format=lambda v: "0.0 %"), number=True),
    "goal": Kind(fmt_goal, style=CellStyle(number_format=_goal_format), number=True),
    "money": Kind(fmt_money, style=CellStyle(number_format=lambda v: '#,##0 "đ"', width=14), number=True),
    "date": Kind(fmt_date, style=CellStyle(as_date=True)),
    "time": Kind(fmt_time, style=CellStyle()),
    "yes_no": Kind(lambda v: "có" if bool(v) else "không"),
    "verdict": Kind(lambda v: "đạt" if bool(v) else "chưa đạt"),
    "period": Kind(str),  # the code's label: see _show
    "words": Kind(str),  # a code's words (Column.words): see _show
}


@dataclass(frozen=True)
class Column:
    """One column of a people's table: the query's column `name`, its Vietnamese `header` and
    its `kind` (KINDS); a 'words' column shows `words[code]`."""
    name: str
    header: str
    kind: str = "text"
    words: Mapping[str, str] | None = None


def _described(name: str, kind: str) -> Column:
    return Column(name, HEADERS_VI[name], kind)


# How a column of the return form shows in a people's table (its kind in the form spec).
_FORM_KINDS = {"date": "date", "text": "text", "choice": "text", "plan": "text", "count": "count", "money": "money"}

# Every column of the export tables (vanhoa.export.TABLES and EXTRA_COLUMNS), once: the return
# form's own columns as the form spec describes them, then the rest.
COLUMNS: dict[str, Column] = {
    **{c.field: _described(c.field, _FORM_KINDS[c.kind]) for c in (*spec.ACTIVITY_COLUMNS, *spec.EVENT_COLUMNS)},
    **{c.name: c for c in [
        _described("period", "period"), _described("unit", "text"), _described("target", "text"),
        _described("numerator", "count"), _described("denominator", "count"), _described("ratio", "ratio"),
        _described("goal", "goal"), _described("met", "verdict"), _described("status", "text"),
        _described("target_name", "text"), _described("filed_at", "time"), _described("version", "count"),
        _described("deadline", "date"), _described("days_after_deadline", "signed"),
        _described("series", "text"), _described("current", "yes_no"), _described("filed_by", "text"),
        _described("sha256", "text"), _described("warnings", "text"), _described("filename", "text"),
        _described("restored_from", "count"), _described("source_period", "period"),
        _described("approval", "text"), _described("counted", "count"), _described("expected", "count"),
        _described("provisional", "yes_no"),
    ]},
}

TableSpec = str | Sequence[str | Column]


def columns_of(table: TableSpec) -> list[Column]:
    """The columns of an export table by its name ('activities': the spec's columns, then the
    extra ones), or of a list of column names (described in COLUMNS) and Columns."""
    if isinstance(table, str):
        names: Iterable[str | Column] = TABLES[table][1] + EXTRA_COLUMNS[table]
    else:
        names = table
    return [item if isinstance(item, Column) else COLUMNS.get(item, Column(item, HEADERS_VI.get(item, item)))
            for item in names]


def period_labels(reference) -> dict[str, str]:
    """code -> label ('2022-Y' -> 'Năm 2022') of a vanhoa.reference.Reference's periods."""
    return {code: period.label for code, period in reference.periods.items()}


# ---------------------------------------------------------------- the values, column by column


def _values(frame: pd.DataFrame, column: Column) -> pd.Series:
    """The column's values; a verdict only where the row's status is one (a provisional Office
    figure, a unit that has not filed: no 'chưa đạt')."""
    values = frame[column.name]
    if column.kind == "verdict" and "status" in frame.columns:
        return values.astype(object).where(frame["status"].isin(VERDICTS))
    return values


def _show(column: Column, periods: Mapping[str, str]) -> Callable[[object], str]:
    """How the column shows a value that is there: a period's label for its code, a code's
    words, else its kind's format."""
    if column.kind == "period":
        return lambda code: periods.get(code, str(code))
    if column.kind == "words":
        words = column.words or {}
        return lambda code: words.get(code, str(code))
    return KINDS[column.kind].show


def _texts(values: pd.Series, show: Callable[[object], str], blank: str) -> list[str]:
    """Each value's text, `blank` where it was not recorded. Each distinct value is formatted
    once (100.000 activities have a few hundred dates and amounts)."""
    if not len(values):
        return []
    codes, uniques = pd.factorize(values, use_na_sentinel=True, sort=False)
    texts = np.array([blank if is_missing(value) else show(value) for value in uniques] + [blank], dtype=object)
    return texts[codes].tolist()


def screen_frame(frame: pd.DataFrame, table: TableSpec, periods: Mapping[str, str]) -> pd.DataFrame:
    """The table as st.dataframe shows it: Vietnamese headers, every cell a text, same rows and
    order as `frame`."""
    columns = columns_of(table)
    shown = {c.header: _texts(_values(frame, c), _show(c, periods), KINDS[c.kind].blank) for c in columns}
    return pd.DataFrame(shown, index=range(len(frame)), columns=[c.header for c in columns], dtype=object)


def file_texts(frame: pd.DataFrame, table: TableSpec, periods: Mapping[str, str]) -> list[list[str]]:
    """The CSV's cells, column by column: the screen's texts, empty where the screen shows "—",
    text defused (a number's text, '-5', is not text)."""
    out = []
    for column in columns_of(table):
        show = _show(column, periods)
        if not KINDS[column.kind].number:
            show = (lambda plain: lambda value: defuse(plain(value)))(show)
        out.append(_texts(_values(frame, column), show, ""))
    return out


def csv_bytes(frame: pd.DataFrame, table: TableSpec, periods: Mapping[str, str]) -> bytes:
    """The people's CSV: the screen's headers and cells, UTF-8 with a BOM, comma-separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in columns_of(table)])
    writer.writerows(zip(*file_texts(frame, table, periods)))
    return buffer.getvalue().encode("utf-8-sig")


def _cells(frame: pd.DataFrame, table: TableSpec, periods: Mapping[str, str]) -> tuple[pd.DataFrame, dict, dict]:
    """The frame Excel gets (one column per Column, named by its position so that two columns
    may share a query column), its headers and the cells' styles."""
    cells, headers, styles = {}, {}, {}
    for position, column in enumerate(columns_of(table)):
        kind, key = KINDS[column.kind], f"c{position}"
        values = _values(frame, column)
        if kind.number:  # DuckDB's integers, nullable integers, doubles, decimals: one type
            if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                values = pd.to_numeric(values.astype(object), errors="coerce")
            values = values.astype("Float64")
        elif column.kind == "time":
            values = pd.to_datetime(values)
            if values.dt.tz is not None:  # Excel has no zones: the moment as the screen shows it
                values = values.dt.tz_localize(None)
        elif column.kind == "text" and isinstance(values.dtype, pd.StringDtype):  # already the text
            values = values.where(values != "")
        elif column.kind != "date":  # text and words: the shown text, an empty text an empty cell
            values = pd.Series(_texts(values, _show(column, periods), ""), dtype="str").replace("", None)
        cells[key], headers[key] = values.reset_index(drop=True), column.header
        if kind.style is not None:
            styles[key] = kind.style
    return pd.DataFrame(cells, index=range(len(frame))), headers, styles


def xlsx_bytes(frame: pd.DataFrame, table: TableSpec, periods: Mapping[str, str], sheet: str = SHEET) -> bytes:
    """The people's Excel file of one table (see human_book)."""
    return human_book([(sheet, table, frame)], periods)


def human_book(sheets: list[tuple[str, TableSpec, pd.DataFrame]], periods: Mapping[str, str]) -> bytes:
    """An Excel workbook with one sheet per (sheet name, table, query frame): the screen's
    headers and rows, numbers as numbers with Vietnamese-looking formats, dates as dates, times
    as date-times, labels as text, an empty cell where the screen shows "—"; header row frozen,
    a filter on it. `table` is an export table's name or a list of columns (columns_of);
    `periods` maps a period code to its label (period_labels)."""
    return styled_book([(name, *_cells(frame, table, periods)) for name, table, frame in sheets])
