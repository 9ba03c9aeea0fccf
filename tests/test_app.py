"""The app as a whole (AppTest): the router, the shared period selector, every page on the
demonstration data, and every page file run on its own (Streamlit's legacy pages/ mode)."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import copy_store, signed_in
from page_runs import page_alone
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py"))  # every page file


@pytest.fixture
def demo_env(demo_db, monkeypatch):
    """VANHOA_DB points at a copy of the demonstration store, so a test may write to it."""

    copy = demo_db.replace("demo.duckdb", f"copy-{id(monkeypatch)}.duckdb")
    copy_store(demo_db, copy)
    monkeypatch.setenv("VANHOA_DB", copy)
    return copy


def test_router_defaults_to_the_overview_of_the_latest_period(demo_env):
    at = signed_in(AppTest.from_file(APP, default_timeout=30)).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Tổng quan phong trào"]
    assert at.sidebar.selectbox[0].label == "Kỳ báo cáo" and at.sidebar.selectbox[0].value == "2022-Y"
    metrics = [(m.label, m.value) for m in at.metric]
    assert metrics == [
        ("T1. Chuẩn mực đạo đức, văn hóa công sở", "99,1 %"),
        ("T2. Hưởng thụ, tham gia hoạt động văn hóa", "79,8 %"),
        ("T3. Cơ quan, đơn vị đạt chuẩn văn hóa", "100,0 %"),
        ("T4. Gia đình văn hóa", "99,0 %"),
    ]


def test_choosing_a_period_in_the_sidebar_changes_the_overview(demo_env):
    at = signed_in(AppTest.from_file(APP, default_timeout=30)).run()
    at.sidebar.selectbox[0].select("2022-H1").run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["97,3 %", "61,9 %", "90,9 %", "95,8 %"]
    assert "Đúng hạn: **10** · Trễ hạn: **1** · Chưa nộp: **0** (trên 11 đơn vị)" in [m.value for m in at.markdown]


def test_reruns_keep_the_router(demo_env):
    """Streamlit's legacy pages/ mode runs a page file alone on some reruns: it must still route."""
    at = signed_in(AppTest.from_file(APP, default_timeout=30))
    for _ in range(4):
        at.run()
        assert not at.exception
        assert at.sidebar.selectbox[0].label == "Kỳ báo cáo"


@pytest.mark.parametrize("page", PAGES)
def test_each_page_file_run_alone_goes_through_the_router(demo_env, page):
    at = signed_in(AppTest.from_file(str(ROOT / page), default_timeout=30)).run()
    assert not at.exception
    assert at.sidebar.selectbox[0].label == "Kỳ báo cáo"  # the shared sidebar is there


def test_empty_store_invites_to_upload(tmp_path, monkeypatch):
    monkeypatch.setenv("VANHOA_DB", str(tmp_path / "empty.duckdb"))
    at = signed_in(AppTest.from_file(APP, default_timeout=30)).run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Chưa có báo cáo nào được nộp. Văn thư các đơn vị hãy vào mục **Nộp báo cáo** để tải biểu mẫu, "
        "điền và tải lên báo cáo của đơn vị."]


def archive_page():
    from pages import archive

    archive.render()


def test_archive_lists_every_upload_and_gives_the_original_back(demo_env):
    at = signed_in(AppTest.from_function(archive_page, default_timeout=30)).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 23 and set(table["Tình trạng"]) == {"đã lưu"}
    at.selectbox(key="archive_status").select("rejected").run()
    assert [i.value for i in at.info] == ["Chưa có tệp nào được tải lên."]


def test_archive_lists_the_newest_with_the_count_and_downloads_every_match_when_clicked(demo_env, monkeypatch,
                                                                                         downloads):
    import csv
    import io

    from pages import archive
    from vanhoa.store import Store

    monkeypatch.setattr(archive, "PAGE_ROWS", 5)
    at = signed_in(AppTest.from_function(archive_page, default_timeout=30)).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 5
    assert "Hiển thị 5 tệp mới nhất trong 23; lọc để tìm tệp khác." in [c.value for c in at.caption]
    every = {b.label: b for b in at.download_button}
    assert all(b.proto.deferred_file_id for b in every.values())  # written when clicked
    rows = list(csv.DictReader(io.StringIO(downloads(every["Tải xuống CSV"]).decode("utf-8-sig"))))
    assert len(rows) == 23  # every match, not only the rows shown
    newest = Store(demo_env).query("uploads").iloc[0]
    assert downloads(every["Tải tệp gốc"]) == Store(demo_env).file_bytes(newest["sha256"])

    at.text_input(key="archive_search").input(newest["filename"]).run()
    assert at.dataframe[0].value["Tệp"].tolist() == [newest["filename"]]
    assert not [c.value for c in at.caption if c.value.startswith("Hiển thị")]


def menus() -> None:
    """app.pages_for of every role, kept as (title, url path, icon): st.Page needs a run."""
    import streamlit as st

    import app

    st.session_state["menus"] = {
        role: {section: [(p.title, p.url_path, p.icon) for p in pages]
               for section, pages in app.pages_for(role).items()}
        for role in ("clerk", "leader", "admin")}


def test_the_menu_of_each_role_comes_from_the_registry_in_its_sections_and_order(demo_env):
    at = AppTest.from_function(menus, default_timeout=30).run()
    assert not at.exception

    def menu(role):
        return at.session_state["menus"][role]

    home = [("Tổng quan", "", ":material/dashboard:")]  # the default page lives at the root
    upload = {"Văn thư đơn vị": [("Nộp báo cáo", "upload", ":material/upload_file:")]}
    leaders = home + [
        ("Chỉ tiêu", "targets", ":material/flag:"), ("Xã Chiềng Xuân", "commune", ":material/volunteer_activism:"),
        ("Sự kiện", "events", ":material/emoji_events:"), ("Dữ liệu", "data", ":material/table_view:"),
        ("Báo cáo", "report", ":material/description:"), ("Phê duyệt", "approval", ":material/task_alt:")]
    assert menu("clerk") == {"Lãnh đạo": home, **upload}
    assert menu("leader") == {"Lãnh đạo": leaders}
    assert menu("admin") == {"Lãnh đạo": leaders, **upload, "Quản trị": [
        ("Danh mục", "lists", ":material/list_alt:"), ("Tài khoản", "accounts", ":material/group:"),
        ("Nhật ký thao tác", "audit", ":material/history:"),
        ("Kho tệp đã tải lên", "archive", ":material/inventory_2:"),
        ("Lịch sử kho", "history", ":material/manage_history:")]}


@pytest.mark.parametrize("role, allowed", [("clerk", False), ("leader", True), ("admin", True)])
def test_a_page_checks_the_roles_of_its_registry_entry_when_opened_without_the_menu(demo_env, role, allowed):
    at = AppTest.from_function(page_alone, args=("targets",), default_timeout=30)
    at = signed_in(at, role, "TH" if role == "clerk" else None)
    at.run()
    assert not at.exception
    refused = [e.value for e in at.error if "không có quyền" in e.value]
    assert refused == ([] if allowed else ["Tài khoản của bạn (văn thư đơn vị) không có quyền dùng trang này."])
    assert [t.value for t in at.title] == (["Chỉ tiêu của Kế hoạch"] if allowed else [])


@pytest.mark.parametrize("page, why", [("targets", "được nộp, nên chưa có số liệu chỉ tiêu"),
                                       ("report", "của các đơn vị, nên chưa thể soạn báo cáo của Văn phòng")])
def test_an_empty_store_says_why_the_page_has_nothing_and_what_to_do(tmp_path, monkeypatch, page, why):
    monkeypatch.setenv("VANHOA_DB", str(tmp_path / "empty.duckdb"))
    at = signed_in(AppTest.from_function(page_alone, args=(page,), default_timeout=30)).run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        f"Chưa có báo cáo nào {why}. Văn thư các đơn vị hãy vào mục **Nộp báo cáo** để tải lên báo cáo của đơn vị."]
