"""Danh mục: units, periods and deadlines, target goals, the event list, the supported commune.
Every change is recorded in the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vanhoa import admin, formats, registry, ui


@registry.page("lists")
def render() -> None:
    account = ui.current_account()
    st.title("Danh mục")
    if message := st.session_state.pop("lists_message", None):
        st.success(message)
    units, periods, targets, events, commune = st.tabs(
        ["Đơn vị", "Kỳ báo cáo và hạn nộp", "Mục tiêu chỉ tiêu", "Sự kiện", "Xã được giúp đỡ"])
    store = ui.get_store()
    with units:
        _units(store, account)
    with periods:
        _periods(store, account)
    with targets:
        _targets(store, account)
    with events:
        _events(store, account)
    with commune:
        _commune(store, account)


def _do(action, message: str) -> None:
    try:
        ui.busy_guard(action)
    except admin.ChangeRefused as exc:
        st.error(ui.escape_md(exc))  # it quotes what was typed
        return
    st.session_state["lists_message"] = message
    st.rerun()


def _table(sql_name: str) -> pd.DataFrame:
    return ui.query(sql_name)


def _units(store, account) -> None:
    units = _table("unit_list")
    st.dataframe(pd.DataFrame({
        "Mã": units["code"], "Tên đơn vị": units["name"], "Báo cáo từ kỳ": units["active_from"],
        "Ngừng từ kỳ": units["retired_from"].fillna(""), "Số báo cáo đã nộp": units["returns"],
    }), hide_index=True, width="stretch", height=ui.table_height(len(units)))
    periods = list(ui.reference().periods)
    with st.form("unit_add"):
        st.markdown("**Thêm đơn vị**")
        left, middle, right = st.columns([1, 3, 2])
        code = left.text_input("Mã", key="unit_add_code")
        name = middle.text_input("Tên đơn vị", key="unit_add_name")
        start = right.selectbox("Báo cáo từ kỳ", periods, key="unit_add_from", format_func=ui.period_label,
                                index=periods.index(ui.current_reporting_period()))
        if st.form_submit_button("Thêm"):
            _do(lambda: admin.add_unit(store, code, name, account.name, start),
                f"Đã thêm đơn vị {ui.escape_md(name.strip())}.")
    active = units[units["retired_from"].isna()]
    # one lookup table, not a set_index per option: a province has a thousand units to name
    names = dict(zip(active["code"], active["name"]))
    with st.form("unit_rename"):
        st.markdown("**Đổi tên hoặc ngừng theo dõi một đơn vị** (lịch sử báo cáo được giữ nguyên)")
        code = st.selectbox("Đơn vị", list(names), key="unit_edit_code", format_func=names.__getitem__)
        new_name = st.text_input("Tên mới", key="unit_edit_name")
        retire_from = st.selectbox("Ngừng theo dõi từ kỳ", periods, key="unit_retire_from",
                                   format_func=ui.period_label, index=periods.index(ui.current_reporting_period()))
        left, right = st.columns(2)
        if left.form_submit_button("Đổi tên"):
            _do(lambda: admin.rename_unit(store, code, new_name, account.name),
                f"Đã đổi tên đơn vị {ui.escape_md(code)}.")
        if right.form_submit_button("Ngừng theo dõi"):
            _do(lambda: admin.retire_unit(store, code, retire_from, account.name),
                f"Đơn vị {ui.escape_md(code)} không phải báo cáo từ kỳ {ui.period_label(retire_from)}.")


def _periods(store, account) -> None:
    ref = ui.reference()
    frame = pd.DataFrame([(p.code, p.label, p.deadline) for p in ref.periods.values()],
                         columns=["code", "label", "deadline"])
    st.dataframe(pd.DataFrame({"Kỳ báo cáo": frame["label"], "Hạn nộp": frame["deadline"].map(formats.fmt_date)}),
                 hide_index=True, width="stretch", height=ui.table_height(len(frame), 10))
    with st.form("deadline"):
        code = st.selectbox("Kỳ báo cáo", list(frame["code"]), key="deadline_period", format_func=ui.period_label,
                            index=list(frame["code"]).index(ui.current_reporting_period()))
        day = st.date_input("Hạn nộp mới", ref.periods[code].deadline, key="deadline_day", format="DD/MM/YYYY")
        if st.form_submit_button("Lưu hạn nộp"):
            _do(lambda: admin.set_deadline(store, code, day, account.name),
                f"Đã đổi hạn nộp {ui.period_label(code)} thành {formats.fmt_date(day)}.")


def _targets(store, account) -> None:
    targets = _table("target_list")
    st.dataframe(pd.DataFrame({"Chỉ tiêu": targets["code"], "Nội dung": targets["name"],
                               "Mục tiêu": targets["goal"].map(lambda g: formats.fmt_pct(g, 0))}),
                 hide_index=True, width="stretch")
    with st.form("goal"):
        code = st.selectbox("Chỉ tiêu", list(targets["code"]), key="goal_target")
        percent = st.number_input("Mục tiêu mới (%)", min_value=1, max_value=100, step=1, key="goal_value",
                                  value=int(round(float(targets.set_index("code").loc[code, "goal"]) * 100)))
        if st.form_submit_button("Lưu mục tiêu"):
            _do(lambda: admin.set_goal(store, code, percent / 100, account.name),
                f"Đã đổi mục tiêu {code} thành {percent} %.")


def _events(store, account) -> None:
    events = _table("event_list")
    st.dataframe(pd.DataFrame({"Sự kiện": events["name"], "Chuỗi": events["series"].fillna(""),
                               "Năm": events["year"].astype("Int64").astype(str).replace("<NA>", ""),
                               "Thêm từ tệp tải lên": events["added_by_upload"].notna().map({True: "có",
                                                                                             False: ""})}),
                 hide_index=True, width="stretch", height=ui.table_height(len(events), 12))
    with st.form("event_add"):
        st.markdown("**Thêm sự kiện vào danh mục** (dùng cho danh sách chọn trong biểu mẫu)")
        name = st.text_input("Tên sự kiện", key="event_add_name")
        left, right = st.columns(2)
        series = left.text_input("Chuỗi sự kiện (để so sánh qua các năm)", key="event_add_series")
        year = right.number_input("Năm", min_value=2022, max_value=2030, value=ui.today().year, key="event_add_year")
        if st.form_submit_button("Thêm sự kiện"):
            _do(lambda: admin.add_event(store, name, series, int(year), None, account.name),
                f"Đã thêm sự kiện {ui.escape_md(' '.join(name.split()))}.")


def _commune(store, account) -> None:
    current = ui.reference().supported_commune
    st.write(f"Xã được giúp đỡ hiện nay: **{ui.escape_md(current)}**. Các trang và báo cáo đọc tên xã từ cài đặt này.")
    with st.form("commune"):
        name = st.text_input("Tên xã", value=current, key="commune_name")
        if st.form_submit_button("Lưu"):
            _do(lambda: admin.set_setting(store, "supported_commune", name, account.name),
                f"Xã được giúp đỡ: {ui.escape_md(' '.join(name.split()))}.")
