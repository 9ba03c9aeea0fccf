"""Synthetic units and their returns straight into a store: one transaction, bulk-inserted from
Arrow, with the same rows `Store.commit` would write for each version."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyarrow as pa

from vanhoa.formats import fmt_int
from vanhoa.reference import Period
from vanhoa.store import ACTIVITY_KEYS, Store, record_repeats, write_audit
from vanhoa_tools.synth.dataset import Dataset, build_dataset, synthetic_marker
from vanhoa_tools.synth.words import (
    ACTIVE_FROM,
    MAX_ACTIVITIES,
    MAX_EVENTS,
    MAX_UNITS,
    SORT_BASE,
    SYNTH_BY,
    SYNTH_KIND,
    unit_code,
    unit_name,
)


@dataclass
class SynthResult:
    units: int
    periods: list[str]
    returns: int  # stored versions
    current_returns: int
    missing: list[tuple[str, str]]
    corrected: list[tuple[str, str]]
    staff: int
    criteria: int
    activities: int
    events: int
    seconds: float


def check_counts(units: int, periods: int, activities: int, events: int) -> None:
    """ValueError (Vietnamese) when a count is out of what the store and the reader take."""
    if not 1 <= units <= MAX_UNITS:
        raise ValueError(f"số đơn vị phải từ 1 đến {MAX_UNITS}.")
    if periods < 1:
        raise ValueError("số kỳ phải từ 1 trở lên.")
    if not 0 <= activities <= MAX_ACTIVITIES:
        raise ValueError(f"số hoạt động mỗi báo cáo phải từ 0 đến {fmt_int(MAX_ACTIVITIES)}.")
    if not 0 <= events <= MAX_EVENTS:
        raise ValueError(f"số sự kiện mỗi báo cáo phải từ 0 đến {fmt_int(MAX_EVENTS)}.")


def _unit_rows(numbers: list[int]) -> pa.Table:
    """The `units` rows of synthetic units S0001… (after the Office's own in the lists)."""
    return pa.table({
        "code": pa.array([unit_code(n) for n in numbers]),
        "name": pa.array([unit_name(n) for n in numbers]),
        "short_name": pa.array([f"ĐV TH {n}" for n in numbers]),
        "kind": pa.array([SYNTH_KIND] * len(numbers)),
        "sort_order": pa.array([SORT_BASE + n for n in numbers], pa.int32()),
        "active": pa.array([True] * len(numbers)),
        "active_from": pa.array([ACTIVE_FROM] * len(numbers)),
    })


def add_units(store: Store, count: int) -> list[str]:
    """Units S0001.. into the store's `units` table (those already there are kept); their codes."""
    numbers = list(range(1, count + 1))
    with store.transaction() as con:
        _insert_units(con, _unit_rows(numbers))
    return [unit_code(n) for n in numbers]



def _insert_units(con, rows: pa.Table) -> None:
    con.register("_synth_units", rows)
    try:
        con.execute("""insert into units by name
                       select * from _synth_units s where not exists (select 1 from units u where u.code = s.code)""")
    finally:
        con.unregister("_synth_units")


def _store_periods(con, count: int) -> list[Period]:
    rows = con.execute("select code, kind, year, label, start_date, end_date, deadline from periods "
                       "order by code").fetchall()
    if count > len(rows):
        raise ValueError(f"kho dữ liệu chỉ có {len(rows)} kỳ báo cáo, không sinh được {count} kỳ.")
    return [Period(code, kind, year, label, start, end, deadline)
            for code, kind, year, label, start, end, deadline in rows[:count]]


def synthesize(store: Store, units: int, periods: int, activities_per_return: int,
               events_per_return: int = 20, seed: int = 0) -> SynthResult:
    """Add `units` synthetic units and their returns for the store's first `periods` periods.

    One transaction: the units, the events a later year lacks, and every row `Store.commit` would
    write for each version (returns, its staff, criteria, activities and events, the upload, the
    kept "file" and the audit line), bulk-inserted from Arrow. Refused (ValueError, Vietnamese)
    when a synthetic unit already has a return in one of those periods."""
    check_counts(units, periods, activities_per_return, events_per_return)
    started = time.perf_counter()
    numbers = list(range(1, units + 1))
    with store.transaction() as con:
        chosen = _store_periods(con, periods)
        clash = con.execute(
            "select count(*) from returns where unit_code in (select unnest($units)) "
            "and period_code in (select unnest($periods))",
            {"units": [unit_code(n) for n in numbers], "periods": [p.code for p in chosen]},
        ).fetchone()[0]
        if clash:
            raise ValueError(f"kho dữ liệu đã có {clash} báo cáo của các đơn vị giả lập trong các kỳ này; "
                             "hãy dùng một kho trống (--db).")
        known = con.execute("select name, series, year, kind from events order by year, name").fetchall()
        data = build_dataset(numbers, chosen, known, activities_per_return, events_per_return, seed)
        _insert_units(con, _unit_rows(numbers))
        for event in data.new_events:
            con.execute("insert into events select ?, ?, ?, ?, null where not exists "
                        "(select 1 from events where name = ?)",
                        [event.name, event.series, event.year, event.kind, event.name])
        _bulk_insert(con, data, seed)
        record_repeats(con, [unit_code(n) for n in numbers])  # as Store.commit does for each version
        write_audit(con, SYNTH_BY, "sinh dữ liệu giả lập", f"{units} đơn vị, {periods} kỳ",
                    f"{data.returns.num_rows} báo cáo, {data.activities.num_rows} dòng hoạt động, "
                    f"{data.events.num_rows} dòng sự kiện (seed {seed})")
    return SynthResult(
        units=units, periods=[p.code for p in chosen], returns=data.returns.num_rows,
        current_returns=data.current_returns, missing=data.missing, corrected=data.corrected,
        staff=data.staff.num_rows, criteria=data.criteria.num_rows, activities=data.activities.num_rows,
        events=data.events.num_rows, seconds=time.perf_counter() - started,
    )


def _bulk_insert(con, data: Dataset, seed: int) -> None:
    returns = data.returns
    markers = [synthetic_marker(u, p, v, seed) for u, p, v in zip(
        returns["unit_code"].to_pylist(), returns["period_code"].to_pylist(), returns["version"].to_pylist())]
    files = pa.table({"sha256": returns["sha256"], "size": pa.array([len(m) for m in markers], pa.int64()),
                      "content": pa.array(markers, pa.binary())})
    uploads = pa.table({
        "upload_id": returns["upload_id"], "sha256": returns["sha256"], "filename": returns["filename"],
        "uploaded_by": returns["filed_by"], "uploaded_at": returns["filed_at"],
        "status": pa.array(["accepted"] * returns.num_rows),
        "unit_code": returns["unit_code"], "period_code": returns["period_code"], "version": returns["version"],
        "problems": pa.array(["[]"] * returns.num_rows),
    })
    audit = pa.table({
        "logged_at": returns["filed_at"], "actor": returns["filed_by"],
        "action": pa.array(["tải lên (đã lưu)"] * returns.num_rows), "target": returns["filename"],
        "details": pa.array([f"{u} {p} phiên bản {v}, SHA-256 {s[:12]}…" for u, p, v, s in zip(
            returns["unit_code"].to_pylist(), returns["period_code"].to_pylist(),
            returns["version"].to_pylist(), returns["sha256"].to_pylist())]),
    })
    # Table names are this module's constants, never input.
    for table, rows in (("files", files), ("uploads", uploads), ("returns", returns),
                        ("return_staff", data.staff), ("return_criteria", data.criteria),
                        ("return_activities", data.activities), ("return_events", data.events),
                        ("audit_log", audit)):
        con.register("_synth_rows", rows)
        try:
            if table == "files":
                con.execute("insert into files by name select * from _synth_rows s "
                            "where not exists (select 1 from files f where f.sha256 = s.sha256)")
            elif table == "return_activities":  # with the keys Store.commit derives (migration 5)
                con.execute("insert into return_activities by name select *, " + ACTIVITY_KEYS + " from _synth_rows")
            else:
                con.execute("insert into " + table + " by name select * from _synth_rows")  # table: a constant
        finally:
            con.unregister("_synth_rows")
