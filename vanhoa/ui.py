"""Streamlit helpers shared by the pages: the store, cached queries, Vietnamese formats, downloads.

This is the only module of the package that imports streamlit.
"""

from __future__ import annotations

import datetime as dt
import re
import threading

import pandas as pd
import pyarrow as pa
import streamlit as st

from vanhoa.reference import Reference
from vanhoa.store import Store, StoreUnavailable, resolve_target

PERIOD_KEY = "period"  # the shared period selector's session key
APPROVED_KEY = "approved_only"  # the shared "approved data only" toggle
ACCOUNT_KEY = "account"
TOKEN_KEY = "session_token"
COOKIE_NAME = "vanhoa_session"
COOKIE_PENDING = "cookie_pending"  # ("set", token, expires_at UTC) until sign-out, or ("delete", None, None) once
AS_OF_KEY = "as_of"  # DuckLake only: an administrator views the store as it stood then (ISO, local)
OWNER_KEY = "session_owner"  # the account (its name; None: signed out) the rest of the session belongs to
# What outlives a change of account: the sign-in itself and the cookie the next run sets or deletes.
# Everything else in st.session_state (check results, previews, downloads, choices, the period,
# as_of, ...) is the previous account's and is forgotten; see belong_to.
KEPT_ACROSS_ACCOUNTS = {ACCOUNT_KEY, TOKEN_KEY, COOKIE_PENDING, OWNER_KEY}


# ---------------------------------------------------------------- formats

# The Vietnamese formats live in vanhoa.formats (no streamlit there, so the report, the downloads
# and the charts use the same ones); the pages reach them through ui as before.
from vanhoa.formats import (  # noqa: E402,F401  (re-exported for the pages)
    DATE_FORMAT, TIME_FORMAT, deadline_text, fmt_date, fmt_dates, fmt_goal, fmt_int, fmt_money,
    fmt_money_short, fmt_pct, fmt_time, fmt_times, fmt_yes_no, provisional_note,
)


# The characters that Streamlit's Markdown (CommonMark, GitHub's extensions, math, directives,
# emoji) reads as markup wherever they are; a backslash before one shows it as itself.
_MD_SPECIALS = frozenset("\\`*_{}[]()<>~:$&|")
_MD_ESCAPES = {ord(ch): "\\" + ch for ch in _MD_SPECIALS}
# ... and those that are markup only at the start of a line (a heading, a list, a quote, a setext
# underline): escaped there only, so an ordinary name ("Phòng Tổ chức - Hành chính") is unchanged.
_LINE_START_RE = re.compile(r"^(\s*)([-+#=]|\d+(?=\.))", re.MULTILINE)
# Backslashes are not enough: GitHub's autolinks ("https://…", "www.…", "a@b.vn"), the emoji
# (":smile:") and the icons (":material/home:") are found again in the text AFTER the escapes are
# read, so a URL escaped as "https\:\/\/…" still becomes a link. A WORD JOINER (U+2060, invisible,
# no line break, no change to the letters around it) after a ':' that something follows, between
# "www" and '.', and before '@' breaks those patterns; the reader sees exactly the same characters.
WORD_JOINER = "\u2060"
_UNLINK_RE = re.compile(r"(?<=:)(?=\S)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
_MAY_BE_MARKUP_RE = re.compile(r"[\\`*_{}\[\]()<>~:$&|@\n\r]|^\s*[-+#=\d]|www", re.IGNORECASE)


def escape_md(text) -> str:
    """User text shown through Markdown (st.markdown, captions, alerts, labels, help, toasts)
    stays text, shown exactly as typed: no link, image, autolink, emphasis, HTML, LaTeX, colour
    directive, emoji or icon, heading, list, quote, table or entity. The text's start counts as
    a line's start (it may begin a heading or a list item). See WORD_JOINER."""
    text = "" if text is None else str(text)
    if not _MAY_BE_MARKUP_RE.search(text):  # most names: nothing to do (a thousand units per page)
        return text
    text = text.translate(_MD_ESCAPES)
    text = _LINE_START_RE.sub(lambda m: m.group(1) + ("\\" + m.group(2) if not m.group(2)[0].isdigit()
                                                      else m.group(2) + "\\"), text)
    return _UNLINK_RE.sub(WORD_JOINER, text)


def escape_lines(text) -> str:
    """Several lines of user text (a return's warnings), each escaped and kept on its own line."""
    return "  \n".join(escape_md(line) for line in str(text or "").splitlines())



def table_height(rows: int, limit: int = 20) -> int:
    """Pixels for a dataframe that shows up to `limit` rows without an inner scroll bar."""
    return 38 + 35 * min(max(rows, 1), limit)


def today() -> dt.date:
    """Today in Việt Nam (deadlines are Vietnamese dates, whatever the server's zone)."""
    from vanhoa.store import now_local

    return now_local().date()


# ---------------------------------------------------------------- store


def _run_memo() -> dict:
    """A dict that lives for the current script run only: Streamlit starts every run (rerun,
    fragment) with a new `cursors` dict in its run context, held here so it cannot be
    mistaken for a later one. Outside a run (a thread, bare mode): a new dict, nothing kept."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return {}
    held = getattr(ctx, "_vanhoa_run_memo", None)
    if held is None or held[0] is not ctx.cursors:
        held = (ctx.cursors, {})
        ctx._vanhoa_run_memo = held
    return held[1]


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


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_query(target: str, moment: str | None, data_version: str, name: str, params: tuple) -> pd.DataFrame:
    # Pure: the result depends only on the arguments, data_version included.
    return store_from_key(target, moment).query(name, **dict(params))


def _query_key(store: Store, version: str, name: str, params: dict) -> tuple:
    """The arguments of _cached_query: the store, its data version, the query and its parameters
    (with the sidebar's "approved only" for the queries that take it)."""
    from vanhoa.store import load_sql

    if "$approved_only" in load_sql(name):
        params = {"approved_only": bool(st.session_state.get(APPROVED_KEY, False)), **params}
    return (*store_key(store), version, name, tuple(sorted(params.items())))


def query(name: str, **params) -> pd.DataFrame:
    """A query's result, cached until the store's data changes. Queries that can show approved
    data only get the sidebar's choice."""
    store = view_store()
    return _cached_query(*_query_key(store, store.data_version(), name, params))


@st.cache_data(show_spinner=False, max_entries=64)
def _prefetched(keys: tuple, _ctx) -> bool:
    # Pure: runs _cached_query for each key (side by side) and only says it did; kept in the
    # same cache as the results, so clearing one clears the other.
    from concurrent.futures import ThreadPoolExecutor

    from streamlit.runtime.scriptrunner import add_script_run_ctx

    def run(key: tuple) -> None:
        if _ctx is not None:  # Streamlit's caches expect the run's context in every thread
            add_script_run_ctx(threading.current_thread(), _ctx)
        try:
            _cached_query(*key)
        except Exception:  # noqa: BLE001 - the page's own query() call meets it where the page handles it
            pass

    with ThreadPoolExecutor(max_workers=min(4, len(keys)), thread_name_prefix="vanhoa-prefetch") as pool:
        list(pool.map(run, keys))
    return True


def prefetch(*calls: tuple[str, dict]) -> None:
    """Start the queries a page is about to ask for (name, params) together: on a cold run the
    page then waits for the slowest of them rather than for their sum (DuckDB runs them side by
    side on one machine's cores). The results land in query()'s cache, where the page's own
    query() calls, with the same parameters, find them; on a warm run this is one cache look-up."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    store = view_store()
    version = store.data_version()
    keys = tuple(_query_key(store, version, name, dict(params)) for name, params in calls)
    if len(keys) > 1:
        _prefetched(keys, get_script_run_ctx(suppress_warning=True))


@st.cache_data(show_spinner=False, max_entries=64)
def _derived(builder: str, keys: tuple, extra: tuple, _build) -> object:
    # Pure: `builder` names _build, whose result depends only on the results of the queries
    # named by `keys` (their data version included) and on `extra`.
    return _build(*(_cached_query(*key) for key in keys), **dict(extra))


def derived(build, *calls: tuple[str, dict], **extra):
    """build(the result of each query call (name, params), **extra), built once per data version
    and kept in query()'s cache (cleared with it): what a page derives from a large result (a
    thousand rows formatted, a chart's spec) is built again when the data or the arguments
    change, not at every rerun. `build` is a module-level function that shows nothing and
    depends on nothing else (the reference lists and formats are fine)."""
    store = view_store()
    version = store.data_version()
    keys = tuple(_query_key(store, version, name, dict(params)) for name, params in calls)
    return _derived(f"{build.__module__}.{build.__qualname__}", keys, tuple(sorted(extra.items())), build)


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """The Arrow table st.dataframe makes of `frame` (pyarrow's conversion, which Streamlit
    tries first; the browser gets the same bytes). Built inside a ui.derived builder, a large
    table is not converted again at every rerun (1.000 rows: a few milliseconds each time)."""
    return pa.Table.from_pandas(frame)


# ---------------------------------------------------------------- accounts


def current_account():
    """The signed-in account, checked against the store on every run (a disabled account or an
    ended session is signed out at once); restored from the browser's cookie after a reload.
    The router and the page both ask: the store is asked once per run and token."""
    from vanhoa import auth

    store = get_store()
    token = st.session_state.get(TOKEN_KEY) or st.context.cookies.get(COOKIE_NAME)
    memo = _run_memo()
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
        seconds = max(int((expires_at - dt.datetime.now(dt.timezone.utc)).total_seconds()), 0)
        cookies.set(COOKIE_NAME, token, key="cookie_set", path="/", same_site="strict", secure=_served_over_https(),
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

    ends = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=auth.session_hours())
    st.session_state[COOKIE_PENDING] = ("set", token, ends)


def _served_over_https() -> bool:
    """Whether the browser shows the app at an https address (st.context.url is the browser's
    own address, so a TLS proxy in front of a plain-http Streamlit counts as https)."""
    try:
        url = st.context.url or ""
    except Exception:  # noqa: BLE001 - no browser context (AppTest): not https
        return False
    return url.lower().startswith("https://")


def sign_out() -> None:
    from vanhoa import auth

    auth.end_session(get_store(), st.session_state.get(TOKEN_KEY), st.session_state.get(ACCOUNT_KEY))
    st.session_state.pop(ACCOUNT_KEY, None)
    st.session_state.pop(TOKEN_KEY, None)
    _forget_everything()  # what the account left (as_of included) goes with it
    st.session_state[OWNER_KEY] = None
    st.session_state[COOKIE_PENDING] = ("delete", None, None)


@st.cache_data(show_spinner=False, max_entries=8)
def _cached_reference(target: str, moment: str | None, data_version: str) -> Reference:
    return store_from_key(target, moment).reference()


def reference() -> Reference:
    """The reference lists of the store the page reads. One copy per script run: a page asks
    for it twenty times, and each copy out of st.cache_data is unpickled (1,000 units at
    province scale: 1-2 ms each)."""
    store = view_store()
    key = (*store_key(store), store.data_version())
    memo = _run_memo()
    if ("reference", key) not in memo:
        memo["reference", key] = _cached_reference(*key)
    return memo["reference", key]


def busy_guard(action):
    """Run `action`; a store that cannot be read or written (held by another process past the
    wait, a full disk, PostgreSQL out of reach) gives its one Vietnamese line, not a traceback,
    and stops the page there. Nothing was changed (the store rolled the write back)."""
    try:
        return action()
    except StoreUnavailable as exc:
        st.error(exc.message)
        if st.button("Thử lại", key=f"retry-{id(action)}"):
            st.rerun()
        st.stop()


def period_options() -> list[str]:
    """Periods to choose from: those with a return, and those whose deadline has come."""
    ref = reference()
    filed = set(filed_periods())
    today_ = today()
    codes = [code for code, period in ref.periods.items() if code in filed or period.start <= today_]
    return sorted(codes)


def filed_periods() -> list[str]:
    """The codes of the periods with a stored return, oldest first (empty: nothing filed yet)."""
    return query("filed_periods")["period"].tolist()


def latest_period_with_data() -> str | None:
    filed = filed_periods()
    return filed[-1] if filed else None


def current_reporting_period() -> str:
    """The period clerks are filing now: the first whose deadline has not passed."""
    today_ = today()
    periods = sorted(reference().periods.values(), key=lambda p: (p.deadline, p.code))
    upcoming = [p.code for p in periods if p.deadline >= today_]
    return upcoming[0] if upcoming else periods[-1].code


def selected_period() -> str:
    """The period chosen in the sidebar (shared by every page)."""
    value = st.session_state.get(PERIOD_KEY)
    if value:
        return value
    return latest_period_with_data() or period_options()[0]


def period_label(code: str) -> str:
    period = reference().periods.get(code)
    return period.label if period else code


def download_buttons(frame: pd.DataFrame, stem: str, key: str, table) -> None:
    """'Tải xuống CSV' and 'Tải xuống Excel' for exactly the rows shown, as shown: `table` is the
    table's description (vanhoa.tables.columns_of: an export table's name, or its columns), the
    one the page made its screen frame with. The files are written when a button is clicked."""
    download_buttons_later(lambda: frame, stem, key, table)


def download_buttons_later(rows, stem: str, key: str, table) -> None:
    """'Tải xuống CSV' and 'Tải xuống Excel', each file written when its button is clicked
    (Streamlit's deferred download): writing 100,000 rows to Excel takes seconds, which every
    rerun of the page would otherwise wait for. `rows` is a function returning the query's frame
    to write; `table` describes its columns (vanhoa.tables): the files have the screen's headers
    and cells (the people's files; the command line's `export` keeps the machine columns)."""
    from vanhoa import tables

    labels = tables.period_labels(reference())  # taken now: the click runs outside the script run
    left, right = st.columns(2)
    left.download_button("Tải xuống CSV", lambda: tables.csv_bytes(rows(), table, labels), file_name=f"{stem}.csv",
                         mime="text/csv", key=f"{key}-csv", width="stretch")
    right.download_button("Tải xuống Excel", lambda: tables.xlsx_bytes(rows(), table, labels),
                          file_name=f"{stem}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"{key}-xlsx", width="stretch")
