"""Streamlit helpers shared by the pages (`from vanhoa import ui`; every name below is `ui.<name>`).

This package is the only part of vanhoa that imports streamlit. One job per module:

- keys: the names under which st.session_state holds what pages share;
- stores: the store a page writes to and the one it reads (now, or a past moment);
- run: a memo that lives for one script run (`@ui.per_run` on the app's entry point);
- cache: cached reads keyed by the store's data version (query, prefetch, derived, reference);
- failures: a store failure shown for what it is (busy_guard);
- session: the signed-in account, the role check, sign-out;
- cookies: the sign-in cookie;
- periods: the periods offered and chosen, today in Việt Nam;
- downloads: the CSV and Excel buttons under a table;
- markdown: user text shown as text;
- frames: what st.dataframe is given.
"""

from __future__ import annotations

import streamlit as st

from vanhoa.ui.cache import derived, prefetch, query, reference
from vanhoa.ui.cookies import COOKIE_NAME, apply_cookie_changes, remember_sign_in
from vanhoa.ui.downloads import download_buttons, download_buttons_later
from vanhoa.ui.failures import busy_guard
from vanhoa.ui.frames import arrow_table, table_height
from vanhoa.ui.keys import (
    ACCOUNT_KEY,
    APPROVED_KEY,
    AS_OF_KEY,
    COOKIE_PENDING,
    KEPT_ACROSS_ACCOUNTS,
    OWNER_KEY,
    PERIOD_KEY,
    TOKEN_KEY,
)
from vanhoa.ui.markdown import WORD_JOINER, escape_lines, escape_md
from vanhoa.ui.periods import (
    current_reporting_period,
    filed_periods,
    latest_period_with_data,
    period_label,
    period_options,
    selected_period,
    today,
)
from vanhoa.ui.run import per_run
from vanhoa.ui.session import belong_to, current_account, require, sign_out
from vanhoa.ui.stores import as_of, get_store, store_from_key, store_key, view_store

__all__ = [
    "st",  # tests replace st.context through ui.st
    "derived", "prefetch", "query", "reference",
    "COOKIE_NAME", "apply_cookie_changes", "remember_sign_in",
    "download_buttons", "download_buttons_later",
    "busy_guard",
    "arrow_table", "table_height",
    "ACCOUNT_KEY", "APPROVED_KEY", "AS_OF_KEY", "COOKIE_PENDING", "KEPT_ACROSS_ACCOUNTS", "OWNER_KEY", "PERIOD_KEY",
    "TOKEN_KEY",
    "WORD_JOINER", "escape_lines", "escape_md",
    "current_reporting_period", "filed_periods", "latest_period_with_data", "period_label", "period_options",
    "selected_period", "today",
    "per_run",
    "belong_to", "current_account", "require", "sign_out",
    "as_of", "get_store", "store_from_key", "store_key", "view_store",
]
