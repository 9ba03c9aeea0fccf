"""A store failure shown for what it is (busy_guard): its one Vietnamese line, a "Thử lại" button
only where trying again can help, and the administrator named where only they can fix it."""

from __future__ import annotations

import streamlit as st

from vanhoa.store import StoreUnavailable

# Said above a misconfigured store's own line (which says what is wrong): no user can fix it.
CONFIGURATION_ADVICE = "Liên hệ quản trị viên để sửa cấu hình kho dữ liệu."


def failure_text(exc: StoreUnavailable) -> tuple[str, bool]:
    """(what the page shows, whether it offers "Thử lại") for a store failure. vanhoa.store.errors
    says which failures are worth retrying (busy, a conflict, a server restarting) and which are
    not (a full disk, a read-only store, a past moment, a wrong configuration)."""
    if exc.kind == "config":
        return f"{CONFIGURATION_ADVICE}  \n{exc.message}", False
    return exc.message, exc.retryable


def busy_guard(action):
    """Run `action`; a store that cannot be read or written (held by another process past the
    wait, a full disk, PostgreSQL out of reach, a wrong configuration) gives its Vietnamese line,
    not a traceback, and stops the page there. Nothing was changed (the store rolled the write
    back)."""
    try:
        return action()
    except StoreUnavailable as exc:
        text, retry = failure_text(exc)
        st.error(text)
        if retry and st.button("Thử lại", key=f"retry-{id(action)}"):
            st.rerun()
        st.stop()
