"""The data version keys every cached result of the dashboard (vanhoa.ui's query cache): it moves
on the writes that change figures (a return, an approval, a restore, the reference lists, the
settings), here or in another process, and never on a sign-in, a session, an account change, an
audit-only row, a rejected upload or a report draft, so that a sign-in leaves every page's cache warm."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from builders import good_sheets, signed_in, workbook_bytes
from streamlit.testing.v1 import AppTest

from vanhoa import admin, auth
from vanhoa.ingest import ingest
from vanhoa.store import Store

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-du-dai-123"


def other_process(path: Path, code: str) -> str:
    """Run `code` (with `store`, the store at `path`) in another Python process; its stdout."""
    script = "import sys\nfrom builders import good_sheets, workbook_bytes\nfrom vanhoa import auth\n" \
             "from vanhoa.ingest import ingest\nfrom vanhoa.store import Store\nstore = Store(sys.argv[1])\n" \
             + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": os.pathsep.join(["tests", "."])})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_signing_in_and_out_and_the_log_leave_the_version_where_it_was(demo_copy):
    store = demo_copy
    before, log_before = store.data_version(), store.data_version("audit_log")
    auth.add_account(store, "lo.thi.mai", "leader", PASSWORD, by="quantri")
    assert auth.sign_in(store, "lo.thi.mai", "sai-mat-khau-roi")[0] is None
    account, reason = auth.sign_in(store, "lo.thi.mai", PASSWORD)
    assert (account.name, reason) == ("lo.thi.mai", "")
    token = auth.create_session(store, account)
    assert auth.session_account(store, token).name == "lo.thi.mai"
    auth.end_session(store, token, account)
    auth.reset_password(store, "lo.thi.mai", PASSWORD + "-moi", by="quantri")
    auth.set_active(store, "lo.thi.mai", False, by="quantri")
    broken = good_sheets()
    broken["Chỉ tiêu"][1][2] = 10  # more staff keep the code than there are staff
    assert ingest(store, workbook_bytes(broken), "loi.xlsx", "Lò Thị Hoa").status == "rejected"
    store.save_report_draft("2022-H1", {"context": "Mở đầu"}, "Lãnh đạo")
    assert store.data_version() == before
    # what reads the log (the audit page, the uploads) is keyed on every write
    assert store.data_version("audit_log") != log_before
    assert store.data_version("uploads") == store.data_version("audit_log")
    assert store.data_version("progress", "audit_log") == store.data_version("audit_log")
    actions = store.query("audit_log")["action"].tolist()[:8]
    assert actions == ["lưu nội dung báo cáo", "tải lên (bị từ chối)", "vô hiệu hóa tài khoản", "đặt lại mật khẩu",
                       "đăng xuất", "đăng nhập", "đăng nhập thất bại", "tạo tài khoản"]


def test_a_return_an_approval_a_restore_and_a_setting_each_move_it(store):
    seen = [store.data_version()]
    first = workbook_bytes(good_sheets())
    assert ingest(store, first, "v1.xlsx", "Lò Thị Hoa").status == "accepted"
    seen.append(store.data_version())
    changed = good_sheets()
    changed["Chỉ tiêu"][1][3] = 7
    assert ingest(store, workbook_bytes(changed), "v2.xlsx", "Lò Thị Hoa").result.version == 2
    seen.append(store.data_version())
    admin.review(store, "TH", "2022-H1", 2, True, "lanhdao")
    seen.append(store.data_version())
    assert store.restore("TH", "2022-H1", 1, "quantri").version == 3
    seen.append(store.data_version())
    admin.set_setting(store, "supported_commune", "Chiềng Cơi", "quantri")
    seen.append(store.data_version())
    assert seen == [f"figures {n}" for n in range(6)]
    # the newest version's file again (version 3 restored version 1) is an 'unchanged' upload: no figure moved
    assert ingest(store, first, "v1-lai.xlsx", "Lò Thị Hoa").status == "unchanged"
    assert store.data_version() == "figures 5"


def test_another_process_moves_it_with_a_return_and_not_with_a_sign_in(store):
    ingest(store, workbook_bytes(good_sheets()), "v1.xlsx", "Lò Thị Hoa")
    auth.add_account(store, "lo.thi.mai", "leader", PASSWORD, by="quantri")
    before = store.data_version()
    store.release()  # the other process needs the file
    signed = other_process(store.path, f"""
        account, _ = auth.sign_in(store, "lo.thi.mai", {PASSWORD!r})
        auth.end_session(store, auth.create_session(store, account), account)
        print(account.name)
    """)
    assert signed == "lo.thi.mai"
    assert store.data_version() == before
    store.release()
    filed = other_process(store.path, """
        sheets = good_sheets()
        sheets["Chỉ tiêu"][1][3] = 7
        print(ingest(store, workbook_bytes(sheets), "v2.xlsx", "CLI").result.version)
    """)
    assert filed == "2"
    assert store.data_version() != before
    assert store.query("returns")["version"].tolist() == [1, 2]


def overview_page() -> None:
    import streamlit as st

    from pages import overview
    from vanhoa import ui

    st.session_state[ui.PERIOD_KEY] = "2022-H1"
    overview.render()


def test_a_sign_in_leaves_the_overview_cache_warm(demo_copy, monkeypatch):
    """The overview after someone else signs in (and opens and ends a session) runs no query."""
    calls = []
    original = Store.query
    monkeypatch.setattr(Store, "query", lambda self, name, **params: calls.append(name) or original(
        self, name, **params))
    at = signed_in(AppTest.from_function(overview_page, default_timeout=60)).run()
    assert not at.exception
    assert "progress" in calls  # the cold run queried the store
    cold = len(calls)
    auth.add_account(demo_copy, "lo.thi.mai", "leader", PASSWORD, by="quantri")
    account, _ = auth.sign_in(demo_copy, "lo.thi.mai", PASSWORD)
    auth.end_session(demo_copy, auth.create_session(demo_copy, account), account)
    at.run()
    assert not at.exception
    assert len(calls) == cold  # every result came from the cache
    ingest(demo_copy, workbook_bytes(good_sheets()), "th-v2.xlsx", "Lò Thị Hoa")
    at.run()
    assert len(calls) > cold  # a return is new data


def audit_page():
    """The audit page's read, through the pages' cache."""
    import streamlit as st

    from vanhoa import ui

    st.write(f"dòng nhật ký: {len(ui.query('audit_log'))}")


def test_the_audit_log_on_screen_shows_a_new_row_at_once(demo_copy):
    """The cache of a query of the log moves on every write: a new account moves no figure, yet
    the Nhật ký thao tác page shows its audit row at the next run."""
    at = AppTest.from_function(audit_page, default_timeout=60).run()
    before = int(at.markdown[0].value.split(": ")[1])
    auth.add_account(demo_copy, "lo.thi.mai", "leader", PASSWORD, by="quantri")
    at.run()
    assert at.markdown[0].value == f"dòng nhật ký: {before + 1}"
