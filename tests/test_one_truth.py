"""One truth for a period (issue 13): every surface gives the same figures.

For every period of the demonstration store, and for this module's own returns, the same figures
are read from every surface a leader or a script reads them on:

- each target's numerator, denominator and ratio, for the Office and for each unit;
- the supported commune's activities, people taking part and money;
- the people taking part in each event;

from Tổng quan and Chỉ tiêu, the Xã and Sự kiện pages (and their downloads), Dữ liệu's CSV and
Excel downloads, the command line's `export`, the report's text and its appendix. Ratios are
compared as the screen rounds them (0,1 %). tests/surfaces.py reads each surface.

The module's own returns (year 2024) hold what the demonstration data does not: a half-year
event that the annual return does not repeat, an activity and an event repeated in both returns
(the annual's figures win), a unit that filed only its half-year return and one that filed nothing.
They are read twice: as filed, and with "Chỉ số liệu đã phê duyệt" on after some are approved
(the command line's `export` has no such choice and is left out there).

A failure lists every figure the surfaces disagree on, one line each, e.g.

    2022-Y commune / activities -> 8: Xã, Báo cáo; 4: Dữ liệu: tải CSV, export (CSV), Phụ lục

("không có": the surface lists that kind of figure but lacks this one), then any surface that
could not be read at all (a page that raised, a file without its table).
"""

from __future__ import annotations

import datetime as dt

import pytest
from builders import copy_store, record_media_managers, workbook_bytes
from surfaces import (
    OFFICE,
    Page,
    appendix_figures,
    commune_figures,
    commune_page_figures,
    compare,
    csv_table,
    describe,
    event_figures,
    events_page_figures,
    overview_figures,
    progress_figures,
    report_figures,
    report_paragraphs,
    screen_table,
    targets_figures,
    xlsx_table,
)

from vanhoa.form import spec
from vanhoa.formats import fmt_int
from vanhoa.ingest import ingest
from vanhoa.store import Store

ALL = {"office", "units", "commune", "event"}
# the families of figures each surface lists whole (a figure it lacks is a disagreement);
# the others show some of them (Tổng quan's unit table has no ratio for T3, the report names
# only the units that missed a target)
COMPLETE = {
    "Tổng quan": {"office"},
    "Chỉ tiêu": {"office", "units"}, "Chỉ tiêu: theo nhóm": set(),
    "Xã": {"commune"}, "Xã: theo đơn vị": {"commune"}, "Xã: danh sách": {"commune"},
    "Xã: tải CSV": {"commune"}, "Xã: tải Excel": {"commune"},
    "Sự kiện: bảng": {"event"}, "Sự kiện: từng sự kiện": {"event"}, "Sự kiện: bảng từng đơn vị": {"event"},
    "Sự kiện: tải CSV": {"event"}, "Sự kiện: tải Excel": {"event"},
    "Dữ liệu: màn hình": ALL, "Dữ liệu: tải CSV": ALL, "Dữ liệu: tải Excel": ALL,
    "export (CSV)": ALL,
    "Báo cáo": {"office", "commune", "event"},
    "Phụ lục": ALL, "Phụ lục: Giúp đỡ xã": {"commune"},
}
# cli.md, `export`: the first columns of the machine CSV, in this order
SPEC_COLUMNS = {
    "progress": ["period", "unit", "target", "numerator", "denominator", "ratio", "goal", "met"],
    "activities": ["period", "unit", "date", "content", "kind", "commune", "place", "participants", "cost"],
    "events": ["period", "unit", "event", "date", "place", "registered", "participants", "achievement"],
}
PAGES = ["pages/overview.py", "pages/targets.py", "pages/commune.py", "pages/events.py", "pages/data.py"]
PLAN = [f"{year}-{kind}" for year in range(2022, 2027) for kind in ("H1", "Y")]


@pytest.fixture(scope="module")
def module_patch():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def media_managers(module_patch):
    """conftest's `downloads` for a whole module: the managers of AppTest's runs, newest last (a
    Page keeps its own run's)."""
    return record_media_managers(module_patch)


class Surfaces:
    """The surfaces of one store: one AppTest per page for every period, the report built once per period."""

    def __init__(self, db: str, media_managers, module_patch, tmp, approved_only: bool = False) -> None:
        self.db, self.tmp, self.patch, self.media_managers = db, tmp, module_patch, media_managers
        self.approved_only = approved_only
        self._use()
        self.commune = Store(db).reference().supported_commune
        self.pages: dict[str, Page] = {}
        self.cache: dict[str, tuple[dict, dict]] = {}

    def _use(self) -> None:
        self.patch.setenv("VANHOA_DB", self.db)

    def page(self, path: str) -> Page:
        if path not in self.pages:
            self.pages[path] = Page(path, self.media_managers, self.approved_only)
        return self.pages[path]

    def figures(self, period: str) -> tuple[dict[str, dict], dict[str, str]]:
        """(surface -> its figures, surface -> why it could not be read)."""
        if period not in self.cache:
            self._use()
            found: dict[str, dict] = {}
            failed: dict[str, str] = {}
            for read in (self._overview, self._targets, self._commune, self._events, self._data, self._export,
                         self._report):
                # one surface that breaks (a page raising, a file without its table) is one
                # failure in the list; the others are still read and compared
                try:
                    read(period, found)
                except Exception as exc:  # noqa: BLE001 - reported with the mismatches
                    failed[read.__name__.strip("_")] = f"{type(exc).__name__}: {str(exc)[:300]}"
            counted = self._counted(period)
            for name, figures in found.items():
                if counted and any(key[0] == "silent" for key in figures):
                    failed[name] = f"nói kỳ này chưa có số liệu, nhưng {counted} đơn vị có báo cáo được tính"
            self.cache[period] = ({name: _no_activity_no_zero(f) for name, f in found.items()}, failed)
        return self.cache[period]

    def _counted(self, period: str) -> int:
        """The units whose own return of the period counts (filed, or approved with the toggle)."""
        with Store(self.db).connect() as con:
            return con.execute("select count(distinct unit_code) from period_sources(?, ?) where source_period = ?",
                               [period, self.approved_only, period]).fetchone()[0]

    def _overview(self, period: str, found: dict) -> None:
        found["Tổng quan"] = overview_figures(self.page("pages/overview.py").choose_period(period))

    def _targets(self, period: str, found: dict) -> None:
        page = self.page("pages/targets.py")
        page.choose_period(period)
        found |= targets_figures(page)

    def _commune(self, period: str, found: dict) -> None:
        page = self.page("pages/commune.py")
        at = page.choose_period(period)
        found |= commune_page_figures(at)
        if [b for b in at.download_button]:  # the list of the period's activities there
            found["Xã: tải CSV"] = commune_figures(csv_table(page.download("csv"), "Xã: tải CSV"), None)
            found["Xã: tải Excel"] = commune_figures(xlsx_table(page.download("xlsx"), "Xã: tải Excel"), None)

    def _events(self, period: str, found: dict) -> None:
        page = self.page("pages/events.py")
        at = page.choose_period(period)
        found |= events_page_figures(at)
        if [b for b in at.download_button]:
            found["Sự kiện: tải CSV"] = event_figures(csv_table(page.download("csv"), "Sự kiện: tải CSV"))
            found["Sự kiện: tải Excel"] = event_figures(xlsx_table(page.download("xlsx"), "Sự kiện: tải Excel"))

    def _data(self, period: str, found: dict) -> None:
        """Dữ liệu's three tables of the period, on screen and downloaded as CSV and Excel; the
        activities filtered to the commune with the page's own filter."""
        page = self.page("pages/data.py")
        at = page.choose_period(period)
        files = {"csv": ("Dữ liệu: tải CSV", csv_table), "xlsx": ("Dữ liệu: tải Excel", xlsx_table)}
        screen = "Dữ liệu: màn hình"
        extract = {"progress": progress_figures, "activities": lambda rows: commune_figures(rows, self.commune),
                   "events": event_figures}
        for name in [screen, *(name for name, _ in files.values())]:
            found[name] = {}
        # the table shown first, then the others: one rerun fewer per period
        tables = ["progress", "activities", "events"]
        current = at.selectbox(key="data_table").value
        start = tables.index(current) if current in tables else 0
        for table in tables[start:] + tables[:start]:
            if at.selectbox(key="data_table").value != table:
                page.run(at.selectbox(key="data_table").select(table))
            assert at.selectbox(key="data_period").value == period, "Dữ liệu follows the sidebar's period"
            if table == "activities" and at.selectbox(key="data_commune").value != self.commune:
                page.run(at.selectbox(key="data_commune").select(self.commune))
            if not at.download_button:  # no row: the page says so, and offers no file
                if table == "activities":
                    for name in [screen, *(name for name, _ in files.values())]:
                        found[name] |= {("commune", "activities"): 0}
                continue
            for kind, (name, read) in files.items():
                found[name] |= extract[table](read(page.download(kind), f"{name} ({table})"))
            # the screen: its count line and its rows (all of them here: fewer than its 1.000)
            shown = screen_table(at.dataframe[0].value, f"{screen} ({table})")
            assert f"**{fmt_int(len(shown.rows))} dòng**" in [m.value for m in at.markdown], f"{screen} ({table})"
            found[screen] |= extract[table](shown)

    def _export(self, period: str, found: dict) -> None:
        from vanhoa.__main__ import main

        if self.approved_only:  # the command line has no such choice (cli.md)
            return
        figures = {}
        for table in ("progress", "activities", "events"):
            out = self.tmp / f"export-{table}-{period}.csv"
            assert main(["--db", self.db, "export", table, "--period", period, "--out", str(out)]) == 0
            rows = csv_table(out.read_bytes(), f"export {table}")
            assert rows.header[:len(SPEC_COLUMNS[table])] == SPEC_COLUMNS[table], rows.header  # scripts read them
            figures |= {"progress": progress_figures, "events": event_figures,
                        "activities": lambda t: commune_figures(t, self.commune)}[table](rows)
        found["export (CSV)"] = figures

    def _report(self, period: str, found: dict) -> None:
        from vanhoa.report import build_appendix, build_report

        store = Store(self.db)
        report = build_report(store, period, approved_only=self.approved_only)
        found["Báo cáo"] = report_figures(report_paragraphs(report), self.commune)
        found |= appendix_figures(build_appendix(store, period, approved_only=self.approved_only), self.commune)


def _no_activity_no_zero(figures: dict) -> dict:
    """No activity in the commune: no person and no money there, whether a surface writes 0 or
    leaves the figure out (both say the same)."""
    if figures.get(("commune", "activities")) == 0:
        figures = dict(figures)
        for key in (("commune", "participants"), ("commune", "money")):
            if figures.get(key) == 0:
                figures[key] = None
    return figures


@pytest.fixture(scope="module")
def demo_surfaces(demo_db, tmp_path_factory, media_managers, module_patch) -> Surfaces:
    tmp = tmp_path_factory.mktemp("one-truth-demo")
    copy = str(tmp / "demo.duckdb")
    copy_store(demo_db, copy)
    return Surfaces(copy, media_managers, module_patch, tmp)


# ---------------------------------------------------------------- the module's own returns (2024)

YEAR = 2024
HALF_EVENT = f"Giải chạy VTM Mộc Châu {YEAR} (Marathon Mộc Châu)"  # 18/05: in the half-year returns only
BOTH_EVENT = f"Ngày chạy Olympic vì sức khỏe toàn dân {YEAR}"  # 24/03: repeated by the annual returns
LATE_EVENT = f"Ngày hội Đại đoàn kết toàn dân tộc {YEAR}"  # 15/11: in the annual returns only
REPEATED = "Trồng cây xanh tại trường tiểu học xã"  # 12/03, in Chiềng Xuân, in both returns


def own_sheets(index: int, unit: str, kind: str) -> dict[str, list[list]]:
    """A return of unit number `index` for YEAR's first half (kind 'H1') or the whole year ('Y'):
    its staff figures differ from unit to unit, so a sum taken over the wrong units shows."""
    header = [c.header for c in spec.STAFF_COLUMNS]
    total = 6 + index
    annual = kind == "Y"
    staff = [
        header,
        ["Cán bộ, công chức", total, total - index % 3, total - 2 - index % 2 - annual, total - 1,
         total - 1 - index % 2],
        ["Viên chức", 3, 3 - index % 2, 2, 3, 3],
        ["Lao động hợp đồng", 2, 2, 1 + annual, 2, 1 + annual],
    ]
    commune = "Chiềng Xuân"
    activities = [[c.header for c in spec.ACTIVITY_COLUMNS],
                  # the repeated activity: the annual return gives more people and money (it wins)
                  [dt.date(YEAR, 3, 12), REPEATED, "Giúp đỡ xã", commune, "Trường tiểu học", 10 + index + 2 * annual,
                   1_000_000 + 100_000 * index + 500_000 * annual, None, "III.3"],
                  [dt.date(YEAR, 4, 2), "Sinh hoạt chuyên đề văn hóa công sở", "Văn hóa - văn nghệ", None,
                   "Hội trường", 8 + index, None, None, "III.1"]]
    events = [[c.header for c in spec.EVENT_COLUMNS],
              [BOTH_EVENT, dt.date(YEAR, 3, 24), "Sơn La", 4 + index, 3 + index + annual, None, None]]
    if annual:
        activities += [[dt.date(YEAR, 9, 20), f"Tặng quà học sinh nghèo ({unit})", "Giúp đỡ xã", commune, "UBND xã",
                        5 + index, 2_000_000 + 250_000 * index, "Tốt", "III.3"],
                       [dt.date(YEAR, 10, 5), "Giải bóng chuyền hơi", "Thể dục - thể thao", None, "Sân cơ quan",
                        12, None, None, "III.2"]]
        events += [[LATE_EVENT, dt.date(YEAR, 11, 15), "Khu dân cư", None, 2 + index, None, None]]
    else:
        events += [[HALF_EVENT, dt.date(YEAR, 5, 18), "Mộc Châu", 2, 1 + index % 3,
                    "Giải Ba 10 km" if index == 0 else None, None]]
    return {
        "Thông tin": [["Đơn vị", unit], ["Kỳ báo cáo", f"6 tháng đầu năm {YEAR}" if kind == "H1" else f"Năm {YEAR}"],
                      ["Người lập", "Lò Thị Hoa"], ["Ngày lập", f"01/{'06' if kind == 'H1' else '12'}/{YEAR}"]],
        "Chỉ tiêu": staff,
        "Đơn vị văn hóa": [["Tiêu chuẩn", "Đạt", "Ghi chú"],
                          *[[text, "Không" if (code == "C2" and index == 4) else "Có", None]
                            for code, text in spec.CRITERIA]],
        "Hoạt động": activities,
        "Sự kiện": events,
    }


def build_own_store(path) -> tuple[str, list[str]]:
    """Eleven units expected: nine file both returns of YEAR, one only the half-year's, one
    nothing. Returns the store and the unit that filed nothing."""
    store = Store(path)
    ref = store.reference()
    units = list(ref.units.items())
    for index, (code, name) in enumerate(units[:-1]):
        kinds = ("H1",) if index == len(units) - 2 else ("H1", "Y")
        for kind in kinds:
            filed_at = dt.datetime(YEAR, 6, 10, 9) if kind == "H1" else dt.datetime(YEAR, 12, 1, 9)
            done = ingest(store, workbook_bytes(own_sheets(index, name, kind)), f"{code}-{kind}.xlsx", "Lò Thị Hoa",
                          ref=ref, filed_at=filed_at)
            assert done.status == "accepted", [p.line() for p in done.checked.errors]
    store.release()
    return str(path), units[-1][1]


@pytest.fixture(scope="module")
def own_surfaces(tmp_path_factory, media_managers, module_patch) -> Surfaces:
    tmp = tmp_path_factory.mktemp("one-truth-own")
    db, _ = build_own_store(tmp / "own.duckdb")
    return Surfaces(db, media_managers, module_patch, tmp)


@pytest.fixture(scope="module")
def approved_surfaces(tmp_path_factory, media_managers, module_patch) -> Surfaces:
    """The own returns with some approved, read with "Chỉ số liệu đã phê duyệt" on: the half-year
    returns of units 0-7 and the annual returns of units 0-4 (unit 7's half-year return is
    approved, its annual one not)."""
    from vanhoa.admin import review

    tmp = tmp_path_factory.mktemp("one-truth-approved")
    db, _ = build_own_store(tmp / "approved.duckdb")
    store = Store(db)
    codes = list(store.reference().units)
    for index, code in enumerate(codes[:8]):
        review(store, code, f"{YEAR}-H1", 1, True, "lanhdao")
        if index < 5:
            review(store, code, f"{YEAR}-Y", 1, True, "lanhdao")
    store.release()
    return Surfaces(db, media_managers, module_patch, tmp, approved_only=True)


# ---------------------------------------------------------------- the tests


def assert_one_truth(period: str, surfaces: dict[str, dict], failed: dict[str, str]) -> None:
    mismatches = compare(surfaces, COMPLETE)
    unread = [f"{period} {name}: không đọc được ({why})" for name, why in failed.items()]
    assert not mismatches and not unread, "\n" + "\n".join(unread + [describe(period, mismatches)])


@pytest.mark.parametrize("period", PLAN)
def test_every_surface_gives_the_demonstration_figures_of(period, demo_surfaces):
    assert_one_truth(period, *demo_surfaces.figures(period))


@pytest.mark.parametrize("period", [f"{YEAR}-H1", f"{YEAR}-Y"])
def test_every_surface_gives_the_own_returns_figures_of(period, own_surfaces):
    assert_one_truth(period, *own_surfaces.figures(period))


@pytest.mark.parametrize("period", [f"{YEAR}-H1", f"{YEAR}-Y"])
def test_every_surface_gives_the_approved_figures_of(period, approved_surfaces):
    assert_one_truth(period, *approved_surfaces.figures(period))


def test_the_year_holds_the_half_year_event_and_counts_a_repeat_once(own_surfaces):
    """The year is the whole year on every surface: the marathon of May, reported in the
    half-year returns only, is in every surface's Năm 2024; the activity and the event repeated
    by the annual returns count once, with the annual's figures."""
    year, _ = own_surfaces.figures(f"{YEAR}-Y")
    marathon = ("event", HALF_EVENT, "participants")
    # ten half-year returns, unit number i took 1 + i % 3 people
    assert {name: figures.get(marathon) for name, figures in year.items() if "event" in COMPLETE[name]} == {
        name: sum(1 + i % 3 for i in range(10)) for name in COMPLETE if "event" in COMPLETE[name]}
    olympic = ("event", BOTH_EVENT, "participants")
    # nine units' annual figures (3 + i + 1) and the tenth's half-year one (3 + 9)
    assert {figures.get(olympic) for name, figures in year.items() if "event" in COMPLETE[name]} == {
        sum(4 + i for i in range(9)) + 12}
    commune = {name: (f[("commune", "activities")], f[("commune", "participants")], f[("commune", "money")])
               for name, f in year.items() if "commune" in COMPLETE[name]}
    # the repeated activity once per unit (10), the annual's second one (9)
    people = sum(12 + i for i in range(9)) + (10 + 9) + sum(5 + i for i in range(9))
    money = (sum(1_500_000 + 100_000 * i for i in range(9)) + 1_900_000
             + sum(2_000_000 + 250_000 * i for i in range(9)))
    assert commune == {name: (19, people, money) for name in commune}


def test_a_unit_that_has_not_filed_has_no_figures(own_surfaces):
    year, _ = own_surfaces.figures(f"{YEAR}-Y")
    unit = Store(own_surfaces.db).reference().unit_name("NKTX")
    for name in ("Chỉ tiêu", "Dữ liệu: tải CSV", "export (CSV)", "Phụ lục"):
        assert year[name][("target", unit, "T1", "numerator")] is None, name
        assert year[name][("target", unit, "T1", "ratio")] is None, name
    assert year["Chỉ tiêu"][("target", OFFICE, "T3", "denominator")] == 11  # spec: a non-filer counts in it


def test_the_demonstration_year_2022_is_the_whole_year(demo_surfaces):
    """Issue 13's leader: Năm 2022 shows 8 activities, 38 person-times and 68.500.000 đ in Chiềng
    Xuân, and the marathon of 22/05/2022 (15 people) and the Olympic run (64), everywhere."""
    year, _ = demo_surfaces.figures("2022-Y")
    for name, figures in year.items():
        if "commune" in COMPLETE[name]:
            assert (figures.get(("commune", "activities")), figures.get(("commune", "participants")),
                    figures.get(("commune", "money"))) == (8, 38, 68_500_000), name
        if "event" in COMPLETE[name]:
            assert figures.get(("event", "Giải chạy VTM Mộc Châu 2022 (Marathon Mộc Châu)", "participants")) == 15, name
            assert figures.get(("event", "Ngày chạy Olympic vì sức khỏe toàn dân 2022", "participants")) == 64, name
