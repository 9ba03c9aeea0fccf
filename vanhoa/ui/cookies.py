"""The sign-in cookie: asked for at sign-in (remember_sign_in), set or deleted by the next run
(apply_cookie_changes), which restores a sign-in after a reload."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from vanhoa.ui.keys import COOKIE_PENDING

COOKIE_NAME = "vanhoa_session"


def apply_cookie_changes() -> None:
    """Set or delete the sign-in cookie asked for by the previous run (a component must render
    for the browser to receive it, so it cannot happen in the run that reruns).

    As strict as a cookie set from the page's JavaScript can be: SameSite=Strict (never sent on
    a request from another site), Path=/, Secure when the browser reached the app over https
    (a browser drops a Secure cookie set by a plain-http page), and it ends with the session
    (Max-Age, and an Expires in UTC: the component hands the browser an ISO time, and a time
    without a zone would be read in the browser's zone, 7 hours early in Việt Nam on a UTC
    server). It cannot be HttpOnly: the page's script sets it. The store keeps only the
    token's hash and expiry, so a copied cookie stops working at sign-out."""
    pending = st.session_state.get(COOKIE_PENDING)
    if not pending:
        return
    import extra_streamlit_components as stx

    cookies = stx.CookieManager(key="cookie_manager")
    action, token, expires_at = pending
    if action == "set":
        # Rendered on every run until sign-out, not once: the component sets the cookie from the
        # browser a moment after it is drawn, and a rerun in that moment (a click right after
        # signing in, a busy machine) would remove it before it ran, so a reload would sign the
        # user out. Its end is fixed at sign-in, so every render sets the same cookie.
        seconds = max(int((expires_at - dt.datetime.now(dt.UTC)).total_seconds()), 0)
        cookies.set(COOKIE_NAME, token, key="cookie_set", path="/", same_site="strict", secure=served_over_https(),
                    max_age=seconds, expires_at=expires_at)
        return
    st.session_state.pop(COOKIE_PENDING, None)
    if COOKIE_NAME in (cookies.cookies or {}) or st.context.cookies.get(COOKIE_NAME):
        try:
            cookies.delete(COOKIE_NAME, key="cookie_delete")
        except KeyError:
            pass


def remember_sign_in(token: str) -> None:
    """Ask for the sign-in cookie, from the next run on, to last as long as the session."""
    from vanhoa import auth

    ends = dt.datetime.now(dt.UTC) + dt.timedelta(hours=auth.session_hours())
    st.session_state[COOKIE_PENDING] = ("set", token, ends)


def forget_sign_in() -> None:
    """Ask the next run to delete the sign-in cookie (once)."""
    st.session_state[COOKIE_PENDING] = ("delete", None, None)


def served_over_https() -> bool:
    """Whether the browser shows the app at an https address (st.context.url is the browser's
    own address, so a TLS proxy in front of a plain-http Streamlit counts as https)."""
    try:
        url = st.context.url or ""
    except Exception:  # noqa: BLE001 - no browser context (AppTest): not https
        return False
    return url.lower().startswith("https://")
