"""Moving an office up: copy an embedded store into an empty DuckLake store, then check it.

Everything is copied (every version of every return, every archived upload's bytes, accounts,
sessions, the audit log, the report drafts and the reference lists as the office edited them), in
one transaction on the target: a failure half-way leaves the target empty. Afterwards the row
count of every table and the whole progress table (every period, unit and target) must match.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from vanhoa.formats import fmt_int
from vanhoa.store import Store, write_audit

# Every table of the schema, the reference lists first. store_writes and schema_migrations
# belong to the target store itself and are not copied.
TABLES = ("units", "periods", "targets", "events", "settings", "files", "uploads", "returns",
          "return_staff", "return_criteria", "return_activities", "return_events", "activity_repeats",
          "event_repeats", "report_drafts",
          "accounts", "sessions", "audit_log")
SOURCE_ALIAS = "migration_source"


class MigrationRefused(Exception):
    """The migration cannot start; nothing was written. The message is Vietnamese."""


@dataclass
class MigrationReport:
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # table -> (source, target)
    progress_rows: int = 0
    progress_matches: bool = False

    @property
    def ok(self) -> bool:
        return self.progress_matches and all(a == b for a, b in self.counts.values())

    def lines(self) -> list[str]:
        out = []
        for table, (source, target) in self.counts.items():
            mark = "khớp" if source == target else "KHÔNG KHỚP"
            out.append(f"  {table:<18} {fmt_int(source):>10} → {fmt_int(target):>10}  {mark}")
        verdict = "khớp" if self.progress_matches else "KHÔNG KHỚP"
        out.append(f"  bảng tiến độ (progress, mọi kỳ): {fmt_int(self.progress_rows)} dòng, {verdict}")
        return out


def table_counts(store: Store) -> dict[str, int]:
    with store.connect() as con:
        return {table: con.execute("select count(*) from " + table).fetchone()[0] for table in TABLES}


def _progress(store: Store) -> pd.DataFrame:
    frame = store.query("progress")
    return frame.sort_values(list(frame.columns)[:3]).reset_index(drop=True)


def migrate(source: Store, target: Store, by: str | None = None) -> MigrationReport:
    if source.lake:
        raise MigrationRefused("Kho nguồn phải là tệp DuckDB nhúng (--db hoặc VANHOA_DB).")
    if not target.lake:
        raise MigrationRefused("Kho đích phải là chuỗi kết nối DuckLake, ví dụ "
                               "'ducklake:postgres:dbname=vanhoa host=127.0.0.1 user=vanhoa'.")
    if not source.path.exists():
        raise MigrationRefused(f"Không có kho nguồn {source.path}.")
    before = table_counts(source)  # also brings the source's schema up to date
    source.release()  # one process cannot have the file open twice: the lake attaches it below
    filled = {table: n for table, n in table_counts(target).items()
              if n and table in ("returns", "uploads", "accounts", "audit_log")}
    if filled:
        what = ", ".join(f"{table} {n}" for table, n in filled.items())
        raise MigrationRefused(f"Kho đích đã có dữ liệu ({what} dòng): chỉ chuyển vào kho DuckLake trống.")
    actor = by or f"{getpass.getuser()} (dòng lệnh)"

    def copy_everything(con: duckdb.DuckDBPyConnection) -> None:
        for table in TABLES:
            # the target's own reference rows (seeded when its schema was created) give way to the
            # office's, which may have been edited; table names are this module's constants
            con.execute("delete from " + table)
            con.execute("insert into " + table + " by name select * from " + SOURCE_ALIAS + ".main." + table)

    with target.connect() as con:
        # the source is read-only here; ATTACH takes no bound parameters, the path is quoted
        con.execute("attach '" + str(source.path.resolve()).replace("'", "''") + "' as " + SOURCE_ALIAS
                    + " (read_only)")
    try:
        target.write(copy_everything, actor, "chuyển kho từ " + source.name)
    finally:
        with target.connect() as con:
            con.execute("detach " + SOURCE_ALIAS)

    report = MigrationReport()
    after = table_counts(target)
    report.counts = {table: (before[table], after[table]) for table in TABLES}
    expected, got = _progress(source), _progress(target)
    report.progress_rows = len(got)
    report.progress_matches = expected.equals(got)
    # logged after the check, so that the audit log's count compares like with like
    target.write(lambda con: write_audit(
        con, actor, "chuyển kho", target.name,
        f"từ {source.name}: {before['returns']} phiên bản báo cáo, {before['files']} tệp lưu trữ; "
        + ("kiểm tra khớp" if report.ok else "kiểm tra KHÔNG khớp")), actor, "ghi nhật ký chuyển kho")
    return report
