"""Shared fixtures: small workbooks written in memory, and empty stores in temporary folders. What
tests build without a fixture (grids, workbooks, rows, a signed-in AppTest) is in builders.py."""

from __future__ import annotations

import copy

import pytest
from builders import copy_store, good_sheets, record_media_managers

from vanhoa.reference import Reference
from vanhoa.store import Store


@pytest.fixture
def sheets() -> dict[str, list[list]]:
    """A fresh, valid set of grids that a test may break in one place."""
    return copy.deepcopy(good_sheets())


@pytest.fixture(scope="session")
def ref() -> Reference:
    """The shipped reference data (11 units, periods 2022-2030, the event list)."""
    return Reference.from_csv()


@pytest.fixture
def store(tmp_path) -> Store:
    """An empty store in a temporary folder, schema and reference data created."""
    return Store(tmp_path / "test.duckdb")


@pytest.fixture
def downloads(monkeypatch):
    """The bytes behind a download button, as a click gives them: AppTest keeps each run's files in
    a MediaFileManager; this records the managers it makes, so a test reads a file, or runs a
    deferred one (written when clicked) as Streamlit's server does on a click."""
    managers = record_media_managers(monkeypatch)

    def read(button) -> bytes:
        manager = managers[-1]
        url = button.proto.url or manager.execute_deferred(button.proto.deferred_file_id)
        return manager.read_file(url.rsplit("/", 1)[-1].split(".")[0]).content

    return read


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server (Debian's packages) on a loopback port, for the DuckLake back end."""
    from vanhoa_tools.pgserver import PostgresServer

    with PostgresServer() as server:
        yield server


@pytest.fixture
def lake_store(postgres, tmp_path, monkeypatch) -> Store:
    """An empty DuckLake store: its own catalog database in PostgreSQL, data files under tmp_path."""
    import uuid

    database = "lake_" + uuid.uuid4().hex[:12]
    postgres.create_database(database)
    monkeypatch.setenv("VANHOA_DATA_PATH", str(tmp_path / "lake-files"))
    return Store(postgres.lake_target(database))


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> str:
    """A store with the demonstration data (23 returns of 2022, demo accounts), built once per session."""
    from vanhoa.demo_load import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    lines = list(load_demo(Store(path)))
    assert lines[:2] == [f"Đã nạp 23 báo cáo minh họa vào {path}.",
                         "Tài khoản minh họa (mật khẩu chỉ hiện một lần, hãy ghi lại):"]
    assert len(lines) == 2 + 2 + 11  # an administrator, a leader and a clerk per unit
    return str(path)


@pytest.fixture
def demo_copy(demo_db, tmp_path, monkeypatch) -> Store:
    """A writable copy of the demonstration store, named by VANHOA_DB."""

    path = tmp_path / "demo-copy.duckdb"
    copy_store(demo_db, path)
    monkeypatch.setenv("VANHOA_DB", str(path))
    return Store(path)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (its own browser download is never used), one per test module."""
    import os

    from live_server import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield PatientBrowser(chromium)
        chromium.close()


class PatientBrowser:
    """The browser with a 90 s ceiling on every wait and click instead of Playwright's 30 s: the
    waits are conditions, so the ceiling costs nothing when the machine is quick, and a busy CI
    machine (two cores, a server per module) no longer fails them."""

    CEILING_MS = 90000

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.set_default_timeout(self.CEILING_MS)
        return context

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        page.set_default_timeout(self.CEILING_MS)
        return page

    def __getattr__(self, name):
        return getattr(self._browser, name)


# ---------------------------------------------------------------- the end of a run

_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session, exitstatus) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config) -> None:
    """End the process with pytest's own verdict once everything is reported. About one run in
    ten of an AppTest-heavy file (tests/test_user_text.py: 1 of 8) was aborted AFTER its summary
    had been printed, every test passed, by a native library's thread teardown at interpreter exit
    ("terminate called without an active exception", exit status 134), which made `make test` red
    for nothing the tests check. Skipping the interpreter's teardown (os._exit) keeps the verdict;
    the store's files are closed and checkpointed first, as at any exit (vanhoa.store atexit)."""
    import os
    import sys

    if not _EXIT_STATUS:
        return
    from vanhoa import store as store_module

    store_module._close_files()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT_STATUS[0])
