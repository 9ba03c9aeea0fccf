"""Phê duyệt: leaders approve a filed version or return it for correction with a comment."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from vanhoa import formats, registry, ui
from vanhoa.admin import STATUS_VI, ChangeRefused, review
from vanhoa.compare import figure_label, item_label
from vanhoa.text import clean_filename

if TYPE_CHECKING:
    import pyarrow as pa

# Versions shown at once for review: a province of a thousand units may have thousands waiting,
# and each one shown is a table and a form.
PAGE_SIZE = 25
# Decisions listed under 'Đã xử lý' (the latest ones).
REVIEWED_ROWS = 1000
PERIOD, UNIT = "approval_period", "approval_unit"  # the chosen period's and unit's session keys


@registry.page("approval")
def render() -> None:
    account = ui.current_account()
    st.title("Phê duyệt báo cáo của các đơn vị")
    st.caption("Báo cáo đã phê duyệt được khóa: bản tải lên sau đó là phiên bản mới chờ phê duyệt và không thay "
               "số liệu đã phê duyệt trên các trang cho đến khi được phê duyệt.")
    # Each list is its own query, filtered and cut in the store: a province has 10.000 versions,
    # which the page loaded and filtered in pandas at every rerun.
    reviewed = ("reviewed_returns", {"limit": REVIEWED_ROWS})
    # Every query starts at once, for the period and unit chosen at the previous run (the choice
    # lists below keep them; one they correct costs one more round).
    chosen = {"period": st.session_state.get(PERIOD) or None, "unit": st.session_state.get(UNIT) or None,
              "limit": PAGE_SIZE}

    def waiting_periods() -> pd.DataFrame:
        ui.prefetch(("pending_periods", {}), ("pending_units", {"period": chosen["period"]}),
                    ("pending_returns", chosen), ("pending_changes", chosen), reviewed)
        return ui.query("pending_periods")

    periods = ui.busy_guard(waiting_periods)
    if message := st.session_state.pop("approval_message", None):
        st.success(message)
    if periods.empty:
        st.info("Không có báo cáo nào chờ phê duyệt.")
    else:
        st.write(f"Có **{formats.fmt_int(periods['versions'].sum())}** phiên bản chờ phê duyệt.")
        filters = {**_filters(periods), "limit": PAGE_SIZE}
        pending, changes = ("pending_returns", filters), ("pending_changes", filters)
        if filters != chosen:  # a choice the lists corrected: the two queries together again
            ui.prefetch(pending, changes)
        shown = ui.query("pending_returns", **filters)
        total = int(shown["total_rows"].iloc[0]) if len(shown) else 0
        if total > PAGE_SIZE:
            st.caption(f"Hiển thị {PAGE_SIZE} phiên bản đầu tiên trong {formats.fmt_int(total)}; "
                       "chọn kỳ hoặc đơn vị để tìm phiên bản khác.")
        parts = ui.derived(_version_parts, pending, changes)
        for row in shown.itertuples(index=False):
            _pending(account, row, parts[_key(row)])
    total, table = ui.derived(_reviewed_table, reviewed)
    if total:
        st.subheader("Đã xử lý")
        if total > REVIEWED_ROWS:
            st.caption(f"{formats.fmt_int(total)} phiên bản đã xử lý; "
                       f"hiển thị {formats.fmt_int(REVIEWED_ROWS)} phiên bản mới nhất.")
        st.dataframe(table, hide_index=True, width="stretch", height=ui.table_height(len(table)))


def _filters(periods: pd.DataFrame) -> dict:
    """The chosen period and unit among those with versions waiting (None: all of them)."""
    left, right = st.columns(2)
    period = left.selectbox("Kỳ", ["", *periods["period"].tolist()], key=PERIOD,
                            format_func=lambda code: ui.period_label(code) if code else "Tất cả các kỳ")
    units = ui.query("pending_units", period=period or None)
    names = dict(zip(units["unit_code"].tolist(), units["unit"].tolist()))
    unit = right.selectbox("Đơn vị", ["", *names], key=UNIT,
                           format_func=lambda code: names.get(code, code) if code else "Tất cả các đơn vị")
    return {"period": period or None, "unit": unit or None}


def _key(row) -> str:
    return f"{row.unit_code}-{row.period}-{row.version}"


def _version_parts(pending: pd.DataFrame, changes: pd.DataFrame) -> dict[str, dict]:
    """What each shown version's panel says (key: unit-period-version): its title, who filed it,
    how many figures changed from the approved version, and the table of those figures (every
    figure, with an empty approved column, when none is approved) as the Arrow table sent."""
    rows = changes.groupby(["unit_code", "period", "version"], sort=False).indices
    shown = pd.DataFrame({"Mục": changes["item"].map(item_label), "Số liệu": changes["figure"].map(figure_label),
                          "Đã phê duyệt": changes["value_old"], "Bản này": changes["value"]})
    labels = {code: ui.period_label(code) for code in pending["period"].unique()}
    parts = {}
    for row in pending.itertuples(index=False):
        found = rows.get((row.unit_code, row.period, row.version))
        table = shown.iloc[found if found is not None else []].reset_index(drop=True)
        approved = pd.notna(row.approved_version)
        parts[_key(row)] = {
            # an expander's label is Markdown, and a unit's name is typed by an administrator
            "title": f"{ui.escape_md(row.unit)} — {labels[row.period]} — phiên bản {row.version}",
            "filed": f"Nộp lúc {formats.fmt_time(row.filed_at)} bởi {ui.escape_md(row.filed_by or '(không rõ)')}; "
                     f"tệp {ui.escape_md(clean_filename(row.filename or ''))}.",
            "changed": f"So với phiên bản {int(row.approved_version)} đã phê duyệt: **{len(table)}** số liệu thay đổi."
            if approved else None,
            "table": ui.arrow_table(table if approved else table.assign(**{"Đã phê duyệt": pd.NA})),
        }
    return parts


def _pending(account, row, parts: dict) -> None:
    key, title = _key(row), parts["title"]
    with st.expander(title, expanded=False):
        st.write(parts["filed"])
        if row.warnings:  # they quote the clerk's cells (an unknown event's name): text, one per line
            st.warning(ui.escape_lines(row.warnings))
        if parts["changed"]:
            st.write(parts["changed"])
        if parts["table"].num_rows:  # none changed: the line above says so (an empty grid reads "empty")
            # a figure the approved version lacks (or no version approved yet): "—", not "None"
            st.dataframe(parts["table"], hide_index=True, width="stretch", placeholder="—")
        comment = st.text_input("Ý kiến (bắt buộc khi trả lại)", key=f"comment-{key}")
        left, right = st.columns(2)
        if left.button("Phê duyệt", key=f"approve-{key}", type="primary", icon=":material/check:"):
            _act(lambda: review(ui.get_store(), row.unit_code, row.period, int(row.version), True, account.name,
                                comment), f"Đã phê duyệt {title}.")
        if right.button("Trả lại", key=f"return-{key}", icon=":material/undo:"):
            _act(lambda: review(ui.get_store(), row.unit_code, row.period, int(row.version), False, account.name,
                                comment), f"Đã trả lại {title} kèm ý kiến cho văn thư đơn vị.")


def _reviewed_table(reviewed: pd.DataFrame) -> tuple[int, pa.Table]:
    """How many versions were approved or returned, and the table of the latest ones."""
    total = int(reviewed["total_rows"].iloc[0]) if len(reviewed) else 0
    labels = {code: ui.period_label(code) for code in reviewed["period"].unique()}  # ten codes, not 1.000 rows
    return total, ui.arrow_table(pd.DataFrame({
        "Kỳ": reviewed["period"].map(labels),
        "Đơn vị": reviewed["unit"],
        "Phiên bản": reviewed["version"],
        "Kết quả": reviewed["status"].map(STATUS_VI),
        "Người xử lý": reviewed["reviewed_by"].fillna(""),
        "Thời gian": formats.fmt_times(reviewed["reviewed_at"]),
        "Ý kiến": reviewed["review_comment"].fillna(""),
    }))


def _act(action, message: str) -> None:
    try:
        ui.busy_guard(action)
    except ChangeRefused as exc:
        st.error(ui.escape_md(exc))
        return
    st.session_state["approval_message"] = message
    st.rerun()
