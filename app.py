"""Router only: the sign-in gate, the pages each role may open, and the widgets every page shares
(the period, approved data only, the account and sign-out)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import (  # noqa: E402
    accounts,
    approval,
    archive,
    audit,
    commune,
    data,
    events,
    history,
    lists,
    overview,
    report,
    signin,
    targets,
    upload,
)
from vanhoa import ui  # noqa: E402

LEADERS = ("leader", "admin")


def pages_for(role: str) -> dict[str, list]:
    """The menu of a role. Each page checks the role again itself (ui.require), so a page
    that is not in the menu cannot be opened by its URL either."""
    # Each URL path is its file's name in pages/: on a fresh server Streamlit's legacy pages/
    # mode runs that file first, and the file hands over to this router (see its last lines),
    # so a bookmark opens the right page with the sidebar, never "page not found".
    home = st.Page(overview.render, title="Tổng quan", icon=":material/dashboard:", url_path="overview", default=True)
    sections: dict[str, list] = {"Lãnh đạo": [home]}
    if role in LEADERS:
        sections["Lãnh đạo"] += [
            st.Page(targets.render, title="Chỉ tiêu", icon=":material/flag:", url_path="targets"),
            st.Page(commune.render, title=f"Xã {ui.reference().supported_commune}",
                    icon=":material/volunteer_activism:", url_path="commune"),
            st.Page(events.render, title="Sự kiện", icon=":material/emoji_events:", url_path="events"),
            st.Page(data.render, title="Dữ liệu", icon=":material/table_view:", url_path="data"),
            st.Page(report.render, title="Báo cáo", icon=":material/description:", url_path="report"),
            st.Page(approval.render, title="Phê duyệt", icon=":material/task_alt:", url_path="approval"),
        ]
    if role in ("clerk", "admin"):
        sections["Văn thư đơn vị"] = [
            st.Page(upload.render, title="Nộp báo cáo", icon=":material/upload_file:", url_path="upload"),
        ]
    if role == "admin":
        sections["Quản trị"] = [
            st.Page(lists.render, title="Danh mục", icon=":material/list_alt:", url_path="lists"),
            st.Page(accounts.render, title="Tài khoản", icon=":material/group:", url_path="accounts"),
            st.Page(audit.render, title="Nhật ký thao tác", icon=":material/history:", url_path="audit"),
            st.Page(archive.render, title="Kho tệp đã tải lên", icon=":material/inventory_2:", url_path="archive"),
            st.Page(history.render, title="Lịch sử kho", icon=":material/manage_history:", url_path="history"),
        ]
    return sections


def main() -> None:
    st.set_page_config(page_title="Đời sống văn hóa - VP UBND tỉnh Sơn La", page_icon="🏛️", layout="wide")
    ui.apply_cookie_changes()
    account = ui.busy_guard(ui.current_account)
    if account is None:
        # A signed-out visitor sees the sign-in form and nothing else, whatever the URL; every
        # page's URL shows the form, so after signing in a bookmark opens its own page.
        st.navigation(_sign_in_everywhere(), position="hidden").run()
        return
    navigation = st.navigation(pages_for(account.role))
    with st.sidebar:
        _as_of_banner()
        ui.busy_guard(_shared_widgets)
        st.caption(f"Đăng nhập: **{ui.escape_md(account.display_name)}** ({account.role_label})")
        if st.button("Đăng xuất", key="signout", icon=":material/logout:"):
            ui.busy_guard(ui.sign_out)  # a full disk or a lost PostgreSQL is one line, not a traceback
            st.rerun()
    ui.busy_guard(navigation.run)  # a store failure anywhere on a page: its one line, not a traceback


def _sign_in_everywhere() -> list:
    def form_at(path: str):
        def sign_in_form() -> None:
            signin.render()

        sign_in_form.__name__ = f"sign_in_{path.replace('-', '_')}"
        return sign_in_form

    paths = [page.url_path for pages in pages_for("admin").values() for page in pages if page.url_path]
    return [st.Page(signin.render, title="Đăng nhập", icon=":material/login:", url_path="signin", default=True)] + [
        st.Page(form_at(path), title="Đăng nhập", icon=":material/login:", url_path=path) for path in paths]


def _as_of_banner() -> None:
    """Administrators viewing a past moment (DuckLake) see it on every page, with the way back."""
    moment = ui.as_of()
    if moment is None:
        return
    st.warning(f"Đang xem số liệu như tại **{ui.fmt_time(moment)}** (chỉ xem).", icon=":material/history:")
    if st.button("Về số liệu hiện tại", key="as_of_clear"):
        st.session_state.pop(ui.AS_OF_KEY, None)
        st.rerun()


def _shared_widgets() -> None:
    options = ui.period_options()
    default = ui.latest_period_with_data() or options[-1]
    if st.session_state.get(ui.PERIOD_KEY) not in options:
        st.session_state[ui.PERIOD_KEY] = default
    st.selectbox("Kỳ báo cáo", options, key=ui.PERIOD_KEY, format_func=ui.period_label)
    st.toggle("Chỉ số liệu đã phê duyệt", key=ui.APPROVED_KEY,
              help="Bật: chỉ tính các báo cáo đã được lãnh đạo phê duyệt. Tắt: tính mọi báo cáo đã nộp "
                   "(một báo cáo đã phê duyệt vẫn giữ nguyên số liệu cho đến khi phiên bản mới được phê duyệt).")


if __name__ == "__main__":
    main()
