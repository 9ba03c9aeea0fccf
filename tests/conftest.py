"""Shared fixtures: small workbooks written in memory, and empty stores in temporary folders."""

from __future__ import annotations

import copy
import datetime as dt
import io

import pytest
import xlsxwriter

from vanhoa.form import spec
from vanhoa.reference import Reference
from vanhoa.store import Store

STAFF_HEADER = [c.header for c in spec.STAFF_COLUMNS]
ACTIVITY_HEADER = [c.header for c in spec.ACTIVITY_COLUMNS]
EVENT_HEADER = [c.header for c in spec.EVENT_COLUMNS]


def good_sheets(unit: str = "Phòng Tổng hợp", period: str = "6 tháng đầu năm 2022") -> dict[str, list[list]]:
    """A valid return as grids anchored at A1: 9 CBCC + 2 VC, standard met, two activities, one event."""
    return {
        "Thông tin": [
            ["Đơn vị", unit],
            ["Kỳ báo cáo", period],
            ["Người lập", "Lò Thị Hoa"],
            ["Ngày lập", "10/06/2022"],
        ],
        "Chỉ tiêu": [
            STAFF_HEADER,
            ["Cán bộ, công chức", 9, 9, 6, 8, 8],
            ["Viên chức", 2, 2, 1, 2, 1],
            ["Lao động hợp đồng", 0, 0, 0, 0, 0],
        ],
        "Đơn vị văn hóa": [
            ["Tiêu chuẩn", "Đạt", "Ghi chú"],
            *[[text, "Có", None] for _, text in spec.CRITERIA],
        ],
        "Hoạt động": [
            ACTIVITY_HEADER,
            [dt.date(2022, 3, 15), "Tuyên truyền xây dựng nông thôn mới", "Giúp đỡ xã", "Chiềng Xuân",
             "UBND xã", 12, 1500000, "Tốt", "III.3"],
            ["20/04/2022", "Giao lưu văn nghệ", "Văn hóa - văn nghệ", None, "Hội trường", 30, 0, None, "III.1"],
        ],
        "Sự kiện": [
            EVENT_HEADER,
            ["Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)", "14/05/2022", "Mộc Châu", 5, 4, "Giải Ba 10 km", None],
        ],
    }


def workbook_bytes(sheets: dict[str, list[list]]) -> bytes:
    """Write grids (row 0 = Excel row 1) to an .xlsx in memory; dates as real Excel dates."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, grid in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


# What a hostile clerk types into a cell or a form: HTML, a link, bold, LaTeX, a colour directive, a bare URL.
HOSTILE = ["<img src=x onerror=alert(1)>", "[x](https://example.com)", "**b**", "$$x$$", ":red[x]",
           "https://example.com/a"]


def hostile_return() -> bytes:
    """A valid return (Phòng Tổng hợp, 6 tháng đầu năm 2022) with each hostile string as an activity's
    content and place and as an event's name, place and achievement."""
    sheets = good_sheets()
    sheets["Hoạt động"] += [["15/03/2022", text, "Văn hóa - văn nghệ", "Chiềng Xuân", text, 10, 0, text, "III.1"]
                            for text in HOSTILE]
    sheets["Sự kiện"] += [[text, "14/05/2022", text, 5, 4, text, text] for text in HOSTILE]
    return workbook_bytes(sheets)


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
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import app_test

    managers: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, storage) -> None:
            super().__init__(storage)
            managers.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)

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


def copy_store(source, target) -> str:
    """A copy of a store file. This process first lets go of the source (Store.release): a store is
    kept open for a moment after use, and its write-ahead log is only folded into the file on close."""
    import shutil

    Store(source).release()
    return shutil.copy(source, target)


@pytest.fixture
def demo_copy(demo_db, tmp_path, monkeypatch) -> Store:
    """A writable copy of the demonstration store, named by VANHOA_DB."""

    path = tmp_path / "demo-copy.duckdb"
    copy_store(demo_db, path)
    monkeypatch.setenv("VANHOA_DB", str(path))
    return Store(path)


def rows_of(frame, columns: list[str]) -> list[list]:
    """Rows as plain lists: missing values None, midnight timestamps dates, numbers as Python ints."""
    import math

    import pandas as pd

    out = []
    for record in frame[columns].itertuples(index=False):
        row = []
        for value in record:
            if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
                row.append(None)
            elif isinstance(value, pd.Timestamp) and value == value.normalize():
                row.append(value.date())
            elif hasattr(value, "item"):
                row.append(value.item())
            else:
                row.append(value)
        out.append(row)
    return out


def signed_in(at, role: str = "admin", unit: str | None = None):
    """Give an AppTest session a real sign-in of `role` (an account and a session token in the
    store that VANHOA_DB names), as the sign-in page would; returns the AppTest."""
    from vanhoa import auth, ui

    store = Store()
    name = f"test.{role}" + (f".{unit.lower()}" if unit else "")
    with store.connect() as con:
        exists = con.execute("select 1 from accounts where name = ?", [name]).fetchone()
    account = auth.Account(name, name, role, unit) if exists else auth.add_account(
        store, name, role, "mat-khau-thu-nghiem", unit, by="test")
    at.session_state[ui.TOKEN_KEY] = auth.create_session(store, account)
    return at


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
