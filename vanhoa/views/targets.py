"""Chỉ tiêu, computed: the Office's figures of one target, the units' counts line, which units
the chart draws, the per-unit, per-group and per-criterion tables (pages/targets.py lays them out)."""

from __future__ import annotations

import pandas as pd

from vanhoa import formats, targets_text, vocabulary
from vanhoa.form import spec

CRITERIA = dict(spec.CRITERIA)
# Bars in the per-unit chart: a thousand units would draw a chart 28.000 px tall, and Altair
# validates every unit name of it at each rerun; past this many, the chart shows the units
# furthest from the goal and the table below keeps every unit.
CHART_UNITS = 30
DEFINITIONS = {
    "T1": "Số người thực hiện tốt chuẩn mực đạo đức, văn hóa công sở / tổng số cán bộ, công chức, viên chức, "
          "lao động hợp đồng.",
    "T2": "Số người tham gia hoạt động văn hóa / tổng số cán bộ, công chức, viên chức, lao động hợp đồng.",
    "T3": "Số đơn vị đạt chuẩn văn hóa (đạt cả ba tiêu chuẩn) / số đơn vị phải báo cáo; "
          "đơn vị chưa nộp tính vào mẫu số.",
    "T4": "Số gia đình đạt danh hiệu Gia đình văn hóa / số gia đình của cán bộ, công chức, viên chức, lao động.",
}
CRITERIA_CODES = ("C1", "C2", "C3", "C4")


def nothing_counts(office: pd.Series) -> str | None:
    """The one sentence shown instead of the cards when no unit's figures count (None otherwise)."""
    return {"chưa phê duyệt": targets_text.NOTHING_APPROVED,
            "chưa nộp": targets_text.NOTHING_FILED}.get(office["status"])


def office_cards(office: pd.Series, target: str, approved_only: bool) -> list[dict]:
    """The three cards of the Office (st.metric's arguments): its ratio, numerator / denominator
    and the goal. While provisional, the note, in the words of the overview's cards, and no verdict."""
    counted, expected = int(office["counted"]), int(office["expected"])
    note = formats.provisional_note(counted, expected, approved_only) if office["provisional"] else None
    quiet = {"delta_color": "off", "delta_arrow": "off"}
    ratio = {"label": vocabulary.OFFICE_LABEL, "value": formats.fmt_pct(office["ratio"]), "delta": note, **quiet,
             "help": targets_text.counts_text(target, office["numerator"], office["denominator"],
                                              counted, expected, approved_only)}
    parts = {"label": "Tử số / mẫu số", "delta": None, "help": DEFINITIONS[target],
             "value": f"{formats.fmt_int(office['numerator'])} / {formats.fmt_int(office['denominator'])}"}
    goal = {"label": "Mục tiêu", "value": formats.fmt_goal(float(office["goal"]))}
    if note:
        goal |= {"delta": "tạm tính", **quiet}
    else:
        met = office["status"] == "đạt"
        goal |= {"delta": "đạt" if met else "chưa đạt", "delta_color": "normal" if met else "inverse",
                 "delta_arrow": "off"}
    return [ratio, parts, goal]


def unit_counts(units: pd.DataFrame) -> str:
    """How many units met, missed, have not filed (and wait for approval), of how many."""
    counts = units["status"].value_counts()
    waiting = f" · Chưa phê duyệt: **{counts['chưa phê duyệt']}**" if counts.get("chưa phê duyệt") else ""
    return (f"Đạt: **{counts.get('đạt', 0)}** · Chưa đạt: **{counts.get('chưa đạt', 0)}** · "
            f"Chưa nộp: **{counts.get('chưa nộp', 0)}**{waiting} (trên {len(units)} đơn vị)")


def charted(units: pd.DataFrame, target: str, goal: float) -> tuple[pd.DataFrame, str, str | None]:
    """The units the bar chart draws, its title and, when it leaves units out, the caption saying so."""
    if len(units) <= CHART_UNITS:
        return units, f"{target}: tỷ lệ của từng đơn vị so với mục tiêu {formats.fmt_pct(goal, 0)}", None
    # lowest ratio first, units that have not filed (no ratio) before them all
    lowest = units.sort_values("ratio", na_position="first", kind="stable").head(CHART_UNITS)
    title = f"{target}: {CHART_UNITS} đơn vị có tỷ lệ thấp nhất so với mục tiêu {formats.fmt_pct(goal, 0)}"
    caption = (f"Biểu đồ: {CHART_UNITS} đơn vị có tỷ lệ thấp nhất (đơn vị chưa nộp trước); bảng dưới đây có "
               f"đủ {formats.fmt_int(len(units))} đơn vị.")
    return lowest, title, caption


def unit_table(units: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Đơn vị": units["unit"],
        "Tử số": units["numerator"].map(formats.fmt_int),
        "Mẫu số": units["denominator"].map(formats.fmt_int),
        "Tỷ lệ": units["ratio"].map(formats.fmt_pct),
        "Tình trạng": units["status"],
    })


def group_table(detail: pd.DataFrame, goal: float) -> pd.DataFrame:
    """The target by staff group over every unit, each group against the goal."""
    groups = detail.groupby(["staff_group", "group_name"], sort=False)[["numerator", "denominator"]].sum().reset_index()
    groups["ratio"] = groups["numerator"] / groups["denominator"].where(groups["denominator"] > 0)
    return pd.DataFrame({
        "Nhóm": groups["group_name"],
        "Tử số": groups["numerator"].map(formats.fmt_int),
        "Mẫu số": groups["denominator"].map(formats.fmt_int),
        "Tỷ lệ": groups["ratio"].map(formats.fmt_pct),
        "So với mục tiêu": [(formats.MISSING if pd.isna(r) else ("đạt" if r >= goal - 1e-12 else "chưa đạt"))
                            for r in groups["ratio"]],
    })


def group_detail(detail: pd.DataFrame) -> pd.DataFrame:
    """Each unit's groups that have people."""
    detail = detail[detail["denominator"] > 0]
    return pd.DataFrame({
        "Đơn vị": detail["unit"],
        "Nhóm": detail["group_name"],
        "Tử số": detail["numerator"].map(formats.fmt_int),
        "Mẫu số": detail["denominator"].map(formats.fmt_int),
        "Tỷ lệ": (detail["numerator"] / detail["denominator"]).map(formats.fmt_pct),
    })


def standard_summary(criteria: pd.DataFrame, approved_only: bool) -> pd.DataFrame:
    """T3's criteria: how many units met, missed, have not filed (and, with the toggle, wait)."""
    table = criteria.pivot(index="unit", columns="criterion", values="status")
    table = table.reindex(criteria.drop_duplicates("unit")["unit"])

    def count(status: str) -> list[int]:
        return [int((table[c] == status).sum()) for c in CRITERIA_CODES]

    summary = pd.DataFrame({"Tiêu chuẩn": [CRITERIA[c] for c in CRITERIA_CODES], "Số đơn vị đạt": count("đạt"),
                            "Chưa đạt": count("chưa đạt"), "Chưa nộp": count("chưa nộp")})
    if approved_only:  # filed, waiting for a leader: neither met nor missing
        summary["Chưa phê duyệt"] = count("chưa phê duyệt")
    return summary
