"""Whose session this is: the signed-in account (checked against the store on every run), the
page's role check, sign-out, and the rule that a session's state belongs to one account."""

from __future__ import annotations

import streamlit as st

from vanhoa.ui.cookies import COOKIE_NAME, forget_sign_in
from vanhoa.ui.keys import ACCOUNT_KEY, KEPT_ACROSS_ACCOUNTS, OWNER_KEY, TOKEN_KEY
from vanhoa.ui.run import run_memo
from vanhoa.ui.stores import get_store


def current_account():
    """The signed-in account, checked against the store on every run (a disabled account or an
    ended session is signed out at once); restored from the browser's cookie after a reload.
    The router and the page both ask: the store is asked once per run and token (vanhoa.ui.run)."""
    from vanhoa import auth

    store = get_store()
    token = st.session_state.get(TOKEN_KEY) or st.context.cookies.get(COOKIE_NAME)
    memo = run_memo()
    if ("account", store.target, token) not in memo:
        memo["account", store.target, token] = \
            auth.session_account(store, token) if isinstance(token, str) and token else None
    account = memo["account", store.target, token]
    # The web guard (server.py) lets this browser upload and download as this sign-in even before
    # the cookie component has set its cookie (vanhoa.webguard.vouch).
    from vanhoa.webguard import XSRF_COOKIE, vouch

    vouch(st.context.cookies.get(XSRF_COOKIE), token if account is not None else None)
    if account is None:
        st.session_state.pop(ACCOUNT_KEY, None)
        st.session_state.pop(TOKEN_KEY, None)
        belong_to(None)
        return None
    belong_to(account.name)
    st.session_state[ACCOUNT_KEY], st.session_state[TOKEN_KEY] = account, token
    return account


def belong_to(name: str | None) -> None:
    """The one rule of whose the session state is: it belongs to the account `name` (None: a
    signed-out visitor). When that is not the account it belonged to (a sign-out, another account
    signing in in the same tab, a cookie of another account), everything the previous one left
    is forgotten before anything reads it: a clerk's checked file, a preview, a download, a
    choice or the period never reaches the next person. A session that belonged to nobody yet
    (its first run) has nothing of anyone's to forget."""
    state = st.session_state
    if OWNER_KEY in state and state[OWNER_KEY] == name:
        return
    if OWNER_KEY in state:
        _forget_everything()
    state[OWNER_KEY] = name


def _forget_everything() -> None:
    for key in list(st.session_state.keys()):
        if key not in KEPT_ACROSS_ACCOUNTS:
            del st.session_state[key]


def require(*roles: str):
    """Stop the page unless the signed-in account has one of `roles` (none given: any account).
    Enforced in every page's render(), not only by the menu."""
    account = current_account()
    if account is None:
        st.warning("Hãy đăng nhập để xem trang này.")
        st.stop()
    if roles and account.role not in roles:
        st.error(f"Tài khoản của bạn ({account.role_label}) không có quyền dùng trang này.")
        st.stop()
    return account


def sign_out() -> None:
    from vanhoa import auth

    auth.end_session(get_store(), st.session_state.get(TOKEN_KEY), st.session_state.get(ACCOUNT_KEY))
    run_memo().clear()  # the account checked earlier in this run is no longer signed in
    st.session_state.pop(ACCOUNT_KEY, None)
    st.session_state.pop(TOKEN_KEY, None)
    _forget_everything()  # what the account left (as_of included) goes with it
    st.session_state[OWNER_KEY] = None
    forget_sign_in()
