"""Which numbers a new file changes, against the current version of the same return."""

from __future__ import annotations

import pandas as pd

from vanhoa.form import spec
from vanhoa.form.rules import Return

_GROUP_NAMES = {code: name for code, name, _ in spec.STAFF_GROUPS}
_CRITERIA = dict(spec.CRITERIA)
_STAFF_FIGURES = [(c.field, c.header) for c in spec.STAFF_COLUMNS if c.kind == "count"]
FIGURE_COLUMNS = ["section", "item", "figure", "value"]


def figures_of_return(ret: Return) -> pd.DataFrame:
    """The same rows as queries/return_figures.sql, computed from a Return not yet stored."""
    rows = []
    for staff in ret.staff:
        for field_name, header in _STAFF_FIGURES:
            rows.append((1, staff.group, header, getattr(staff, field_name)))
    for code, (met, _) in ret.criteria.items():
        rows.append((2, code, "Đạt", int(met)))
    rows.append((3, "Hoạt động", "Số hoạt động", len(ret.activities["date"])))
    rows.append((3, "Hoạt động", "Kinh phí (đồng)", sum(v or 0 for v in ret.activities["cost"])))
    rows.append((3, "Sự kiện", "Số lượt tham gia", sum(v or 0 for v in ret.events["participants"])))
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def item_label(item: str) -> str:
    return _GROUP_NAMES.get(item) or _CRITERIA.get(item) or item


def compare_figures(current: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """One row per figure: label, current value, new value, changed."""
    new = new.rename(columns={"value": "new"})
    if current is None or current.empty:
        merged = new.assign(current=pd.NA)
    else:
        merged = new.merge(current.rename(columns={"value": "current"}), on=["section", "item", "figure"], how="outer")
    merged = merged.sort_values(["section", "item", "figure"], kind="stable")
    merged["item"] = merged["item"].map(item_label)
    merged["changed"] = [
        not (pd.notna(a) and pd.notna(b) and int(a) == int(b)) for a, b in zip(merged["current"], merged["new"])
    ]
    return merged[["item", "figure", "current", "new", "changed"]].reset_index(drop=True)
