"""What the page tests share: one page's render() run alone in AppTest, signed in, with the
sidebar's period chosen; a copy of the demonstration store for a test to write to; a small store
filed from a few workbooks."""

from __future__ import annotations

from builders import copy_store, signed_in, workbook_bytes
from streamlit.testing.v1 import AppTest

from vanhoa.ingest import ingest
from vanhoa.store import Store


def page_alone(name: str) -> None:
    """The script AppTest runs: pages/<name>.py's render() (its role check included), no router.
    AppTest runs the function's source alone: it imports what it needs itself."""
    import importlib

    importlib.import_module(f"pages.{name}").render()


def run_page(name: str, period: str | None = None, role: str = "admin", unit: str | None = None,
             state: dict | None = None, timeout: float = 30) -> AppTest:
    """The page's first run; `state`: more session state (a widget's choice) before it."""
    at = signed_in(AppTest.from_function(page_alone, args=(name,), default_timeout=timeout), role, unit)
    if period:
        at.session_state["period"] = period  # the sidebar's shared period selector
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at.run()


def demo_copy_env(demo_db, tmp_path, monkeypatch):
    """VANHOA_DB names a copy of the demonstration store: a test may write to it. A test module
    makes it its fixture: `demo_env = pytest.fixture(demo_copy_env, name="demo_env")`."""
    copy = copy_store(demo_db, tmp_path / "demo.duckdb")
    monkeypatch.setenv("VANHOA_DB", str(copy))
    return copy


def filed_store(path, uploads) -> Store:
    """A store at `path` holding `uploads` ((sheets, file name, filed at), in order), each accepted."""
    store = Store(path)
    results = [ingest(store, workbook_bytes(sheets), name, "Lò Thị Hoa", filed_at=at) for sheets, name, at in uploads]
    assert [r.status for r in results] == ["accepted"] * len(results), [r.errors for r in results]
    return store
