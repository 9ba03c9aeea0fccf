"""Section 3 of `make bench`: every page's script at province scale (AppTest, through the router
as a signed-in administrator), cold and warm, each page in three fresh processes; the app's
resident memory after every page has run in one process, and `streamlit run` on its own."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from vanhoa import ROOT
from vanhoa.store import Store
from vanhoa_tools.bench.measure import Row, child_env, secs

PAGE_COLD, PAGE_WARM, APP_MEMORY_MB = 1.0, 0.3, 1024
PAGE_TIMEOUT = 60  # seconds a page's process may take (cold and warm runs) before it is stopped
PAGE_PROCESSES = 3  # each page is measured in this many fresh processes (the median is reported)
TITLE = "Pages at province scale (AppTest, each page in a fresh process)"
# (url path, what the row says, session state set before the page's first run): the router's
# pages for an administrator, and the heaviest choices a leader makes on them
PAGES = [
    ("overview", "Tổng quan", {}),
    ("targets", "Chỉ tiêu", {}),
    ("commune", "Xã (kỳ đang chọn)", {}),
    ("commune", "Xã (cả giai đoạn)", {"commune_scope": "all"}),
    ("events", "Sự kiện", {}),
    ("data", "Dữ liệu (tiến độ chỉ tiêu, kỳ đang chọn)", {}),
    ("data", "Dữ liệu (hoạt động, tất cả các kỳ)", {"data_table": "activities", "data_period": ""}),
    ("data", "Dữ liệu (sự kiện, tất cả các kỳ)", {"data_table": "events", "data_period": ""}),
    ("report", "Báo cáo", {}),
    ("approval", "Phê duyệt", {}),
    ("upload", "Nộp báo cáo", {}),
    ("lists", "Danh mục", {}),
    ("accounts", "Tài khoản", {}),
    ("audit", "Nhật ký thao tác", {}),
    ("archive", "Kho tệp đã tải lên", {}),
    ("history", "Lịch sử kho", {}),
]

# One process: sign in as an administrator, run the router once (the overview: imports, the
# shared widgets), then for each page given: clear st.cache_data, run it (cold), run it three
# more times (warm, the median). Prints a JSON line per page and the process's peak resident set.
_PAGE_CHILD = r"""
import json, os, statistics, sys, time
from vanhoa_tools.bench.measure import PeakMemory
with PeakMemory() as memory:
    import streamlit as st
    from streamlit.testing.v1 import AppTest
    from vanhoa import auth, ui
    from vanhoa.store import Store
    app, name, period, wanted = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    store = Store(os.environ["VANHOA_DB"])
    account = auth.Account(name, name, "admin", None)
    for path, state in wanted:
        at = AppTest.from_file(app, default_timeout=300)
        at.session_state[ui.TOKEN_KEY] = auth.create_session(store, account)
        at.run()
        if path != "overview":
            # AppTest.switch_page knows files, not the router's callable pages: its page hash
            at._page_hash = next(h for h, info in at._registered_pages.items() if info.get("url_pathname") == path)
        if state.get("data_period") is not None:
            state = dict(state, data_period_followed=period)  # the sidebar's period, already followed
        for key, value in state.items():
            at.session_state[key] = value
        st.cache_data.clear()
        started = time.perf_counter()
        at.run()
        cold = time.perf_counter() - started
        times = []
        for _ in range(3):
            started = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - started)
        problems = [e.value for e in at.exception] + [e.value for e in at.error]
        print(json.dumps({"path": path, "cold": cold, "warm": statistics.median(times),
                          "title": [t.value for t in at.title][:1],
                          "problem": str(problems[0])[:160] if problems else "",
                          "rss_mb": memory.peak / 2**20}), flush=True)
print(json.dumps({"peak_mb": memory.peak / 2**20}), flush=True)
"""


def _page_process(store_path: Path, name: str, period: str, wanted: list, timeout: float):
    """Run _PAGE_CHILD; (JSON lines it printed, stderr's last line when it failed or timed out)."""
    env = child_env(VANHOA_DB=str(store_path))
    try:
        done = subprocess.run([sys.executable, "-c", _PAGE_CHILD, str(ROOT / "app.py"), name, period,
                               json.dumps(wanted)], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return [json.loads(line) for line in out.splitlines() if line.startswith("{")], \
            f"quá {timeout:.0f} s, đã dừng"
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    error = "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["?"])[-1][:200]
    return lines, error


def _server_memory(store_path: Path) -> float | None:
    """Resident memory (MB) of `streamlit run app.py` on the store, started headless, once it
    answers its health check: the server's own share, before any page runs."""
    import socket
    import urllib.request

    try:
        import psutil
    except ImportError:
        return None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, VANHOA_DB=str(store_path))
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless",
                               "true", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            return None
        return psutil.Process(server.pid).memory_info().rss / 2**20
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def pages_section(folder: Path, period: str) -> list[Row]:
    """Every page at province scale: cold (first run, fresh caches) and warm (median of 3 later
    runs), each page in three fresh processes (medians); then the resident memory of one process
    that ran them all."""
    from vanhoa import auth

    store_path = folder / "pages.duckdb"  # a copy: the bench's account and sessions stay out of the others
    Store(folder / "province.duckdb").release()  # its write-ahead log folded into the file first
    for part in folder.glob("province.duckdb*"):
        shutil.copy(part, folder / part.name.replace("province", "pages"))
    name = "bench.quantri"
    auth.add_account(Store(store_path), name, "admin", "mat-khau-bench-" + os.urandom(6).hex(), by="bench")
    rows, finished = [], []
    for path, label, state in PAGES:
        # Three fresh processes, the median of each figure: one cold run is at the mercy of one
        # hiccup of the machine, and a second cold run in the same process would find DuckDB's
        # buffers warm.
        measured, error = [], ""
        for _ in range(PAGE_PROCESSES):
            lines, error = _page_process(store_path, name, period, [(path, state)], PAGE_TIMEOUT)
            measured += [line for line in lines if "path" in line]
        if len(measured) < PAGE_PROCESSES:
            rows.append(Row(f"Trang {label} (/{path})", "—", "1 s; 0.3 s", False, f"không chạy xong: {error}"))
            continue
        result = dict(measured[0], cold=statistics.median(m["cold"] for m in measured),
                      warm=statistics.median(m["warm"] for m in measured),
                      problem=next((m["problem"] for m in measured if m["problem"]), ""),
                      rss_mb=max(m["rss_mb"] for m in measured))
        ok = result["cold"] <= PAGE_COLD and result["warm"] <= PAGE_WARM and not result["problem"]
        note = f"đỉnh RSS của tiến trình {result['rss_mb']:.0f} MB"
        if result["problem"]:
            note += f"; LỖI trên trang: {result['problem']}"
        rows.append(Row(f"Trang {label} (/{path}): lần đầu; lần sau", f"{secs(result['cold'])}; {secs(result['warm'])}",
                        "1 s; 0.3 s", ok, note))
        finished.append((path, state))

    # The app's memory: one process runs every page that finished above, in turn, its caches kept
    # as a server's are, and the peak of its resident set is read (sampled every 2 ms).
    lines, error = _page_process(store_path, name, period, finished, PAGE_TIMEOUT * len(finished))
    peak = next((line["peak_mb"] for line in lines if "peak_mb" in line), None)
    server = _server_memory(store_path)
    server_note = f"; `streamlit run app.py` tự nó (chưa mở trang nào): {server:.0f} MB" if server else ""
    if peak is None:
        rows.append(Row("Bộ nhớ thường trú của ứng dụng", "—", "1 GB", False, f"không đo được: {error}{server_note}"))
    else:
        rows.append(Row("Bộ nhớ thường trú của ứng dụng (đỉnh RSS)", f"{peak:.0f} MB", "1 GB", peak <= APP_MEMORY_MB,
                        f"một tiến trình chạy lần lượt {len(finished)} trang trên (AppTest, như máy chủ: cùng "
                        f"bộ nhớ đệm truy vấn), đỉnh RSS lấy mẫu 2 ms{server_note}"))
    return rows

