"""The repeats of a half-year row in the annual return of the same unit and year (see
migrations/006_repeats.sql), found once when a version is written and kept as pairs of versions."""

from __future__ import annotations

import duckdb

# The repeats of a half-year row in an annual return of the same unit and year, as pairs of
# versions (migration 6). A row without a date, content or event is never a repeat.
# - _REPEATS_OF_VERSION: one new version's pairs with every stored version of the other half of
#   its year, for one unit: both sides filtered by unit and period, so the scan skips the rest
#   (on DuckLake too, where an IN-list made every commit read the whole table);
# - _REPEATS_OF_UNITS: every pair of some units ($units) or of the whole store ($units null).
_REPEATS_OF_VERSION = """
insert into {table}
select distinct h.unit_code, h.period_code, h.version, h.row_no, y.period_code, y.version
from {rows} h
join {rows} y on y.unit_code = h.unit_code and y.date = h.date and {same}
where h.unit_code = $unit and y.unit_code = $unit
  and h.period_code = $h1 and y.period_code = $y
  and (($new_half and h.version = $version) or (not $new_half and y.version = $version))
"""
_REPEATS_OF_UNITS = """
insert into {table}
select distinct h.unit_code, h.period_code, h.version, h.row_no, y.period_code, y.version
from {rows} h
join periods hp on hp.code = h.period_code and hp.kind = 'H1'
join periods yp on yp.year = hp.year and yp.kind = 'Y'
join {rows} y
  on y.unit_code = h.unit_code and y.period_code = yp.code
 and y.date = h.date and {same}
where $units is null or (h.unit_code in (select unnest($units)) and y.unit_code in (select unnest($units)))
"""
_REPEATS = (
    ("activity_repeats", "return_activities", "y.content_key = h.content_key"),
    ("event_repeats", "return_events", "y.event = h.event"),
)


def record_repeats(con: duckdb.DuckDBPyConnection, units: list[str] | None = None,
                   period: str | None = None, version: int | None = None) -> None:
    """Keep the repeats (see migration 6) of one new version (units=[its unit], its period and
    version), of some units' whole history (synthetic data), or of the whole store (units None)."""
    if period is None:
        for table, rows, same in _REPEATS:
            # Table names and conditions are this module's constants, never input.
            con.execute(_REPEATS_OF_UNITS.format(table=table, rows=rows, same=same), {"units": units})
        return
    (unit,) = units
    halves = dict(con.execute(
        "select kind, code from periods where year = (select year from periods where code = ?)", [period]).fetchall())
    if "H1" not in halves or "Y" not in halves:
        return
    new_half = period == halves["H1"]
    other = halves["Y"] if new_half else halves["H1"]
    # the usual case: the other half of the year has no return yet, so nothing can repeat
    if con.execute("select 1 from returns where unit_code = ? and period_code = ? limit 1",
                   [unit, other]).fetchone() is None:
        return
    params = {"unit": unit, "h1": halves["H1"], "y": halves["Y"], "new_half": new_half, "version": version}
    for table, rows, same in _REPEATS:
        con.execute(_REPEATS_OF_VERSION.format(table=table, rows=rows, same=same), params)
