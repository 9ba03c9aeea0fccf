"""`python -m vanhoa demo`: load the demonstration returns under data/demo/ into an empty store."""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from collections.abc import Iterator
from pathlib import Path

from vanhoa import DEMO_DIR
from vanhoa.ingest import ingest
from vanhoa.store import Store


def load_demo(store: Store, folder: Path = DEMO_DIR) -> Iterator[str]:
    """Ingest every file of the manifest with its recorded filing time; one line per file."""
    if not store.is_empty():
        yield "Kho dữ liệu đã có báo cáo: không nạp dữ liệu minh họa (chỉ nạp vào kho trống)."
        return
    manifest = folder / "manifest.csv"
    if not manifest.exists():
        from vanhoa.demo import write_demo

        write_demo(folder)
    ref = store.reference()
    with open(manifest, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    accepted = 0
    for row in rows:
        path = folder / row["file"]
        done = ingest(store, path.read_bytes(), path.name, row["filed_by"], ref=ref,
                      filed_at=dt.datetime.fromisoformat(row["filed_at"]))
        if done.status != "accepted":
            problems = "; ".join(p.line() for p in done.checked.errors)
            raise RuntimeError(f"demo file {path.name} was not accepted: {done.status} {problems}")
        accepted += 1
    yield f"Đã nạp {accepted} báo cáo minh họa vào {store.name}."
    yield from demo_accounts(store)


def demo_accounts(store: Store) -> Iterator[str]:
    """One account per role (a clerk per unit), each with a fresh random password printed once:
    nothing in the app has a default password."""
    from vanhoa import auth

    if auth.has_accounts(store):
        return
    ref = store.reference()
    people = [("quantri", "admin", None, "Quản trị hệ thống"), ("lanhdao", "leader", None, "Lãnh đạo Văn phòng")]
    people += [(f"vanthu.{code.lower()}", "clerk", code, f"Văn thư {name}") for code, name in ref.units.items()]
    yield "Tài khoản minh họa (mật khẩu chỉ hiện một lần, hãy ghi lại):"
    for name, role, unit, display in people:
        password = secrets.token_urlsafe(9)
        auth.add_account(store, name, role, password, unit, display, by="demo")
        yield f"  {name:<16} {password:<14} {auth.ROLES[role]}" + (f" — {ref.unit_name(unit)}" if unit else "")
