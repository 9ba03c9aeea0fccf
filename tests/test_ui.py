"""vanhoa.ui as the pages meet it: a store failure is shown for what it is (busy_guard), and what
one run asks twice (the account's check, the reference lists) is asked once per run, never once
across runs (ui.per_run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import signed_in
from streamlit.testing.v1 import AppTest

from vanhoa.store.errors import StoreBusy, StoreConflict, StoreMisconfigured, StoreReadOnly, StoreUnavailable

APP = str(Path(__file__).resolve().parent.parent / "app.py")
BUSY = ("Kho dữ liệu kho.duckdb đang bận: một tiến trình khác (tiến trình 4242) giữ tệp quá 30 giây; "
        "chưa có gì thay đổi. Vui lòng thử lại sau ít phút.")
CONFLICT = "Nhiều người đang ghi vào kho cùng lúc; chưa lưu được. Vui lòng bấm lưu lại."
DISK_FULL = "Ổ đĩa của máy chủ đã đầy: không ghi được vào kho dữ liệu; chưa có gì thay đổi."
DATA_PATH = ("Kho DuckLake cần biến môi trường VANHOA_DATA_PATH: thư mục dữ liệu dùng chung của mọi máy chủ ứng "
             "dụng (xem README, mục Triển khai nhiều máy chủ).")
UNREACHABLE = ("Không kết nối được tới PostgreSQL (máy chủ 10.0.0.5, cổng 5432): máy chủ từ chối kết nối; chưa có gì "
               "thay đổi. Vui lòng báo quản trị viên kiểm tra máy chủ PostgreSQL.")
IO_ERROR = "Không đọc hoặc ghi được kho dữ liệu kho.duckdb; chưa có gì thay đổi. Vui lòng báo quản trị viên."


def failing_page(error) -> None:
    """A page whose store fails with `error` until the session says it is fixed."""
    import streamlit as st

    from vanhoa import ui

    def read() -> None:
        if not st.session_state.get("fixed"):
            raise error
        st.success("Đã đọc kho.")

    ui.busy_guard(read)
    st.caption("Cuối trang.")


def shown(error: StoreUnavailable) -> AppTest:
    at = AppTest.from_function(failing_page, args=(error,), default_timeout=30).run()
    assert not at.exception
    assert [c.value for c in at.caption] == []  # the page stopped at the failure
    return at


@pytest.mark.parametrize("error", [StoreBusy(BUSY), StoreConflict(CONFLICT),
                                   StoreUnavailable(UNREACHABLE, "unreachable", retryable=True)],
                         ids=["busy", "conflict", "unreachable"])
def test_a_failure_that_may_pass_gives_its_line_and_a_retry_that_runs_the_page_again(error):
    at = shown(error)
    assert [e.value for e in at.error] == [error.message]
    assert [b.label for b in at.button] == ["Thử lại"]
    at.session_state["fixed"] = True  # the other process let go meanwhile
    at.button[0].click().run()
    assert not at.error and [s.value for s in at.success] == ["Đã đọc kho."]
    assert [c.value for c in at.caption] == ["Cuối trang."]


@pytest.mark.parametrize("error", [StoreReadOnly(DISK_FULL, "disk_full"),
                                   StoreReadOnly("Đang xem kho như tại một ngày trong quá khứ: không thể ghi.", "past"),
                                   StoreUnavailable(IO_ERROR)],
                         ids=["disk full", "past moment", "io error"])
def test_a_failure_that_trying_again_cannot_fix_gives_its_line_and_no_retry(error):
    at = shown(error)
    assert [e.value for e in at.error] == [error.message]
    assert not at.button


def test_a_misconfigured_store_sends_the_user_to_the_administrator_with_what_to_fix():
    at = shown(StoreMisconfigured(DATA_PATH, "config"))
    assert [e.value for e in at.error] == ["Liên hệ quản trị viên để sửa cấu hình kho dữ liệu.  \n" + DATA_PATH]
    assert not at.button


# ---------------------------------------------------------------- once per run


def test_the_router_and_the_page_check_the_account_once_per_run(demo_copy, monkeypatch):
    """app.main runs under ui.per_run: the router's check and the page's (ui.require) are one
    question to the store per run, and every run asks again."""
    # performance contract: one account query per run (the router's and the page's checks share it);
    # the behaviour beside it: every run asks again, so a disabled account is signed out at once.
    from vanhoa import auth

    checks = []
    original = auth.session_account
    monkeypatch.setattr(auth, "session_account", lambda store, token: checks.append(token) or original(store, token))
    at = signed_in(AppTest.from_file(APP, default_timeout=60)).run()
    assert not at.exception and [t.value for t in at.title] == ["Tổng quan phong trào"]
    assert len(checks) == 1
    at.run()
    assert len(checks) == 2
    auth.set_active(demo_copy, "test.admin", False, "quantri")
    at.run()
    assert len(checks) == 3 and [t.value for t in at.title] == ["Đăng nhập"]


def reference_twice() -> None:
    import streamlit as st

    from vanhoa import ui

    @ui.per_run
    def one_run() -> bool:
        return ui.reference() is ui.reference()

    st.write(f"trong một lượt: {one_run()}, ngoài lượt: {ui.reference() is ui.reference()}")


def test_the_reference_lists_are_one_copy_per_run_and_none_outside_a_run(demo_copy):
    at = AppTest.from_function(reference_twice, default_timeout=30).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["trong một lượt: True, ngoài lượt: False"]
