"""Reference data: units, periods with deadlines, targets, events, settings.

Shipped as CSV under data/reference/ and copied into the store when it is created; from then
on the store's copy is the truth (an administrator may edit it).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from vanhoa import REFERENCE_DIR
from vanhoa.text import match_key


@dataclass(frozen=True)
class Period:
    code: str
    kind: str  # H1 | Y
    year: int
    label: str
    start: dt.date
    end: dt.date
    deadline: dt.date


@dataclass
class Reference:
    units: dict[str, str]  # code -> name, in display order
    periods: dict[str, Period]
    events: list[str]
    supported_commune: str = "Chiềng Xuân"
    _unit_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _event_keys: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for code, name in self.units.items():
            self._unit_keys[match_key(name)] = code
            self._unit_keys[match_key(code)] = code
        self._event_keys = {match_key(name): name for name in self.events}

    def unit_code(self, text: str) -> str | None:
        """A unit's code from its name or code, matched like headers."""
        key = match_key(text)
        key = re.sub(r"\bubnd\b", "ủy ban nhân dân", key)  # "Nhà khách UBND tỉnh"
        key = re.sub(r"\bhn\b", "hà nội", key)
        if key in self._unit_keys:
            return self._unit_keys[key]
        # "Phòng Khoa giáo- Văn xã" vs "Phòng Khoa giáo - Văn xã": spacing is already folded;
        # also accept the name without its leading kind word ("Kinh tế" for "Phòng Kinh tế").
        for name_key, code in self._unit_keys.items():
            if name_key.split(" ", 1)[-1] == key and len(key) > 4:
                return code
        return None

    def closest_units(self, text: str, n: int = 3) -> list[str]:
        names = {match_key(name): name for name in self.units.values()}
        return [names[k] for k in difflib.get_close_matches(match_key(text), list(names), n=n, cutoff=0.4)]

    def event_name(self, text: str) -> str | None:
        return self._event_keys.get(match_key(text))

    def unit_name(self, code: str) -> str:
        return self.units.get(code, code)

    @classmethod
    def from_csv(cls, folder: Path = REFERENCE_DIR) -> Reference:
        tables = read_reference_csv(folder)
        settings = {row["key"]: row["value"] for row in tables["settings"]}
        return cls(
            units={row["code"]: row["name"] for row in sorted(tables["units"], key=lambda r: int(r["sort_order"]))},
            periods={row["code"]: _period(row) for row in tables["periods"]},
            events=[row["name"] for row in tables["events"]],
            supported_commune=settings.get("supported_commune", "Chiềng Xuân"),
        )


def _period(row: dict) -> Period:
    return Period(
        code=row["code"], kind=row["kind"], year=int(row["year"]), label=row["label"],
        start=dt.date.fromisoformat(str(row["start_date"])[:10]),
        end=dt.date.fromisoformat(str(row["end_date"])[:10]),
        deadline=dt.date.fromisoformat(str(row["deadline"])[:10]),
    )


def read_reference_csv(folder: Path = REFERENCE_DIR) -> dict[str, list[dict]]:
    tables = {}
    for name in ("units", "periods", "targets", "events", "settings"):
        with open(folder / f"{name}.csv", newline="", encoding="utf-8") as handle:
            tables[name] = list(csv.DictReader(handle))
    return tables


def period_from_row(row: dict) -> Period:
    return _period(row)
