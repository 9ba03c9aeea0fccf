"""Realistic synthetic returns for scale tests (`python -m vanhoa synth`, `make bench`).

    python -m vanhoa synth --units 1000 --periods 10 --activities 100 [--events 20] [--xlsx DIR]

Province scale is 1,000 units × 10 periods (2022-H1 … 2026-Y): 10,000 stored returns,
1,000,000 activity rows, 200,000 event rows. Two ways out:

- `synthesize(store, …)` adds units S0001… ("Đơn vị tổng hợp số 1" …) to the store's `units`
  table and bulk-loads their returns, with the same rows `Store.commit` would write (returns,
  return_staff, return_criteria, return_activities, return_events, uploads, files, audit_log),
  from Arrow tables in one transaction: seconds, not the hours that 10,000 ingests would take.
- `write_xlsx(folder, …)` writes the same returns as real Excel files that
  `python -m vanhoa ingest` accepts (the units must be in the store: `add_units`).

The shape is the demonstration data's: three staff groups with plausible head counts (every
"of whom" figure at most the total), criteria C1..C4 mostly met, activities over the eight kinds
with about one in ten in the supported commune (Chiềng Xuân), events from the event list (the
6-month return lists the events of the first half, the annual return those after it). Most units
file before the deadline, some late; about 1 % of (unit, period) pairs are not filed and as many
others were filed twice (a correction), so the store holds exactly units × periods returns,
units × periods × activities activity rows and units × periods × events event rows.

Everything is drawn from `numpy.random.default_rng(seed)`: the same arguments give the same data.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vanhoa.form import spec
from vanhoa.reference import Period, Reference
from vanhoa.store import ACTIVITY_KEYS, Store, record_repeats, sha256_of, write_audit

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


# ------------------------------------------------------------------ vocabulary

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


# ------------------------------------------------------------------ the data set, as Arrow tables


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


def _events_by_period(periods: list[Period], known: list[tuple[str, str | None, int, str | None]]) -> tuple[
        dict[str, list[Event]], list[Event]]:
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


def build_dataset(unit_numbers: list[int], periods: list[Period],
                  known_events: list[tuple[str, str | None, int, str | None]],
                  activities_per_return: int, events_per_return: int, seed: int = 0) -> Dataset:
    """Every row of the synthetic returns, vectorised with numpy and Arrow."""
    rng = np.random.default_rng(seed)
    n_units, n_periods = len(unit_numbers), len(periods)
    pairs = n_units * n_periods
    codes = [unit_code(n) for n in unit_numbers]

    # about 1 % of (unit, period) pairs not filed, as many others filed twice
    k = 0 if pairs < 4 else max(1, pairs // 100)
    special = rng.choice(pairs, size=2 * k, replace=False) if k else np.array([], dtype=np.int64)
    missing_idx, corrected_idx = set(special[:k].tolist()), set(special[k:].tolist())

    # per unit: a stable size of each staff group, moving a little from period to period
    base = np.stack([
        np.clip(np.round(rng.lognormal(2.2, 0.6, n_units)), 2, 80),                  # CBCC
        np.where(rng.random(n_units) < 0.45, 0, np.clip(np.round(rng.lognormal(1.8, 0.7, n_units)), 1, 60)),
        np.where(rng.random(n_units) < 0.35, 0, np.clip(np.round(rng.lognormal(1.6, 0.7, n_units)), 1, 40)),
    ], axis=1).astype(np.int64)  # (units, 3)
    clerk = rng.integers(0, len(CLERK_NAMES), n_units)

    # one row per stored version: (unit index, period index, version, filed_at)
    ret_unit, ret_period, ret_version, ret_filed = [], [], [], []
    missing, corrected = [], []
    for p_index, period in enumerate(periods):
        deadline = dt.datetime.combine(period.deadline, dt.time())
        for u_index in range(n_units):
            pair = p_index * n_units + u_index
            if pair in missing_idx:
                missing.append((codes[u_index], period.code))
                continue
            late = rng.random() < 0.08
            days = int(rng.integers(1, 16)) if late else -int(rng.integers(1, 26))
            minutes = int(rng.integers(7 * 60 + 30, 17 * 60))
            first = deadline + dt.timedelta(days=days, minutes=minutes)
            ret_unit.append(u_index), ret_period.append(p_index), ret_version.append(1), ret_filed.append(first)
            if pair in corrected_idx:
                corrected.append((codes[u_index], period.code))
                second = first + dt.timedelta(days=int(rng.integers(1, 5)), minutes=int(rng.integers(0, 240)))
                ret_unit.append(u_index), ret_period.append(p_index), ret_version.append(2), ret_filed.append(second)
    ret_unit_a = np.array(ret_unit, dtype=np.int64)
    ret_period_a = np.array(ret_period, dtype=np.int64)
    ret_version_a = np.array(ret_version, dtype=np.int32)
    n_ret = len(ret_unit)
    unit_col = _pick(codes, ret_unit_a)
    period_col = _pick([p.code for p in periods], ret_period_a)

    shas, upload_ids, filenames = [], [], []
    for u, p, v in zip(ret_unit, ret_period, ret_version):
        marker = synthetic_marker(codes[u], periods[p].code, v, seed)
        shas.append(sha256_of(marker))
        upload_ids.append(hashlib.md5(marker).hexdigest())
        suffix = f"_v{v}" if v > 1 else ""
        filenames.append(f"bao-cao_{codes[u]}_{periods[p].code}{suffix}.xlsx")
    returns = pa.table({
        "unit_code": unit_col,
        "period_code": period_col,
        "version": pa.array(ret_version_a, pa.int32()),
        "filed_at": pa.array(ret_filed, pa.timestamp("us")),
        "filed_by": pa.array([SYNTH_BY] * n_ret, pa.string()),
        "sha256": pa.array(shas, pa.string()),
        "upload_id": pa.array(upload_ids, pa.string()),
        "filename": pa.array(filenames, pa.string()),
        "prepared_by": _pick(CLERK_NAMES, clerk[ret_unit_a]),
        "prepared_on": pa.array([f.date() for f in ret_filed], pa.date32()),
        "phone": pa.array([f"0212 38{5000 + unit_numbers[u] % 5000:04d}" for u in ret_unit], pa.string()),
        "email": pa.array([f"vanthu.{codes[u].lower()}@sonla.gov.vn" for u in ret_unit], pa.string()),
        "form_version": pa.array(np.full(n_ret, spec.FORM_VERSION, np.int32), pa.int32()),
        "restored_from": pa.nulls(n_ret, pa.int32()),
        "warnings": pa.array([""] * n_ret, pa.string()),
        "status": pa.array(["pending"] * n_ret, pa.string()),
    })

    # Chỉ tiêu: three groups per return; every "of whom" figure at most its total
    group_total = base[ret_unit_a] + rng.integers(-1, 2, (n_ret, 3)) * (base[ret_unit_a] > 2)
    group_total = np.maximum(group_total, 0)
    ethics = group_total - np.where(rng.random((n_ret, 3)) < 0.12, rng.integers(1, 3, (n_ret, 3)), 0)
    culture = np.round(group_total * rng.uniform(0.5, 1.0, (n_ret, 3)))
    families = np.round(group_total * rng.uniform(0.7, 1.0, (n_ret, 3)))
    cultural = families - np.where(rng.random((n_ret, 3)) < 0.2, rng.integers(1, 3, (n_ret, 3)), 0)
    ethics, culture, families = (np.clip(a, 0, group_total) for a in (ethics, culture, families))
    cultural = np.clip(cultural, 0, families)
    staff_ret = np.repeat(np.arange(n_ret), 3)
    staff = pa.table({
        "unit_code": unit_col.take(pa.array(staff_ret)),
        "period_code": period_col.take(pa.array(staff_ret)),
        "version": pa.array(ret_version_a[staff_ret], pa.int32()),
        "staff_group": _pick([code for code, _, _ in spec.STAFF_GROUPS], np.tile(np.arange(3), n_ret)),
        **{name: pa.array(values.reshape(-1).astype(np.int32), pa.int32())
           for name, values in (("total", group_total), ("ethics", ethics), ("culture", culture),
                                ("families", families), ("cultural_families", cultural))},
    })

    # Đơn vị văn hóa: C1..C4, mostly met
    crit_codes = [code for code, _ in spec.CRITERIA]
    miss = rng.random((n_ret, len(crit_codes))) < np.array([CRITERIA_MISS[c] for c in crit_codes])
    crit_ret = np.repeat(np.arange(n_ret), len(crit_codes))
    crit_idx = np.tile(np.arange(len(crit_codes)), n_ret)
    criteria = pa.table({
        "unit_code": unit_col.take(pa.array(crit_ret)),
        "period_code": period_col.take(pa.array(crit_ret)),
        "version": pa.array(ret_version_a[crit_ret], pa.int32()),
        "criterion": _pick(crit_codes, crit_idx),
        "met": pa.array(~miss.reshape(-1)),
        "note": _pick([CRITERIA_NOTES[c] for c in crit_codes], crit_idx, mask=~miss.reshape(-1)),
    })

    # Hoạt động: dated inside what the return covers (H1: up to its deadline; Y: after the H1 deadline)
    a = activities_per_return
    act_ret = np.repeat(np.arange(n_ret), a)
    n_act = len(act_ret)
    first_day = np.array([_day(p.start if p.kind == "H1" else dt.date(p.year, 6, 16)) for p in periods])
    last_day = np.array([_day(min(p.deadline, p.end) - dt.timedelta(days=5)) for p in periods])
    span = np.maximum(last_day - first_day, 1)
    act_period = ret_period_a[act_ret]
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
    activities = pa.table({
        "unit_code": unit_col.take(pa.array(act_ret)),
        "period_code": period_col.take(pa.array(act_ret)),
        "version": pa.array(ret_version_a[act_ret], pa.int32()),
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

    # Sự kiện: each return cycles through the events of what it covers (one row per team or distance)
    e = events_per_return
    chosen, new_events = _events_by_period(periods, known_events)
    names, event_dates, places = [], [], []
    for p_index, period in enumerate(periods):
        evs = chosen[period.code]
        names.append([ev.name for ev in evs])
        event_dates.append([_day(ev.date) for ev in evs])
        places.append([ev.place for ev in evs])
    ev_ret = np.repeat(np.arange(n_ret), e)
    n_ev = len(ev_ret)
    ev_row = np.tile(np.arange(e), n_ret)
    ev_period = ret_period_a[ev_ret]
    count = np.array([max(len(n), 1) for n in names])
    slot = ev_row % count[ev_period]
    offsets = np.cumsum([0] + [len(n) for n in names])[:-1]
    flat_names = [name for group in names for name in group]
    flat_dates = np.array([d for group in event_dates for d in group] or [0], dtype=np.int64)
    flat_places = [place for group in places for place in group]
    flat_idx = offsets[ev_period] + slot
    participants = np.clip(np.round(rng.lognormal(1.8, 0.6, n_ev)), 1, 200).astype(np.int32)
    registered = participants + np.where(rng.random(n_ev) < 0.3, rng.integers(1, 4, n_ev), 0)
    achieved = rng.random(n_ev) < 0.08
    note_idx = rng.integers(0, len(EVENT_NOTES), n_ev)
    note_empty = np.array([n is None for n in EVENT_NOTES])
    events = pa.table({
        "unit_code": unit_col.take(pa.array(ev_ret)),
        "period_code": period_col.take(pa.array(ev_ret)),
        "version": pa.array(ret_version_a[ev_ret], pa.int32()),
        "row_no": pa.array(ev_row.astype(np.int32) + 1, pa.int32()),
        "event": _pick(flat_names or [""], flat_idx),
        "date": _days(flat_dates[flat_idx]),
        "place": _pick(flat_places or [""], flat_idx),
        "registered": pa.array(registered.astype(np.int32), pa.int32(), mask=rng.random(n_ev) < 0.25),
        "participants": pa.array(participants, pa.int32()),
        "achievement": _pick(ACHIEVEMENTS, rng.integers(0, len(ACHIEVEMENTS), n_ev), mask=~achieved),
        "note": _pick([n or "" for n in EVENT_NOTES], note_idx, mask=note_empty[note_idx]),
    })
    return Dataset(unit_numbers, periods, returns, staff, criteria, activities, events, missing, corrected,
                   new_events)


def synthetic_marker(unit: str, period: str, version: int, seed: int) -> bytes:
    """What stands for a synthetic return's file: its SHA-256 is the version's sha256."""
    return f"vanhoa synthetic return {unit} {period} v{version} seed {seed}".encode()


# ------------------------------------------------------------------ into the store


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


def add_units(store: Store, count: int) -> list[str]:
    """Units S0001.. into the store's `units` table (those already there are kept); their codes."""
    codes = [unit_code(n) for n in range(1, count + 1)]
    rows = pa.table({
        "code": pa.array(codes),
        "name": pa.array([unit_name(n) for n in range(1, count + 1)]),
        "short_name": pa.array([f"ĐV TH {n}" for n in range(1, count + 1)]),
        "kind": pa.array([SYNTH_KIND] * count),
        "sort_order": pa.array([SORT_BASE + n for n in range(1, count + 1)], pa.int32()),
        "active": pa.array([True] * count),
        "active_from": pa.array([ACTIVE_FROM] * count),
    })
    with store.transaction() as con:
        _insert_units(con, rows)
    return codes


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
    _check_counts(units, periods, activities_per_return, events_per_return)
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
        _insert_units(con, pa.table({
            "code": pa.array([unit_code(n) for n in numbers]),
            "name": pa.array([unit_name(n) for n in numbers]),
            "short_name": pa.array([f"ĐV TH {n}" for n in numbers]),
            "kind": pa.array([SYNTH_KIND] * units),
            "sort_order": pa.array([SORT_BASE + n for n in numbers], pa.int32()),
            "active": pa.array([True] * units),
            "active_from": pa.array([ACTIVE_FROM] * units),
        }))
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


def _check_counts(units: int, periods: int, activities: int, events: int) -> None:
    if not 1 <= units <= MAX_UNITS:
        raise ValueError(f"số đơn vị phải từ 1 đến {MAX_UNITS}.")
    if periods < 1:
        raise ValueError("số kỳ phải từ 1 trở lên.")
    if not 0 <= activities <= MAX_ACTIVITIES:
        raise ValueError(f"số hoạt động mỗi báo cáo phải từ 0 đến {MAX_ACTIVITIES:,}.".replace(",", "."))
    if not 0 <= events <= MAX_EVENTS:
        raise ValueError(f"số sự kiện mỗi báo cáo phải từ 0 đến {MAX_EVENTS:,}.".replace(",", "."))


# ------------------------------------------------------------------ as Excel files


def write_xlsx(folder: str | Path, units: int, periods: int, activities: int, seed: int = 0,
               events: int = 20, ref: Reference | None = None) -> list[Path]:
    """The same returns as real .xlsx files (one per stored version) plus manifest.csv.

    Files are named S0001_2022-H1.xlsx (a correction S0001_2022-H1_v2.xlsx, which sorts after it),
    so `python -m vanhoa ingest DIR` stores each version in order. The units must be in the store
    first (`add_units`); manifest.csv gives each file's filing time, like data/demo's."""
    import xlsxwriter

    _check_counts(units, periods, activities, events)
    ref = ref or Reference.from_csv()
    chosen = sorted(ref.periods.values(), key=lambda p: p.code)
    if periods > len(chosen):
        raise ValueError(f"chỉ có {len(chosen)} kỳ báo cáo, không sinh được {periods} kỳ.")
    chosen = chosen[:periods]
    known = [(row["name"], row["series"] or None, int(row["year"]), row["kind"] or None)
             for row in _reference_events()]
    data = build_dataset(list(range(1, units + 1)), chosen, known, activities, events, seed)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    labels = {p.code: p.label for p in chosen}
    group_names = {code: name for code, name, _ in spec.STAFF_GROUPS}
    criteria_text = dict(spec.CRITERIA)

    returns = data.returns.to_pylist()
    staff = data.staff.to_pydict()
    criteria = data.criteria.to_pydict()
    acts = data.activities.select([c.field for c in spec.ACTIVITY_COLUMNS])
    evs = data.events.select([c.field for c in spec.EVENT_COLUMNS])
    written, manifest = [], []
    for index, ret in enumerate(returns):
        suffix = f"_v{ret['version']}" if ret["version"] > 1 else ""
        path = out / f"{ret['unit_code']}_{ret['period_code']}{suffix}.xlsx"
        number = int(ret["unit_code"][1:])
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True,
                                            "strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
        date_format = book.add_format({"num_format": "dd/mm/yyyy"})
        info = book.add_worksheet(spec.SHEET_INFO)
        for row, (label, value) in enumerate((
                ("Đơn vị", unit_name(number)), ("Kỳ báo cáo", labels[ret["period_code"]]),
                ("Người lập", ret["prepared_by"]), ("Ngày lập", ret["prepared_on"]),
                ("Điện thoại", ret["phone"]), ("Email", ret["email"]),
                ("Phiên bản biểu mẫu", spec.FORM_VERSION))):
            info.write_string(row, 0, label)
            _write(info, row, 1, value, date_format)
        sheet = book.add_worksheet(spec.SHEET_STAFF)
        sheet.write_row(0, 0, [c.header for c in spec.STAFF_COLUMNS])
        for row in range(3):
            at = index * 3 + row
            sheet.write_string(row + 1, 0, group_names[staff["staff_group"][at]])
            for col, name in enumerate(("total", "ethics", "culture", "families", "cultural_families"), start=1):
                sheet.write_number(row + 1, col, staff[name][at])
        sheet = book.add_worksheet(spec.SHEET_STANDARD)
        sheet.write_row(0, 0, [c.header for c in spec.STANDARD_COLUMNS])
        n_crit = len(spec.CRITERIA)
        for row in range(n_crit):
            at = index * n_crit + row
            sheet.write_string(row + 1, 0, criteria_text[criteria["criterion"][at]])
            sheet.write_string(row + 1, 1, "Có" if criteria["met"][at] else "Không")
            if criteria["note"][at]:
                sheet.write_string(row + 1, 2, criteria["note"][at])
        for name, columns, table, per in ((spec.SHEET_ACTIVITIES, spec.ACTIVITY_COLUMNS, acts, activities),
                                          (spec.SHEET_EVENTS, spec.EVENT_COLUMNS, evs, events)):
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, [c.header for c in columns])
            part = table.slice(index * per, per).to_pydict()
            fields = [c.field for c in columns]
            for row in range(per):
                for col, field_name in enumerate(fields):
                    _write(sheet, row + 1, col, part[field_name][row], date_format)
        book.close()
        path.write_bytes(buffer.getvalue())
        written.append(path)
        manifest.append({"file": path.name, "unit": ret["unit_code"], "period": ret["period_code"],
                         "filed_at": ret["filed_at"].isoformat(sep=" ", timespec="minutes"),
                         "filed_by": ret["prepared_by"]})
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["file", "unit", "period", "filed_at", "filed_by"])
        writer.writeheader()
        writer.writerows(manifest)
    return written


def _write(sheet, row: int, col: int, value, date_format) -> None:
    if value is None:
        return
    if isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date_format)
    elif isinstance(value, str):
        sheet.write_string(row, col, value)
    else:
        sheet.write_number(row, col, value)


def _reference_events() -> list[dict]:
    from vanhoa.reference import read_reference_csv

    return read_reference_csv()["events"]


# ------------------------------------------------------------------ command line


class _Usage(Exception):
    pass


USAGE = ("Cách dùng: python -m vanhoa synth --units N --periods P --activities A "
         "[--events E] [--seed S] [--xlsx THƯ_MỤC] [--db KHO]")
_OPTIONS = {"--units": "units", "--periods": "periods", "--activities": "activities", "--events": "events",
            "--seed": "seed", "--xlsx": "xlsx", "--db": "db"}
_NUMBERS = {"units", "periods", "activities", "events", "seed"}


def _parse(argv: list[str]) -> dict:
    values: dict[str, object] = {}
    words = list(argv)
    while words:
        word = words.pop(0)
        if word in ("-h", "--help"):
            raise _Usage("")
        name, _, inline = word.partition("=")
        if name not in _OPTIONS:
            raise _Usage(f"tùy chọn không hợp lệ '{word}'.")
        key = _OPTIONS[name]
        if inline:
            value = inline
        elif words and not words[0].startswith("--"):
            value = words.pop(0)
        else:
            raise _Usage(f"thiếu giá trị sau {name}.")
        if key in values:
            raise _Usage(f"{name} được ghi hai lần.")
        if key in _NUMBERS:
            if not re.fullmatch(r"[0-9]{1,9}", value):
                raise _Usage(f"{name} phải là số nguyên không âm (nhận được '{value}').")
            values[key] = int(value)
        else:
            values[key] = value
    missing = [f"--{k}" for k in ("units", "periods", "activities") if k not in values]
    if missing:
        raise _Usage("thiếu tùy chọn bắt buộc " + ", ".join(missing) + ".")
    return values


def main(argv: list[str] | None = None, store: Store | None = None) -> int:
    """`synth`: 0 when done, 2 on a usage error, 3 when the store could not be read or written
    (busy, disk full, PostgreSQL out of reach: ../shared/spec/cli.md). Messages are Vietnamese.

    `store` is the store the CLI already opened (its --db / VANHOA_DB); otherwise --db or the
    default store."""
    from vanhoa.store import StoreUnavailable

    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        options = _parse(argv)
    except _Usage as exc:
        if not str(exc):  # --help
            print(USAGE)
            return 0
        print(f"Lỗi: {exc}", file=sys.stderr)
        print(USAGE, file=sys.stderr)
        return 2
    if options.get("db") or store is None:
        store = Store(options.get("db"))
    units, periods, activities = options["units"], options["periods"], options["activities"]
    events, seed = options.get("events", 20), options.get("seed", 0)
    try:
        if options.get("xlsx"):
            _check_counts(units, periods, activities, events)
            started = time.perf_counter()
            add_units(store, units)
            files = write_xlsx(options["xlsx"], units, periods, activities, seed=seed, events=events,
                               ref=store.reference())
            print(f"Đã ghi {_vn(len(files))} tệp báo cáo giả lập ({_vn(units)} đơn vị × {periods} kỳ, "
                  f"{_vn(activities)} hoạt động, {_vn(events)} sự kiện mỗi tệp) vào {options['xlsx']} "
                  f"trong {_seconds(time.perf_counter() - started)} giây; {_vn(units)} đơn vị giả lập đã có trong "
                  f"kho {store.name} để lệnh ingest nhận các tệp.")
        else:
            done = synthesize(store, units, periods, activities, events, seed)
            print(f"Đã sinh {_vn(done.returns)} báo cáo giả lập ({_vn(units)} đơn vị × {periods} kỳ; "
                  f"{_vn(len(done.missing))} chưa nộp, {_vn(len(done.corrected))} nộp lại), "
                  f"{_vn(done.activities)} dòng hoạt động, {_vn(done.events)} dòng sự kiện vào kho {store.name} "
                  f"trong {_seconds(done.seconds)} giây.")
    except ValueError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 3
    return 0


def _vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


if __name__ == "__main__":
    sys.exit(main())
