"""The upload page driven like a clerk would: a file with a mistake, the fix, the preview with
what changes, the confirmation, the identical re-upload, and the history below."""

from __future__ import annotations

import pytest
from builders import good_sheets, signed_in, workbook_bytes
from streamlit.testing.v1 import AppTest

from vanhoa import ui
from vanhoa.store import Store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_page():
    from pages import upload

    upload.render()


@pytest.fixture
def page(tmp_path, monkeypatch):
    """The upload page on an empty store of its own."""
    monkeypatch.setenv("VANHOA_DB", str(tmp_path / "page.duckdb"))
    at = signed_in(AppTest.from_function(upload_page, default_timeout=30))
    at.run()
    assert not at.exception
    return at, Store(tmp_path / "page.duckdb")


def texts(elements) -> list[str]:
    return [element.value for element in elements]


def test_reject_fix_preview_confirm(page):
    at, store = page
    broken = good_sheets()
    broken["Chỉ tiêu"][1][2] = 10  # 10 keep the ethics code out of 9 staff
    at.file_uploader[0].set_value(("bao-cao-TH.xlsx", workbook_bytes(broken), XLSX)).run()
    assert not at.exception
    assert texts(at.error) == [
        "Tệp bị từ chối: 1 lỗi. Sửa các ô dưới đây rồi tải lên lại; báo cáo có lỗi không được lưu."]
    errors = at.dataframe[0].value
    assert errors.to_dict("records") == [{
        "Mức": "lỗi", "Trang!Ô": "Chỉ tiêu!C2", "Giá trị": "10",
        "Nội dung": "'Thực hiện tốt chuẩn mực đạo đức, văn hóa công sở' (10) không được lớn hơn 'Tổng số' (9)."}]
    assert store.query("returns").empty
    assert store.query("uploads")["status"].tolist() == ["rejected"]  # the bytes are kept anyway

    at.file_uploader[0].set_value(("bao-cao-TH.xlsx", workbook_bytes(good_sheets()), XLSX)).run()
    assert not at.exception and not at.error
    assert "Đơn vị chưa có báo cáo cho kỳ này: tệp sẽ được lưu thành phiên bản 1." in texts(at.markdown)
    confirm = next(b for b in at.button if b.label == "Xác nhận lưu")
    confirm.click().run()
    assert texts(at.success) == ["Đã lưu: Phòng Tổng hợp, 6 tháng đầu năm 2022, phiên bản 1 (chờ lãnh đạo phê duyệt)."]
    returns = store.query("returns")
    assert returns[["period", "unit", "version", "current"]].values.tolist() == [["2022-H1", "Phòng Tổng hợp", 1, True]]
    history = next(d.value for d in at.dataframe if "Kỳ báo cáo" in d.value.columns)
    assert history[["Kỳ báo cáo", "Phiên bản", "Tệp"]].values.tolist() == [
        ["6 tháng đầu năm 2022", "1 (hiện hành)", "bao-cao-TH.xlsx"]]


def test_new_version_shows_which_numbers_change_then_identical_is_a_no_op(page):
    at, store = page
    at.file_uploader[0].set_value(("v1.xlsx", workbook_bytes(good_sheets()), XLSX)).run()
    next(b for b in at.button if b.label == "Xác nhận lưu").click().run()

    changed = good_sheets()
    changed["Chỉ tiêu"][1][3] = 7  # culture 6 -> 7
    second = workbook_bytes(changed)  # once: xlsxwriter stamps the time, so a rewrite is another file
    at.file_uploader[0].set_value(("v2.xlsx", second, XLSX)).run()
    assert ("So với phiên bản 1 hiện hành: **1** số liệu thay đổi. Lưu tệp này sẽ tạo phiên bản 2; "
            "các phiên bản cũ vẫn được giữ.") in texts(at.markdown)
    diff = at.dataframe[0].value
    assert diff[["item", "figure", "current", "new"]].values.tolist() == [
        ["Cán bộ, công chức", "Tham gia hoạt động văn hóa", 6, 7]]
    next(b for b in at.button if b.label == "Xác nhận lưu").click().run()
    assert texts(at.success) == ["Đã lưu: Phòng Tổng hợp, 6 tháng đầu năm 2022, phiên bản 2 (chờ lãnh đạo phê duyệt)."]

    at.file_uploader[0].set_value(("lai-lan-nua.xlsx", second, XLSX)).run()
    assert texts(at.info) == ["Tệp giống hệt phiên bản 2 hiện hành: không có gì thay đổi, không cần lưu lại."]
    assert not [b for b in at.button if b.label == "Xác nhận lưu"]
    assert store.query("returns")["version"].tolist() == [1, 2]


def test_unreadable_file_gets_one_line(page):
    at, store = page
    at.file_uploader[0].set_value(("bao-cao.pdf", b"%PDF-1.4 ...", "application/pdf")).run()
    # the reader's line may quote the file (a part's or a sheet's name): shown through escape_md
    assert texts(at.error) == ["Tệp bị từ chối: " + ui.escape_md(
        "Tệp là PDF, không phải bảng tính Excel: hãy tải lên tệp .xlsx của biểu mẫu.")]
    assert store.query("uploads")[["filename", "status"]].values.tolist() == [["bao-cao.pdf", "rejected"]]


def test_several_files_at_once(page):
    at, store = page
    other = good_sheets(unit="Phòng Kinh tế")
    at.file_uploader[0].set_value([
        ("th.xlsx", workbook_bytes(good_sheets()), XLSX),
        ("kt.xlsx", workbook_bytes(other), XLSX),
    ]).run()
    assert len([b for b in at.button if b.label == "Xác nhận lưu"]) == 2
    assert texts(at.warning) == ["Tệp ghi đơn vị “Phòng Kinh tế”, khác đơn vị đang chọn; báo cáo sẽ được lưu "
                                 "cho “Phòng Kinh tế”."]


def test_identical_re_upload_is_recorded_once_like_the_command_line_does(page):
    """The command line records an identical file as 'unchanged' (an upload row and an audit row);
    the web did not record it at all. Once per file and session: a rerun records nothing more."""
    at, store = page
    raw = workbook_bytes(good_sheets())
    at.file_uploader[0].set_value(("v1.xlsx", raw, XLSX)).run()
    next(b for b in at.button if b.label == "Xác nhận lưu").click().run()
    at.file_uploader[0].set_value(("lai.xlsx", raw, XLSX)).run()
    assert texts(at.info) == ["Tệp giống hệt phiên bản 1 hiện hành: không có gì thay đổi, không cần lưu lại."]
    at.run()
    uploads = store.query("uploads")
    assert uploads[["filename", "status", "version"]].values.tolist() == [
        ["lai.xlsx", "unchanged", 1], ["v1.xlsx", "accepted", 1]]
    log = store.query("audit_log")
    assert log[["actor", "action", "target", "details"]].values.tolist()[:2] == [
        ["test.admin", "tải lên (không thay đổi)", "lai.xlsx", "TH 2022-H1, giống phiên bản 1"],
        ["test.admin", "tải lên (đã lưu)", "v1.xlsx", f"TH 2022-H1 phiên bản 1, SHA-256 {uploads['sha256'][0][:12]}…"]]
    assert store.query("returns")["version"].tolist() == [1]


def test_file_names_are_recorded_and_shown_without_control_or_bidi_characters(page):
    """A right-to-left override makes 'bao-cao\u202eslx.exe' look like 'bao-caoexe.xlsx'; a NUL
    hides the rest of a name in some programs. The name is cleaned where it is recorded and shown;
    the archive keeps the file's bytes exactly."""
    at, store = page
    raw = workbook_bytes(good_sheets())
    at.file_uploader[0].set_value(("bao-cao\u202exslx.\x00xlsx\u200b", raw, XLSX)).run()
    assert not at.exception
    assert "##### :material/description: bao-caoxslx\\.xlsx" not in texts(at.markdown)  # not escaped away
    assert "##### :material/description: bao-caoxslx.xlsx" in texts(at.markdown)
    next(b for b in at.button if b.label == "Xác nhận lưu").click().run()
    uploads = store.query("uploads")
    assert uploads["filename"].tolist() == ["bao-caoxslx.xlsx"]
    assert store.query("returns")["filename"].tolist() == ["bao-caoxslx.xlsx"]
    assert store.file_bytes(uploads["sha256"][0]) == raw
    history = next(d.value for d in at.dataframe if "Kỳ báo cáo" in d.value.columns)
    assert history["Tệp"].tolist() == ["bao-caoxslx.xlsx"]
    assert store.query("audit_log")["target"].tolist()[0] == "bao-caoxslx.xlsx"


def test_the_command_line_records_the_name_cleaned_too(store):
    """`python -m vanhoa ingest` goes through ingest.check like the page: the same cleaned name."""
    from vanhoa.ingest import ingest

    raw = workbook_bytes(good_sheets())
    done = ingest(store, raw, "bao-cao\u202exslx\x00.xlsx", "vanthu.th")
    assert done.status == "accepted"
    uploads = store.query("uploads")
    assert uploads["filename"].tolist() == ["bao-caoxslx.xlsx"]
    assert store.file_bytes(uploads["sha256"][0]) == raw
    broken = good_sheets()
    broken["Chỉ tiêu"][1][1] = "abc"
    assert ingest(store, workbook_bytes(broken), "\u202eloi.xlsx", "vanthu.th").status == "rejected"
    assert store.query("uploads", status="rejected")["filename"].tolist() == ["loi.xlsx"]
