"""Which store a page writes to (get_store) and reads from (view_store: now, or the past moment an
administrator chose on 'Lịch sử kho'), and how a store is named in cached functions' arguments."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from vanhoa.store import Store, resolve_target
from vanhoa.ui.keys import ACCOUNT_KEY, AS_OF_KEY


@st.cache_resource
def _store_for(target: str) -> Store:
    return Store(target)


def get_store() -> Store:
    """The store named by VANHOA_DB (or the default). It holds no connection: each operation
    opens and closes its own, so the command line can write while the app runs."""
    return _store_for(resolve_target())


def as_of() -> dt.datetime | None:
    """The past moment an administrator chose to view (DuckLake only), or None for now."""
    value = st.session_state.get(AS_OF_KEY)
    account = st.session_state.get(ACCOUNT_KEY)
    if not value or account is None or account.role != "admin" or not get_store().lake:
        return None
    from vanhoa.store import LOCAL_TZ

    return dt.datetime.fromisoformat(value).replace(tzinfo=LOCAL_TZ)


@st.cache_resource(max_entries=4)
def _past_store(target: str, moment: str) -> Store:
    from vanhoa.store import LOCAL_TZ

    return Store(target, as_of=dt.datetime.fromisoformat(moment).replace(tzinfo=LOCAL_TZ))


def view_store() -> Store:
    """What the pages read: the store now, or as it stood at the moment chosen on 'Lịch sử kho'.
    Writes always go to get_store()."""
    moment = as_of()
    if moment is None:
        return get_store()
    return _past_store(get_store().target, moment.replace(tzinfo=None).isoformat())


def store_key(store: Store) -> tuple[str, str | None]:
    """(target, moment) that names a store in cached functions' arguments; see store_from_key."""
    return store.target, (store.as_of.replace(tzinfo=None).isoformat() if store.as_of else None)


def store_from_key(target: str, moment: str | None) -> Store:
    return _past_store(target, moment) if moment else Store(target)
