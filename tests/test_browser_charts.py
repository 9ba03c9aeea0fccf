"""The trend charts of Tổng quan in Debian's Chromium (Playwright), on the demonstration store plus
one return of 6 tháng đầu năm 2026: the history then has a gap of three years, and T1 of Năm 2022
(99,1 %) sits next to its 100 % goal. What a leader must be able to read is asserted on the SVG
Vega draws (the charts ask for the svg renderer): every period labelled, no two labels on top of
each other, the gap not bridged by a line, the goal labelled; and, on a history with every period
filed, no value written over another. Screenshots at desktop and phone width go to
tests/artifacts/ for review."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from builders import good_sheets, workbook_bytes
from live_server import CHROMIUM, Server, demo_copy_with_accounts, sign_in

from vanhoa import charts, ingest
from vanhoa.store import Store

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
LABELS = ["6T/2022", "Năm 2022", "6T/2023", "Năm 2023", "6T/2024", "Năm 2024", "6T/2025", "Năm 2025",
          "6T/2026", "Năm 2026"]
SCREENS = [(1366, 900, "desktop"), (390, 844, "phone")]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed "
                                "(make test installs it)")


def return_of(year: int, kind: str) -> bytes:
    """Phòng Tổng hợp's return of a period of `year` (the tests' usual return, its dates moved to
    that year; no event: the reference lists none after 2022)."""
    sheets = good_sheets(period=f"6 tháng đầu năm {year}" if kind == "H1" else f"Năm {year}")
    sheets["Thông tin"][3][1] = f"10/06/{year}"
    for row in sheets["Hoạt động"][1:]:
        row[0] = row[0].replace(year=year) if isinstance(row[0], dt.date) else row[0].replace("2022", str(year))
    sheets["Sự kiện"] = sheets["Sự kiện"][:1]
    return workbook_bytes(sheets)


def server_with(demo_db, folder: Path, periods: list[tuple[int, str]]):
    """A server on a copy of the demonstration store with Phòng Tổng hợp's returns of `periods` added."""
    path = demo_copy_with_accounts(demo_db, folder / "charts.duckdb")
    store = Store(path)
    for year, kind in periods:
        filed = ingest.ingest(store, return_of(year, kind), f"bao-cao-{year}-{kind}.xlsx", by="test")
        assert filed.result.status == "accepted"
    store.release()  # the server, another process, opens it at once
    return Server(path)


@pytest.fixture(scope="module")
def gap_server(demo_db, tmp_path_factory):
    """2022-H1, 2022-Y (the demonstration's returns), then 6 tháng đầu năm 2026 only."""
    server = server_with(demo_db, tmp_path_factory.mktemp("gap"), [(2026, "H1")])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def full_server(demo_db, tmp_path_factory):
    """Every period of the plan filed (2023 to 2026 by one unit of eleven: T3 9,1 % for eight periods)."""
    server = server_with(demo_db, tmp_path_factory.mktemp("full"),
                         [(year, kind) for year in range(2023, 2027) for kind in ("H1", "Y")])
    yield server
    server.stop()


# The four corners of an SVG text on the screen: its own box (before its rotation) through its
# transform. A bounding box would not do: two labels at -45° have overlapping bounding boxes while
# the texts themselves stand side by side.
CORNERS = """e => {
  const b = e.getBBox(), m = e.getScreenCTM();
  return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
    .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
}"""


def corners(locator) -> list[tuple[float, float]]:
    return [tuple(point) for point in locator.evaluate(CORNERS)]


def overlap(a: list, b: list) -> bool:
    """Two convex polygons overlap unless an edge of one separates them (separating axis theorem)."""
    for polygon in (a, b):
        for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1]):
            normal = (y1 - y2, x2 - x1)
            pa = [normal[0] * x + normal[1] * y for x, y in a]
            pb = [normal[0] * x + normal[1] * y for x, y in b]
            if max(pa) <= min(pb) or max(pb) <= min(pa):
                return False
    return True


def inside(polygon: list, box: dict) -> bool:
    return all(box["x"] - 0.5 <= x <= box["x"] + box["width"] + 0.5
               and box["y"] - 0.5 <= y <= box["y"] + box["height"] + 0.5 for x, y in polygon)


def open_trends(browser, server, width: int, height: int):
    """Tổng quan signed in as a leader, scrolled to the trends, every chart drawn (its last period labelled)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server.url + "/")
    sign_in(page, "leader")
    page.get_by_role("heading", name="Diễn biến qua các kỳ (2022 - 2026)").wait_for(timeout=90000)
    shown_charts = page.locator('[data-testid="stVegaLiteChart"]')
    for name in ("T1. ", "T2. ", "T3. ", "T4. "):
        chart = shown_charts.filter(has=page.locator("svg text", has_text=name))
        chart.locator("svg text", has_text="Năm 2026").wait_for(timeout=90000)  # drawn, as SVG
    assert page.locator('[data-testid="stException"]').count() == 0
    return page, shown_charts


@pytest.mark.parametrize("width, height, label", SCREENS)
def test_trend_shows_the_gap_every_period_and_the_goal(gap_server, browser, width, height, label):
    page, shown_charts = open_trends(browser, gap_server, width, height)
    t1 = shown_charts.filter(has=page.locator("svg text", has_text="T1. Chuẩn mực đạo đức"))
    t1.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"overview-trend-{label}.png"), full_page=True)
    t1.screenshot(path=str(ARTIFACTS / f"trend-t1-{label}.png"))

    chart_box = t1.bounding_box()
    texts = t1.locator("svg text")
    axis = [texts.filter(has_text=text) for text in LABELS]
    assert [a.count() for a in axis] == [1] * 10  # all ten periods are labelled, each once
    assert all(a.evaluate("e => getComputedStyle(e).opacity") == "1" for a in axis)  # none hidden
    axis_corners = [corners(a) for a in axis]
    assert all(inside(c, chart_box) for c in axis_corners), "an axis label is cut off"
    assert not any(overlap(a, b) for i, a in enumerate(axis_corners) for b in axis_corners[i + 1:])

    # Three points (two half-years of 2022 and 6T/2026), joined only where the periods follow each other:
    # one line from 6T/2022 to Năm 2022; 6T/2026 alone.
    dots = t1.locator("g.mark-symbol.role-mark path")
    assert dots.count() == 3
    # 6T/2026 (one unit of eleven filed) is provisional: a hollow point, named in the legend
    fills = [dots.nth(i).get_attribute("fill") for i in range(3)]
    assert fills == [charts.TREND_COLOR, charts.TREND_COLOR, "white"]
    assert t1.locator("g.role-legend-label text", has_text="tạm tính").count() == 1
    # each segment's path: its vertices are "M" then one "L" per further point ("M x,y Z", nothing
    # drawn, for a lone point)
    paths = t1.locator("g.mark-line.role-mark path")
    vertices = sorted(1 + (paths.nth(i).get_attribute("d") or "").count("L") for i in range(paths.count()))
    assert vertices == [1, 2], "the line runs on across the empty years"

    # The goal is labelled; the values next to it are written out, beside the rule (not across it)
    # and clear of the goal's name.
    goal = texts.filter(has_text="Mục tiêu 100 %")
    assert goal.count() == 1
    rule = t1.locator("g.mark-rule.role-mark line").bounding_box()
    for value in ("97,3 %", "99,1 %", "100,0 %"):
        assert texts.filter(has_text=value).count() == 2  # the halo and the text over it
        shown = t1.locator("g.mark-text.role-mark text:not([stroke])", has_text=value)
        ys = [y for _, y in corners(shown)]
        above, below = max(ys) <= rule["y"] + 0.5, min(ys) >= rule["y"] + rule["height"] - 0.5
        assert above or below, f"the goal's rule crosses {value}"
        assert not overlap(corners(goal), corners(shown))
    page.close()


@pytest.mark.parametrize("width, height, label", SCREENS)
def test_every_value_of_a_full_history_is_readable(full_server, browser, width, height, label):
    """Ten periods, ten values on each chart: no value's label lies on another's, or on an axis label."""
    page, shown_charts = open_trends(browser, full_server, width, height)
    shown_charts.first.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"overview-trend-full-{label}.png"), full_page=True)
    for index in range(4):
        chart = shown_charts.nth(index)
        chart.screenshot(path=str(ARTIFACTS / f"trend-full-{index + 1}-{label}.png"))
        values = chart.locator("g.mark-text.role-mark text:not([stroke])")  # not the white halos under them
        assert values.count() == 10
        shown = [corners(values.nth(i)) for i in range(10)]
        axis = chart.locator("g.role-axis-label text")
        labels = [corners(axis.nth(i)) for i in range(axis.count())]
        box = chart.bounding_box()
        assert all(inside(c, box) for c in shown), "a value is cut off"
        assert not any(overlap(a, b) for i, a in enumerate(shown) for b in shown[i + 1:]), "two values collide"
        assert not any(overlap(a, b) for a in shown for b in labels), "a value lies on an axis label"
    page.close()
