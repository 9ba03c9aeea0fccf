"""Which numbers a new file changes, against the current version of the same return.

A figure is named by stable keys: its section, its item (a staff group's code, a criterion's
code, `activities` or `events`) and the figure itself (a column's field in the form spec, `met`,
`count`, `cost`, `participants`). Two versions are merged on those keys, and the spec's labels
are looked up only to show the result, so renaming a header in spec.py changes what the table
says, never which figures differ.
"""

from __future__ import annotations

import pandas as pd

from vanhoa.form import spec
from vanhoa.form.rules import Return

FIGURE_COLUMNS = ["section", "item", "figure", "value"]
_KEYS = ["section", "item", "figure"]


def _item_labels() -> dict[str, str]:
    """Read from the spec at each call: a label is the spec's as it is now."""
    return {**spec.GROUP_NAMES, **dict(spec.CRITERIA), **spec.LIST_ITEMS}


def _figure_labels() -> dict[str, str]:
    return {**spec.STAFF_HEADERS, "met": spec.MET_HEADER, **spec.LIST_FIGURES}


def figures_of_return(ret: Return) -> pd.DataFrame:
    """One row per figure of a Return not yet stored, keyed as queries/return_figures.sql keys the store's."""
    rows = []
    for staff in ret.staff:
        for field_name in spec.STAFF_FIGURES:
            rows.append((1, staff.group, field_name, getattr(staff, field_name)))
    for code, (met, _) in ret.criteria.items():
        rows.append((2, code, "met", int(met)))
    rows.append((3, "activities", "count", len(ret.activities["date"])))
    rows.append((3, "activities", "cost", sum(v or 0 for v in ret.activities["cost"])))
    rows.append((3, "events", "participants", sum(v or 0 for v in ret.events["participants"])))
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def item_label(item: str) -> str:
    """'CBCC' -> 'Cán bộ, công chức', 'C1' -> the criterion, 'activities' -> 'Hoạt động'."""
    return _item_labels().get(item) or item


def figure_label(figure: str) -> str:
    """'culture' -> 'Tham gia hoạt động văn hóa', 'met' -> 'Đạt', 'count' -> 'Số hoạt động'."""
    return _figure_labels().get(figure) or figure


def compare_figures(current: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """One row per figure: item and figure as the spec labels them, current value, new value,
    changed. `current` is the store's (return_figures), `new` figures_of_return's."""
    new = new.rename(columns={"value": "new"})
    if current is None or current.empty:
        merged = new.assign(current=pd.NA)
    else:
        merged = new.merge(current.rename(columns={"value": "current"}), on=_KEYS, how="outer")
    items, figures = _item_labels(), _figure_labels()
    merged = merged.assign(item=merged["item"].map(lambda item: items.get(item) or item),
                           figure=merged["figure"].map(lambda figure: figures.get(figure) or figure),
                           order=merged["item"])  # staff groups and criteria in the order of their codes
    merged = merged.sort_values(["section", "order", "figure"], kind="stable")
    merged["changed"] = [
        not (pd.notna(a) and pd.notna(b) and int(a) == int(b)) for a, b in zip(merged["current"], merged["new"])
    ]
    return merged[["item", "figure", "current", "new", "changed"]].reset_index(drop=True)
