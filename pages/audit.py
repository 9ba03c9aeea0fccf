"""Nhật ký thao tác: who did what and when; filterable and downloadable by administrators."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from vanhoa import ui


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
    shown = ui.query("audit_log", actor=actor or None, action=action or None, search=text or None,
                     date_from=days[0] if days else None, date_to=days[1] if len(days) > 1 else None)
    st.write(f"**{len(shown)}** dòng")
    table = pd.DataFrame({
        "Thời gian": shown["logged_at"].map(ui.fmt_time), "Người thực hiện": shown["actor"].fillna(""),
        "Thao tác": shown["action"], "Đối tượng": shown["target"].fillna(""), "Chi tiết": shown["details"].fillna(""),
    })
    st.dataframe(table, hide_index=True, width="stretch", height=ui.table_height(len(table)))
    ui.download_buttons(table, "nhat-ky-thao-tac", key="audit_download")


if __name__ == "__main__":
    # Run directly (Streamlit's legacy mode on a fresh server): go through the app's router.
    import app

    app.main()
