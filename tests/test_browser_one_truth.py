"""The provisional cards in the real app (Debian's Chromium, Playwright), issue 13: with 1 of the
11 units filed for Năm 2026, Tổng quan's four cards say "tạm tính: 1/11 đơn vị đã nộp" and
none says "Đạt". Screenshots at desktop (1366×900) and phone (390×844) width are kept in
tests/artifacts/ (one-truth-cards-*.png) for a person to look at."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from builders import good_sheets, workbook_bytes
from live_server import CHROMIUM, Server, demo_copy_with_accounts, sign_in

from vanhoa.formats import provisional_note
from vanhoa.ingest import ingest
from vanhoa.store import Store

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
NOTE = provisional_note(1, 11)  # "tạm tính: 1/11 đơn vị đã nộp"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed "
                                "(make test installs it)")


def one_return_of_2026() -> bytes:
    """Phòng Tổng hợp's return for Năm 2026 (the demonstration store has none of 2026)."""
    sheets = good_sheets(period="Năm 2026")
    sheets["Thông tin"][3] = ["Ngày lập", "20/11/2026"]
    activities = sheets["Hoạt động"]
    activities[1][0] = dt.date(2026, 3, 15)
    activities[2][0] = "20/04/2026"
    sheets["Sự kiện"][1][:2] = ["Giải chạy VTM Mộc Châu 2026 (Marathon Mộc Châu)", "16/05/2026"]
    return workbook_bytes(sheets)


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    path = demo_copy_with_accounts(demo_db, tmp_path_factory.mktemp("one-truth") / "provisional.duckdb")
    store = Store(path)
    done = ingest(store, one_return_of_2026(), "th-2026.xlsx", "Lò Thị Hoa")
    assert done.status == "accepted", [p.line() for p in done.checked.errors]
    store.release()  # the server, another process, opens it at once
    server = Server(path)
    yield server
    server.stop()


@pytest.mark.parametrize(("label", "width", "height"), [("desktop", 1366, 900), ("phone", 390, 844)])
def test_the_cards_say_provisional_and_no_verdict(server, browser, label, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server.url)
    sign_in(page, "leader")
    page.get_by_role("heading", name="Tổng quan phong trào").wait_for(timeout=90000)
    page.get_by_text("Kỳ báo cáo: Năm 2026").wait_for(timeout=90000)  # the newest period with a return
    cards = page.locator('[data-testid="stMetric"]')
    cards.nth(3).wait_for(timeout=90000)
    assert page.locator('[data-testid="stException"]').count() == 0
    # the row of the four cards with what each says under its figure
    row = page.locator('[data-testid="stHorizontalBlock"]').filter(has=cards.first).first
    row.get_by_text(NOTE).first.wait_for(timeout=90000)
    ARTIFACTS.mkdir(exist_ok=True)
    row.scroll_into_view_if_needed()
    row.screenshot(path=str(ARTIFACTS / f"one-truth-cards-{label}.png"))
    page.screenshot(path=str(ARTIFACTS / f"one-truth-overview-{label}.png"), full_page=True)

    texts = [cards.nth(i).inner_text() for i in range(cards.count())]
    assert [t.split("\n")[0] for t in texts] == [
        "T1. Chuẩn mực đạo đức, văn hóa công sở", "T2. Hưởng thụ, tham gia hoạt động văn hóa",
        "T3. Cơ quan, đơn vị đạt chuẩn văn hóa", "T4. Gia đình văn hóa"]
    shown = row.inner_text()
    assert shown.count(NOTE) >= 4, shown  # under each of the four cards
    # no verdict on one unit's figures: neither a green "Đạt" nor a red "Chưa đạt"
    assert not re.search(r"(?<![\wđ])(Đạt|Chưa đạt)(?![\wđ])", shown), shown
    assert page.locator('[data-testid="stMarkdownBadge"], .stBadge, [class*="badge"]').filter(
        has_text=re.compile(r"^\W*(Đạt|Chưa đạt)\b")).count() == 0
    # nothing wider than the screen: no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.close()
