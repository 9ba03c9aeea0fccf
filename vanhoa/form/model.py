"""A return as the validator reads it from a file, before the store keeps it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from vanhoa.form import spec
from vanhoa.form.problems import ERROR, WARNING, Problem


@dataclass
class StaffRow:
    group: str  # CBCC | VC | LDHD
    total: int
    ethics: int
    culture: int
    families: int
    cultural_families: int


@dataclass
class Return:
    unit_code: str
    period_code: str
    prepared_by: str | None = None
    prepared_on: dt.date | None = None
    phone: str | None = None
    email: str | None = None
    form_version: int = spec.FORM_VERSION
    unit_cell: str = ""  # where the file names its unit ("B7"), for messages about it
    staff: list[StaffRow] = field(default_factory=list)
    criteria: dict[str, tuple[bool, str | None]] = field(default_factory=dict)
    # Column-wise lists: 50,000 activity rows go to the store as one DataFrame.
    activities: dict[str, list] = field(default_factory=lambda: {c.field: [] for c in spec.ACTIVITY_COLUMNS})
    events: dict[str, list] = field(default_factory=lambda: {c.field: [] for c in spec.EVENT_COLUMNS})
    new_events: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def meets_standard(self) -> bool:
        return all(self.criteria.get(code, (False, None))[0] for code in spec.STANDARD_CRITERIA)


@dataclass
class Outcome:
    ret: Return | None  # only when there is no error
    problems: list[Problem]
    draft: Return | None = None  # what could be read even with errors: unit and period for the archive

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return self.ret is not None and not self.errors
