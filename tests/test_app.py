"""The app as a whole (AppTest): the router, the shared period selector, every page on the
demonstration data, and every page file run on its own (Streamlit's legacy pages/ mode)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_store, signed_in
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = ["pages/overview.py", "pages/targets.py", "pages/commune.py", "pages/events.py", "pages/data.py",
         "pages/report.py", "pages/upload.py", "pages/archive.py", "pages/history.py"]


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
