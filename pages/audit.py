"""Nhật ký thao tác: who did what and when; filterable and downloadable by administrators.

At province scale the log has tens of thousands of rows: the screen lists the newest PAGE_ROWS
that match the filters and says how many match; the downloads, written when clicked, have them all.
"""

from __future__ import annotations

import streamlit as st

from vanhoa import formats, registry, tables, ui
from vanhoa.tables import Column

PAGE_ROWS = 1_000  # log rows listed on screen, newest first
# The log, on screen and in its files (vanhoa.tables): the audit_log query's columns.
LOG = [Column("logged_at", "Thời gian", "time"), Column("actor", "Người thực hiện"), Column("action", "Thao tác"),
       Column("target", "Đối tượng"), Column("details", "Chi tiết")]


@registry.page("audit")
def render() -> None:
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
    # today in Việt Nam, as the log's times are: the server's own date (UTC) is still yesterday from
    # 17:00 UTC on, which left every row of the evening outside the range
    days = st.date_input("Khoảng thời gian", (first, max(ui.today(), first)), key="audit_days", format="DD/MM/YYYY")
    filters = {"actor": actor or None, "action": action or None, "search": text or None,
               "date_from": days[0] if days else None, "date_to": days[1] if len(days) > 1 else None}
    shown = ui.query("audit_log", **filters, limit=PAGE_ROWS)
    total = int(shown["total_rows"].iloc[0]) if len(shown) else 0
    st.write(f"**{formats.fmt_int(total)}** dòng")
    if not total:  # a grid without rows reads "empty"; a sentence says it
        st.info("Không có dòng nào khớp với bộ lọc đã chọn. Hãy bỏ bớt điều kiện lọc.")
        return
    if total > len(shown):
        st.caption(f"Hiển thị {formats.fmt_int(len(shown))} dòng mới nhất trong {formats.fmt_int(total)}; "
                   "lọc để tìm dòng khác.")
    table = tables.screen_frame(shown, LOG, {})
    st.dataframe(table, hide_index=True, width="stretch", height=ui.table_height(len(table)))
    reader = ui.view_store()  # the downloads read the store the page shows, when clicked
    ui.download_buttons_later(lambda: reader.query("audit_log", **filters), "nhat-ky-thao-tac",
                              key="audit_download", table=LOG)
