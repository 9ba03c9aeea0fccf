"""The demonstration returns: valid files that tell the story of the 6-month report of 2022.

They are written into a temporary folder, so the test does not depend on data/demo having been
generated; the last test checks that the files shipped in data/demo are the ones the script writes.
"""

from __future__ import annotations

import csv
import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from vanhoa import DEMO_DIR
from vanhoa.demo import MANIFEST, MANIFEST_COLUMNS, write_demo
from vanhoa.form import spec
from vanhoa.form.read import read_workbook
from vanhoa.form.rules import validate
from vanhoa.reference import Reference

H1, Y = "2022-H1", "2022-Y"


@pytest.fixture(scope="module")
def ref() -> Reference:
    """The reference data shipped in data/reference."""
    return Reference.from_csv()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    """A fresh folder holding every demo file and manifest.csv, written once for this module."""
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder)
    return folder


@pytest.fixture(scope="module")
def manifest(demo_dir) -> list[dict]:
    """The rows of manifest.csv, in filing order."""
    with open(demo_dir / MANIFEST, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def outcomes(demo_dir, manifest, ref) -> dict[str, object]:
    """file name -> the validator's Outcome, for every file of the manifest."""
    return {row["file"]: validate(read_workbook((demo_dir / row["file"]).read_bytes(), row["file"]), ref)
            for row in manifest}


@pytest.fixture(scope="module")
def current(manifest, outcomes) -> dict[tuple[str, str], object]:
    """(period, unit) -> the Return of the newest version (the last one filed), as the dashboard shows."""
    newest = {}
    for row in manifest:
        newest[(row["period"], row["unit"])] = outcomes[row["file"]].ret
    return newest


def _ratio(returns, field: str, over: str = "total") -> Fraction:
    top = sum(getattr(s, field) for r in returns for s in r.staff)
    bottom = sum(getattr(s, over) for r in returns for s in r.staff)
    return Fraction(top, bottom)


def _period(current, period):
    return [ret for (p, _), ret in current.items() if p == period]


def test_every_demo_file_validates_without_errors_or_warnings(outcomes):
    for name, outcome in outcomes.items():
        assert outcome.ok, (name, [p.line() for p in outcome.problems])
        assert outcome.problems == [], (name, [p.line() for p in outcome.problems])


def test_manifest_lists_23_files_in_filing_order(manifest, demo_dir, outcomes, ref):
    assert len(manifest) == 23
    assert tuple(manifest[0]) == MANIFEST_COLUMNS
    assert sorted(p.name for p in demo_dir.glob("*.xlsx")) == sorted(row["file"] for row in manifest)
    times = [dt.datetime.strptime(row["filed_at"], "%Y-%m-%d %H:%M") for row in manifest]
    assert times == sorted(times)
    for row in manifest:
        ret = outcomes[row["file"]].ret
        assert (ret.unit_code, ret.period_code) == (row["unit"], row["period"])
        assert row["file"].isascii() and row["file"].startswith(f"{row['period']}_{row['unit']}")
        assert ret.prepared_by == row["filed_by"] and ret.phone
        assert ret.prepared_on == times[manifest.index(row)].date()
    for period in (H1, Y):
        assert {row["unit"] for row in manifest if row["period"] == period} == set(ref.units)


def test_exactly_one_late_return_per_period(manifest, ref):
    late = {}
    for row in manifest:
        filed = dt.datetime.strptime(row["filed_at"], "%Y-%m-%d %H:%M").date()
        if filed > ref.periods[row["period"]].deadline:
            late.setdefault(row["period"], []).append(row["unit"])
    assert late == {H1: ["NKTX"], Y: ["NKUB"]}
    h1_after = [row for row in manifest if row["period"] == H1 and row["filed_at"][:10] > "2022-06-15"]
    assert [row["file"] for row in h1_after] == ["2022-H1_NKTX.xlsx"]


def test_h1_headcount_is_the_reports_58_15_40(current):
    returns = _period(current, H1)
    assert len(returns) == 11
    by_group = {code: sum(s.total for r in returns for s in r.staff if s.group == code)
                for code, _, _ in spec.STAFF_GROUPS}
    assert by_group == {"CBCC": 58, "VC": 15, "LDHD": 40}


def test_h1_targets_tell_the_reports_story(current):
    returns = _period(current, H1)
    assert _ratio(returns, "culture") == Fraction(70, 113)  # T2 = 61,9 %, below the 70 % goal
    assert round(float(_ratio(returns, "culture")) * 100, 1) == 61.9
    below_t1 = sorted(r.unit_code for r in returns if _ratio([r], "ethics") < 1)
    assert below_t1 == ["NKTX", "NKUB"]
    assert _ratio(returns, "ethics") == Fraction(110, 113)
    assert sorted(r.unit_code for r in returns if not r.meets_standard) == ["NKTX"]  # T3 = 10/11
    below_t4 = [r.unit_code for r in returns if _ratio([r], "cultural_families", "families") < 1]
    assert 2 <= len(below_t4) <= 3


def test_year_targets_improve(current):
    h1, year = _period(current, H1), _period(current, Y)
    assert len(year) == 11
    assert _ratio(year, "culture") > Fraction(7, 10)
    assert sorted(r.unit_code for r in year if _ratio([r], "ethics") < 1) == ["NKUB"]
    assert all(r.meets_standard for r in year)
    assert _ratio(year, "cultural_families", "families") > _ratio(h1, "cultural_families", "families")
    for unit in {r.unit_code for r in h1}:
        before = sum(s.total for s in current[(H1, unit)].staff)
        after = sum(s.total for s in current[(Y, unit)].staff)
        assert abs(after - before) <= 2, unit


def test_th_annual_return_has_two_versions_one_number_apart(manifest, outcomes):
    rows = [row for row in manifest if (row["unit"], row["period"]) == ("TH", Y)]
    assert [row["file"] for row in rows] == ["2022-Y_TH.xlsx", "2022-Y_TH_v2.xlsx"]
    first, second = (outcomes[row["file"]].ret for row in rows)

    def numbers(ret):
        return [v for s in ret.staff for v in (s.total, s.ethics, s.culture, s.families, s.cultural_families)]

    changed = [(a, b) for a, b in zip(numbers(first), numbers(second)) if a != b]
    assert changed == [(8, 9)]
    assert second.prepared_on == first.prepared_on + dt.timedelta(days=1)


def test_activities_are_realistic(outcomes, ref):
    kinds, helped = set(), []
    for name, outcome in outcomes.items():
        acts = outcome.ret.activities
        count = len(acts["date"])
        small = outcome.ret.unit_code in ("BTCD", "NKTX")
        assert (2 <= count <= 4) if small else (5 <= count <= 10), (name, count)
        period = ref.periods[outcome.ret.period_code]
        assert all(period.start <= d <= period.end for d in acts["date"])
        assert all(acts["plan_item"]), name
        kinds.update(acts["kind"])
        helped += [(outcome.ret.unit_code, cost) for kind, commune, cost in
                   zip(acts["kind"], acts["commune"], acts["cost"]) if commune == "Chiềng Xuân"]
    assert kinds == set(spec.ACTIVITY_KINDS)
    assert {"TCHCQT", "KGVX"} <= {unit for unit, _ in helped}
    assert (("TCHCQT", 15_000_000)) in helped and all(cost and cost > 0 for _, cost in helped)


def test_events_are_known_and_inside_their_period(outcomes, ref):
    names, achievements = set(), []
    for outcome in outcomes.values():
        events = outcome.ret.events
        period = ref.periods[outcome.ret.period_code]
        assert all(period.start <= d <= period.end for d in events["date"])
        assert all(ref.event_name(e) for e in events["event"])
        names.update(events["event"])
        achievements += [a for a in events["achievement"] if a]
    assert names == {"Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)", "Ngày chạy Olympic vì sức khỏe toàn dân 2022",
                     "Liên hoan bản, tổ dân phố văn hóa tiêu biểu xuất sắc tỉnh Sơn La lần thứ V",
                     "Ngày hội Đại đoàn kết toàn dân tộc 2022"}
    assert any("Giải Ba cự ly 10 km" in a for a in achievements)


def test_demo_is_deterministic_and_matches_the_shipped_files(demo_dir, tmp_path):
    write_demo(tmp_path)
    for path in sorted(demo_dir.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
        assert path.stat().st_size < 64 * 1024
    shipped = DEMO_DIR / MANIFEST
    if not shipped.exists():
        pytest.skip("data/demo not generated yet (python -m vanhoa.demo)")
    for path in sorted(demo_dir.iterdir()):
        assert (DEMO_DIR / path.name).read_bytes() == path.read_bytes(), (
            f"data/demo/{path.name} is stale: run python -m vanhoa.demo")
