"""Xã được giúp đỡ (Chiềng Xuân): what the units did there over 2022-2026, by kind, the people
who took part and the money spent, per unit, and the list of activities.

The commune is the store's setting `supported_commune`, never a constant. The timeline always
shows the whole history with the period chosen in the sidebar in full colour; the numbers, the
per-unit view and the list cover the chosen period by default (what a leader reviews at the
period's meeting), or the whole plan at one click. An activity belongs to a period by its date,
so "Năm 2022" is the whole year, first half included, each activity counted once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vanhoa import charts, formats, registry, tables, ui
from vanhoa.formats import MISSING
from vanhoa.views import PAGE_ROWS, in_sentence
from vanhoa.views import commune as view
from vanhoa.views.commune import ACTIVITY_LIST, WHOLE_LABEL

CHOSEN_PERIOD, WHOLE_PLAN = "period", "all"  # stable options: the sidebar's period may change
SCOPE_KEY = "commune_scope"


@registry.page("commune")
def render() -> None:
    name = ui.busy_guard(lambda: ui.reference()).supported_commune
    commune = ui.escape_md(name)  # a setting an administrator types: shown as text in markdown
    st.title(f"Xã {commune}")
    st.caption(f"Xã được giúp đỡ: hoạt động của các đơn vị thuộc Văn phòng UBND tỉnh tại xã {commune}, "
               "giai đoạn 2022 - 2026.")
    if not ui.busy_guard(ui.filed_periods):  # ten codes, not every version of the province
        st.info(f"Chưa có báo cáo nào được nộp, nên chưa có hoạt động nào tại xã {commune} để hiển thị. "
                "Văn thư các đơn vị hãy vào mục **Nộp báo cáo** để tải biểu mẫu, điền và tải lên báo cáo "
                "của đơn vị.")
        return
    period = ui.selected_period()
    likely_scope = None if st.session_state.get(SCOPE_KEY) == WHOLE_PLAN else period  # the radio below says
    ui.prefetch(("commune_timeline", {}), ("commune_units", {"period": likely_scope}),
                ("commune_activities", {"period": likely_scope, "limit": PAGE_ROWS}))
    history = ui.query("commune_timeline")
    if history.empty:
        st.info(f"Chưa đơn vị nào báo cáo hoạt động tại xã {commune}. Hoạt động tại xã được ghi ở sheet "
                f"**Hoạt động** của biểu mẫu, cột **Xã/phường** là “{commune}”.")
        return

    label = ui.period_label(period)
    scope = st.radio("Phạm vi số liệu", [CHOSEN_PERIOD, WHOLE_PLAN], horizontal=True, key=SCOPE_KEY,
                     format_func=lambda s: WHOLE_LABEL if s == WHOLE_PLAN else f"{label} (kỳ đang chọn)")
    scope_period = None if scope == WHOLE_PLAN else period
    scope_label = WHOLE_LABEL if scope_period is None else label

    units = ui.query("commune_units", period=scope_period)
    _headline(units, history, scope_period, label)
    if scope_period is not None and units["activities"].sum() == 0:
        filed = ui.query("returns", period=period)["unit_code"].nunique()
        st.info(f"Trong {in_sentence(label)}, chưa có hoạt động nào tại xã {commune} được báo cáo "
                f"(kỳ này {filed}/{len(units)} đơn vị đã nộp báo cáo). Biểu đồ dưới đây cho thấy các kỳ khác.")

    st.subheader("Diễn biến qua từng 6 tháng")
    _timeline(name, history, period, label)

    if units["activities"].sum() == 0:
        return
    st.subheader(f"Theo đơn vị: {scope_label}")
    _per_unit(name, units, scope_label)
    st.subheader(f"Danh sách hoạt động: {scope_label}")
    _activity_list(ui.query("commune_activities", period=scope_period, limit=PAGE_ROWS), scope_period)


def _headline(units: pd.DataFrame, history: pd.DataFrame, scope_period: str | None, label: str) -> None:
    for column, (title, value, help_text) in zip(st.columns(4), view.headline(units), strict=True):
        column.metric(title, value, help=help_text, border=True)
    if scope_period is not None:
        sums = view.whole_plan(history, lambda: ui.query("commune_units"))
        st.caption(view.whole_plan_caption(sums, ui.reference().periods[scope_period], label))


def _timeline(commune: str, history: pd.DataFrame, period: str, label: str) -> None:
    halves = view.halves(history)
    chosen = view.chosen_halves(ui.reference().periods.get(period), halves)
    left, right = st.columns(2)
    with left:
        st.vega_lite_chart(charts.commune_timeline(
            history, halves, chosen, "activities", [f"Số hoạt động tại xã {commune}", "theo loại hoạt động"]),
            width="stretch")
    with right:
        st.vega_lite_chart(charts.commune_timeline(
            history, halves, chosen, "participants", ["Lượt người tham gia", f"các hoạt động tại xã {commune}"],
            stack_by_kind=False), width="stretch")
        st.vega_lite_chart(charts.commune_timeline(
            history, halves, chosen, "cost", ["Kinh phí các hoạt động", f"tại xã {commune}"], stack_by_kind=False),
            width="stretch")
    st.caption(f"Nền vàng, cột đậm: {in_sentence(label)} (kỳ đang chọn ở thanh bên); cột nhạt: các kỳ khác. "
               "Di chuột hoặc chạm vào cột để xem số liệu chính xác.")


def _per_unit(commune: str, units: pd.DataFrame, scope_label: str) -> None:
    charted, title, caption = view.charted(units, commune, scope_label)
    st.vega_lite_chart(charts.commune_units(charted, title), width="stretch")
    if caption:
        st.caption(caption)
    shown = view.unit_table(units)
    st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)))
    if idle := view.idle_caption(units, scope_label, ui.escape_md):
        st.caption(idle)


def _activity_list(rows: pd.DataFrame, scope_period: str | None) -> None:
    """The first PAGE_ROWS activities (a province's units report tens of thousands), and the
    files with every one, fetched when a download button is clicked."""
    total = int(rows["total_rows"].iloc[0]) if len(rows) else 0
    if total > len(rows):
        st.caption(f"Hiển thị {formats.fmt_int(len(rows))} hoạt động đầu trong {formats.fmt_int(total)} hoạt động; "
                   "tải về để có đủ.")
    shown = tables.screen_frame(rows, ACTIVITY_LIST, tables.period_labels(ui.reference()))
    st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)),
                 column_config={"Nội dung": st.column_config.TextColumn(width="large"),
                                "Kết quả, ghi chú": st.column_config.TextColumn(width="medium")},
                 placeholder=MISSING)
    st.caption("Nội dung đầy đủ: di chuột vào ô, hoặc tải xuống bảng dưới đây (tệp CSV và Excel có đúng các cột "
               "của bảng; ô “—” để trống trong tệp).")
    stem = f"hoat-dong-xa-{'ca-giai-doan' if scope_period is None else scope_period}"
    # taken now: the download runs outside the script run (the store as the page reads it: now,
    # or as it stood at the moment an administrator chose)
    store, approved_only = ui.view_store(), bool(st.session_state.get(ui.APPROVED_KEY, False))

    def every_row() -> pd.DataFrame:
        return store.query("commune_activities", period=scope_period, approved_only=approved_only)

    # written when clicked: Excel for a province's 100,000 rows takes longer than a rerun may
    ui.download_buttons_later(every_row, stem, key="commune_download", table=ACTIVITY_LIST)
