"""Đăng nhập: the only page a signed-out visitor sees."""

from __future__ import annotations

import streamlit as st

from vanhoa import auth, registry, ui


@registry.page("signin")
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
        # No max_chars: Streamlit would cut a longer name to that length on the server and try it
        # silently; auth.sign_in refuses it with a message instead.
        name = st.text_input("Tên đăng nhập", key="signin_name", autocomplete="username")
        password = st.text_input("Mật khẩu", type="password", key="signin_password", autocomplete="current-password")
        submitted = st.form_submit_button("Đăng nhập", type="primary")
    if submitted:
        account, message = ui.busy_guard(lambda: auth.sign_in(store, name, password, _client()))
        if account is None:
            st.error(message)
            return
        token = auth.create_session(store, account)
        st.session_state[ui.ACCOUNT_KEY], st.session_state[ui.TOKEN_KEY] = account, token
        ui.remember_sign_in(token)
        st.rerun()
    st.caption(f"Phiên đăng nhập được giữ {auth.session_hours():g} giờ kể cả khi tải lại trang. "
               f"Sau {auth.FREE_FAILURES} lần nhập sai liên tiếp, mỗi lần thử tiếp theo phải chờ lâu dần, "
               f"tối đa {auth.THROTTLE_CAP:g} giây.")


def _client() -> str | None:
    """The browser's IP address for the throttle: None on localhost, the proxy's behind one
    (then every client shares one count per name; see vanhoa.auth)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no context outside a real session: unknown client
        return None
    return address if isinstance(address, str) and address else None  # AppTest gives a mock
