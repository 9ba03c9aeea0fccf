"""The guard in front of Streamlit's routes (server.py): pure ASGI middleware, Streamlit's public
st.App API, no private Streamlit internals.

- Uploads (`/_stcore/upload_file/…`) only for a live sign-in whose account may upload (clerk,
  administrator), refused with 403 before a byte of the body is read; an uploader's bytes in
  flight are capped, and so are everyone's together.
- Downloads (`/media/…`: st.download_button, images) only for a live sign-in; the answer is never
  kept by the browser's cache, so a signed-out browser cannot fetch it again from there.
- `/_stcore/metrics` answers 404 unless an operator sets VANHOA_METRICS=1.
- The websocket's `clear_cache` message (key "c", or crafted) is dropped: it would clear
  st.cache_data for every user.
- Every HTTP response carries Content-Security-Policy, X-Frame-Options, X-Content-Type-Options
  and Referrer-Policy.

"A live sign-in" is the sign-in cookie (vanhoa.ui.COOKIE_NAME) of a session the store still
holds (vanhoa.auth.session_account): signing out deletes it, so a download link stops working
with it. The answer is kept CACHE_SECONDS per token so that a page's requests do not each ask the
store; a session ended elsewhere is therefore refused at most that long after.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import os
import re
import threading
import time
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The roles whose menu has "Nộp báo cáo" (app.pages_for); nobody else may send a file.
UPLOADERS = frozenset({"clerk", "admin"})
# Streamlit adds this much to the file for the multipart framing (its own cap allows 1 MiB).
MULTIPART_MARGIN = 1024 * 1024
# One account may have this many files' worth of bytes arriving at once (a clerk may choose
# several files; the browser sends them together), everyone together four times that. A request
# over the budget waits for room, and gives up after UPLOAD_WAIT_SECONDS.
ACCOUNT_FILES_IN_FLIGHT = 2
SERVER_FILES_IN_FLIGHT = 8
UPLOAD_WAIT_SECONDS = 60.0
CACHE_SECONDS = 2.0
CACHE_ENTRIES = 1024

# Streamlit's XSRF cookie (double-submit): the browser sends it with every request and with the
# websocket that the app's runs see (st.context.cookies), so it names one browser on both sides.
XSRF_COOKIE = "_streamlit_xsrf"
VOUCHED_ENTRIES = 4096

NOT_SIGNED_IN = "Hãy đăng nhập để dùng chức năng này."
MAY_NOT_UPLOAD = "Tài khoản của bạn không có quyền tải tệp lên."
UPLOADS_BUSY = "Máy chủ đang nhận nhiều tệp cùng lúc. Vui lòng thử lại sau ít phút."
STORE_BUSY = "Kho dữ liệu đang bận. Vui lòng thử lại sau ít phút."


_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.S | re.I)


def inline_script_hashes(html: bytes) -> list[str]:
    """'sha256-…' of each inline <script> of an HTML page: allowing exactly those by hash keeps
    script-src free of 'unsafe-inline'."""
    return ["'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
            for body in _INLINE_SCRIPT.findall(html)]


def _streamlit_index_hashes() -> list[str]:
    """Streamlit's index.html has one inline line (`window.prerenderReady = false`)."""
    import streamlit

    try:
        return inline_script_hashes((Path(streamlit.__file__).parent / "static" / "index.html").read_bytes())
    except OSError:
        return []


def content_security_policy(frame_ancestors: str = "'none'", script_hashes: list[str] | None = None) -> str:
    """The policy, checked in Chromium on every page (tests/test_server_guard.py): Streamlit's
    bundle and its Vega-Lite charts need nothing from another origin and no eval (Streamlit draws
    charts with vega-interpreter); its styles are injected at run time (emotion), hence
    'unsafe-inline' for styles only. img-src has no remote origin, so a picture named in a clerk's
    text is never fetched by a leader's browser. The websocket is 'self' (CSP level 3)."""
    hashes = _INDEX_HASHES if script_hashes is None else script_hashes
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *hashes]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "worker-src 'self' blob:",
        "frame-src 'self'",  # the sign-in cookie's component is an iframe of this server
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors " + frame_ancestors,
    ])


_INDEX_HASHES = _streamlit_index_hashes()


def security_headers(frame_ancestors: str = "'none'", frame_options: str = "DENY",
                     script_hashes: list[str] | None = None) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", content_security_policy(frame_ancestors, script_hashes).encode()),
        (b"x-frame-options", frame_options.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]


# XSRF cookie -> sign-in token, as the app last saw them together (vouch): newest last.
_vouched: dict[str, str] = {}
_vouched_lock = threading.Lock()


def browser_key(xsrf: str | None) -> str | None:
    """The browser's XSRF secret, the same in every response's cookie: Streamlit re-masks it each
    time it sets the cookie (Tornado's version-2 format "2|mask|masked|time": the secret XOR the
    4-byte mask, repeated), so the websocket the app saw and a later request carry different cookie values."""
    if not xsrf:
        return None
    value = xsrf.strip("\"'")
    parts = value.split("|")
    if len(parts) == 4 and parts[0] == "2":
        try:
            mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
        except ValueError:
            return None
        if not mask or not masked:
            return None
        return bytes(c ^ mask[i % len(mask)] for i, c in enumerate(masked)).hex()  # the mask repeats
    return value


def vouch(xsrf: str | None, token: str | None) -> None:
    """The app says, at every run (vanhoa.ui.current_account): the browser with this XSRF cookie
    is signed in with `token` (None: nobody). The sign-in cookie reaches the browser only a moment
    after the sign-in (a component sets it in the next run), and may never come when a rerun
    unmounts that component first; a clerk who picks a file at once would be refused. So the
    guard also accepts the token the app vouched for that browser, checked like the cookie's: a
    live session of an account allowed to do it. Kept in this process only (sticky sessions put a
    browser on one server); bounded, oldest forgotten first."""
    key = browser_key(xsrf)
    if not key:
        return
    with _vouched_lock:
        _vouched.pop(key, None)
        if token:
            _vouched[key] = token
            while len(_vouched) > VOUCHED_ENTRIES:
                del _vouched[next(iter(_vouched))]


def metrics_enabled() -> bool:
    return os.environ.get("VANHOA_METRICS", "").strip().lower() in ("1", "true", "yes")


class _Budget:
    """Bytes that may be arriving at once, per account and in total. A request reserves its
    declared size before its body is read (so a refused one costs nothing) and returns it when
    Streamlit is done with it."""

    def __init__(self, per_account: int, total: int) -> None:
        self.per_account, self.total = per_account, total
        self.used: dict[str, int] = {}
        self.used_total = 0
        self._changed: asyncio.Condition | None = None

    def _fits(self, account: str, size: int) -> bool:
        return (self.used.get(account, 0) + size <= self.per_account
                and self.used_total + size <= self.total)

    async def reserve(self, account: str, size: int, wait: float) -> bool:
        if self._changed is None:
            self._changed = asyncio.Condition()
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: self._fits(account, size)), wait)
            except TimeoutError:
                return False
            self.used[account] = self.used.get(account, 0) + size
            self.used_total += size
            return True

    async def release(self, account: str, size: int) -> None:
        async with self._changed:
            self.used[account] -= size
            if not self.used[account]:
                del self.used[account]
            self.used_total -= size
            self._changed.notify_all()


class Guard:
    """ASGI middleware; `Middleware(Guard)` in server.py. `store` is a vanhoa.store.Store (by
    default the one VANHOA_DB names, opened at the first request that needs it)."""

    def __init__(self, app: ASGIApp, store=None, max_upload_mib: int | None = None,
                 base_url: str | None = None) -> None:
        import streamlit as st

        # Imported here, not at the top: server.py imports this module before Streamlit's runtime
        # exists, and vanhoa.ui's cached functions must be made inside the runtime.
        from vanhoa.ui import COOKIE_NAME

        self.cookie_name = COOKIE_NAME
        self.app = app
        self._store = store
        base = (base_url if base_url is not None else st.get_option("server.baseUrlPath") or "").strip("/")
        self.prefix = "/" + base if base else ""
        mib = max_upload_mib if max_upload_mib is not None else st.get_option("server.maxUploadSize")
        self.max_body = int(mib) * 1024 * 1024 + MULTIPART_MARGIN
        self.budget = _Budget(ACCOUNT_FILES_IN_FLIGHT * self.max_body, SERVER_FILES_IN_FLIGHT * self.max_body)
        self._cache: dict[str, tuple[float, str | None, str | None]] = {}

    # ------------------------------------------------------------ entry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self.app(scope, _without_clear_cache(receive), send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if self.prefix and path.startswith(self.prefix + "/"):
            path = path[len(self.prefix):]
        method = scope["method"]
        send = _with_headers(send, path)

        if path.rstrip("/") == "/_stcore/metrics" and not metrics_enabled():
            await _plain(send, 404, "Not Found")
            return
        if path.startswith("/media/") and method != "OPTIONS":
            account, refusal = await self._account(scope)
            if refusal:
                await refusal(send)
                return
        if path.startswith("/_stcore/upload_file/") and method not in ("OPTIONS", "DELETE"):
            # DELETE lets a page drop a file it sent: it only frees memory, so it stays open.
            await self._upload(scope, receive, send)
            return
        await self.app(scope, receive, send)

    # ------------------------------------------------------------ uploads

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        account, refusal = await self._account(scope)
        if refusal:
            await refusal(send)
            return
        name, role = account
        if role not in UPLOADERS:
            await _plain(send, 403, MAY_NOT_UPLOAD)
            return
        declared = HTTPConnection(scope).headers.get("content-length")
        size = self.max_body
        if declared and declared.isdigit():
            # a larger one is Streamlit's to refuse (413, before reading): reserve no more than it reads
            size = min(int(declared), self.max_body)
        if not await self.budget.reserve(name, size, UPLOAD_WAIT_SECONDS):
            await _plain(send, 503, UPLOADS_BUSY)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            await self.budget.release(name, size)

    # ------------------------------------------------------------ sign-in

    async def _account(self, scope: Scope):
        """((account name, role), None) for a live sign-in, else (None, a function sending the
        refusal). The token the app vouched for this browser is tried first (the tab's current
        sign-in, see vouch), then the browser's sign-in cookie."""
        from vanhoa.store import StoreUnavailable

        cookies = HTTPConnection(scope).cookies
        with _vouched_lock:
            vouched = _vouched.get(browser_key(cookies.get(XSRF_COOKIE)) or "")
        for token in dict.fromkeys(t for t in (vouched, cookies.get(self.cookie_name)) if t):
            try:
                name, role = await self._cached_lookup(token)
            except StoreUnavailable as exc:  # busy, a full disk, PostgreSQL down: its one line
                return None, lambda send, line=exc.message or STORE_BUSY: _plain(send, 503, line)
            if name is not None:
                return (name, role), None
        return None, lambda send: _plain(send, 403, NOT_SIGNED_IN)

    async def _cached_lookup(self, token: str) -> tuple[str | None, str | None]:
        """(name, role) of the live session of `token`, or (None, None); CACHE_SECONDS per token."""
        now = time.monotonic()
        hit = self._cache.get(token)
        if hit is None or hit[0] < now:
            name, role = await run_in_threadpool(self._lookup, token)
            if len(self._cache) >= CACHE_ENTRIES:
                self._cache = {t: v for t, v in self._cache.items() if v[0] >= now}
                if len(self._cache) >= CACHE_ENTRIES:
                    self._cache.clear()
            hit = self._cache[token] = (now + CACHE_SECONDS, name, role)
        return hit[1], hit[2]

    def _lookup(self, token: str) -> tuple[str | None, str | None]:
        from vanhoa import auth
        from vanhoa.store import Store

        if self._store is None:
            self._store = Store()
        account = auth.session_account(self._store, token)
        return (account.name, account.role) if account else (None, None)


# ---------------------------------------------------------------- helpers


def _with_headers(send: Send, path: str) -> Send:
    """`send` with the security headers added to the response (replacing any of the same name).

    A component (/component/…: the sign-in cookie's) is an iframe of our own page, so only we may
    frame it; its index.html has inline scripts of its own (a build's runtime chunk), which are
    allowed by their hashes, computed from the page as it is sent (gzip undone for that)."""
    component = path.startswith("/component/")
    extra = security_headers("'self'", "SAMEORIGIN") if component else security_headers()
    if path.startswith("/media/"):
        extra.append((b"cache-control", b"no-store"))
    start: Message | None = None
    chunks: list[bytes] = []

    def with_extra(message: Message, headers: list[tuple[bytes, bytes]]) -> Message:
        names = {name for name, _ in headers}
        kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
        return {**message, "headers": kept + headers}

    async def sending(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            given = dict((k.lower(), v) for k, v in message.get("headers", []))
            if component and given.get(b"content-type", b"").startswith(b"text/html"):
                start = message  # held until the body is whole
                return
            message = with_extra(message, extra)
        elif message["type"] == "http.response.body" and start is not None:
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            given = dict((k.lower(), v) for k, v in start.get("headers", []))
            html = body
            if body and given.get(b"content-encoding") == b"gzip":
                try:
                    html = gzip.decompress(body)
                except (OSError, EOFError):
                    html = b""  # not gzip after all: no inline script is allowed
            await send(with_extra(start, security_headers("'self'", "SAMEORIGIN", inline_script_hashes(html))))
            start = None
            message = {"type": "http.response.body", "body": body}
        await send(message)

    return sending


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _without_clear_cache(receive: Receive) -> Receive:
    """The websocket's incoming messages minus BackMsg `clear_cache`.

    Streamlit has no setting that turns the message off (app_session.AppSession.handle_backmsg
    clears every user's st.cache_data when any browser sends it), and no public hook between the
    socket and that handler. The message itself is public: it is the wire format between
    Streamlit's frontend and server, described by the BackMsg protobuf that Streamlit ships
    (streamlit.proto). Reading that format at the socket is therefore the least private place to
    stop it: nothing inside Streamlit is touched, and a message that does not parse is passed on
    for Streamlit to refuse as before."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    async def receiving() -> Message:
        while True:
            message = await receive()
            data = message.get("bytes") if message["type"] == "websocket.receive" else None
            if data:
                back = BackMsg()
                try:
                    back.ParseFromString(data)
                except Exception:  # noqa: BLE001 - not ours to judge; Streamlit answers it
                    return message
                if back.WhichOneof("type") == "clear_cache":
                    continue
            return message

    return receiving
