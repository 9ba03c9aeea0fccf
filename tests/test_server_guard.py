"""The server in front of the app (server.py, vanhoa/webguard.py), tried the way a hostile visitor
would: a real `streamlit run server.py` on a copy of the demonstration store, spoken to over HTTP
and Streamlit's websocket as the browser speaks them, and in Chromium for the pages and downloads.

Issue 12: uploads from a signed-out visitor (16 x 49 MiB from the sign-in page grew the server
by 784 MB), downloads without a session, public metrics, cache clearing by anyone, no security
headers, every interface listened on."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import os
import re
import select
import socket
import subprocess
import threading
import time
import tomllib
import urllib.error
import urllib.request
import uuid

import psutil
import pytest
from live_server import ROOT, USERS, Server, demo_copy_with_accounts, sign_in

from vanhoa import auth, webguard
from vanhoa.store import Store

MIB = 1024 * 1024
HEADERS = {"x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "same-origin"}
CSP_MUST = ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "img-src 'self' data: blob:"]


def session_token(db: str, role: str) -> str:
    """A sign-in of the test account of `role`, made in the store as the sign-in form makes it."""
    store = Store(db)
    name, password = USERS[role]
    account, _ = auth.sign_in(store, name, password)
    token = auth.create_session(store, account)
    store.release()  # the server, another process, opens the file next
    return token


@pytest.fixture(scope="module")
def stores(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("guard")
    return [demo_copy_with_accounts(demo_db, folder / f"{n}.duckdb") for n in ("guarded", "operator")]


@pytest.fixture(scope="module")
def tokens(stores):
    """Sign-ins made before the server starts (then the server is the only one with the file)."""
    return {role: session_token(stores[0], role) for role in ("clerk", "leader")}


@pytest.fixture(scope="module")
def server(stores, tokens):
    running = Server(stores[0])
    yield running
    running.stop()


# ---------------------------------------------------------------- a visitor without a browser


class Visitor:
    """What Streamlit's frontend does before its first upload: GET /_stcore/health for the XSRF
    cookie, then the websocket (its subprotocol carries the XSRF token) and a first run of the
    script; the server's new_session message names the session an upload URL must carry."""

    def __init__(self, url: str, token: str | None = None) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from websockets.sync.client import connect

        self.url = url
        with urllib.request.urlopen(url + "/_stcore/health", timeout=10) as answer:
            self.xsrf_cookie = answer.headers["set-cookie"].split(";")[0]
        self.xsrf = self.xsrf_cookie.split("=", 1)[1]
        self.cookie = self.xsrf_cookie + (f"; {webguard_cookie()}={token}" if token else "")
        self._stack = contextlib.ExitStack()
        self.ws = self._stack.enter_context(connect(
            url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit", self.xsrf],
            additional_headers={"Cookie": self.cookie, "Origin": url}, max_size=None))
        self.session_id: str | None = None
        self.started, self.finished = threading.Event(), threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        rerun = BackMsg()
        rerun.rerun_script.query_string = ""
        self.send(rerun)
        assert self.started.wait(30), "no new_session from the server"

    def send(self, message) -> None:
        self.ws.send(message.SerializeToString())

    def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        with contextlib.suppress(Exception):
            while True:
                message = ForwardMsg()
                message.ParseFromString(self.ws.recv())
                kind = message.WhichOneof("type")
                if kind == "new_session":
                    self.session_id = message.new_session.initialize.session_id
                    self.started.set()
                elif kind == "script_finished":
                    self.finished.set()

    def close(self) -> None:
        self._stack.close()


def webguard_cookie() -> str:
    from vanhoa.ui import COOKIE_NAME

    return COOKIE_NAME


def multipart(size: int) -> tuple[str, bytes]:
    boundary = "vanhoa" + uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bao-cao.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return boundary, head + b"\0" * size + f"\r\n--{boundary}--\r\n".encode()


def put(visitor: Visitor, boundary: str, body: bytes, cookie: str | None = None) -> tuple[int, int, str]:
    """PUT one file to the visitor's own upload URL, as the browser does: (status, body bytes the
    server let us send, answer). Like a client sending `Expect: 100-continue`, it waits half a
    second for an early answer before sending the body, and stops sending once one arrives."""
    port = int(visitor.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall((f"PUT /_stcore/upload_file/{visitor.session_id}/{uuid.uuid4()} HTTP/1.1\r\n"
                      f"Host: 127.0.0.1:{port}\r\nCookie: {cookie or visitor.cookie}\r\nX-Xsrftoken: {visitor.xsrf}\r\n"
                      f"Origin: {visitor.url}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
                      f"Content-Length: {len(body)}\r\n\r\n").encode())
        sent, view, step = 0, memoryview(body), 1 << 18
        if not select.select([sock], [], [], 0.5)[0]:
            with contextlib.suppress(OSError):
                while sent < len(body) and not select.select([sock], [], [], 0)[0]:
                    sock.sendall(view[sent:sent + step])
                    sent = min(sent + step, len(body))
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status, sent, answer.read().decode("utf-8", "replace")


def get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


# ---------------------------------------------------------------- uploads


def test_anonymous_upload_attack_is_refused_before_the_body_and_memory_stays(server):
    """16 x 49 MiB to the sign-in page's own session: each refused before a byte of the body is
    read, the server's memory within +100 MB (it grew by 784 MB and stayed there)."""
    visitor = Visitor(server.url)
    assert visitor.finished.wait(60)  # its sign-in page has been run once, as in a browser
    process = psutil.Process(server.pid)
    before = peak = process.memory_info().rss
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    boundary, body = multipart(49 * MIB)
    answers: list[tuple[int, int, str]] = []
    threads = [threading.Thread(target=lambda: answers.append(put(visitor, boundary, body))) for _ in range(16)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - started
    time.sleep(1)
    after = process.memory_info().rss
    done.set()
    sampler.join()
    visitor.close()
    assert answers == [(403, 0, webguard.NOT_SIGNED_IN)] * 16
    assert peak - before < 100 * MIB and after - before < 100 * MIB, (before, peak, after)
    print(f"16 x 49 MiB anonymous: {took:.2f} s, RSS {before / MIB:.0f} -> peak {peak / MIB:.0f} "
          f"-> {after / MIB:.0f} MiB")


def test_only_a_live_uploaders_sign_in_may_send_a_file(server, tokens, stores):
    boundary, body = multipart(20_000)
    leader = Visitor(server.url, tokens["leader"])
    assert put(leader, boundary, body)[::2] == (403, webguard.MAY_NOT_UPLOAD)
    leader.close()
    forged = Visitor(server.url, "x" * 43)
    assert put(forged, boundary, body)[::2] == (403, webguard.NOT_SIGNED_IN)
    forged.close()

    clerk = Visitor(server.url, tokens["clerk"])
    assert put(clerk, boundary, body)[::2] == (204, "")
    clerk.close()


def test_a_tab_just_signed_in_may_upload_before_its_cookie_arrives(server, stores):
    """The sign-in cookie reaches the browser a moment after the sign-in; meanwhile the app vouches
    for the browser (its XSRF cookie) and the guard takes its word, until that session ends."""
    token = session_token_live(stores[0], "clerk")
    clerk = Visitor(server.url, token)  # the app's run sees the clerk signed in in this browser
    assert clerk.finished.wait(60)
    boundary, body = multipart(20_000)
    # Streamlit masks the XSRF secret anew in every cookie it sets: the browser's cookie is no longer
    # the one the websocket carried once the page has asked /_stcore/health again.
    request = urllib.request.Request(server.url + "/_stcore/health", headers={"Cookie": clerk.xsrf_cookie})
    with urllib.request.urlopen(request, timeout=10) as answer:
        remasked = answer.headers["set-cookie"].split(";")[0]
    assert remasked != clerk.xsrf_cookie
    assert put(clerk, boundary, body, cookie=remasked)[::2] == (204, "")
    stranger = Visitor(server.url)  # another browser: its own XSRF cookie, vouched for by nobody
    assert put(stranger, boundary, body)[::2] == (403, webguard.NOT_SIGNED_IN)
    stranger.close()

    auth.end_session(Store(stores[0]), token, None)  # what "Đăng xuất" does on the server
    time.sleep(webguard.CACHE_SECONDS + 0.5)
    assert put(clerk, boundary, body, cookie=remasked)[::2] == (403, webguard.NOT_SIGNED_IN)
    clerk.close()


def session_token_live(db: str, role: str) -> str:
    """A sign-in made while the server runs (the store file is shared: each waits for the other)."""
    store = Store(db)
    name, password = USERS[role]
    account, _ = auth.sign_in(store, name, password)
    return auth.create_session(store, account)


def test_an_uploaders_bytes_in_flight_are_capped(store, monkeypatch):
    """Two 40 MiB files of one clerk arrive together; a third waits until one is done, and gives
    up with a Vietnamese line when no room comes (in-process: the guard around a stand-in app)."""
    auth.add_account(store, "vanthu.th", "clerk", "mat-khau-clerk-01", "TH", by="test")
    account, _ = auth.sign_in(store, "vanthu.th", "mat-khau-clerk-01")
    token = auth.create_session(store, account)
    monkeypatch.setattr(webguard, "UPLOAD_WAIT_SECONDS", 0.5)

    async def scenario():
        entered, leave = [], asyncio.Event()

        async def app(scope, receive, send):
            entered.append(scope["path"])
            await leave.wait()
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        guard = webguard.Guard(app, store=store, max_upload_mib=50, base_url="")

        async def upload(n: int) -> int:
            scope = {"type": "http", "method": "PUT", "path": f"/_stcore/upload_file/s/{n}",
                     "headers": [(b"cookie", f"vanhoa_session={token}".encode()),
                                 (b"content-length", str(40 * MIB).encode())]}
            sent = []

            async def send(message):
                sent.append(message)

            async def receive():
                return {"type": "http.request", "body": b"", "more_body": False}

            await guard(scope, receive, send)
            return sent[0]["status"], sent[-1].get("body", b"").decode()

        tasks = {n: asyncio.create_task(upload(n)) for n in (1, 2, 3)}
        await asyncio.sleep(0.3)
        assert len(entered) == 2  # 80 MiB in flight; a third 40 MiB would pass the 2 x 51 MiB
        waiting = ({1, 2, 3} - {int(path.rsplit("/", 1)[1]) for path in entered}).pop()
        assert await tasks.pop(waiting) == (503, webguard.UPLOADS_BUSY)
        tasks[4] = asyncio.create_task(upload(4))
        await asyncio.sleep(0.1)
        assert len(entered) == 2  # still full
        leave.set()
        assert [await task for task in tasks.values()] == [(204, "")] * 3
        assert entered[-1] == "/_stcore/upload_file/s/4" and guard.budget.used_total == 0

    asyncio.run(scenario())


# ---------------------------------------------------------------- metrics, headers, address


def test_metrics_are_hidden_and_every_answer_has_the_security_headers(server):
    for path, status in [("/_stcore/metrics", 404), ("/", 200), ("/_stcore/health", 200),
                         ("/_stcore/host-config", 200), ("/media/0123456789abcdef.csv", 403),
                         ("/upload", 200)]:
        got, headers, _ = get(server.url + path)
        assert got == status, path
        assert {name: headers.get(name) for name in HEADERS} == HEADERS, path
        policy = headers["content-security-policy"]
        assert all(part in policy for part in CSP_MUST), policy
        assert "http" not in policy and "*" not in policy and "unsafe-eval" not in policy
        assert re.search(r"script-src [^;]*'unsafe-inline'", policy) is None


def test_metrics_answer_when_an_operator_asks_for_them(monkeypatch):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"cache_memory_bytes 1"})

    async def fetch() -> tuple[int, dict]:
        sent = []

        async def send(message):
            sent.append(message)

        await webguard.Guard(app, store=None, max_upload_mib=50, base_url="")(
            {"type": "http", "method": "GET", "path": "/_stcore/metrics", "headers": []}, None, send)
        return sent[0]["status"], dict(sent[0]["headers"])

    monkeypatch.delenv("VANHOA_METRICS", raising=False)
    assert asyncio.run(fetch())[0] == 404
    monkeypatch.setenv("VANHOA_METRICS", "1")
    status, headers = asyncio.run(fetch())
    assert status == 200 and headers[b"x-frame-options"] == b"DENY"


def test_the_server_listens_on_loopback_and_takes_the_readers_upload_limit():
    from vanhoa.form.read import MAX_FILE_BYTES

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert config["address"] == "127.0.0.1"
    assert config["maxUploadSize"] * 10**6 == MAX_FILE_BYTES  # the browser's upload box counts MB
    assert config["maxUploadSize"] * MIB >= MAX_FILE_BYTES  # the server's, in MiB, never refuses first

    def run_line(*args: str) -> str:
        # Not make's own "Entering/Leaving directory" lines when the tests run inside `make test`.
        env = {key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
        shown = subprocess.run(["make", "--no-print-directory", "-n", "run", *args], cwd=ROOT, env=env,
                               capture_output=True, text=True, check=True)
        return shown.stdout.strip().splitlines()[-1]

    assert run_line() == ".venv/bin/streamlit run server.py --server.port 8501"
    assert run_line("ADDRESS=0.0.0.0", "PORT=8600") == \
        ".venv/bin/streamlit run server.py --server.port 8600 --server.address 0.0.0.0"


# ---------------------------------------------------------------- cache clearing


@pytest.fixture(scope="module")
def operator_server(stores):
    """A server whose operator switched the metrics on: they show what st.cache_data holds."""
    token = session_token(stores[1], "leader")
    running = Server(stores[1], env={"VANHOA_METRICS": "1"})
    yield running, token
    running.stop()


def cached_data_bytes(url: str) -> int:
    status, _, body = get(url + "/_stcore/metrics")
    assert status == 200
    sizes = re.findall(r'^cache_memory_bytes\{cache_type="st_cache_data"[^}]*\} (\d+)$', body.decode(), re.M)
    return sum(int(size) for size in sizes)


def test_a_visitor_cannot_clear_everyones_cache(operator_server):
    from streamlit.proto.BackMsg_pb2 import BackMsg

    server, token = operator_server
    leader = Visitor(server.url, token)  # the leader's overview fills st.cache_data
    assert leader.finished.wait(60)
    leader.close()
    filled = cached_data_bytes(server.url)
    assert filled > 0

    visitor = Visitor(server.url)
    assert visitor.finished.wait(60)
    clear = BackMsg()
    clear.clear_cache = True
    visitor.send(clear)  # what the key "c" sends
    time.sleep(6)  # Streamlit recomputes the cache_memory_bytes metric every 5 s at most
    visitor.close()
    assert cached_data_bytes(server.url) >= filled


# ---------------------------------------------------------------- in Chromium


PAGES = [("Tổng quan", "Tổng quan phong trào", True), ("Chỉ tiêu", "Chỉ tiêu của Kế hoạch", True),
         ("Xã Chiềng Xuân", "Xã Chiềng Xuân", True), ("Sự kiện", "Sự kiện", True), ("Dữ liệu", "Dữ liệu", False),
         ("Báo cáo", "Báo cáo gửi Sở Văn hóa, Thể thao và Du lịch", False),
         ("Phê duyệt", "Phê duyệt báo cáo của các đơn vị", False), ("Nộp báo cáo", "Nộp báo cáo của đơn vị", False),
         ("Danh mục", "Danh mục", False), ("Tài khoản", "Tài khoản", False),
         ("Nhật ký thao tác", "Nhật ký thao tác", False), ("Kho tệp đã tải lên", "Kho tệp đã tải lên", False)]


def open_from_menu(page, title: str, heading: str) -> None:
    """A page opened from the sidebar's menu, as a person does (the same session, no reload)."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    link = sidebar.get_by_role("link", name=title, exact=True)
    more = sidebar.get_by_text(re.compile(r"^View \d+ more$"))
    # A condition, not a count: right after a sign-in the menu may not be drawn yet. A long menu
    # shows its first entries and "View N more".
    link.or_(more).first.wait_for(timeout=60000)
    if not link.is_visible():
        more.click()
    link.click()
    page.get_by_role("heading", name=heading).first.wait_for(timeout=90000)
    page.wait_for_timeout(1500)  # the page's elements and their requests settle


def test_every_page_renders_under_the_policy_and_charts_draw(server, browser):
    """Signed in as the administrator (every page): no Content-Security-Policy violation in the
    console (the pages', and the sign-in cookie's component's: an iframe with inline scripts of
    its own), no exception, the charts drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    answer = page.goto(server.url + "/")
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    page.wait_for_selector("h1", timeout=90000)
    sign_in(page, "admin")
    for title, heading, charted in PAGES:
        open_from_menu(page, title, heading)
        if charted:
            page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first \
                .wait_for(timeout=90000)
        assert page.locator('[data-testid="stException"]').count() == 0, title
    violations = [line for line in console if "Content Security Policy" in line or "Refused to" in line]
    assert violations == []
    context.close()


def test_a_download_needs_a_live_sign_in_and_stops_at_sign_out(server, browser):
    """The clerk's template: its URL answers 200 with the clerk's browser's cookies only; 403
    without cookies, and 403 with the same cookies once the clerk has signed out."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server.url + "/")
    page.wait_for_selector("h1", timeout=90000)
    sign_in(page, "clerk")
    open_from_menu(page, "Nộp báo cáo", "Nộp báo cáo của đơn vị")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("^Tải biểu mẫu")).click()
    url = download.value.url
    assert "/media/" in url
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    status, headers, body = get(url, cookie)
    assert status == 200 and body.startswith(b"PK") and headers["cache-control"] == "no-store"
    assert get(url)[0] == 403
    assert get(url)[2].decode() == webguard.NOT_SIGNED_IN

    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("heading", name="Đăng nhập").first.wait_for(timeout=90000)
    time.sleep(webguard.CACHE_SECONDS + 0.5)
    assert get(url, cookie)[0] == 403
    context.close()
