"""Sự kiện: each event of the chosen period with the staff registered and taking part per unit
and the achievements, then how participation in the recurring events (the Mộc Châu marathon,
the Olympic run, ...) changes from year to year.

An event belongs to a period by its date, so "Năm 2022" shows every event of 2022, first half
included; a unit that reports the same event in its half-year and its annual return counts once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vanhoa import charts, registry, tables, ui
from vanhoa.tables import Column

PLAN_YEARS = (2022, 2026)
SERIES_KEY = "events_series"
# A bar per unit reads well up to about this many units; at province scale an event has a
# thousand, so its chart shows the units with the most people taking part (the table has all).
CHART_UNITS = 30
# An event's table of its units, and the download of the period's events: every event's table
# below, each row with the event's name and date (vanhoa.tables: the same cells on screen and in
# the files).
EVENT_UNITS = ["unit", Column("registered", "Đăng ký", "count"), Column("participants", "Tham gia", "count"),
               "achievement", "note"]
PARTICIPATION = ["event", "date", *EVENT_UNITS]


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
    st.subheader(f"Sự kiện trong {_in_sentence(label)}")
    ui.prefetch(("event_summary", {"period": period}), ("event_participation", {"period": period}),
                ("event_trend", {}))
    summary = ui.query("event_summary", period=period)
    if summary.empty:
        filed = ui.query("returns", period=period)["unit_code"].nunique()
        st.info(f"Trong {_in_sentence(label)}, chưa có đơn vị nào báo cáo tham gia sự kiện "
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


def _in_sentence(label: str) -> str:
    """'Năm 2022' in the middle of a sentence: 'năm 2022'."""
    return label[:1].lower() + label[1:]


def _summary_table(summary: pd.DataFrame) -> None:
    units = len(ui.reference().units)
    shown = pd.DataFrame({
        "Sự kiện": summary["event"],
        "Ngày": summary["date"].map(ui.fmt_date),
        "Đơn vị tham gia": [f"{n}/{units}" for n in summary["units"]],
        "Đăng ký": summary["registered"].map(ui.fmt_int),
        "Tham gia": summary["participants"].map(ui.fmt_int),
        "Đơn vị có thành tích": summary["units_with_achievement"].map(ui.fmt_int),
    })
    st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)),
                 column_config={"Sự kiện": st.column_config.TextColumn(width="large")})


def _event(total: pd.Series, rows: pd.DataFrame) -> None:
    """One event: its numbers, each unit's registered and taking part, the achievements."""
    units = len(ui.reference().units)
    with st.container(border=True):
        st.markdown(f"#### {ui.escape_md(total.name)}")
        notes = [f"Ngày {ui.fmt_date(total['date'])}"]
        if total["added_by_upload"]:
            notes.append("sự kiện ngoài danh mục, do đơn vị ghi trong báo cáo")
        st.caption(" · ".join(notes))
        # one line rather than three metric boxes: on a phone, boxes would push the chart off screen
        registered = total["registered"]
        taking_part = f"**{ui.fmt_int(total['participants'])}** người tham gia"
        line = f"**{total['units']}/{units}** đơn vị tham gia · "
        if pd.isna(registered):
            line += f"{taking_part} (các đơn vị không ghi số người đăng ký)"
        else:
            line += f"**{ui.fmt_int(registered)}** người đăng ký · {taking_part}"
            if registered:
                share = ui.fmt_pct(total["registered_participants"] / registered)
                line += (f" ({share} số người đăng ký)" if total["registered_units"] == total["units"] else
                         f" ({share} số người đăng ký, tính trên {total['registered_units']} đơn vị có ghi số đăng ký)")
        st.markdown(line)
        if len(rows) <= CHART_UNITS:
            st.vega_lite_chart(charts.event_units(rows, "Đăng ký và tham gia của từng đơn vị"), width="stretch")
        else:
            most = rows.sort_values("participants", ascending=False, kind="stable", na_position="last")
            st.vega_lite_chart(charts.event_units(most.head(CHART_UNITS), f"Đăng ký và tham gia: {CHART_UNITS} "
                                                  "đơn vị đông người tham gia nhất"), width="stretch")
            st.caption(f"Biểu đồ: {CHART_UNITS} đơn vị có nhiều người tham gia nhất; bảng chi tiết có đủ "
                       f"{ui.fmt_int(len(rows))} đơn vị.")
        achieved = rows[rows["achievement"].notna() & (rows["achievement"].astype(str).str.strip() != "")]
        if achieved.empty:
            st.markdown("**Thành tích:** chưa có đơn vị nào báo cáo thành tích.")
        else:
            st.markdown("**Thành tích:**\n\n" + "\n".join(
                f"- {ui.escape_md(unit)}: {ui.escape_md(text)}"
                for unit, text in zip(achieved["unit"], achieved["achievement"])))
        shown = tables.screen_frame(rows, EVENT_UNITS, {})
        with st.expander("Bảng chi tiết từng đơn vị (có ghi chú)"):
            st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)))


def _trend() -> None:
    trend = ui.query("event_trend")
    if trend.empty:
        st.info("Chưa có đơn vị nào báo cáo tham gia sự kiện, nên chưa có diễn biến qua các năm.")
        return
    # recurring: the event list plans a yearly edition, or the data already has several years
    years_with_data = trend.groupby("series")["year"].transform("nunique")
    recurring = trend[(trend["planned_editions"] > 1) | (years_with_data > 1)]
    if recurring.empty:
        st.info("Chưa có sự kiện thường niên nào (sự kiện tổ chức hằng năm) trong số liệu.")
        return
    years = list(range(PLAN_YEARS[0], max(PLAN_YEARS[1], int(recurring["year"].max())) + 1))
    st.vega_lite_chart(charts.event_trend(recurring, years, ["Số người tham gia các sự kiện thường niên",
                                                             "qua từng năm"]), width="stretch")
    missing = [str(y) for y in years if y not in set(recurring["year"])]
    st.caption("Mỗi cột là số người tham gia của một sự kiện trong một năm. "
               + (f"Năm chưa có số liệu: {', '.join(missing)}." if missing else ""))

    series_list = list(dict.fromkeys(recurring["series"]))
    series = st.selectbox("Xem từng đơn vị qua các năm", series_list, key=SERIES_KEY)
    rows = ui.query("event_participation", series=series)
    table = rows.pivot_table(index="unit_code", columns="year", values="participants", aggfunc="sum")
    ref = ui.reference()  # once: each call checks the store's version (1,000 units at province scale)
    order = list(ref.units)  # every unit: a leader sees who has never taken part
    table = table.reindex(order)
    shown = pd.DataFrame({"Đơn vị": [ref.unit_name(code) for code in order]})
    for year in sorted(table.columns):
        shown[f"Năm {year}"] = table[year].map(ui.fmt_int).tolist()
    st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)))
    st.caption("Số người tham gia của từng đơn vị; “—”: đơn vị không báo cáo tham gia năm đó.")
