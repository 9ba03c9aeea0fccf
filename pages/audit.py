"""Nhật ký thao tác: who did what and when; filterable and downloadable by administrators.

At province scale the log has tens of thousands of rows: the screen lists the newest PAGE_ROWS
that match the filters and says how many match; the downloads, written when clicked, have them all.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from vanhoa import ui

PAGE_ROWS = 1_000  # log rows listed on screen, newest first


def render() -> None:
    ui.require("admin")
    st.title("Nhật ký thao tác")
    log = ui.busy_guard(lambda: ui.query("audit_log"))
    if log.empty:
        st.info("Chưa có thao tác nào được ghi.")
        return
    left, middle, right = st.columns(3)
    actor = left.selectbox("Người thực hiện", ["", *sorted(log["actor"].dropna().unique())], key="audit_actor",
                           format_func=lambda a: a or "Tất cả")
    action = middle.selectbox("Thao tác", ["", *sorted(log["action"].unique())], key="audit_action",
                              format_func=lambda a: a or "Tất cả")
    text = right.text_input("Tìm trong đối tượng, chi tiết", key="audit_text")
    first = log["logged_at"].min().date()
    days = st.date_input("Khoảng thời gian", (first, dt.date.today()), key="audit_days", format="DD/MM/YYYY")
    filters = {"actor": actor or None, "action": action or None, "search": text or None,
               "date_from": days[0] if days else None, "date_to": days[1] if len(days) > 1 else None}
    shown = ui.query("audit_log", **filters, limit=PAGE_ROWS)
    total = int(shown["total_rows"].iloc[0]) if len(shown) else 0
    st.write(f"**{ui.fmt_int(total)}** dòng")
    if total > len(shown):
        st.caption(f"Hiển thị {ui.fmt_int(len(shown))} dòng mới nhất trong {ui.fmt_int(total)}; "
                   "lọc để tìm dòng khác.")
    table = _table(shown)
    st.dataframe(table, hide_index=True, width="stretch", height=ui.table_height(len(table)))
    reader = ui.view_store()  # the downloads read the store the page shows, when clicked
    ui.download_buttons_later(lambda: _table(reader.query("audit_log", **filters)), "nhat-ky-thao-tac",
                              key="audit_download")


def _table(log: pd.DataFrame) -> pd.DataFrame:
    """The log as shown and downloaded, formatted column by column (no per-row Python)."""
    return pd.DataFrame({
        # ui.fmt_time's '14:05 05/12/2022' ('—' when missing), for the whole column at once
        "Thời gian": pd.to_datetime(log["logged_at"]).dt.strftime("%H:%M %d/%m/%Y").fillna("—"),
        "Người thực hiện": log["actor"].fillna(""),
        "Thao tác": log["action"], "Đối tượng": log["target"].fillna(""), "Chi tiết": log["details"].fillna(""),
    })


if __name__ == "__main__":
    # Run directly (Streamlit's legacy mode on a fresh server): go through the app's router.
    import app

    app.main()
