"""Every row of the synthetic returns as Arrow tables, one per store table, vectorised with numpy.

Everything is drawn from `numpy.random.default_rng(seed)` in a fixed order (filings, staff,
criteria, activities, events): the same arguments give the same data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vanhoa.form import spec
from vanhoa.reference import Period
from vanhoa.store import sha256_of
from vanhoa_tools.synth.words import (
    ACHIEVEMENTS,
    CLERK_NAMES,
    COMMUNE,
    CONTENTS,
    CRITERIA_MISS,
    CRITERIA_NOTES,
    EVENT_DAYS,
    EVENT_NOTES,
    KIND_PLAN,
    KIND_WEIGHTS,
    OTHER_COMMUNES,
    PLACES,
    RESULTS,
    SYNTH_BY,
    unit_code,
)

KnownEvent = tuple[str, str | None, int, str | None]  # (name, series, year, kind) of the store's event list


@dataclass
class Event:
    name: str
    series: str | None
    year: int
    kind: str | None
    date: dt.date
    place: str
    new: bool = False  # not in the store's event list yet (a later year's edition)


@dataclass
class Dataset:
    """Every row of every table, one Arrow table per store table, columns in the store's names."""
    unit_numbers: list[int]
    periods: list[Period]
    returns: pa.Table
    staff: pa.Table
    criteria: pa.Table
    activities: pa.Table
    events: pa.Table
    missing: list[tuple[str, str]]  # (unit, period) not filed
    corrected: list[tuple[str, str]]  # (unit, period) filed twice
    new_events: list[Event] = field(default_factory=list)

    @property
    def current_returns(self) -> int:
        return self.returns.num_rows - len(self.corrected)


def _pick(strings, indices: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """strings[indices] as an Arrow string array, null where mask is true: no Python loop."""
    values = pa.array(list(strings), pa.string())
    picked = values.take(pa.array(indices.astype(np.int32)))
    if mask is not None and mask.any():
        picked = pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), picked)
    return picked


def _days(dates: np.ndarray) -> pa.Array:
    """Days since 1970-01-01 -> date32."""
    return pa.array(dates.astype(np.int32), pa.int32()).cast(pa.date32())


_EPOCH = dt.date(1970, 1, 1)


def _day(date: dt.date) -> int:
    return (date - _EPOCH).days
def _events_by_period(periods: list[Period], known: list[KnownEvent]) -> tuple[dict[str, list[Event]], list[Event]]:
    """period code -> the events its return lists; plus the yearly editions the list lacks.

    A 6-month return lists the year's events up to its deadline, the annual return the later ones
    (as in the demonstration data). A year the event list does not cover gets the recurring series'
    editions of that year, named like the last listed edition with the year changed."""
    by_year: dict[int, list[Event]] = {}
    for name, series, year, kind in known:
        month, day, place = EVENT_DAYS.get(series or "", (4 + sum(map(ord, name)) % 8, 15, "Thành phố Sơn La"))
        by_year.setdefault(year, []).append(Event(name, series, year, kind, dt.date(year, month, day), place))
    new: list[Event] = []
    last_year = max(by_year) if by_year else None
    for period in periods:
        if period.year in by_year or last_year is None:
            continue
        editions = []
        for event in by_year[last_year]:
            if str(last_year) in event.name:
                editions.append(Event(event.name.replace(str(last_year), str(period.year)), event.series,
                                      period.year, event.kind, event.date.replace(year=period.year), event.place,
                                      new=True))
        by_year[period.year] = editions
        new.extend(editions)
    chosen: dict[str, list[Event]] = {}
    h1_deadline = {p.year: p.deadline for p in periods if p.kind == "H1"}
    for period in periods:
        events = sorted(by_year.get(period.year, []), key=lambda e: (e.date, e.name))
        cut = h1_deadline.get(period.year, dt.date(period.year, 6, 15))
        if period.kind == "H1":
            wanted = [e for e in events if period.start <= e.date <= min(cut, period.end)]
        else:
            wanted = [e for e in events if cut < e.date <= period.end]
        chosen[period.code] = wanted or [e for e in events if period.start <= e.date <= period.end] or events
    return chosen, new


@dataclass
class _Filed:
    """One row per stored version: indices into the units and periods, its version, when it was filed."""
    unit: np.ndarray
    period: np.ndarray
    version: np.ndarray
    filed_at: list[dt.datetime]
    missing: list[tuple[str, str]]
    corrected: list[tuple[str, str]]
    unit_col: pa.Array = None
    period_col: pa.Array = None

    def keys(self, per_return: int) -> dict[str, pa.Array]:
        """The (unit_code, period_code, version) columns of `per_return` child rows per version."""
        rows = np.repeat(np.arange(len(self.unit)), per_return)
        index = pa.array(rows)
        return {"unit_code": self.unit_col.take(index), "period_code": self.period_col.take(index),
                "version": pa.array(self.version[rows], pa.int32())}


def build_dataset(unit_numbers: list[int], periods: list[Period], known_events: list[KnownEvent],
                  activities_per_return: int, events_per_return: int, seed: int = 0) -> Dataset:
    """Every row of the synthetic returns, vectorised with numpy and Arrow."""
    rng = np.random.default_rng(seed)
    codes = [unit_code(n) for n in unit_numbers]
    n_units = len(unit_numbers)
    pairs = n_units * len(periods)
    # about 1 % of (unit, period) pairs not filed, as many others filed twice
    k = 0 if pairs < 4 else max(1, pairs // 100)
    special = rng.choice(pairs, size=2 * k, replace=False) if k else np.array([], dtype=np.int64)
    # per unit: a stable size of each staff group, moving a little from period to period
    base = np.stack([
        np.clip(np.round(rng.lognormal(2.2, 0.6, n_units)), 2, 80),                  # CBCC
        np.where(rng.random(n_units) < 0.45, 0, np.clip(np.round(rng.lognormal(1.8, 0.7, n_units)), 1, 60)),
        np.where(rng.random(n_units) < 0.35, 0, np.clip(np.round(rng.lognormal(1.6, 0.7, n_units)), 1, 40)),
    ], axis=1).astype(np.int64)  # (units, 3)
    clerk = rng.integers(0, len(CLERK_NAMES), n_units)
    filed = _filings(rng, codes, periods, set(special[:k].tolist()), set(special[k:].tolist()))
    filed.unit_col = _pick(codes, filed.unit)
    filed.period_col = _pick([p.code for p in periods], filed.period)
    returns = _returns_table(filed, codes, periods, unit_numbers, clerk, seed)
    staff = _staff_table(rng, filed, base)
    criteria = _criteria_table(rng, filed)
    activities = _activities_table(rng, filed, periods, activities_per_return)
    events, new_events = _events_table(rng, filed, periods, known_events, events_per_return)
    return Dataset(unit_numbers, periods, returns, staff, criteria, activities, events, filed.missing,
                   filed.corrected, new_events)


def _filings(rng: np.random.Generator, codes: list[str], periods: list[Period], missing_idx: set[int],
             corrected_idx: set[int]) -> _Filed:
    """Who filed when: most before the deadline, 8 % late; the pairs in `missing_idx` not filed,
    those in `corrected_idx` filed twice (a correction a few days later)."""
    n_units = len(codes)
    unit, period, version, filed_at = [], [], [], []
    missing, corrected = [], []
    for p_index, chosen in enumerate(periods):
        deadline = dt.datetime.combine(chosen.deadline, dt.time())
        for u_index in range(n_units):
            pair = p_index * n_units + u_index
            if pair in missing_idx:
                missing.append((codes[u_index], chosen.code))
                continue
            late = rng.random() < 0.08
            days = int(rng.integers(1, 16)) if late else -int(rng.integers(1, 26))
            minutes = int(rng.integers(7 * 60 + 30, 17 * 60))
            first = deadline + dt.timedelta(days=days, minutes=minutes)
            unit.append(u_index), period.append(p_index), version.append(1), filed_at.append(first)
            if pair in corrected_idx:
                corrected.append((codes[u_index], chosen.code))
                second = first + dt.timedelta(days=int(rng.integers(1, 5)), minutes=int(rng.integers(0, 240)))
                unit.append(u_index), period.append(p_index), version.append(2), filed_at.append(second)
    return _Filed(np.array(unit, dtype=np.int64), np.array(period, dtype=np.int64), np.array(version, dtype=np.int32),
                  filed_at, missing, corrected)


def _returns_table(filed: _Filed, codes: list[str], periods: list[Period], unit_numbers: list[int],
                   clerk: np.ndarray, seed: int) -> pa.Table:
    shas, upload_ids, filenames = [], [], []
    for u, p, v in zip(filed.unit.tolist(), filed.period.tolist(), filed.version.tolist()):
        marker = synthetic_marker(codes[u], periods[p].code, v, seed)
        shas.append(sha256_of(marker))
        upload_ids.append(hashlib.md5(marker).hexdigest())
        suffix = f"_v{v}" if v > 1 else ""
        filenames.append(f"bao-cao_{codes[u]}_{periods[p].code}{suffix}.xlsx")
    n_ret = len(filed.unit)
    return pa.table({
        "unit_code": filed.unit_col,
        "period_code": filed.period_col,
        "version": pa.array(filed.version, pa.int32()),
        "filed_at": pa.array(filed.filed_at, pa.timestamp("us")),
        "filed_by": pa.array([SYNTH_BY] * n_ret, pa.string()),
        "sha256": pa.array(shas, pa.string()),
        "upload_id": pa.array(upload_ids, pa.string()),
        "filename": pa.array(filenames, pa.string()),
        "prepared_by": _pick(CLERK_NAMES, clerk[filed.unit]),
        "prepared_on": pa.array([f.date() for f in filed.filed_at], pa.date32()),
        "phone": pa.array([f"0212 38{5000 + unit_numbers[u] % 5000:04d}" for u in filed.unit.tolist()], pa.string()),
        "email": pa.array([f"vanthu.{codes[u].lower()}@sonla.gov.vn" for u in filed.unit.tolist()], pa.string()),
        "form_version": pa.array(np.full(n_ret, spec.FORM_VERSION, np.int32), pa.int32()),
        "restored_from": pa.nulls(n_ret, pa.int32()),
        "warnings": pa.array([""] * n_ret, pa.string()),
        "status": pa.array(["pending"] * n_ret, pa.string()),
    })


def _staff_table(rng: np.random.Generator, filed: _Filed, base: np.ndarray) -> pa.Table:
    """Chỉ tiêu: three groups per return; every "of whom" figure at most its total."""
    n_ret = len(filed.unit)
    group_total = base[filed.unit] + rng.integers(-1, 2, (n_ret, 3)) * (base[filed.unit] > 2)
    group_total = np.maximum(group_total, 0)
    ethics = group_total - np.where(rng.random((n_ret, 3)) < 0.12, rng.integers(1, 3, (n_ret, 3)), 0)
    culture = np.round(group_total * rng.uniform(0.5, 1.0, (n_ret, 3)))
    families = np.round(group_total * rng.uniform(0.7, 1.0, (n_ret, 3)))
    cultural = families - np.where(rng.random((n_ret, 3)) < 0.2, rng.integers(1, 3, (n_ret, 3)), 0)
    ethics, culture, families = (np.clip(a, 0, group_total) for a in (ethics, culture, families))
    cultural = np.clip(cultural, 0, families)
    return pa.table({
        **filed.keys(3),
        "staff_group": _pick([code for code, _, _ in spec.STAFF_GROUPS], np.tile(np.arange(3), n_ret)),
        **{name: pa.array(values.reshape(-1).astype(np.int32), pa.int32())
           for name, values in (("total", group_total), ("ethics", ethics), ("culture", culture),
                                ("families", families), ("cultural_families", cultural))},
    })


def _criteria_table(rng: np.random.Generator, filed: _Filed) -> pa.Table:
    """Đơn vị văn hóa: C1..C4, mostly met; a missed criterion has its note."""
    n_ret = len(filed.unit)
    crit_codes = [code for code, _ in spec.CRITERIA]
    miss = rng.random((n_ret, len(crit_codes))) < np.array([CRITERIA_MISS[c] for c in crit_codes])
    crit_idx = np.tile(np.arange(len(crit_codes)), n_ret)
    return pa.table({
        **filed.keys(len(crit_codes)),
        "criterion": _pick(crit_codes, crit_idx),
        "met": pa.array(~miss.reshape(-1)),
        "note": _pick([CRITERIA_NOTES[c] for c in crit_codes], crit_idx, mask=~miss.reshape(-1)),
    })


def _activities_table(rng: np.random.Generator, filed: _Filed, periods: list[Period], a: int) -> pa.Table:
    """Hoạt động: dated inside what the return covers (H1: up to its deadline; Y: after the H1
    deadline), about one in ten in the supported commune (most of the "Giúp đỡ xã" kind)."""
    n_ret = len(filed.unit)
    act_period = np.repeat(filed.period, a)
    n_act = len(act_period)
    first_day = np.array([_day(p.start if p.kind == "H1" else dt.date(p.year, 6, 16)) for p in periods])
    last_day = np.array([_day(min(p.deadline, p.end) - dt.timedelta(days=5)) for p in periods])
    span = np.maximum(last_day - first_day, 1)
    dates = first_day[act_period] + (rng.random(n_act) * span[act_period]).astype(np.int64)
    kind = rng.choice(len(spec.ACTIVITY_KINDS), size=n_act, p=KIND_WEIGHTS / KIND_WEIGHTS.sum())
    per_kind = len(next(iter(CONTENTS.values())))
    content_idx = kind * per_kind + rng.integers(0, per_kind, n_act)
    help_kind = spec.ACTIVITY_KINDS.index("Giúp đỡ xã")
    roll = rng.random(n_act)
    in_commune = roll < np.where(kind == help_kind, 0.6, 0.05)
    other = ~in_commune & (roll < np.where(kind == help_kind, 0.95, 0.30))
    commune_idx = np.where(in_commune, 0, 1 + rng.integers(0, len(OTHER_COMMUNES), n_act))
    participants = np.clip(np.round(rng.lognormal(2.6, 0.7, n_act)), 1, 500).astype(np.int32)
    costs = np.where(rng.random(n_act) < 0.4, 0, rng.integers(1, 200, n_act) * 100_000).astype(np.int64)
    plan = np.where(rng.random(n_act) < 0.8, np.array([int(c[-1]) - 1 for c in KIND_PLAN])[kind],
                    rng.integers(0, 5, n_act))
    return pa.table({
        **filed.keys(a),
        "row_no": pa.array(np.tile(np.arange(1, a + 1, dtype=np.int32), n_ret), pa.int32()),
        "date": _days(dates),
        "content": _pick([c for kind_contents in CONTENTS.values() for c in kind_contents], content_idx),
        "kind": _pick(spec.ACTIVITY_KINDS, kind),
        "commune": _pick((COMMUNE,) + OTHER_COMMUNES, commune_idx, mask=~(in_commune | other)),
        "place": _pick(PLACES, rng.integers(0, len(PLACES), n_act)),
        "participants": pa.array(participants, pa.int32(), mask=rng.random(n_act) < 0.03),
        "cost": pa.array(costs, pa.int64(), mask=rng.random(n_act) < 0.05),
        "result": _pick(RESULTS, rng.integers(0, len(RESULTS), n_act), mask=rng.random(n_act) < 0.3),
        "plan_item": _pick([code for code, _ in spec.PLAN_ITEMS], plan, mask=rng.random(n_act) < 0.1),
    })


def _events_table(rng: np.random.Generator, filed: _Filed, periods: list[Period], known_events: list[KnownEvent],
                  e: int) -> tuple[pa.Table, list[Event]]:
    """Sự kiện: each return cycles through the events of what it covers (one row per team or distance)."""
    chosen, new_events = _events_by_period(periods, known_events)
    names = [[ev.name for ev in chosen[p.code]] for p in periods]
    n_ret = len(filed.unit)
    n_ev = n_ret * e
    ev_row = np.tile(np.arange(e), n_ret)
    ev_period = np.repeat(filed.period, e)
    count = np.array([max(len(n), 1) for n in names])
    offsets = np.cumsum([0] + [len(n) for n in names])[:-1]
    flat = [ev for p in periods for ev in chosen[p.code]]
    flat_dates = np.array([_day(ev.date) for ev in flat] or [0], dtype=np.int64)
    flat_idx = offsets[ev_period] + ev_row % count[ev_period]
    participants = np.clip(np.round(rng.lognormal(1.8, 0.6, n_ev)), 1, 200).astype(np.int32)
    registered = participants + np.where(rng.random(n_ev) < 0.3, rng.integers(1, 4, n_ev), 0)
    achieved = rng.random(n_ev) < 0.08
    note_idx = rng.integers(0, len(EVENT_NOTES), n_ev)
    note_empty = np.array([n is None for n in EVENT_NOTES])
    table = pa.table({
        **filed.keys(e),
        "row_no": pa.array(ev_row.astype(np.int32) + 1, pa.int32()),
        "event": _pick([ev.name for ev in flat] or [""], flat_idx),
        "date": _days(flat_dates[flat_idx]),
        "place": _pick([ev.place for ev in flat] or [""], flat_idx),
        "registered": pa.array(registered.astype(np.int32), pa.int32(), mask=rng.random(n_ev) < 0.25),
        "participants": pa.array(participants, pa.int32()),
        "achievement": _pick(ACHIEVEMENTS, rng.integers(0, len(ACHIEVEMENTS), n_ev), mask=~achieved),
        "note": _pick([n or "" for n in EVENT_NOTES], note_idx, mask=note_empty[note_idx]),
    })
    return table, new_events


def synthetic_marker(unit: str, period: str, version: int, seed: int) -> bytes:
    """What stands for a synthetic return's file: its SHA-256 is the version's sha256."""
    return f"vanhoa synthetic return {unit} {period} v{version} seed {seed}".encode()
