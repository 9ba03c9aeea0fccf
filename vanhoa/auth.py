"""Accounts, roles, sign-in with lockout, and server-side sessions.

Passwords are stored only as argon2id hashes (argon2-cffi). A sign-in creates a random session
token; the browser keeps it in a cookie (set by the page through extra-streamlit-components),
the store keeps only its SHA-256 with an expiry, so signing out or disabling an account ends
the session on the server. Five failed sign-ins lock an account for 15 minutes. Every sign-in,
failure and change is written to the audit log; no password ever is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
from dataclasses import dataclass

import argon2
import pandas as pd

from vanhoa.store import Store, now_local, write_audit

ROLES = {"admin": "quản trị", "leader": "lãnh đạo", "clerk": "văn thư đơn vị"}
MAX_FAILED = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
_hasher = argon2.PasswordHasher()
# A hash to verify against when the name is unknown, so that a wrong name takes as long as a
# wrong password (no telling which names exist by timing).
_DUMMY_HASH = _hasher.hash("not a password of anyone")


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


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    return _hasher.hash(password)


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
    hashed = hash_password(password)
    def change(con):
        if con.execute("select 1 from accounts where name = ?", [name]).fetchone():
            raise AccountError(f"Tài khoản '{name}' đã có.")
        con.execute(
            "insert into accounts values (?, ?, ?, ?, ?, true, 0, null, ?, ?)",
            [name, display_name or name, role, unit_code, hashed, now_local(), now_local()],
        )
        write_audit(con, by, "tạo tài khoản", name, f"vai trò {ROLES[role]}" + (f", đơn vị {unit_code}" if unit_code else ""))

    store.write(change, by, "tạo tài khoản " + name)
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

    store.write(change, by, "đổi trạng thái tài khoản " + name)


def reset_password(store: Store, name: str, password: str, by: str | None) -> None:
    hashed = hash_password(password)
    def change(con):
        if not con.execute("select 1 from accounts where name = ?", [name]).fetchone():
            raise AccountError(f"Không có tài khoản '{name}'.")
        con.execute("update accounts set password_hash = ?, failed_attempts = 0, locked_until = null, "
                    "password_changed_at = ? where name = ?", [hashed, now_local(), name])
        con.execute("delete from sessions where account = ?", [name])
        write_audit(con, by, "đặt lại mật khẩu", name)

    store.write(change, by, "đặt lại mật khẩu " + name)


def sign_in(store: Store, name: str, password: str) -> tuple[Account | None, str]:
    """(account, '') on success; (None, Vietnamese reason) otherwise. Failures are counted."""
    name = (name or "").strip().lower()
    now = now_local()
    def change(con):
        row = con.execute("select name, display_name, role, unit_code, password_hash, active, failed_attempts, "
                          "locked_until from accounts where name = ?", [name]).fetchone()
        if row is None or not row[5]:
            _verify(_DUMMY_HASH, password)
            write_audit(con, name or None, "đăng nhập thất bại", name or None,
                  "tài khoản không tồn tại" if row is None else "tài khoản đã bị vô hiệu hóa")
            return None, "Tên đăng nhập hoặc mật khẩu không đúng."
        if row[7] is not None and row[7] > now:
            write_audit(con, name, "đăng nhập thất bại", name, "tài khoản đang bị khóa")
            return None, (f"Tài khoản đang bị khóa đến {row[7]:%H:%M %d/%m/%Y} vì nhập sai mật khẩu "
                          f"{MAX_FAILED} lần. Hãy thử lại sau hoặc nhờ quản trị đặt lại mật khẩu.")
        if not _verify(row[4], password):
            failed = row[6] + 1
            if failed >= MAX_FAILED:
                until = now + dt.timedelta(minutes=LOCK_MINUTES)
                con.execute("update accounts set failed_attempts = 0, locked_until = ? where name = ?", [until, name])
                write_audit(con, name, "khóa tài khoản", name, f"sai mật khẩu {MAX_FAILED} lần liên tiếp")
                return None, (f"Sai mật khẩu {MAX_FAILED} lần: tài khoản bị khóa {LOCK_MINUTES} phút, "
                              f"đến {until:%H:%M %d/%m/%Y}.")
            con.execute("update accounts set failed_attempts = ? where name = ?", [failed, name])
            write_audit(con, name, "đăng nhập thất bại", name, f"sai mật khẩu (lần {failed})")
            return None, f"Tên đăng nhập hoặc mật khẩu không đúng. Còn {MAX_FAILED - failed} lần thử trước khi bị khóa."
        if _hasher.check_needs_rehash(row[4]):
            con.execute("update accounts set password_hash = ? where name = ?", [_hasher.hash(password), name])
        con.execute("update accounts set failed_attempts = 0, locked_until = null where name = ?", [name])
        write_audit(con, name, "đăng nhập", name)
        return _account(row), ""

    return store.write(change, name, "đăng nhập")


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password or "")
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

    store.write(change, account.name, "mở phiên")
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

    store.write(change, account.name if account else None, "đăng xuất")


def has_accounts(store: Store) -> bool:
    with store.connect() as con:
        return con.execute("select count(*) from accounts").fetchone()[0] > 0
