"""Lịch sử kho (administrators, DuckLake store): the dashboard as it stood on a chosen date, the
store's snapshots (who changed what, when), and which snapshot changed a target's figure."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from vanhoa import formats, registry, tables, ui, vocabulary
from vanhoa.tables import Column

# The store's snapshots, on screen and in their files (vanhoa.tables): history.snapshots' columns.
SNAPSHOTS = [Column("snapshot", "Ảnh chụp", "count"), Column("time", "Thời gian", "time"),
             Column("author", "Người thực hiện"), Column("message", "Thao tác")]


@registry.page("history")
def render() -> None:
    st.title("Lịch sử kho dữ liệu")
    store = ui.get_store()
    if not store.lake:
        st.info("Lịch sử theo thời điểm chỉ có khi kho chạy trên DuckLake (nhiều máy chủ, xem README). "
                f"Kho hiện tại là tệp {store.path.name}: các phiên bản báo cáo xem ở trang "
                "“Kho tệp đã tải lên”, các thao tác ở trang “Nhật ký thao tác”.")
        return
    from vanhoa import history

    snaps = ui.busy_guard(lambda: history.snapshots(store))
    _as_it_stood(snaps)
    st.divider()
    _figure_changes()
    st.divider()
    st.subheader("Các lần thay đổi kho (ảnh chụp DuckLake)")
    shown = snaps.head(500)
    st.caption(f"{formats.fmt_int(len(snaps))} ảnh chụp; hiển thị {formats.fmt_int(len(shown))} ảnh chụp mới nhất.")
    shown = shown.assign(message=shown["message"].fillna("(khởi tạo kho)"))
    table = tables.screen_frame(shown, SNAPSHOTS, {})
    st.dataframe(table, hide_index=True, width="stretch", height=ui.table_height(len(table)))
    ui.download_buttons(shown, "lich-su-kho", key="history_download", table=SNAPSHOTS)


def _as_it_stood(snaps: pd.DataFrame) -> None:
    st.subheader("Xem bảng điều khiển như tại một thời điểm")
    st.write("Mọi trang (Tổng quan, Chỉ tiêu, Dữ liệu…) sẽ hiện số liệu đúng như kho lúc đó: "
             "những gì đã nộp và đã phê duyệt đến thời điểm ấy. Chỉ xem, không sửa được.")
    first = snaps["time"].min().date()
    left, middle, right = st.columns([2, 1, 2])
    day = left.date_input("Ngày", value=ui.today(), min_value=first, max_value=ui.today(), key="as_of_day",
                          format="DD/MM/YYYY")
    clock = middle.time_input("Giờ", value=dt.time(23, 59), key="as_of_time", step=dt.timedelta(minutes=15))
    right.write("")
    if right.button("Xem như tại thời điểm này", key="as_of_apply", icon=":material/history:"):
        st.session_state[ui.AS_OF_KEY] = dt.datetime.combine(day, clock).isoformat()
        st.rerun()
    if ui.as_of() is not None:
        st.info(f"Đang xem số liệu như tại {formats.fmt_time(ui.as_of())}. "
                "Bấm “Về số liệu hiện tại” ở thanh bên để thoát.")


def _figure_changes() -> None:
    from vanhoa import history

    st.subheader("Ảnh chụp nào đã làm thay đổi một số liệu?")
    ref = ui.reference()
    targets = ui.query("target_list")
    left, middle, right = st.columns(3)
    period = left.selectbox("Kỳ báo cáo", ui.period_options(), index=None, key="history_period",
                            format_func=ui.period_label, placeholder="Chọn kỳ")
    target = middle.selectbox("Chỉ tiêu", targets["code"].tolist(), key="history_target",
                              format_func=lambda code: f"{code} — {targets.set_index('code').at[code, 'name']}")
    units = ["", *ref.units]
    unit = right.selectbox("Đơn vị", units, key="history_unit",
                           format_func=lambda code: ref.units[code] if code else vocabulary.OFFICE_LABEL)
    if not st.button("Tìm các lần thay đổi", key="history_find", disabled=period is None):
        return
    approved = bool(st.session_state.get(ui.APPROVED_KEY, False))
    with st.spinner("Đang tính lại số liệu tại từng ảnh chụp…"):
        changes = ui.busy_guard(lambda: history.figure_changes(ui.get_store(), period, target, unit or None, approved))
    if changes.empty:
        st.info("Số liệu này chưa có trong kho.")
        return

    def show(figure) -> str:
        if figure is None:
            return "(chưa có)"
        numerator, denominator, ratio = figure
        if ratio is None:
            return "chưa nộp" if numerator is None else f"{formats.fmt_int(numerator)}/{formats.fmt_int(denominator)}"
        return f"{formats.fmt_pct(ratio)} ({formats.fmt_int(numerator)}/{formats.fmt_int(denominator)})"

    scope = "số liệu đã phê duyệt" if approved else "mọi báo cáo đã nộp"
    st.write(f"**{len(changes)}** lần thay đổi ({scope}):")
    st.dataframe(pd.DataFrame({
        "Ảnh chụp": changes["snapshot"], "Thời gian": changes["time"].map(formats.fmt_time),
        "Người thực hiện": changes["author"].fillna(""), "Thao tác": changes["message"].fillna(""),
        "Trước": changes["before"].map(show), "Sau": changes["after"].map(show),
    }), hide_index=True, width="stretch")
