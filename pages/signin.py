"""Đăng nhập: the only page a signed-out visitor sees."""

from __future__ import annotations

import streamlit as st

from vanhoa import auth, ui


def render() -> None:
    st.title("Đăng nhập")
    st.caption("Theo dõi Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa” — Văn phòng UBND tỉnh Sơn La. "
               "Dữ liệu chỉ dành cho cán bộ được cấp tài khoản.")
    store = ui.get_store()
    if not ui.busy_guard(lambda: auth.has_accounts(store)):
        st.info("Chưa có tài khoản nào. Quản trị viên hãy tạo tài khoản đầu tiên bằng dòng lệnh:\n\n"
                "`python -m vanhoa users add TEN --role admin` (mật khẩu nhập từ bàn phím).")
        return
    with st.form("signin_form"):
        name = st.text_input("Tên đăng nhập", key="signin_name", autocomplete="username")
        password = st.text_input("Mật khẩu", type="password", key="signin_password", autocomplete="current-password")
        submitted = st.form_submit_button("Đăng nhập", type="primary")
    if submitted:
        account, message = ui.busy_guard(lambda: auth.sign_in(store, name, password))
        if account is None:
            st.error(message)
            return
        token = auth.create_session(store, account)
        st.session_state[ui.ACCOUNT_KEY], st.session_state[ui.TOKEN_KEY] = account, token
        st.session_state[ui.COOKIE_PENDING] = ("set", token)
        st.rerun()
    st.caption(f"Phiên đăng nhập được giữ {auth.session_hours():g} giờ kể cả khi tải lại trang. "
               f"Nhập sai mật khẩu {auth.MAX_FAILED} lần, tài khoản bị khóa {auth.LOCK_MINUTES} phút.")


if __name__ == "__main__":
    # Run directly (Streamlit's legacy mode on a fresh server): go through the app's router.
    import app

    app.main()
