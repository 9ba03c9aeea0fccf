"""Session state belongs to one account (issue 12, item 4): signing out, or another account signing
in in the same tab, forgets everything the previous account left; a check result is bound to the
account and unit that made it, and the confirm step checks it again."""

from __future__ import annotations

from builders import good_sheets, signed_in, workbook_bytes
from streamlit.testing.v1 import AppTest

from vanhoa import auth, ui
from vanhoa.ingest import check
from vanhoa.store import Store, sha256_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KT_FILE = workbook_bytes(good_sheets(unit="Phòng Kinh tế"))  # once: xlsxwriter stamps the time
REFUSED = "Tệp bị từ chối: 1 lỗi. Sửa các ô dưới đây rồi tải lên lại; báo cáo có lỗi không được lưu."
OTHER_UNIT = ("tệp ghi đơn vị “Phòng Kinh tế”; tài khoản của bạn chỉ được nộp báo cáo cho “Phòng Tổng hợp”.")


def upload_tab():
    """The upload page with the sidebar's sign-out button, as app.py puts them together."""
    import streamlit as st

    from pages import upload
    from vanhoa import ui

    if ui.current_account() is not None and st.button("Đăng xuất", key="signout"):
        ui.sign_out()
        st.rerun()
    upload.render()


def sign_in_as(at: AppTest, name: str, role: str, unit: str | None) -> AppTest:
    """What the sign-in page does for `name` in this same tab: a new session token in its state."""
    store = Store()
    account = auth.add_account(store, name, role, "mat-khau-thu-nghiem", unit, by="test")
    at.session_state[ui.TOKEN_KEY] = auth.create_session(store, account)
    return at


def confirm_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.label == "Xác nhận lưu"]


def kt_versions(store: Store) -> list[tuple]:
    return store.query("returns", unit="KT")[["version", "filed_by"]].values.tolist()


def test_after_sign_out_another_clerk_in_the_same_tab_cannot_file_the_first_clerks_return(demo_copy):
    at = AppTest.from_function(upload_tab, default_timeout=60)
    sign_in_as(at, "vanthu.kt.thu", "clerk", "KT").run()
    at.file_uploader[0].set_value(("kt.xlsx", KT_FILE, XLSX)).run()
    assert len(confirm_buttons(at)) == 1  # the Phòng Kinh tế clerk may file it (and does not)
    at.button(key="signout").click().run()
    assert [w.value for w in at.warning] == ["Hãy đăng nhập để xem trang này."]
    assert set(at.session_state.to_dict()) <= {ui.COOKIE_PENDING, "session_owner"}  # the check is gone

    sign_in_as(at, "vanthu.th.thu", "clerk", "TH").run()
    at.file_uploader[0].set_value(("kt.xlsx", KT_FILE, XLSX)).run()
    assert not at.exception
    assert not confirm_buttons(at)
    assert [e.value for e in at.error] == [REFUSED]
    assert at.dataframe[0].value["Nội dung"].tolist() == [OTHER_UNIT]
    # the demonstration's two (2022-H1, 2022-Y) only
    assert kt_versions(demo_copy) == [[1, "Lò Văn Thắng"], [1, "Lò Văn Thắng"]]


def test_another_account_signing_in_over_a_session_forgets_the_first_ones_choices(demo_copy):
    """No sign-out: a second account's token replaces the first's (a new sign-in, or a cookie of
    another account); the period, the file checks and every other choice of the first are gone."""
    at = AppTest.from_function(upload_tab, default_timeout=60)
    sign_in_as(at, "vanthu.kt.thu", "clerk", "KT").run()
    at.file_uploader[0].set_value(("kt.xlsx", KT_FILE, XLSX)).run()
    at.session_state[ui.PERIOD_KEY] = "2022-Y"
    assert {"upload_checked", "upload_period", ui.PERIOD_KEY} <= set(at.session_state.to_dict())

    sign_in_as(at, "vanthu.th.thu", "clerk", "TH").run()
    assert not at.exception
    left = set(at.session_state.to_dict())
    assert ui.PERIOD_KEY not in left
    assert at.session_state["upload_checked"] == {}  # the page's own, empty: the first clerk's check is gone
    assert at.session_state[ui.OWNER_KEY] == "vanthu.th.thu"


def test_a_check_left_in_the_session_by_another_clerk_is_not_used(demo_copy):
    """A result the Phòng Kinh tế clerk's check left (as the page kept it before: hash -> verdict)
    is read again for the Phòng Tổng hợp clerk, and refused."""
    at = AppTest.from_function(upload_tab, default_timeout=60)
    signed_in(at, "clerk", "TH")
    at.session_state["upload_checked"] = {sha256_of(KT_FILE): check(KT_FILE, "kt.xlsx", demo_copy.reference())}
    at.run()
    at.file_uploader[0].set_value(("kt.xlsx", KT_FILE, XLSX)).run()
    assert not at.exception
    assert not confirm_buttons(at)
    assert [e.value for e in at.error] == [REFUSED]
    assert kt_versions(demo_copy) == [[1, "Lò Văn Thắng"], [1, "Lò Văn Thắng"]]


def test_the_confirm_step_checks_the_unit_and_the_account_again(demo_copy):
    """Even a result that claims to be this clerk's (a forged or stale entry) is refused at the
    click when the return names another unit: a Vietnamese line, nothing stored."""
    from pages.upload import CheckedFor

    at = AppTest.from_function(upload_tab, default_timeout=60)
    signed_in(at, "clerk", "TH")
    forged = CheckedFor(check(KT_FILE, "kt.xlsx", demo_copy.reference()), "test.clerk.th", "TH")
    at.session_state["upload_checked"] = {sha256_of(KT_FILE): forged}
    at.run()
    at.file_uploader[0].set_value(("kt.xlsx", KT_FILE, XLSX)).run()
    confirm_buttons(at)[0].click().run()
    assert [e.value for e in at.error] == [
        "Không lưu: tệp ghi đơn vị “Phòng Kinh tế”; tài khoản của bạn chỉ được nộp báo cáo cho “Phòng Tổng hợp”."]
    assert not at.success
    assert kt_versions(demo_copy) == [[1, "Lò Văn Thắng"], [1, "Lò Văn Thắng"]]
    assert demo_copy.query("uploads", unit="KT", status="accepted")["uploaded_by"].tolist() == ["Lò Văn Thắng"] * 2
