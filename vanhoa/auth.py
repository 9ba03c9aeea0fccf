"""Accounts, roles, sign-in with a throttle, and server-side sessions (OWASP ASVS level 1, V2/V3).

Passwords are stored only as argon2id hashes (argon2-cffi), of the NFC form of what was typed
(a Vietnamese keyboard may send "ồ" composed or as "o" + two marks). A new password has
MIN_PASSWORD to MAX_PASSWORD characters, is not only white space, is not on the common-password
list that zxcvbn ships (30.000 leaked passwords, in any case or l33t spelling), and is not
guessable in under a million tries by zxcvbn's estimate (repeats, runs like 1234 or abcd, the
account's own name): `password_problem` names the rule broken, in Vietnamese, for the command
line and the Tài khoản page alike.

Sign-in (ASVS V2.2.1, anti-automation without account lockout):
- A name longer than MAX_NAME characters, or with a control or formatting character, is refused
  before the store is touched: no query, no audit row, nothing kept.
- A wrong name and a wrong password get the same message and the same work: an unknown name is
  verified against a dummy hash, and its audit row says "tên đăng nhập không tồn tại" without
  what was typed (which may be a password typed in the wrong box); a real account's row names it.
- Nothing is ever locked, so no stranger can lock a clerk out. Failures are counted in memory by
  vanhoa.throttle, under a SHA-256 of the store and the normalised name (unknown names too, so a
  throttled name says nothing about whether it exists; the table never holds the typed text):
  * per name and client IP: after FREE_FAILURES consecutive failures, each further attempt waits
    THROTTLE_BASE · 2^(n − FREE_FAILURES) seconds from the last failure, at most THROTTLE_CAP
    (2, 4, 8 … 60 s): at most 60 guesses an hour on an account from one client;
  * per client IP, whatever the names: the same after CLIENT_FREE_FAILURES, which slows one
    client trying one password on many names;
  * per name, over every client: the same after ACCOUNT_FREE_FAILURES failures, each client
    counting for at most FREE_FAILURES of them, so only a guesser spread over at least ten
    clients slows the account for everyone.
  An attempt during a wait is refused with "… Vui lòng thử lại sau N giây." (the same words for
  any name), without checking the password and without counting; the right password once the
  wait has passed always signs in, and clears the name's counts.
  Limits: the counts live in one app server's memory (a restart forgets them, several DuckLake
  servers count apart); the client is Streamlit's `st.context.ip_address`, which is None for
  localhost and is the proxy's address behind a reverse proxy, where every client then shares
  one count per name (a stranger can then delay, never lock, a clerk: at most THROTTLE_CAP
  seconds after each of their own failures).

A sign-in creates a random session token; the browser keeps it in a cookie (set by the page
through extra-streamlit-components, see ui.apply_cookie_changes), the store keeps only its
SHA-256 with an expiry, so signing out or disabling an account ends the session on the server.
Every sign-in, failure and change is written to the audit log; no password ever is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass

import argon2
import pandas as pd

from vanhoa.store import Store, now_local, write_audit
from vanhoa.throttle import Throttle

ROLES = {"admin": "quản trị", "leader": "lãnh đạo", "clerk": "văn thư đơn vị"}
MAX_NAME = 64  # what the sign-in form accepts; new accounts follow NAME_RE (3-32)
MIN_PASSWORD = 10
MAX_PASSWORD = 128  # ASVS 2.1.2: at least 64 allowed, at most 128
MIN_GUESSES_LOG10 = 6  # zxcvbn score 2 and up: not found in under a million guesses
FREE_FAILURES = 5
CLIENT_FREE_FAILURES = 20
ACCOUNT_FREE_FAILURES = 50
THROTTLE_BASE = 2.0  # seconds to wait after the FREE_FAILURES-th failure, doubled after each further one
THROTTLE_CAP = 60.0
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
_hasher = argon2.PasswordHasher()
# A hash to verify against when the name is unknown, so that a wrong name takes as long as a
# wrong password (no telling which names exist by timing).
_DUMMY_HASH = _hasher.hash("not a password of anyone")
# Module-level: the counts outlive a page run and are shared by every browser of this server.
NAME_CLIENT_THROTTLE = Throttle(FREE_FAILURES, THROTTLE_BASE, THROTTLE_CAP)
CLIENT_THROTTLE = Throttle(CLIENT_FREE_FAILURES, THROTTLE_BASE, THROTTLE_CAP)
NAME_THROTTLE = Throttle(ACCOUNT_FREE_FAILURES, THROTTLE_BASE, THROTTLE_CAP)


def session_hours() -> float:
    """How long a sign-in lasts across page reloads (VANHOA_SESSION_HOURS, default 8)."""
    try:
        return max(float(os.environ.get("VANHOA_SESSION_HOURS", "8")), 0.05)
    except ValueError:
        return 8.0


class AccountError(ValueError):
    """A refused account change; the message is Vietnamese."""


@dataclass(frozen=True)
class Account:
    name: str
    display_name: str
    role: str
    unit_code: str | None

    @property
    def role_label(self) -> str:
        return ROLES[self.role]


def _account(row) -> Account:
    return Account(name=row[0], display_name=row[1] or row[0], role=row[2], unit_code=row[3])


def password_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why `password` may not be set (Vietnamese, naming the rule), or None when it may.
    `user_inputs`: the account's name and display name, which a password must not be built on."""
    from zxcvbn import zxcvbn

    password = unicodedata.normalize("NFC", password or "")
    if len(password) < MIN_PASSWORD:
        return f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự."
    if len(password) > MAX_PASSWORD:
        return f"Mật khẩu dài tối đa {MAX_PASSWORD} ký tự."
    if not password.strip():
        return "Mật khẩu không được chỉ gồm dấu cách."
    # zxcvbn's documented result: `sequence` is the cheapest way to guess the password, piece by
    # piece; one piece that is a word of its 'passwords' list means the whole is a common password.
    result = zxcvbn(password, user_inputs=[s for s in user_inputs if s], max_length=MAX_PASSWORD)
    sequence = result["sequence"]
    if len(sequence) == 1 and sequence[0].get("dictionary_name") == "passwords":
        return "Mật khẩu nằm trong danh sách mật khẩu phổ biến (bị dò đầu tiên); hãy chọn mật khẩu khác."
    if result["guesses_log10"] < MIN_GUESSES_LOG10:
        return ("Mật khẩu quá dễ đoán (lặp ký tự, dãy liền nhau như 1234 hay abcd, tên tài khoản hoặc "
                "mật khẩu phổ biến thêm vài ký tự); hãy chọn mật khẩu khác.")
    return None


def hash_password(password: str, user_inputs: tuple[str, ...] = ()) -> str:
    if problem := password_problem(password, user_inputs):
        raise AccountError(problem)
    return _hasher.hash(unicodedata.normalize("NFC", password))


def add_account(store: Store, name: str, role: str, password: str, unit: str | None = None,
                display_name: str | None = None, by: str | None = None) -> Account:
    name = name.strip().lower()
    if not NAME_RE.match(name):
        raise AccountError("Tên đăng nhập gồm 3-32 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới.")
    if role not in ROLES:
        raise AccountError(f"Vai trò phải là một trong: {', '.join(ROLES)}.")
    unit_code = None
    if role == "clerk":
        if not unit:
            raise AccountError("Tài khoản văn thư phải gắn với một đơn vị (--unit).")
        unit_code = store.reference().unit_code(unit)
        if unit_code is None:
            raise AccountError(f"Không có đơn vị '{unit}'.")
    elif unit:
        raise AccountError("Chỉ tài khoản văn thư mới gắn với đơn vị.")
    hashed = hash_password(password, (name, display_name or ""))
    def change(con):
        if con.execute("select 1 from accounts where name = ?", [name]).fetchone():
            raise AccountError(f"Tài khoản '{name}' đã có.")
        con.execute(
            "insert into accounts values (?, ?, ?, ?, ?, true, 0, null, ?, ?)",
            [name, display_name or name, role, unit_code, hashed, now_local(), now_local()],
        )
        write_audit(con, by, "tạo tài khoản", name,
                    f"vai trò {ROLES[role]}" + (f", đơn vị {unit_code}" if unit_code else ""))

    store.write(change, by, "tạo tài khoản " + name, figures=False)
    return Account(name, display_name or name, role, unit_code)


def list_accounts(store: Store) -> pd.DataFrame:
    with store.connect() as con:
        return con.execute(
            """select a.name, a.display_name, a.role, a.unit_code, u.name as unit, a.active, a.failed_attempts,
                      a.locked_until, a.created_at
               from accounts a left join units u on u.code = a.unit_code order by a.role, a.name"""
        ).df()


def set_active(store: Store, name: str, active: bool, by: str | None) -> None:
    def change(con):
        if not con.execute("select 1 from accounts where name = ?", [name]).fetchone():
            raise AccountError(f"Không có tài khoản '{name}'.")
        con.execute("update accounts set active = ? where name = ?", [active, name])
        if not active:
            con.execute("delete from sessions where account = ?", [name])  # signed out everywhere
        write_audit(con, by, "mở lại tài khoản" if active else "vô hiệu hóa tài khoản", name)

    store.write(change, by, "đổi trạng thái tài khoản " + name, figures=False)


def reset_password(store: Store, name: str, password: str, by: str | None) -> None:
    hashed = hash_password(password, (name,))
    def change(con):
        if not con.execute("select 1 from accounts where name = ?", [name]).fetchone():
            raise AccountError(f"Không có tài khoản '{name}'.")
        con.execute("update accounts set password_hash = ?, failed_attempts = 0, locked_until = null, "
                    "password_changed_at = ? where name = ?", [hashed, now_local(), name])
        con.execute("delete from sessions where account = ?", [name])
        write_audit(con, by, "đặt lại mật khẩu", name)

    store.write(change, by, "đặt lại mật khẩu " + name, figures=False)


def name_problem(name: str) -> str | None:
    """Why the sign-in form refuses `name` before looking it up (Vietnamese), or None."""
    name = (name or "").strip()
    if not name:
        return "Hãy nhập tên đăng nhập."
    if len(name) > MAX_NAME:
        return f"Tên đăng nhập dài tối đa {MAX_NAME} ký tự."
    # Cc: control characters (NUL, line breaks); Cf: invisible formatting (right-to-left
    # override, zero-width space), which would make a name in the log read as another one.
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in name):
        return "Tên đăng nhập có ký tự điều khiển hoặc ký tự ẩn; hãy gõ lại."
    return None


def _throttle_keys(store: Store, name: str, client: str | None) -> tuple[str, tuple[str, str]]:
    """(name key, name-and-client key): a SHA-256 of the store and the normalised name, so the
    counts of two stores are apart and memory never holds what was typed."""
    named = hashlib.sha256(f"{store.target}\0{name}".encode()).hexdigest()
    return named, (named, client or "")


def throttle_wait(store: Store, name: str, client: str | None = None) -> float:
    """Seconds before `name` may be tried again from `client` (0: now); the same for any name."""
    named, pair = _throttle_keys(store, _normal_name(name), client)
    waits = [NAME_CLIENT_THROTTLE.wait(pair), NAME_THROTTLE.wait(named)]
    if client:
        waits.append(CLIENT_THROTTLE.wait(client))
    return max(waits)


def wait_message(seconds: float) -> str:
    return f"Vui lòng thử lại sau {max(math.ceil(seconds), 1)} giây."


def _normal_name(name: str) -> str:
    return unicodedata.normalize("NFC", (name or "").strip()).lower()


def sign_in(store: Store, name: str, password: str, client: str | None = None) -> tuple[Account | None, str]:
    """(account, '') on success; (None, Vietnamese reason) otherwise. `client` is the browser's
    IP address when known. See the module docstring for what is refused, logged and counted."""
    if problem := name_problem(name):
        return None, problem
    if not password:
        return None, "Hãy nhập mật khẩu."
    name = _normal_name(name)
    if wait := throttle_wait(store, name, client):
        return None, "Đã nhập sai nhiều lần. " + wait_message(wait)

    def change(con):
        row = con.execute("select name, display_name, role, unit_code, password_hash, active, failed_attempts "
                          "from accounts where name = ?", [name]).fetchone()
        if row is None or not row[5]:
            _verify(_DUMMY_HASH, password)
            if row is None:  # what was typed is not kept: it may be a password in the wrong box
                write_audit(con, None, "đăng nhập thất bại", None, "tên đăng nhập không tồn tại")
            else:
                write_audit(con, name, "đăng nhập thất bại", name, "tài khoản đã bị vô hiệu hóa")
            return None
        if not _verify(row[4], password):
            failed = row[6] + 1
            con.execute("update accounts set failed_attempts = ? where name = ?", [failed, name])
            write_audit(con, name, "đăng nhập thất bại", name, f"sai mật khẩu (lần {failed} liên tiếp)")
            return None
        if _hasher.check_needs_rehash(row[4]):
            con.execute("update accounts set password_hash = ? where name = ?",
                        [_hasher.hash(unicodedata.normalize("NFC", password)), name])
        # locked_until: cleared for accounts locked by the earlier rule (five failures, 15 minutes)
        con.execute("update accounts set failed_attempts = 0, locked_until = null where name = ?", [name])
        write_audit(con, name, "đăng nhập", name)
        return _account(row)

    # No actor for the store's own record of the write (DuckLake's commit message): it is set
    # before the name is known to be an account.
    account = store.write(change, None, "đăng nhập", figures=False)
    named, pair = _throttle_keys(store, name, client)
    if account is not None:
        NAME_CLIENT_THROTTLE.succeeded(pair)
        NAME_THROTTLE.succeeded(named)
        return account, ""
    # Each client counts for at most FREE_FAILURES of a name's failures over every client.
    if NAME_CLIENT_THROTTLE.failed(pair) <= FREE_FAILURES:
        NAME_THROTTLE.failed(named)
    if client:
        CLIENT_THROTTLE.failed(client)
    wait = throttle_wait(store, name, client)
    return None, WRONG + (" " + wait_message(wait) if wait else "")


def _verify(hashed: str, password: str) -> bool:
    """Against the NFC form (how passwords are hashed), then as typed if that differs: a hash
    made before passwords were normalised. Unknown names take the same steps (_DUMMY_HASH)."""
    normal = unicodedata.normalize("NFC", password or "")
    return _check(hashed, normal) or (normal != (password or "") and _check(hashed, password))


def _check(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (argon2.exceptions.VerifyMismatchError, argon2.exceptions.InvalidHashError,
            argon2.exceptions.VerificationError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(store: Store, account: Account) -> str:
    token = secrets.token_urlsafe(32)
    now = now_local()
    def change(con):
        con.execute("delete from sessions where expires_at < ?", [now])
        con.execute("insert into sessions values (?, ?, ?, ?)",
                    [_token_hash(token), account.name, now, now + dt.timedelta(hours=session_hours())])

    store.write(change, account.name, "mở phiên", figures=False)
    return token


def session_account(store: Store, token: str | None) -> Account | None:
    """The account a browser's token signs in, while the session and the account are valid."""
    if not token:
        return None
    with store.connect() as con:
        row = con.execute(
            """select a.name, a.display_name, a.role, a.unit_code from sessions s join accounts a on a.name = s.account
               where s.token_hash = ? and s.expires_at > ? and a.active""",
            [_token_hash(token), now_local()],
        ).fetchone()
    return _account(row) if row else None


def end_session(store: Store, token: str | None, account: Account | None) -> None:
    def change(con):
        if token:
            con.execute("delete from sessions where token_hash = ?", [_token_hash(token)])
        write_audit(con, account.name if account else None, "đăng xuất", account.name if account else None)

    store.write(change, account.name if account else None, "đăng xuất", figures=False)


def has_accounts(store: Store) -> bool:
    with store.connect() as con:
        return con.execute("select count(*) from accounts").fetchone()[0] > 0
