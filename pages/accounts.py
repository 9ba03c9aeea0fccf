"""Tài khoản: administrators add accounts, disable them and reset passwords."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vanhoa import auth, registry, ui

PASSWORD_RULE = (f"Mật khẩu từ {auth.MIN_PASSWORD} đến {auth.MAX_PASSWORD} ký tự, không chỉ gồm dấu cách, không "
                 "nằm trong danh sách mật khẩu phổ biến và không dễ đoán (như 1234567890 hay tên tài khoản).")


@registry.page("accounts")
def render() -> None:
    account = ui.current_account()
    st.title("Tài khoản")
    store = ui.get_store()
    if message := st.session_state.pop("accounts_message", None):
        st.success(message)
    accounts = ui.busy_guard(lambda: auth.list_accounts(store))
    st.dataframe(pd.DataFrame({
        "Tên đăng nhập": accounts["name"], "Họ tên": accounts["display_name"],
        "Vai trò": accounts["role"].map(auth.ROLES), "Đơn vị": accounts["unit"].fillna(""),
        "Trạng thái": accounts["active"].map({True: "đang dùng", False: "đã vô hiệu hóa"}),
        # No account is ever locked (see vanhoa.auth): the count shows who is being guessed at.
        "Sai liên tiếp": accounts["failed_attempts"].astype(int),
    }), hide_index=True, width="stretch", height=ui.table_height(len(accounts)))
    ref = ui.reference()
    with st.form("account_add", clear_on_submit=True):
        st.markdown("**Thêm tài khoản**")
        left, right = st.columns(2)
        name = left.text_input("Tên đăng nhập", key="account_name")
        display = right.text_input("Họ tên", key="account_display")
        role = left.selectbox("Vai trò", list(auth.ROLES), format_func=auth.ROLES.get, key="account_role")
        unit = right.selectbox("Đơn vị (văn thư)", ["", *ref.units], key="account_unit",
                               format_func=lambda c: ref.unit_name(c) if c else "—")
        password = st.text_input("Mật khẩu ban đầu", type="password", key="account_password")
        st.caption(PASSWORD_RULE)
        if st.form_submit_button("Thêm tài khoản"):
            _do(lambda: auth.add_account(store, name, role, password, unit or None, display or None, account.name),
                f"Đã tạo tài khoản {name}.")
    names = list(accounts["name"])
    with st.form("account_change", clear_on_submit=True):
        st.markdown("**Vô hiệu hóa, mở lại hoặc đặt lại mật khẩu**")
        who = st.selectbox("Tài khoản", names, key="account_pick")
        password = st.text_input("Mật khẩu mới (khi đặt lại)", type="password", key="account_new_password")
        st.caption(PASSWORD_RULE)
        left, middle, right = st.columns(3)
        if left.form_submit_button("Vô hiệu hóa"):
            if who == account.name:
                st.error("Không thể tự vô hiệu hóa tài khoản đang dùng.")
            else:
                _do(lambda: auth.set_active(store, who, False, account.name), f"Đã vô hiệu hóa {who}.")
        if middle.form_submit_button("Mở lại"):
            _do(lambda: auth.set_active(store, who, True, account.name), f"Đã mở lại {who}.")
        if right.form_submit_button("Đặt lại mật khẩu"):
            _do(lambda: auth.reset_password(store, who, password, account.name), f"Đã đặt lại mật khẩu của {who}.")


def _do(action, message: str) -> None:
    try:
        ui.busy_guard(action)
    except auth.AccountError as exc:
        st.error(ui.escape_md(str(exc)))  # it may quote what was typed
        return
    st.session_state["accounts_message"] = ui.escape_md(message)
    st.rerun()
