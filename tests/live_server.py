"""A real app server for tests that talk to it over HTTP or drive it in Chromium: started the way
`make run` starts it, on its own loopback port and its own copy of a store, with one known account
per role. Shared by tests/test_browser.py, tests/test_server_guard.py and the other browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from builders import copy_store

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic"]

USERS = {"admin": ("tester.admin", "mat-khau-admin-01"), "clerk": ("tester.clerk", "mat-khau-clerk-01"),
         "leader": ("tester.leader", "mat-khau-leader-01")}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`streamlit run server.py` (or another `script`) as `make run` starts it, on its own port and store.

    `env` adds to (or overrides) the environment, e.g. to switch an operator setting on. The
    server's output goes to a file (`self.log`), not a pipe nobody reads: a chatty server would
    otherwise block once the pipe's buffer is full."""

    def __init__(self, db: str, script: str = "server.py", env: dict[str, str] | None = None) -> None:
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
        self._output = self.log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=os.environ | {"VANHOA_DB": db} | (env or {}),
            stdout=self._output, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not start:\n" + self.output())

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        """What the server printed so far (its log, for a failing test's message)."""
        self._output.flush()
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._output.close()
        self.log.unlink(missing_ok=True)


def demo_copy_with_accounts(demo_db: str, path: Path) -> str:
    """A copy of the demonstration store with one known account per role (clerk of Phòng Tổng hợp)."""
    from vanhoa import auth
    from vanhoa.store import Store

    copy_store(demo_db, path)
    store = Store(path)
    for role, (name, password) in USERS.items():
        auth.add_account(store, name, role, password, "TH" if role == "clerk" else None, by="test")
    store.release()  # the server, another process, opens it at once
    return str(path)


def sign_in(page, role: str) -> None:
    """Fill the sign-in form as a person would."""
    name, password = USERS[role]
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Đăng nhập").wait_for(state="detached", timeout=90000)


def wait_for_sign_in_cookie(page, seconds: float = 30) -> None:
    """Until the browser holds the sign-in cookie (its component sets it a moment after the sign-in):
    a condition, not a fixed time; the page's CSP forbids wait_for_function's eval."""
    from vanhoa.ui import COOKIE_NAME

    for _ in range(int(seconds * 10)):
        if any(cookie["name"] == COOKIE_NAME for cookie in page.context.cookies()):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the sign-in cookie never arrived")
