"""The pages' reads, kept in st.cache_data and keyed by the store's data version, so every session
shares them and a write that changes figures makes them read again:

- query: one query's result;
- prefetch: the queries a page is about to ask for, started together;
- derived: what a page builds from query results (formatted tables, chart specs);
- reference: the reference lists, once per data version and once per script run.

Every cached function here is pure: its result depends only on its arguments (the data version
among them). Streamlit's public caching only; nothing is kept on Streamlit's own objects."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import streamlit as st

from vanhoa.reference import Reference
from vanhoa.store import Store
from vanhoa.ui.keys import APPROVED_KEY
from vanhoa.ui.run import run_memo
from vanhoa.ui.stores import store_from_key, store_key, view_store


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_query(target: str, moment: str | None, data_version: str, name: str, params: tuple) -> pd.DataFrame:
    return store_from_key(target, moment).query(name, **dict(params))


def _query_key(store: Store, version: str, name: str, params: dict) -> tuple:
    """The arguments of _cached_query: the store, its data version, the query and its parameters
    (with the sidebar's "approved only" for the queries that take it)."""
    from vanhoa.store import load_sql

    if "$approved_only" in load_sql(name):
        params = {"approved_only": bool(st.session_state.get(APPROVED_KEY, False)), **params}
    return (*store_key(store), version, name, tuple(sorted(params.items())))


def _query_keys(calls: tuple[tuple[str, dict], ...]) -> tuple[tuple, ...]:
    store = view_store()
    # the names: a query of the log (audit, uploads) is keyed by every write, not only figures
    version = store.data_version(*(name for name, _ in calls))
    return tuple(_query_key(store, version, name, dict(params)) for name, params in calls)


def query(name: str, **params) -> pd.DataFrame:
    """A query's result, cached until the store's data changes. Queries that can show approved
    data only get the sidebar's choice."""
    store = view_store()
    return _cached_query(*_query_key(store, store.data_version(name), name, params))


def _fill(key: tuple) -> None:
    try:
        _cached_query(*key)
    except Exception:  # noqa: BLE001 - the page's own query() call meets it where the page handles it
        pass


@st.cache_data(show_spinner=False, max_entries=64)
def _prefetched(keys: tuple) -> bool:
    # Its result says only "done"; what it does is fill _cached_query's entries for `keys`, which
    # name their data version, so it is as pure as they are, and one look-up on a warm run. The
    # workers are plain threads: st.cache_data is thread-safe and needs no script run there (they
    # call no Streamlit command), and a second session asking for a key meanwhile waits for it.
    with ThreadPoolExecutor(max_workers=min(4, len(keys)), thread_name_prefix="vanhoa-prefetch") as pool:
        list(pool.map(_fill, keys))
    return True


def prefetch(*calls: tuple[str, dict]) -> None:
    """Start the queries a page is about to ask for (name, params) together: on a cold run the
    page then waits for the slowest of them rather than for their sum (DuckDB runs them side by
    side on one machine's cores). The results land in query()'s cache, where the page's own
    query() calls, with the same parameters, find them; on a warm run this is one cache look-up."""
    keys = _query_keys(calls)
    if len(keys) > 1:
        _prefetched(keys)


@st.cache_data(show_spinner=False, max_entries=64)
def _derived(builder: str, keys: tuple, extra: tuple, _build) -> object:
    # `builder` names _build (left out of the cache key by its leading underscore), whose result
    # depends only on the results of the queries named by `keys` and on `extra`.
    return _build(*(_cached_query(*key) for key in keys), **dict(extra))


def derived(build, *calls: tuple[str, dict], **extra):
    """build(the result of each query call (name, params), **extra), built once per data version
    and kept in query()'s cache (cleared with it): what a page derives from a large result (a
    thousand rows formatted, a chart's spec) is built again when the data or the arguments
    change, not at every rerun. `build` is a module-level function that shows nothing and
    depends on nothing else (the reference lists and formats are fine)."""
    keys = _query_keys(calls)
    return _derived(f"{build.__module__}.{build.__qualname__}", keys, tuple(sorted(extra.items())), build)


@st.cache_data(show_spinner=False, max_entries=8)
def _cached_reference(target: str, moment: str | None, data_version: str) -> Reference:
    return store_from_key(target, moment).reference()


def reference() -> Reference:
    """The reference lists of the store the page reads. One copy per script run (vanhoa.ui.run):
    a page asks for it twenty times, and each copy out of st.cache_data is unpickled (1,000 units
    at province scale: 1-2 ms each)."""
    store = view_store()
    key = (*store_key(store), store.data_version())
    memo = run_memo()
    if ("reference", key) not in memo:
        memo["reference", key] = _cached_reference(*key)
    return memo["reference", key]
