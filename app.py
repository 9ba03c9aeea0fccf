"""Router only: the sign-in gate, the pages each role may open, and the widgets every page shares
(the period, approved data only, the account and sign-out)."""

from __future__ import annotations

import importlib
from dataclasses import replace

import streamlit as st

from vanhoa import formats, registry, ui


def pages_for(role: str) -> dict[str, list]:
    """The menu of a role, built from vanhoa.registry; each page checks the same roles itself
    (@registry.page), so a page that is not in the menu cannot be opened by its URL either."""
    sections = registry.menu(role)
    named = any("{commune}" in entry.title for entries in sections.values() for entry in entries)
    commune = ui.reference().supported_commune if named else ""  # the reference is read only if needed
    return {section: [_page(entry, entry.title_for(commune)) for entry in entries]
            for section, entries in sections.items()}


def _page(entry: registry.Page, title: str, render=None):
    # Each URL path is its file's name in pages/: on a fresh server Streamlit's legacy pages/
    # mode runs that file first, and its @registry.page hands over to this router, so a bookmark
    # opens the right page with the sidebar, never "page not found".
    render = render or importlib.import_module(f"pages.{entry.key}").render
    return st.Page(render, title=title, icon=entry.icon, url_path=entry.key, default=entry.default)


@ui.per_run  # the router and the page check the account once per run (vanhoa/ui/run.py)
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
    from pages import signin

    def form_at(path: str):
        def sign_in_form() -> None:
            signin.render()

        sign_in_form.__name__ = f"sign_in_{path.replace('-', '_')}"
        return sign_in_form

    return [_page(registry.SIGN_IN, registry.SIGN_IN.title, signin.render)] + [
        _page(replace(registry.SIGN_IN, key=entry.key, default=False), registry.SIGN_IN.title, form_at(entry.key))
        for entry in registry.PAGES]


def _as_of_banner() -> None:
    """Administrators viewing a past moment (DuckLake) see it on every page, with the way back."""
    moment = ui.as_of()
    if moment is None:
        return
    st.warning(f"Đang xem số liệu như tại **{formats.fmt_time(moment)}** (chỉ xem).", icon=":material/history:")
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
