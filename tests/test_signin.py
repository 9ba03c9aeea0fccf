"""Sign-in to OWASP ASVS level 1 (issue 12): what the form refuses before the store, one message
for a wrong name or password, a throttle that never locks, password rules, the cookie."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from builders import signed_in
from streamlit.testing.v1 import AppTest

from vanhoa import auth, ui
from vanhoa.store import Store
from vanhoa.throttle import Throttle

ROOT = Path(__file__).resolve().parent.parent
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
PASSWORD = "Lo-Thi-Hoa-Phong-TH"


def page_script(name: str):
    import importlib

    importlib.import_module(f"pages.{name}").render()


@pytest.fixture(autouse=True)
def fresh_counts():
    """The throttles are the server's (module-level): each test starts with none of another's."""
    throttles = (auth.NAME_CLIENT_THROTTLE, auth.CLIENT_THROTTLE, auth.NAME_THROTTLE)
    for throttle in throttles:
        throttle.clear()
    yield
    for throttle in throttles:
        throttle.clear()


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """argon2's cheapest parameters for the accounts made here and the dummy hash: a test signs in
    dozens of times, and each verification with the real ones takes about a second on a busy
    test machine. What is checked (which verifications run, what is refused) does not change."""
    import argon2

    hasher = argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)
    monkeypatch.setattr(auth, "_hasher", hasher)
    monkeypatch.setattr(auth, "_DUMMY_HASH", hasher.hash("not a password of anyone"))


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, moved by hand (seconds)."""
    now = SimpleNamespace(t=1000.0)
    for throttle in (auth.NAME_CLIENT_THROTTLE, auth.CLIENT_THROTTLE, auth.NAME_THROTTLE):
        monkeypatch.setattr(throttle, "clock", lambda: now.t)
    return now


@pytest.fixture
def hoa(demo_copy, clock) -> Store:
    """The demonstration store with the account hoa.lt (clerk of Phòng Tổng hợp)."""
    auth.add_account(demo_copy, "hoa.lt", "clerk", PASSWORD, "TH", "Lò Thị Hoa", by="test")
    return demo_copy


def audit(store: Store, newest: int) -> list[list]:
    """The newest audit rows, oldest first; missing values None."""
    log = store.query("audit_log")[["actor", "action", "target", "details"]].head(newest)
    return [[None if isinstance(v, float) else v for v in row] for row in log.values.tolist()][::-1]


def store_text(store: Store) -> str:
    """Every value of every table, as one text (to look for what must not be kept)."""
    with store.connect() as con:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]
        return "|".join(str(con.execute("select string_agg(cast(columns(*) as varchar), '|') from " + t).fetchall())
                        for t in tables)


def signin_page(store: Store) -> AppTest:
    return AppTest.from_function(page_script, args=("signin",), default_timeout=60).run()


def submit(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    return at.button[0].click().run()


# ------------------------------------------------------------------ the name box


@pytest.mark.parametrize("name, message", [
    ("a" * 65, "Tên đăng nhập dài tối đa 64 ký tự."),
    ("x" * 2_000_000, "Tên đăng nhập dài tối đa 64 ký tự."),
    ("hoa.lt\x00", "Tên đăng nhập có ký tự điều khiển hoặc ký tự ẩn; hãy gõ lại."),
    ("hoa\u202e.lt", "Tên đăng nhập có ký tự điều khiển hoặc ký tự ẩn; hãy gõ lại."),
    ("hoa\u200b.lt", "Tên đăng nhập có ký tự điều khiển hoặc ký tự ẩn; hãy gõ lại."),
    ("hoa.lt\nadmin", "Tên đăng nhập có ký tự điều khiển hoặc ký tự ẩn; hãy gõ lại."),
])
def test_a_long_name_or_one_with_control_characters_is_refused_before_the_store(hoa, monkeypatch, name, message):
    at = signin_page(hoa)
    before = len(hoa.query("audit_log"))
    writes = []
    monkeypatch.setattr(Store, "write", lambda self, *a, **k: writes.append(a))
    submit(at, name, PASSWORD)
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert [t.value for t in at.title] == ["Đăng nhập"]
    assert writes == [] and len(hoa.query("audit_log")) == before
    assert auth.throttle_wait(hoa, name) == 0  # not counted either


def test_a_name_of_64_characters_is_looked_up_and_logged_without_its_text(hoa):
    name = "b" * 64
    at = submit(signin_page(hoa), name, PASSWORD)
    assert [e.value for e in at.error] == [WRONG]
    assert audit(hoa, 1) == [[None, "đăng nhập thất bại", None, "tên đăng nhập không tồn tại"]]
    assert name not in store_text(hoa)


def test_a_password_typed_in_the_name_box_is_not_kept(hoa):
    at = submit(signin_page(hoa), PASSWORD, PASSWORD)
    assert [e.value for e in at.error] == [WRONG]
    assert audit(hoa, 1) == [[None, "đăng nhập thất bại", None, "tên đăng nhập không tồn tại"]]
    text = store_text(hoa)
    assert PASSWORD not in text and PASSWORD.lower() not in text


def test_a_wrong_password_names_the_account_in_the_log(hoa):
    assert auth.sign_in(hoa, "hoa.lt", "sai-mat-khau") == (None, WRONG)
    assert auth.sign_in(hoa, " Hoa.LT ", "sai-mat-khau-nua") == (None, WRONG)
    assert audit(hoa, 2) == [["hoa.lt", "đăng nhập thất bại", "hoa.lt", "sai mật khẩu (lần 1 liên tiếp)"],
                             ["hoa.lt", "đăng nhập thất bại", "hoa.lt", "sai mật khẩu (lần 2 liên tiếp)"]]
    account, message = auth.sign_in(hoa, "hoa.lt", PASSWORD)
    assert (account.name, message) == ("hoa.lt", "")
    assert audit(hoa, 1) == [["hoa.lt", "đăng nhập", "hoa.lt", None]]
    assert auth.list_accounts(hoa).set_index("name").loc["hoa.lt", "failed_attempts"] == 0


def test_an_empty_form_is_refused_before_the_store(hoa, monkeypatch):
    writes = []
    monkeypatch.setattr(Store, "write", lambda self, *a, **k: writes.append(a))
    assert auth.sign_in(hoa, "  ", PASSWORD) == (None, "Hãy nhập tên đăng nhập.")
    assert auth.sign_in(hoa, "hoa.lt", "") == (None, "Hãy nhập mật khẩu.")
    assert writes == []


# ------------------------------------------------------------------ one message, the same work


def test_a_wrong_name_and_a_wrong_password_get_the_same_messages_and_the_same_work(hoa, monkeypatch):
    auth.add_account(hoa, "cu.nv", "leader", "Cu-Nguyen-Van-2022", by="test")
    auth.set_active(hoa, "cu.nv", False, "test")
    checks = []
    real_check = auth._check
    monkeypatch.setattr(auth, "_check", lambda hashed, password: checks.append(hashed) or real_check(hashed, password))

    def attempts(name: str) -> tuple[list[str], int]:
        checks.clear()
        return [auth.sign_in(hoa, name, "sai-mat-khau-roi")[1] for _ in range(7)], len(checks)

    real, missing, disabled = attempts("hoa.lt"), attempts("khong.co.ai"), attempts("cu.nv")
    assert real == missing == disabled == (
        [WRONG] * 4 + [WRONG + " Vui lòng thử lại sau 2 giây."]
        + ["Đã nhập sai nhiều lần. Vui lòng thử lại sau 2 giây."] * 2,
        5)  # one argon2 verification per attempt that reaches the store, a dummy one for no account


def test_the_sign_in_page_shows_one_message_and_no_count_of_tries_left(hoa):
    at = signin_page(hoa)
    assert [c.value for c in at.caption][-1] == ("Phiên đăng nhập được giữ 8 giờ kể cả khi tải lại trang. Sau 5 lần "
                                                 "nhập sai liên tiếp, mỗi lần thử tiếp theo phải chờ lâu dần, tối đa "
                                                 "60 giây.")
    for name in ("hoa.lt", "khong.co.ai"):
        for _ in range(4):
            assert [e.value for e in submit(at, name, "sai-mat-khau-roi").error] == [WRONG]
        wrong = [e.value for e in submit(at, name, "sai-mat-khau-roi").error]
        assert wrong == [WRONG + " Vui lòng thử lại sau 2 giây."]
        right = [e.value for e in submit(at, name, PASSWORD).error]
        assert right == ["Đã nhập sai nhiều lần. Vui lòng thử lại sau 2 giây."]


# ------------------------------------------------------------------ the throttle


def test_after_five_failures_each_attempt_waits_twice_as_long_up_to_a_minute(hoa, clock):
    for _ in range(5):
        auth.sign_in(hoa, "hoa.lt", "sai-mat-khau-roi")
    waits = []
    for _ in range(7):
        wait = auth.throttle_wait(hoa, "hoa.lt")
        waits.append(wait)
        clock.t += wait - 0.5
        assert auth.sign_in(hoa, "hoa.lt", PASSWORD) == (None, "Đã nhập sai nhiều lần. Vui lòng thử lại sau 1 giây.")
        clock.t += 0.5
        assert auth.sign_in(hoa, "hoa.lt", "sai-mat-khau-roi")[0] is None
    assert waits == [2, 4, 8, 16, 32, 60, 60]
    failures = [row for row in audit(hoa, 12) if row[1] == "đăng nhập thất bại"]
    assert failures[-1] == ["hoa.lt", "đăng nhập thất bại", "hoa.lt", "sai mật khẩu (lần 12 liên tiếp)"]
    assert len(failures) == 12  # an attempt refused by the wait writes nothing


def test_the_right_password_always_works_once_the_wait_has_passed(hoa, clock):
    for _ in range(12):  # a stranger's guesses, each as soon as allowed (the wait is at its cap from the 10th)
        clock.t += auth.throttle_wait(hoa, "hoa.lt")
        auth.sign_in(hoa, "hoa.lt", "sai-mat-khau-roi")
    assert auth.throttle_wait(hoa, "hoa.lt") == 60
    clock.t += 60
    account, message = auth.sign_in(hoa, "hoa.lt", PASSWORD)
    assert (account.name, message) == ("hoa.lt", "")
    assert auth.throttle_wait(hoa, "hoa.lt") == 0  # counts cleared: the next typo costs nothing
    assert auth.sign_in(hoa, "hoa.lt", "sai-mat-khau-roi") == (None, WRONG)
    with hoa.connect() as con:
        assert con.execute("select locked_until from accounts where name = 'hoa.lt'").fetchone() == (None,)


def test_a_stranger_on_another_address_does_not_slow_the_clerk_down(hoa, clock):
    for _ in range(10):
        clock.t += auth.throttle_wait(hoa, "hoa.lt", "203.0.113.9")
        auth.sign_in(hoa, "hoa.lt", "sai-mat-khau-roi", "203.0.113.9")
    assert auth.throttle_wait(hoa, "hoa.lt", "203.0.113.9") == 60
    assert auth.throttle_wait(hoa, "hoa.lt", "198.51.100.7") == 0
    account, message = auth.sign_in(hoa, "hoa.lt", PASSWORD, "198.51.100.7")
    assert (account.name, message) == ("hoa.lt", "")


def test_one_address_trying_many_names_is_slowed_down(hoa):
    client = "203.0.113.9"
    messages = [auth.sign_in(hoa, f"ten.{i}", "Mua-Xuan-2026", client)[1] for i in range(21)]
    assert messages[:19] == [WRONG] * 19
    assert messages[19:] == [WRONG + " Vui lòng thử lại sau 2 giây.",
                             "Đã nhập sai nhiều lần. Vui lòng thử lại sau 2 giây."]
    assert auth.throttle_wait(hoa, "hoa.lt", "198.51.100.7") == 0  # other addresses are not slowed


def test_guesses_spread_over_many_addresses_slow_the_account_for_everyone(hoa, clock, monkeypatch):
    assert (auth.ACCOUNT_FREE_FAILURES, auth.NAME_THROTTLE.free) == (50, 50)  # ten addresses, five each
    monkeypatch.setattr(auth.NAME_THROTTLE, "free", 10)  # the same rule with two addresses

    def guesses(client: str, count: int) -> None:
        for _ in range(count):
            clock.t += auth.throttle_wait(hoa, "hoa.lt", client)
            auth.sign_in(hoa, "hoa.lt", "sai-mat-khau-roi", client)

    guesses("203.0.113.1", 8)  # one address counts for five of them, however many it makes
    assert auth.throttle_wait(hoa, "hoa.lt", "198.51.100.7") == 0
    guesses("203.0.113.2", 5)
    assert auth.throttle_wait(hoa, "hoa.lt", "198.51.100.7") == 2
    assert auth.sign_in(hoa, "hoa.lt", PASSWORD, "198.51.100.7") == (
        None, "Đã nhập sai nhiều lần. Vui lòng thử lại sau 2 giây.")
    clock.t += 2
    account, message = auth.sign_in(hoa, "hoa.lt", PASSWORD, "198.51.100.7")
    assert (account.name, message) == ("hoa.lt", "")


def test_two_stores_count_apart(hoa, store):
    for _ in range(5):
        auth.sign_in(hoa, "hoa.lt", "sai-mat-khau-roi")
    assert auth.throttle_wait(hoa, "hoa.lt") == 2 and auth.throttle_wait(store, "hoa.lt") == 0


def test_the_throttle_forgets_old_failures_and_keeps_a_bounded_table():
    now = SimpleNamespace(t=0.0)
    throttle = Throttle(free=2, base=1, cap=4, forget_after=100, max_keys=3, clock=lambda: now.t)
    assert [throttle.failed("a") for _ in range(4)] == [1, 2, 3, 4]
    assert [throttle.delay(n) for n in range(1, 7)] == [0, 1, 2, 4, 4, 4]
    assert throttle.wait("a") == 4
    now.t = 101  # quiet for longer than forget_after
    assert (throttle.wait("a"), throttle.failures("a")) == (0, 0)
    for key in ("b", "c", "d", "e"):
        throttle.failed(key)
    assert len(throttle) == 3 and throttle.failures("b") == 0  # the oldest went first
    assert [throttle.failures(k) for k in ("c", "d", "e")] == [1, 1, 1]


# ------------------------------------------------------------------ passwords


@pytest.mark.parametrize("password, message", [
    ("12345678", "Mật khẩu phải có ít nhất 10 ký tự."),
    ("mat-khau1", "Mật khẩu phải có ít nhất 10 ký tự."),
    (" " * 12, "Mật khẩu không được chỉ gồm dấu cách."),
    ("\t \u3000" * 4, "Mật khẩu không được chỉ gồm dấu cách."),
    ("x" * 129, "Mật khẩu dài tối đa 128 ký tự."),
    ("1234567890", "Mật khẩu nằm trong danh sách mật khẩu phổ biến (bị dò đầu tiên); hãy chọn mật khẩu khác."),
    ("Password123", "Mật khẩu nằm trong danh sách mật khẩu phổ biến (bị dò đầu tiên); hãy chọn mật khẩu khác."),
    ("QWERTYUIOP", "Mật khẩu nằm trong danh sách mật khẩu phổ biến (bị dò đầu tiên); hãy chọn mật khẩu khác."),
    ("P@ssw0rd123", "Mật khẩu quá dễ đoán (lặp ký tự, dãy liền nhau như 1234 hay abcd, tên tài khoản hoặc mật khẩu "
                    "phổ biến thêm vài ký tự); hãy chọn mật khẩu khác."),
    ("aaaaaaaaaaaa", "Mật khẩu quá dễ đoán (lặp ký tự, dãy liền nhau như 1234 hay abcd, tên tài khoản hoặc mật khẩu "
                     "phổ biến thêm vài ký tự); hãy chọn mật khẩu khác."),
    ("nam.vv12345", "Mật khẩu quá dễ đoán (lặp ký tự, dãy liền nhau như 1234 hay abcd, tên tài khoản hoặc mật khẩu "
                    "phổ biến thêm vài ký tự); hãy chọn mật khẩu khác."),
])
def test_weak_passwords_are_refused_when_an_account_is_added_or_reset(demo_copy, password, message):
    with pytest.raises(auth.AccountError) as refused:
        auth.add_account(demo_copy, "nam.vv", "leader", password, by="test")
    assert str(refused.value) == message
    with pytest.raises(auth.AccountError) as refused:
        auth.reset_password(demo_copy, "vanthu.th", password.replace("nam.vv", "vanthu.th"), "test")
    assert str(refused.value) == message
    assert "nam.vv" not in set(auth.list_accounts(demo_copy)["name"])


def test_every_common_password_of_ten_characters_or_more_is_refused():
    # The list zxcvbn matches against (its frequency_lists module, read here only to check the
    # claim on every entry): 1.090 of its 30.000 passwords are long enough to reach the list rule.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    listed = [p for p in FREQUENCY_LISTS["passwords"] if 10 <= len(p) <= auth.MAX_PASSWORD]
    assert len(listed) == 1090
    accepted = [p for p in listed if auth.password_problem(p) is None]
    assert accepted == []
    assert auth.password_problem("ManChester") == auth.password_problem("manchester") == (
        "Mật khẩu nằm trong danh sách mật khẩu phổ biến (bị dò đầu tiên); hãy chọn mật khẩu khác.")


@pytest.mark.parametrize("password", ["Rat-Bi-Mat-2026", "mat-khau-thu-nghiem", "Sơn La mùa hoa ban",
                                      "x" * 5 + "Q7!" + "z" * 120])
def test_good_passwords_are_accepted_and_sign_in(demo_copy, clock, password):
    auth.add_account(demo_copy, "nam.vv", "leader", password, by="test")
    account, message = auth.sign_in(demo_copy, "nam.vv", password)
    assert (account.name, message) == ("nam.vv", "")


def test_a_vietnamese_password_signs_in_however_the_keyboard_composes_it(demo_copy, clock):
    import unicodedata

    typed = "Sơn La mùa hoa ban nở"
    auth.add_account(demo_copy, "nam.vv", "leader", unicodedata.normalize("NFD", typed), by="test")
    account, message = auth.sign_in(demo_copy, "nam.vv", unicodedata.normalize("NFC", typed))
    assert (account.name, message) == ("nam.vv", "")
    with demo_copy.connect() as con:  # a hash made before passwords were normalised: as typed
        con.execute("update accounts set password_hash = ? where name = 'nam.vv'",
                    [auth._hasher.hash(unicodedata.normalize("NFD", typed))])
    account, message = auth.sign_in(demo_copy, "nam.vv", unicodedata.normalize("NFD", typed))
    assert (account.name, message) == ("nam.vv", "")


def test_the_accounts_page_names_the_password_rule(demo_copy):
    at = AppTest.from_function(page_script, args=("accounts",), default_timeout=60)
    signed_in(at, "admin").run()
    at.text_input(key="account_name").input("nam.vv")
    at.selectbox(key="account_role").select("leader")
    at.text_input(key="account_password").input("12345678")
    at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Mật khẩu phải có ít nhất 10 ký tự."]
    assert "nam.vv" not in set(auth.list_accounts(demo_copy)["name"])
    assert "Sai liên tiếp" in at.dataframe[0].value.columns and "Khóa đến" not in at.dataframe[0].value.columns
    at.selectbox(key="account_pick").select("vanthu.th")
    at.text_input(key="account_new_password").input(" " * 10)
    next(b for b in at.button if b.label == "Đặt lại mật khẩu").click().run()
    assert [e.value for e in at.error] == ["Mật khẩu không được chỉ gồm dấu cách."]


def users(db: Path, *args: str, password: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "VANHOA_DB"}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "vanhoa", "--db", str(db), "users", *args], cwd=ROOT, env=env,
                          input=password + "\n", capture_output=True, text=True, timeout=180)


def test_the_command_line_refuses_a_weak_password_with_the_rule(tmp_path):
    db = tmp_path / "store.duckdb"
    run = users(db, "add", "quantri", "--role", "admin", password="12345678")
    assert (run.returncode, run.stdout, run.stderr) == (2, "", "Lỗi: Mật khẩu phải có ít nhất 10 ký tự.\n")
    run = users(db, "add", "quantri", "--role", "admin", password="1234567890")
    assert (run.returncode, run.stderr) == (
        2, "Lỗi: Mật khẩu nằm trong danh sách mật khẩu phổ biến (bị dò đầu tiên); hãy chọn mật khẩu khác.\n")
    run = users(db, "add", "quantri", "--role", "admin", password="Quan-Tri-Son-La")
    assert (run.returncode, run.stdout) == (0, "Đã tạo tài khoản quantri (quản trị).\n")
    run = users(db, "reset", "quantri", password=" " * 10)
    assert (run.returncode, run.stderr) == (2, "Lỗi: Mật khẩu không được chỉ gồm dấu cách.\n")


# ------------------------------------------------------------------ the cookie


class RecordingCookies:
    """Stands in for extra_streamlit_components.CookieManager (a browser component)."""

    calls: list = []

    def __init__(self, key: str) -> None:
        self.cookies = {}

    def set(self, name, value, **options) -> None:
        RecordingCookies.calls.append((name, value, options))


def set_cookie_script():

    from vanhoa import ui

    ui.remember_sign_in("jeton")
    ui.apply_cookie_changes()


@pytest.mark.parametrize("url, secure", [("https://vanhoa.sonla.gov.vn/", True), ("http://127.0.0.1:8501/", False)])
def test_the_sign_in_cookie_is_strict_and_lasts_as_long_as_the_session(monkeypatch, url, secure):
    import datetime as dt

    import extra_streamlit_components as stx

    monkeypatch.setattr(stx, "CookieManager", RecordingCookies)
    monkeypatch.setattr(RecordingCookies, "calls", [])
    monkeypatch.setattr(ui.st, "context", SimpleNamespace(url=url, cookies={}))
    before = dt.datetime.now(dt.UTC)
    at = AppTest.from_function(set_cookie_script, default_timeout=30).run()
    assert not at.exception
    [(name, value, options)] = RecordingCookies.calls
    expires, max_age = options.pop("expires_at"), options.pop("max_age")
    assert (name, value, options) == (ui.COOKIE_NAME, "jeton", {"key": "cookie_set", "path": "/", "same_site": "strict",
                                                               "secure": secure})
    assert 8 * 3600 - 60 <= max_age <= 8 * 3600
    # With its zone: the component sends it as ISO text, which the browser would otherwise read as its own time.
    assert expires.tzinfo is not None
    assert dt.timedelta(hours=8) <= expires - before < dt.timedelta(hours=8, minutes=1)


def keep_cookie_script():
    import streamlit as st

    from vanhoa import ui

    if "asked" not in st.session_state:
        st.session_state["asked"] = True
        ui.remember_sign_in("jeton")
    ui.apply_cookie_changes()


def test_the_cookie_is_asked_for_on_every_run_with_the_same_end(monkeypatch):
    """A rerun right after the sign-in must not take the component away before the browser ran it."""
    import extra_streamlit_components as stx

    monkeypatch.setattr(stx, "CookieManager", RecordingCookies)
    monkeypatch.setattr(RecordingCookies, "calls", [])
    monkeypatch.setattr(ui.st, "context", SimpleNamespace(url="http://127.0.0.1:8501/", cookies={}))
    at = AppTest.from_function(keep_cookie_script, default_timeout=30).run()
    at.run()
    at.run()
    assert not at.exception
    assert [call[0:2] for call in RecordingCookies.calls] == [(ui.COOKIE_NAME, "jeton")] * 3
    assert len({call[2]["expires_at"] for call in RecordingCookies.calls}) == 1


def test_in_chromium_the_cookie_is_strict_and_ends_with_the_session_in_a_vietnamese_browser(demo_db, tmp_path):
    """The real component in the real browser, whose clock reads Việt Nam time while the server's
    reads UTC: the cookie's end must be the session's end, not seven hours earlier."""
    import time

    from live_server import CHROMIUM, CHROMIUM_ARGS, Server, demo_copy_with_accounts, sign_in
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    server = Server(demo_copy_with_accounts(demo_db, tmp_path / "cookie.duckdb"), env={"TZ": "UTC"})
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = chromium.new_context(timezone_id="Asia/Ho_Chi_Minh", locale="vi-VN")
            page = context.new_page()
            page.goto(server.url)
            page.wait_for_selector("h1", timeout=90000)
            signed_at = time.time()
            sign_in(page, "leader")
            for _ in range(100):  # the component sets it in the run after the sign-in
                cookies = {c["name"]: c for c in context.cookies()}
                if ui.COOKIE_NAME in cookies:
                    break
                page.wait_for_timeout(100)
            cookie = cookies[ui.COOKIE_NAME]
            chromium.close()
    finally:
        server.stop()
    assert (cookie["sameSite"], cookie["path"], cookie["secure"], cookie["httpOnly"]) == ("Strict", "/", False, False)
    assert 8 * 3600 - 120 < cookie["expires"] - signed_at < 8 * 3600 + 120
