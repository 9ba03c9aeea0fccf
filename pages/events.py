"""Sự kiện: each event of the chosen period with the staff registered and taking part per unit
and the achievements, then how participation in the recurring events (the Mộc Châu marathon,
the Olympic run, ...) changes from year to year.

An event belongs to a period by its date, so "Năm 2022" shows every event of 2022, first half
included; a unit that reports the same event in its half-year and its annual return counts once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vanhoa import charts, formats, registry, tables, ui
from vanhoa.views import events as view
from vanhoa.views import in_sentence
from vanhoa.views.events import EVENT_UNITS, PARTICIPATION

SERIES_KEY = "events_series"


@registry.page("events")
def render() -> None:
    st.title("Sự kiện")
    st.caption("Cán bộ, công chức, viên chức, người lao động của Văn phòng UBND tỉnh tham gia các sự kiện: "
               "số người đăng ký, số người tham gia và thành tích của từng đơn vị.")
    if not ui.busy_guard(ui.filed_periods):  # ten codes, not every version of the province
        st.info("Chưa có báo cáo nào được nộp, nên chưa có sự kiện nào để hiển thị. Văn thư các đơn vị hãy vào "
                "mục **Nộp báo cáo** để tải biểu mẫu, điền và tải lên báo cáo của đơn vị.")
        return
    period = ui.selected_period()
    label = ui.period_label(period)
    st.subheader(f"Sự kiện trong {in_sentence(label)}")
    ui.prefetch(("event_summary", {"period": period}), ("event_participation", {"period": period}),
                ("event_trend", {}))
    summary = ui.query("event_summary", period=period)
    if summary.empty:
        filed = ui.query("returns", period=period)["unit_code"].nunique()
        st.info(f"Trong {in_sentence(label)}, chưa có đơn vị nào báo cáo tham gia sự kiện "
                f"(kỳ này {filed}/{len(ui.reference().units)} đơn vị đã nộp báo cáo). Chọn kỳ khác ở thanh bên "
                "để xem, hoặc xem diễn biến qua các năm dưới đây.")
    else:
        if ui.reference().periods[period].kind == "Y":
            st.caption(f"{label} gồm cả 6 tháng đầu năm; sự kiện được xếp vào kỳ theo ngày diễn ra.")
        _summary_table(summary)
        participation = ui.query("event_participation", period=period)
        st.caption("Tải xuống: số người đăng ký, tham gia và thành tích của từng đơn vị ở các sự kiện trên.")
        # written when clicked: Excel for a province's thousands of rows takes longer than a rerun may
        ui.download_buttons_later(lambda: participation, f"su-kien_{period}", key="events_download",
                                  table=PARTICIPATION)
        for event, rows in participation.groupby("event", sort=False):
            _event(summary.set_index("event").loc[event], rows)

    st.subheader("Tham gia qua các năm")
    _trend()


def _summary_table(summary: pd.DataFrame) -> None:
    shown = view.summary_table(summary, len(ui.reference().units))
    st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)),
                 column_config={"Sự kiện": st.column_config.TextColumn(width="large")})


def _event(total: pd.Series, rows: pd.DataFrame) -> None:
    """One event: its numbers, each unit's registered and taking part, the achievements."""
    with st.container(border=True):
        st.markdown(f"#### {ui.escape_md(total.name)}")
        notes = [f"Ngày {formats.fmt_date(total['date'])}"]
        if total["added_by_upload"]:
            notes.append("sự kiện ngoài danh mục, do đơn vị ghi trong báo cáo")
        st.caption(" · ".join(notes))
        st.markdown(view.event_line(total, len(ui.reference().units)))
        charted, title, caption = view.charted(rows)
        st.vega_lite_chart(charts.event_units(charted, title), width="stretch")
        if caption:
            st.caption(caption)
        st.markdown(view.achievements(rows, ui.escape_md))
        shown = tables.screen_frame(rows, EVENT_UNITS, {})
        with st.expander("Bảng chi tiết từng đơn vị (có ghi chú)"):
            st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)))


def _trend() -> None:
    trend = ui.query("event_trend")
    if trend.empty:
        st.info("Chưa có đơn vị nào báo cáo tham gia sự kiện, nên chưa có diễn biến qua các năm.")
        return
    recurring = view.recurring(trend)
    if recurring.empty:
        st.info("Chưa có sự kiện thường niên nào (sự kiện tổ chức hằng năm) trong số liệu.")
        return
    years, caption = view.trend_years(recurring)
    st.vega_lite_chart(charts.event_trend(recurring, years, ["Số người tham gia các sự kiện thường niên",
                                                             "qua từng năm"]), width="stretch")
    st.caption(caption)

    series_list = list(dict.fromkeys(recurring["series"]))
    series = st.selectbox("Xem từng đơn vị qua các năm", series_list, key=SERIES_KEY)
    ref = ui.reference()  # once: each call checks the store's version (1,000 units at province scale)
    shown = view.series_table(ui.query("event_participation", series=series), list(ref.units), ref.unit_name)
    st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)))
    st.caption("Số người tham gia của từng đơn vị; “—”: đơn vị không báo cáo tham gia năm đó.")
