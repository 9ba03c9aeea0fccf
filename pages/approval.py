"""Phê duyệt: leaders approve a filed version or return it for correction with a comment."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vanhoa import ui
from vanhoa.admin import STATUS_VI, ChangeRefused, review
from vanhoa.compare import item_label

# Versions shown at once for review: a province of a thousand units may have thousands waiting,
# and each one shown is a comparison query and a form.
PAGE_SIZE = 25


def render() -> None:
    account = ui.require("leader", "admin")
    st.title("Phê duyệt báo cáo của các đơn vị")
    st.caption("Báo cáo đã phê duyệt được khóa: bản tải lên sau đó là phiên bản mới chờ phê duyệt và không thay "
               "số liệu đã phê duyệt trên các trang cho đến khi được phê duyệt.")
    returns = ui.busy_guard(lambda: ui.query("returns"))
    pending = returns[returns["status"] == "pending"]
    if message := st.session_state.pop("approval_message", None):
        st.success(message)
    if pending.empty:
        st.info("Không có báo cáo nào chờ phê duyệt.")
    else:
        st.write(f"Có **{len(pending)}** phiên bản chờ phê duyệt.")
        pending = _filtered(pending)
        if len(pending) > PAGE_SIZE:
            st.caption(f"Hiển thị {PAGE_SIZE} phiên bản đầu tiên trong {ui.fmt_int(len(pending))}; "
                       "chọn kỳ hoặc đơn vị để tìm phiên bản khác.")
    for row in pending.head(PAGE_SIZE).itertuples(index=False):
        _pending(account, row, returns)
    reviewed = returns[returns["status"] != "pending"].sort_values("reviewed_at", ascending=False)
    if not reviewed.empty:
        st.subheader("Đã xử lý")
        if len(reviewed) > 1000:
            st.caption(f"{ui.fmt_int(len(reviewed))} phiên bản đã xử lý; hiển thị 1.000 phiên bản mới nhất.")
            reviewed = reviewed.head(1000)
        st.dataframe(pd.DataFrame({
            "Kỳ": reviewed["period"].map(ui.period_label),
            "Đơn vị": reviewed["unit"],
            "Phiên bản": reviewed["version"],
            "Kết quả": reviewed["status"].map(STATUS_VI),
            "Người xử lý": reviewed["reviewed_by"].fillna(""),
            "Thời gian": reviewed["reviewed_at"].map(ui.fmt_time),
            "Ý kiến": reviewed["review_comment"].fillna(""),
        }), hide_index=True, width="stretch", height=ui.table_height(len(reviewed)))


def _filtered(pending: pd.DataFrame) -> pd.DataFrame:
    """The versions waiting in the chosen period and unit (all of them unless chosen)."""
    left, right = st.columns(2)
    periods = sorted(pending["period"].unique(), reverse=True)
    period = left.selectbox("Kỳ", ["", *periods], key="approval_period",
                            format_func=lambda code: ui.period_label(code) if code else "Tất cả các kỳ")
    if period:
        pending = pending[pending["period"] == period]
    units = pending.drop_duplicates("unit_code")
    names = dict(zip(units["unit_code"], units["unit"]))
    unit = right.selectbox("Đơn vị", ["", *names], key="approval_unit",
                           format_func=lambda code: names.get(code, code) if code else "Tất cả các đơn vị")
    return pending[pending["unit_code"] == unit] if unit else pending


def _pending(account, row, returns: pd.DataFrame) -> None:
    key = f"{row.unit_code}-{row.period}-{row.version}"
    title = f"{row.unit} — {ui.period_label(row.period)} — phiên bản {row.version}"
    with st.expander(title, expanded=False):
        st.write(f"Nộp lúc {ui.fmt_time(row.filed_at)} bởi {ui.escape_md(row.filed_by or '(không rõ)')}; "
                 f"tệp {ui.escape_md(row.filename or '')}.")
        if row.warnings:
            st.warning(row.warnings)
        same = returns[(returns["unit_code"] == row.unit_code) & (returns["period"] == row.period)]
        approved = same[same["status"] == "approved"]
        new = ui.query("return_figures", unit=row.unit_code, period=row.period, version=int(row.version))
        if not approved.empty:
            base_version = int(approved["version"].max())
            base = ui.query("return_figures", unit=row.unit_code, period=row.period, version=base_version)
            merged = new.merge(base, on=["section", "item", "figure"], how="left", suffixes=("", "_old"))
            changed = merged[merged["value"] != merged["value_old"]]
            st.write(f"So với phiên bản {base_version} đã phê duyệt: **{len(changed)}** số liệu thay đổi.")
            table = changed
        else:
            table = new.assign(value_old=pd.NA)
        st.dataframe(pd.DataFrame({
            "Mục": table["item"].map(item_label), "Số liệu": table["figure"],
            "Đã phê duyệt": table["value_old"], "Bản này": table["value"],
        }), hide_index=True, width="stretch")
        comment = st.text_input("Ý kiến (bắt buộc khi trả lại)", key=f"comment-{key}")
        left, right = st.columns(2)
        if left.button("Phê duyệt", key=f"approve-{key}", type="primary", icon=":material/check:"):
            _act(lambda: review(ui.get_store(), row.unit_code, row.period, int(row.version), True, account.name,
                                comment), f"Đã phê duyệt {title}.")
        if right.button("Trả lại", key=f"return-{key}", icon=":material/undo:"):
            _act(lambda: review(ui.get_store(), row.unit_code, row.period, int(row.version), False, account.name,
                                comment), f"Đã trả lại {title} kèm ý kiến cho văn thư đơn vị.")


def _act(action, message: str) -> None:
    try:
        ui.busy_guard(action)
    except ChangeRefused as exc:
        st.error(str(exc))
        return
    st.session_state["approval_message"] = message
    st.rerun()


if __name__ == "__main__":
    # Run directly (Streamlit's legacy mode on a fresh server): go through the app's router.
    import app

    app.main()
