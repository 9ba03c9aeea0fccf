"""The command line (../shared/spec/cli.md) run as an administrator runs it: `python -m vanhoa ...`
in a real subprocess from the repository root, on a store in a temporary folder chosen with
`--db` (before or after the command) or with the environment variable VANHOA_DB.

Where the spec fixes the words, whole lines are compared, not substrings."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from builders import good_sheets, workbook_bytes

from vanhoa.export import HEADERS_VI
from vanhoa.store import Store

ROOT = Path(__file__).resolve().parent.parent
BOM = b"\xef\xbb\xbf"

# cli.md, `export` tables: the first columns of each CSV, in this order.
SPEC_COLUMNS = {
    "progress": ["period", "unit", "target", "numerator", "denominator", "ratio", "goal", "met"],
    "completeness": ["period", "unit", "status", "filed_at", "version"],
    "activities": ["period", "unit", "date", "content", "kind", "commune", "place", "participants", "cost"],
    "events": ["period", "unit", "event", "date", "place", "registered", "participants", "achievement"],
    "returns": ["period", "unit", "version", "current", "filed_at", "filed_by", "sha256", "warnings"],
}


@dataclass
class Run:
    code: int
    raw: bytes  # standard output as bytes (CSV goes there)
    err: str

    @property
    def out(self) -> str:
        return self.raw.decode("utf-8")

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def cli(*args, db: Path | None = None, env_db: Path | None = None, db_after: bool = False) -> Run:
    """`python -m vanhoa ARGS` with --db before the command (or after it, db_after) and/or VANHOA_DB.

    One of the two is required so that a test never touches the repository's data/vanhoa.duckdb."""
    assert db or env_db, "every run names its store"
    env = {key: value for key, value in os.environ.items() if key != "VANHOA_DB"}
    env["PYTHONIOENCODING"] = "utf-8"
    if env_db:
        env["VANHOA_DB"] = str(env_db)
    words = [str(a) for a in args]
    if db and db_after:
        words = words[:1] + ["--db", str(db)] + words[1:]
    elif db:
        words = ["--db", str(db)] + words
    done = subprocess.run([sys.executable, "-m", "vanhoa", *words], cwd=ROOT, env=env,
                          capture_output=True, timeout=180)
    return Run(done.returncode, done.stdout, done.stderr.decode("utf-8"))


def csv_rows(run: Run) -> list[list[str]]:
    assert run.raw.startswith(BOM)
    return list(csv.reader(io.StringIO(run.raw.decode("utf-8-sig"), newline="")))


def table(run: Run) -> list[dict[str, str]]:
    header, *rows = csv_rows(run)
    return [dict(zip(header, row)) for row in rows]


def counts(db: Path) -> dict[str, int]:
    """Rows in the store's tables, read in this process once the command has ended."""
    if not db.exists():
        return {"returns": 0, "uploads": 0}
    with Store(db).connect() as con:
        return {name: con.execute("select count(*) from " + name).fetchone()[0] for name in ("returns", "uploads")}


def upload_statuses(db: Path) -> list[tuple[str, str]]:
    with Store(db).connect() as con:
        return con.execute("select filename, status from uploads order by uploaded_at, filename").fetchall()


@pytest.fixture
def files(tmp_path) -> Path:
    """A folder with good.xlsx (Phòng Tổng hợp, 6 tháng đầu năm 2022), kt.xlsx (Phòng Kinh tế, same
    period) and broken.xlsx (a headcount typed "58,5" in Chỉ tiêu!B3)."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "good.xlsx").write_bytes(workbook_bytes(good_sheets()))
    (folder / "kt.xlsx").write_bytes(workbook_bytes(good_sheets(unit="Phòng Kinh tế")))
    broken = good_sheets()
    broken["Chỉ tiêu"][2][1] = "58,5"
    (folder / "broken.xlsx").write_bytes(workbook_bytes(broken))
    return folder


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, Run]:
    """`demo` run once on an empty store: (the store, what the command printed)."""
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    return db, cli("demo", db=db)


@pytest.fixture
def demo_db(demo) -> Path:
    """The store with the demonstration data; tests only read it."""
    db, run = demo
    assert run.code == 0, run.err
    return db


@pytest.fixture(scope="module")
def demo_csv(demo):
    """`export ARGS` as CSV from the demonstration store, each distinct call run once per module."""
    db, _ = demo
    done: dict[tuple, Run] = {}

    def export(*args: str) -> Run:
        if args not in done:
            done[args] = cli("export", *args, db=db)
        return done[args]
    return export


ACCEPTED_GOOD = "Đã nhận: good.xlsx — Phòng Tổng hợp, 6 tháng đầu năm 2022, phiên bản 1"
UNCHANGED_GOOD = ("Không thay đổi: good.xlsx — giống hệt phiên bản 1 hiện hành của Phòng Tổng hợp, "
                  "6 tháng đầu năm 2022")
REJECTED_BROKEN = ["Bị từ chối: broken.xlsx — 1 lỗi",
                   "  Lỗi Chỉ tiêu!B3 (giá trị: 58,5): 'Tổng số' phải là số nguyên không âm, viết như 58 hoặc 1.200."]


# ------------------------------------------------------------------ ingest


def test_ingest_accepts_then_reports_unchanged(tmp_path, files):
    db = tmp_path / "store.duckdb"
    first = cli("ingest", files / "good.xlsx", db=db)
    assert (first.code, first.lines, first.err) == (0, [ACCEPTED_GOOD], "")
    again = cli("ingest", files / "good.xlsx", db=db)
    assert (again.code, again.lines, again.err) == (0, [UNCHANGED_GOOD], "")
    assert counts(db) == {"returns": 1, "uploads": 2}
    assert upload_statuses(db) == [("good.xlsx", "accepted"), ("good.xlsx", "unchanged")]


def test_store_from_environment_and_db_after_the_command(tmp_path, files):
    from_env = tmp_path / "env.duckdb"
    run = cli("ingest", files / "good.xlsx", env_db=from_env)
    assert (run.code, run.lines) == (0, [ACCEPTED_GOOD])
    assert counts(from_env)["returns"] == 1
    # --db (here after the command) wins over VANHOA_DB: the other store is untouched and empty.
    other = tmp_path / "other.duckdb"
    run = cli("ingest", files / "kt.xlsx", db=other, env_db=from_env, db_after=True)
    assert (run.code, run.lines) == (0, ["Đã nhận: kt.xlsx — Phòng Kinh tế, 6 tháng đầu năm 2022, phiên bản 1"])
    assert counts(from_env)["returns"] == 1 and counts(other)["returns"] == 1
    listed = table(cli("export", "returns", env_db=from_env))
    assert [(r["unit"], r["version"]) for r in listed] == [("Phòng Tổng hợp", "1")]


def test_broken_file_is_rejected_with_every_error_named(tmp_path, files):
    db = tmp_path / "store.duckdb"
    run = cli("ingest", files / "broken.xlsx", db=db)
    assert (run.code, run.lines, run.err) == (1, REJECTED_BROKEN, "")
    assert counts(db) == {"returns": 0, "uploads": 1}  # the bytes are kept, the return is not stored
    assert upload_statuses(db) == [("broken.xlsx", "rejected")]


def test_file_that_is_not_a_workbook_is_rejected_with_one_line(tmp_path):
    db = tmp_path / "store.duckdb"
    notes = tmp_path / "notes.txt"
    notes.write_text("Đơn vị,Phòng Tổng hợp\n", encoding="utf-8")
    run = cli("ingest", notes, db=db)
    assert (run.code, run.lines) == (1, [
        "Bị từ chối: notes.txt — 1 lỗi",
        "  Lỗi: Tệp CSV/văn bản không được chấp nhận: hãy dùng biểu mẫu Excel (.xlsx)."])


def test_the_limit_is_50_mb_as_the_browser_counts_it(tmp_path, files):
    """50.000.000 bytes, the page's limit too (the browser's upload box counts MB of 10^6 bytes)."""
    db = tmp_path / "store.duckdb"
    big = tmp_path / "lon.xlsx"
    big.write_bytes((files / "good.xlsx").read_bytes().ljust(50_000_001, b"\0"))
    run = cli("ingest", big, db=db)
    assert (run.code, run.lines) == (1, [
        "Bị từ chối: lon.xlsx — 1 lỗi",
        "  Lỗi: Tệp quá lớn: 50.000.001 byte, giới hạn 50 MB (50.000.000 byte)."])


def test_mixed_batch_exits_1_and_stores_the_good_file(tmp_path, files):
    db = tmp_path / "store.duckdb"
    run = cli("ingest", files / "good.xlsx", files / "broken.xlsx", db=db)
    assert (run.code, run.lines) == (1, [ACCEPTED_GOOD, *REJECTED_BROKEN])
    assert counts(db) == {"returns": 1, "uploads": 2}
    listed = table(cli("export", "returns", db=db))
    assert [(r["unit"], r["period"], r["version"], r["current"]) for r in listed] == [
        ("Phòng Tổng hợp", "2022-H1", "1", "true")]


def test_directory_argument_ingests_every_workbook_in_it(tmp_path, files):
    db = tmp_path / "store.duckdb"
    (files / "broken.xlsx").unlink()
    (files / "ghi-chu.txt").write_text("không phải biểu mẫu", encoding="utf-8")  # not a workbook: skipped
    (files / "con").mkdir()  # a sub-folder: skipped
    run = cli("ingest", files, db=db)
    assert (run.code, run.lines) == (0, [
        ACCEPTED_GOOD, "Đã nhận: kt.xlsx — Phòng Kinh tế, 6 tháng đầu năm 2022, phiên bản 1"])
    assert counts(db) == {"returns": 2, "uploads": 2}


def test_missing_path_exits_2_and_stores_nothing(tmp_path, files):
    db = tmp_path / "store.duckdb"
    missing = tmp_path / "khong-co.xlsx"
    run = cli("ingest", files / "good.xlsx", missing, db=db)
    assert (run.code, run.out, run.err) == (2, "", f"Lỗi: không tìm thấy tệp '{missing}'.\n")
    assert counts(db) == {"returns": 0, "uploads": 0}


def test_ingest_without_files_is_a_usage_error(tmp_path):
    run = cli("ingest", db=tmp_path / "store.duckdb")
    assert run.code == 2 and run.out == ""
    assert run.err.splitlines()[-1].startswith("Lỗi cú pháp lệnh: ")


def test_by_is_recorded_as_filed_by(tmp_path, files):
    db = tmp_path / "store.duckdb"
    assert cli("ingest", files / "good.xlsx", "--by", "Lò Thị Hoa", db=db).code == 0
    listed = table(cli("export", "returns", db=db))
    assert [(r["unit"], r["filed_by"], r["filename"]) for r in listed] == [
        ("Phòng Tổng hợp", "Lò Thị Hoa", "good.xlsx")]


def test_count_too_large_for_the_store_is_rejected_not_a_crash(tmp_path):
    """Bug 2: a count that passed validation but did not fit the store's INTEGER column crashed
    `ingest` with a traceback (duckdb ConversionException), and the upload was not recorded."""
    db = tmp_path / "store.duckdb"
    sheets = good_sheets()
    sheets["Chỉ tiêu"][1][1] = 10_000_000_000  # Tổng số of CBCC: a whole number >= 0, but 10 billion people
    path = tmp_path / "lon.xlsx"
    path.write_bytes(workbook_bytes(sheets))
    run = cli("ingest", path, db=db)
    assert "Traceback" not in run.err
    assert (run.code, run.lines) == (1, [
        "Bị từ chối: lon.xlsx — 1 lỗi",
        "  Lỗi Chỉ tiêu!B2 (giá trị: 10000000000): 'Tổng số' phải là số nguyên không âm, không quá 1.000.000."])
    assert upload_statuses(db) == [("lon.xlsx", "rejected")]


def test_each_error_is_one_line_even_when_the_value_has_a_line_break(tmp_path):
    """Bug 6: a cell value with a line break (Alt+Enter) was quoted as is, so one error spanned two
    lines of `ingest` output (cli.md: every error one per line); the break is shown as ⏎."""
    sheets = good_sheets()
    sheets["Chỉ tiêu"][2][1] = "5\n8"
    path = tmp_path / "xuong-dong.xlsx"
    path.write_bytes(workbook_bytes(sheets))
    run = cli("ingest", path, db=tmp_path / "store.duckdb")
    assert (run.code, run.lines) == (1, [
        "Bị từ chối: xuong-dong.xlsx — 1 lỗi",
        "  Lỗi Chỉ tiêu!B3 (giá trị: 5 ⏎ 8): 'Tổng số' phải là số nguyên không âm, viết như 58 hoặc 1.200."])


# ------------------------------------------------------------------ export


@pytest.mark.parametrize("name", list(SPEC_COLUMNS))
def test_export_csv_has_bom_crlf_and_the_spec_columns_first(demo_csv, name):
    run = demo_csv(name)
    assert (run.code, run.err) == (0, "")
    assert run.raw.startswith(BOM + b"period,unit,")
    first_line = run.raw[len(BOM):].split(b"\r\n")[0].decode("utf-8")
    assert first_line.split(",")[: len(SPEC_COLUMNS[name])] == SPEC_COLUMNS[name]
    assert run.raw.endswith(b"\r\n") and len(csv_rows(run)) > 1


@pytest.mark.parametrize("name", list(SPEC_COLUMNS))
def test_export_filters_by_period_and_unit_matched_like_headers(demo_db, demo_csv, name):
    unit = unicodedata.normalize("NFD", "  PHÒNG   tổng hợp ")
    rows = table(cli("export", name, "--period", "2022-H1", "--unit", unit, db=demo_db))
    assert rows
    assert {(r["period"], r["unit"]) for r in rows} == {("2022-H1", "Phòng Tổng hợp")}
    everything = table(demo_csv(name))
    assert len(everything) > len(rows)
    assert {r["period"] for r in everything} == {"2022-H1", "2022-Y"}


def test_progress_rows_per_unit_and_for_the_whole_office(demo_csv):
    rows = table(demo_csv("progress", "--period", "2022-H1"))
    assert len(rows) == 4 * 12  # 11 units and the Office, 4 targets each
    office = {r["target"]: r for r in rows if r["unit"] == "Toàn Văn phòng"}
    assert [office[t]["target"] for t in ("T1", "T2", "T3", "T4")] == ["T1", "T2", "T3", "T4"]
    t2 = office["T2"]
    assert (t2["numerator"], t2["denominator"], t2["goal"], t2["met"]) == ("70", "113", "0.7", "false")
    assert float(t2["ratio"]) == pytest.approx(70 / 113)


def test_progress_of_a_period_nobody_filed_has_empty_numerator_and_ratio(demo_db):
    rows = table(cli("export", "progress", "--period", "2023-H1", db=demo_db))
    units = [r for r in rows if r["unit"] != "Toàn Văn phòng"]
    assert len(units) == 44
    assert {(r["numerator"], r["ratio"], r["met"]) for r in units} == {("", "", "false")}


@pytest.mark.parametrize("args, message", [
    (["--unit", "Phòng Không Có"],
     "Lỗi: không có đơn vị 'Phòng Không Có'. Có phải: Phòng Kinh tế; Phòng Tổng hợp; Phòng Nội chính?"),
    (["--period", "Quý 1/2022"], "Lỗi: kỳ báo cáo 'Quý 1/2022' không hợp lệ: dùng mã như 2022-H1, 2022-Y."),
    (["--period", "2031-H1"], "Lỗi: kỳ báo cáo '2031-H1' không hợp lệ: dùng mã như 2022-H1, 2022-Y."),
    (["--format", "xlsx"], "Lỗi: xuất Excel cần --out TỆP.xlsx."),
])
def test_export_usage_errors_exit_2_with_a_vietnamese_message(demo_db, args, message):
    run = cli("export", "progress", *args, db=demo_db)
    assert (run.code, run.out, run.err) == (2, "", message + "\n")


@pytest.mark.parametrize("name", list(SPEC_COLUMNS))
def test_export_xlsx_to_a_file_has_vietnamese_headers(demo_db, demo_csv, tmp_path, name):
    out = tmp_path / f"{name}.xlsx"
    run = cli("export", name, "--period", "2022-H1", "--format", "xlsx", "--out", out, db=demo_db)
    rows = table(demo_csv(name, "--period", "2022-H1"))
    assert (run.code, run.out, run.err) == (0, "", f"Đã xuất {len(rows)} dòng vào {out}\n")
    sheet = openpyxl.load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    assert header[: len(SPEC_COLUMNS[name])] == [HEADERS_VI[c] for c in SPEC_COLUMNS[name]]
    assert header[:2] == ["Kỳ báo cáo", "Đơn vị"]
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == len(rows) + 1


def test_export_csv_to_a_file_is_the_same_bytes(demo_db, demo_csv, tmp_path):
    out = tmp_path / "events.csv"
    run = cli("export", "events", "--out", out, db=demo_db)
    assert (run.code, run.out) == (0, "")
    assert out.read_bytes() == demo_csv("events").raw


# ------------------------------------------------------------------ template, demo, commands not yet there


def test_template_writes_a_workbook_that_ingests(tmp_path):
    db = tmp_path / "store.duckdb"
    out = tmp_path / "bieu-mau.xlsx"
    run = cli("template", "--unit", "Phòng Kinh tế", "--period", "2022-Y", "--out", out, db=db)
    assert (run.code, run.out, run.err) == (0, "", f"Đã tạo biểu mẫu {out}\n")
    assert {"Thông tin", "Chỉ tiêu", "Đơn vị văn hóa"} <= set(openpyxl.load_workbook(out).sheetnames)
    run = cli("ingest", out, db=db)
    assert (run.code, run.lines) == (0, ["Đã nhận: bieu-mau.xlsx — Phòng Kinh tế, Năm 2022, phiên bản 1"])


@pytest.mark.parametrize("args, message", [
    (["--unit", "Phòng Kinh tê", "--period", "2022-Y"],
     "Lỗi: không có đơn vị 'Phòng Kinh tê'. Có phải: Phòng Kinh tế; Phòng Nội chính; Phòng Tổng hợp?"),
    (["--unit", "KT", "--period", "2022-Q3"], "Lỗi: kỳ báo cáo '2022-Q3' không hợp lệ: dùng mã như 2022-H1, 2022-Y."),
])
def test_template_usage_errors(tmp_path, args, message):
    out = tmp_path / "t.xlsx"
    run = cli("template", *args, "--out", out, db=tmp_path / "store.duckdb")
    assert (run.code, run.out, run.err, out.exists()) == (2, "", message + "\n", False)


def test_users_list_of_an_empty_store_prints_nothing(tmp_path):
    run = cli("users", "list", db=tmp_path / "store.duckdb")
    assert (run.code, run.out, run.err) == (0, "", "")


def test_synth_without_options_is_a_usage_error(tmp_path):
    run = cli("synth", db=tmp_path / "store.duckdb")
    assert run.code == 2 and run.out == ""
    assert run.err.splitlines()[-1] == ("Cách dùng: python -m vanhoa synth --units N --periods P --activities A "
                                        "[--events E] [--seed S] [--xlsx THƯ_MỤC] [--db KHO]")


def test_report_without_returns_exits_2_with_one_vietnamese_line(tmp_path):
    out = tmp_path / "bao-cao.docx"
    run = cli("report", "--period", "2022-H1", "--out", out, db=tmp_path / "store.duckdb")
    assert (run.code, run.out, out.exists()) == (2, "", False)
    assert len(run.err.splitlines()) == 1 and run.err.startswith(("Lỗi: ", "Lệnh 'report' ")), run.err


def test_users_add_a_clerk_without_a_unit_is_refused(tmp_path):
    run = cli("users", "add", "lan", "--role", "clerk", db=tmp_path / "store.duckdb")
    assert (run.code, run.out, run.err) == (2, "", "Lỗi: Tài khoản văn thư phải gắn với một đơn vị (--unit).\n")


def test_synth_with_the_documented_options(tmp_path):
    run = cli("synth", "--units", "2", "--periods", "1", "--activities", "3", db=tmp_path / "store.duckdb")
    assert run.code == 0, run.err
    assert run.out.startswith("Đã sinh ")
    assert len(table(cli("export", "returns", db=tmp_path / "store.duckdb"))) >= 1



def test_demo_loads_23_returns_and_then_refuses_a_non_empty_store(demo, demo_csv):
    demo_db, first = demo
    assert (first.code, first.err) == (0, "")
    assert first.lines[:2] == [f"Đã nạp 23 báo cáo minh họa vào {demo_db}.",
                               "Tài khoản minh họa (mật khẩu chỉ hiện một lần, hãy ghi lại):"]
    assert [line.split()[0] for line in first.lines[2:]] == ["quantri", "lanhdao"] + [
        f"vanthu.{code}" for code in ("th", "kt", "nc", "kgvx", "kstt", "tchcqt", "btcd", "pvhcc", "tttt", "nkub",
                                      "nktx")]
    returns = demo_csv("returns")
    listed = table(returns)
    assert len(listed) == 23
    assert sum(r["current"] == "true" for r in listed) == 22  # Phòng Tổng hợp corrected its annual return
    again = cli("demo", db=demo_db)
    assert (again.code, again.lines) == (
        0, ["Kho dữ liệu đã có báo cáo: không nạp dữ liệu minh họa (chỉ nạp vào kho trống)."])
    assert cli("export", "returns", db=demo_db).raw == returns.raw


def test_help_and_a_usage_error_load_neither_the_store_nor_duckdb_nor_pandas():
    """The command line imports heavy modules only inside the command that needs them, so `--help`
    answers at once (its time is `make bench`'s, section "Command line"; here only what it loads)."""
    probe = ("import runpy, sys\n"
             "sys.argv = ['vanhoa'] + sys.argv[1:]\n"
             "try:\n"
             "    runpy.run_module('vanhoa', run_name='__main__')\n"
             "except SystemExit as exc:\n"
             "    code = exc.code\n"
             "heavy = ('duckdb', 'pandas', 'pyarrow', 'numpy', 'vanhoa.store', 'vanhoa_tools')\n"
             "print(code, sorted(name for name in sys.modules if name.split('.')[0] in heavy or name in heavy),\n"
             "      file=sys.__stderr__)\n")
    for args, code in ((["--help"], 0), (["export", "--help"], 0), (["export", "bogus"], 2)):
        done = subprocess.run([sys.executable, "-c", probe, *args], cwd=ROOT, capture_output=True, text=True,
                              env=dict(os.environ, PYTHONIOENCODING="utf-8"), timeout=60)
        assert done.stderr.splitlines()[-1] == f"{code} []", (args, done.stderr)
    done = subprocess.run([sys.executable, "-m", "vanhoa", "--help"], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8"), timeout=60)
    assert done.returncode == 0
    assert done.stdout.splitlines()[0] == ("usage: python -m vanhoa [-h] [--db DB]")
