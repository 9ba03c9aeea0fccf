"""Issue 12, items 4 and 5, in the running app (Debian's Chromium): a clerk's hostile text is text in
the leaders' browsers (no link, no image fetched, no LaTeX, no colour), and a second clerk in the
same tab cannot file the first clerk's checked return."""

from __future__ import annotations

import os

import pytest
from builders import HOSTILE, good_sheets, hostile_return, workbook_bytes
from live_server import CHROMIUM, Server, demo_copy_with_accounts, sign_in
from playwright.sync_api import expect

from vanhoa import admin, auth
from vanhoa.ingest import ingest
from vanhoa.store import Store

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed "
                                "(make test installs it)")

UNIT = "Phòng Tổng hợp " + " ".join(HOSTILE)
KT_CLERK = ("tester.clerk.kt", "mat-khau-clerk-kt-01")

# What the page's DOM would hold had any hostile string been rendered as Markdown.
MARKUP = {
    "a link to example.com": 'a[href^="https://example.com"]',
    "an image from the clerk": 'img[src="x"]',
    "LaTeX": ".katex",
    "a colour directive": '[class*="ColoredText"], span[style*="color"]',
    "bold text of the clerk": "strong:text-is('b')",
}


@pytest.fixture(scope="module")
def hostile_server(demo_db, tmp_path_factory):
    """A server on a demonstration store where Phòng Tổng hợp filed the hostile return (version 2 of
    2022-H1, waiting for approval) and an administrator gave the unit a hostile name."""
    db = demo_copy_with_accounts(demo_db, tmp_path_factory.mktemp("hostile") / "hostile.duckdb")
    store = Store(db)
    assert ingest(store, hostile_return(), "bao-cao.xlsx", "vanthu.th").status == "accepted"
    admin.rename_unit(store, "TH", UNIT, "quantri")
    store.release()
    server = Server(db)
    yield server
    server.stop()


@pytest.fixture
def clerks_server(demo_db, tmp_path):
    """A fresh server with a clerk of Phòng Tổng hợp (live_server's) and one of Phòng Kinh tế."""
    db = demo_copy_with_accounts(demo_db, tmp_path / "clerks.duckdb")
    store = Store(db)
    auth.add_account(store, KT_CLERK[0], "clerk", KT_CLERK[1], "KT", by="test")
    store.release()
    server = Server(db)
    yield server
    server.stop()


def leader_page(browser, server, path: str):
    """A leader signed in on `path`, with the sidebar's period set to 6 tháng đầu năm 2022."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{server.url}/{path}")
    page.get_by_role("heading", name="Đăng nhập").wait_for(timeout=90000)
    sign_in(page, "leader")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Kỳ báo cáo").wait_for(timeout=90000)
    sidebar.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="6 tháng đầu năm 2022").click()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    return page, fetched


def assert_shown_as_text(page, fetched: list[str]) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    for what, selector in MARKUP.items():
        assert page.locator(selector).count() == 0, what
    # the word joiner that breaks autolinks is invisible: the reader sees exactly what was typed
    shown = page.evaluate("document.body.innerText").replace("\u2060", "")
    for text in HOSTILE:
        assert text in shown, text
    assert not [url for url in fetched if url.startswith("https://example.com") or url.endswith("/x")]


def test_approval_shows_the_clerks_event_names_as_text(hostile_server, browser):
    page, fetched = leader_page(browser, hostile_server, "approval")
    page.get_by_role("heading", name="Phê duyệt báo cáo của các đơn vị").wait_for(timeout=90000)
    page.locator('[data-testid="stExpander"] summary').filter(has_text="Phòng Tổng hợp").filter(
        has_text="6 tháng đầu năm 2022 — phiên bản 2").first.click()  # the expander opens
    page.get_by_text("sự kiện chưa có trong danh mục").first.wait_for(timeout=90000)
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="chưa có trong danh mục")
    assert alert.count() == 1
    lines = alert.inner_text().replace("\u2060", "").splitlines()
    assert [line for line in lines if "chưa có trong danh mục" in line] == [
        f"Cảnh báo Sự kiện!A{row} (giá trị: {text}): sự kiện chưa có trong danh mục; được lưu như một sự kiện mới."
        for row, text in enumerate(HOSTILE, start=3)]
    assert_shown_as_text(page, fetched)
    page.close()


def test_events_page_shows_the_clerks_event_names_as_text(hostile_server, browser):
    page, fetched = leader_page(browser, hostile_server, "events")
    page.get_by_role("heading", name="Sự kiện trong 6 tháng đầu năm 2022").wait_for(timeout=90000)
    page.get_by_role("heading", name="Tham gia qua các năm").wait_for(timeout=90000)  # the page's end
    page.wait_for_load_state("networkidle")
    headings = [h.replace("\u2060", "") for h in page.locator("h4").all_inner_texts()]
    assert set(HOSTILE) <= set(headings)
    assert_shown_as_text(page, fetched)
    assert "&lt;img src=x" in _unit_tooltip(page)
    page.close()


def _unit_tooltip(page) -> str:
    """The HTML of the tooltip of a bar of Phòng Tổng hợp in an event's chart (Vega's tooltip
    handler escapes the values it writes into it)."""
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        for across in (0.3, 0.45, 0.6):
            page.mouse.move(box["x"] + box["width"] * across, box["y"] + box["height"] * 0.45)
            page.wait_for_timeout(200)
            tip = page.locator("#vg-tooltip-element")
            if tip.count() and tip.is_visible() and "Phòng Tổng hợp" in tip.inner_text():
                assert tip.locator("img").count() == 0 and tip.locator("a").count() == 0
                assert UNIT in tip.inner_text()
                return tip.inner_html()
    raise AssertionError("no tooltip of Phòng Tổng hợp's bar found")


def test_a_clerk_cannot_file_the_return_another_clerk_checked_in_the_same_tab(clerks_server, browser, tmp_path):
    """Phòng Kinh tế's clerk checks the unit's file and signs out; Phòng Tổng hợp's clerk signs in in
    the same tab and uploads the same bytes: refused at the check, no 'Xác nhận lưu', nothing stored."""
    kt_file = tmp_path / "bao-cao-kt.xlsx"
    kt_file.write_bytes(workbook_bytes(good_sheets(unit="Phòng Kinh tế")))
    before = Store(clerks_server.db).query("returns", unit="KT")[["period", "version"]].values.tolist()

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{clerks_server.url}/upload")
    page.get_by_label("Tên đăng nhập").fill(KT_CLERK[0])
    page.get_by_label("Mật khẩu").fill(KT_CLERK[1])
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Nộp báo cáo của đơn vị").wait_for(timeout=90000)
    page.wait_for_timeout(1500)  # a person takes longer than this to pick a file
    page.locator('input[type="file"]').set_input_files(str(kt_file))
    page.get_by_role("button", name="Xác nhận lưu").wait_for(timeout=90000)  # Phòng Kinh tế's own: allowed

    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("heading", name="Đăng nhập").first.wait_for(timeout=90000)
    # the sign-out's run and the cookie's deletion rerun the page: the form is there once at the end
    # (a locator's count, not wait_for_function: the page's CSP forbids the eval that one needs)
    expect(page.locator('input[aria-label="Tên đăng nhập"]')).to_have_count(1, timeout=90000)
    page.wait_for_timeout(1000)
    try:
        sign_in(page, "clerk")  # Phòng Tổng hợp's clerk, same tab
        page.get_by_role("heading", name="Nộp báo cáo của đơn vị").wait_for(timeout=90000)
    except Exception as exc:  # what the page said instead, for the failure's message
        raise AssertionError(page.evaluate("document.body.innerText")[:2000]) from exc
    page.wait_for_timeout(1500)
    page.locator('input[type="file"]').set_input_files(str(kt_file))
    page.get_by_text("Tệp bị từ chối: 1 lỗi.").wait_for(timeout=90000)
    page.get_by_text("Thông tin!B1").wait_for(state="attached")  # the cell naming Phòng Kinh tế, in the grid
    assert page.get_by_role("button", name="Xác nhận lưu").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()

    store = Store(clerks_server.db)
    assert store.query("returns", unit="KT")[["period", "version"]].values.tolist() == before
    uploads = store.query("uploads", unit="KT")
    assert uploads[uploads["uploaded_by"] == "tester.clerk"]["status"].tolist() == ["rejected"]

