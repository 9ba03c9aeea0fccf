"""Versioned writes: a valid return stored as the next version of its unit and period, an older
version restored as a new one, a file that was not stored as a return kept anyway, the report's
narrative, and the audit row of each, all through Store.write (one transaction, retried when it
lost a DuckLake race).

- A commit is one transaction: a failure half-way leaves the store as it was.
- Every uploaded file's bytes are kept once per SHA-256 in `files`; every upload, accepted or
  not, has a row in `uploads`.
- Only a return or a restore changes figures (the data version moves); a rejected upload and a
  report draft do not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from vanhoa.form import spec
from vanhoa.store.clock import now_local
from vanhoa.store.engine import figures_changed
from vanhoa.store.repeats import record_repeats

if TYPE_CHECKING:  # the validator's types only: opening a store does not load the validator
    from vanhoa.form.rules import Problem, Return
    from vanhoa.store.database import Store

# Columns the store derives from a row when it is written (see migration 5).
ACTIVITY_KEYS = "lower(commune) as commune_key, lower(trim(content)) as content_key"
# How each kind of form column is stored: a column added to the form spec is written with the
# type of its kind (the migration that adds it to the table says the same).
_STORED_AS = {"date": pa.date32(), "text": pa.string(), "choice": pa.string(), "plan": pa.string(),
              "count": pa.int32(), "money": pa.int64()}
_ACTIVITY_TYPES = {c.field: _STORED_AS[c.kind] for c in spec.ACTIVITY_COLUMNS}
_EVENT_TYPES = {c.field: _STORED_AS[c.kind] for c in spec.EVENT_COLUMNS}


@dataclass(frozen=True)
class CommitResult:
    status: str  # accepted | unchanged
    unit_code: str
    period_code: str
    version: int
    upload_id: str | None

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def write_audit(con: duckdb.DuckDBPyConnection, actor: str | None, action: str, target: str | None = None,
                details: str | None = None) -> None:
    """One row of the audit log ('nhật ký thao tác'), inside the caller's transaction."""
    con.execute("insert into audit_log values (?, ?, ?, ?, ?)", [now_local(), actor, action, target, details])


def keep_file(con: duckdb.DuckDBPyConnection, raw: bytes, sha: str) -> None:
    """The file's bytes, once per SHA-256."""
    # Through Arrow, not a query parameter: a 20 MB file is not copied into a SQL value.
    incoming = pa.table({"sha256": [sha], "size": pa.array([len(raw)], pa.int64()),
                         "content": pa.array([raw], pa.binary())})
    con.register("_incoming_file", incoming)
    try:
        con.execute("insert into files select * from _incoming_file i "
                    "where not exists (select 1 from files f where f.sha256 = i.sha256)")
    finally:
        con.unregister("_incoming_file")


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, key: list, columns: dict[str, list],
                types: dict[str, pa.DataType]) -> None:
    """A return's activity or event rows (columns by field) under its key, through Arrow."""
    count = len(next(iter(columns.values()), []))
    if not count:
        return
    arrays = {"row_no": pa.array(range(1, count + 1), pa.int32())}
    for name, kind in types.items():
        arrays[name] = pa.array(columns[name], kind)
    rows = pa.table(arrays)
    names = ", ".join(arrays)
    keys = ", commune_key, content_key" if table == "return_activities" else ""
    derived = ", " + ACTIVITY_KEYS if keys else ""
    con.register("_incoming_rows", rows)
    try:
        # Table names come from this module's constants, never from input.
        con.execute(
            "insert into " + table + " (unit_code, period_code, version, " + names + keys + ") "
            "select $unit, $period, $version, " + names + derived + " from _incoming_rows",
            {"unit": key[0], "period": key[1], "version": key[2]},
        )
    finally:
        con.unregister("_incoming_rows")


def save_report_draft(store: Store, period_code: str, fields: dict, by: str | None, actor: str | None = None) -> None:
    """Keep the period's narrative; `by` is the author's name as typed, `actor` the account
    that saved it (the audit row's, in the same transaction). No figure changes."""
    with store.transaction(figures=False) as con:
        con.execute(
            "insert into report_drafts values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [period_code, now_local(), by, fields.get("context"), fields.get("tasks"), fields.get("recipients"),
             fields.get("signer_title"), fields.get("signer_name"), fields.get("number")],
        )
        write_audit(con, actor or by, "lưu nội dung báo cáo", period_code, f"người soạn: {by}" if by else None)


def record_upload(store: Store, raw: bytes, filename: str, by: str | None, status: str,
                  problems: list[Problem] = (), unit_code: str | None = None,
                  period_code: str | None = None, at: dt.datetime | None = None) -> str:
    """Keep a file that was not stored as a return (rejected, unreadable): nothing is lost."""
    sha = sha256_of(raw)
    upload_id = uuid.uuid4().hex

    def keep(con) -> None:
        keep_file(con, raw, sha)
        con.execute(
            "insert into uploads values (?, ?, ?, ?, ?, ?, ?, ?, null, ?)",
            [upload_id, sha, filename, by, at or now_local(), status, unit_code or None, period_code or None,
             json.dumps([p.as_dict() for p in problems], ensure_ascii=False)],
        )
        errors = sum(1 for p in problems if p.severity == "lỗi")
        write_audit(con, by, "tải lên (bị từ chối)", filename,
                    f"{unit_code or '?'} {period_code or '?'}, {errors} lỗi, SHA-256 {sha[:12]}…")

    store.write(keep, by, f"tải lên bị từ chối: {filename}", figures=False)
    return upload_id


def commit(store: Store, ret: Return, raw: bytes, filename: str, by: str | None,
           filed_at: dt.datetime | None = None) -> CommitResult:
    """Store a valid return as the next version of its unit and period, in one transaction; the
    same file as the newest version again is recorded as an 'unchanged' upload (no figure moves)."""
    sha = sha256_of(raw)
    at = filed_at or now_local()
    upload_id = uuid.uuid4().hex

    def store_version(con) -> CommitResult:
        keep_file(con, raw, sha)
        latest = con.execute(
            "select max(version), arg_max(sha256, version) from returns where unit_code = ? and period_code = ?",
            [ret.unit_code, ret.period_code],
        ).fetchone()
        if latest[0] is not None and latest[1] == sha:
            con.execute(
                "insert into uploads values (?, ?, ?, ?, ?, 'unchanged', ?, ?, ?, '[]')",
                [upload_id, sha, filename, by, at, ret.unit_code, ret.period_code, latest[0]],
            )
            write_audit(con, by, "tải lên (không thay đổi)", filename,
                        f"{ret.unit_code} {ret.period_code}, giống phiên bản {latest[0]}")
            return CommitResult("unchanged", ret.unit_code, ret.period_code, latest[0], upload_id)
        version = (latest[0] or 0) + 1
        details = json.dumps([p.as_dict() for p in ret.warnings], ensure_ascii=False)
        con.execute(
            "insert into uploads values (?, ?, ?, ?, ?, 'accepted', ?, ?, ?, ?)",
            [upload_id, sha, filename, by, at, ret.unit_code, ret.period_code, version, details],
        )
        _insert_version(con, ret, version, at, by, sha, upload_id, filename)
        write_audit(con, by, "tải lên (đã lưu)", filename,
                    f"{ret.unit_code} {ret.period_code} phiên bản {version}, SHA-256 {sha[:12]}…")
        for name in ret.new_events:
            con.execute(
                "insert into events select ?, null, ?, null, ? where not exists (select 1 from events where name = ?)",
                [name, int(ret.period_code[:4]), upload_id, name],
            )
        figures_changed(con)
        return CommitResult("accepted", ret.unit_code, ret.period_code, version, upload_id)

    return store.write(store_version, by, f"tải lên {ret.unit_code} {ret.period_code}: {filename}", figures=False)


def _insert_version(con: duckdb.DuckDBPyConnection, ret: Return, version: int, at: dt.datetime, by: str | None,
                    sha: str, upload_id: str, filename: str) -> None:
    """The return's rows as `version` of its unit and period, awaiting approval, with its repeats."""
    warnings = "\n".join(p.line() for p in ret.warnings)  # readable where the return is shown
    con.execute(
        """insert into returns (unit_code, period_code, version, filed_at, filed_by, sha256, upload_id,
                                filename, prepared_by, prepared_on, phone, email, form_version, warnings,
                                status)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')""",
        [ret.unit_code, ret.period_code, version, at, by, sha, upload_id, filename, ret.prepared_by,
         ret.prepared_on, ret.phone, ret.email, ret.form_version, warnings],
    )
    key = [ret.unit_code, ret.period_code, version]
    con.executemany(
        "insert into return_staff values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [key + [s.group, s.total, s.ethics, s.culture, s.families, s.cultural_families] for s in ret.staff],
    )
    con.executemany(
        "insert into return_criteria values (?, ?, ?, ?, ?, ?)",
        [key + [code, met, note] for code, (met, note) in ret.criteria.items()],
    )
    insert_rows(con, "return_activities", key, ret.activities, _ACTIVITY_TYPES)
    insert_rows(con, "return_events", key, ret.events, _EVENT_TYPES)
    record_repeats(con, [ret.unit_code], ret.period_code, version)


def restore(store: Store, unit_code: str, period_code: str, version: int, by: str | None) -> CommitResult:
    """Make an older version current again, as a new version that copies it."""
    def copy_version(con) -> CommitResult:
        old = con.execute(
            "select sha256 from returns where unit_code = ? and period_code = ? and version = ?",
            [unit_code, period_code, version],
        ).fetchone()
        if old is None:
            raise ValueError(f"Không có phiên bản {version} của {unit_code} kỳ {period_code}.")
        latest = con.execute(
            "select max(version) from returns where unit_code = ? and period_code = ?", [unit_code, period_code]
        ).fetchone()[0]
        if latest == version:
            return CommitResult("unchanged", unit_code, period_code, version, None)
        new = latest + 1
        params = {"unit": unit_code, "period": period_code, "old": version, "new": new}
        # The copy waits for approval like any new version.
        con.execute(
            """insert into returns (unit_code, period_code, version, filed_at, filed_by, sha256, upload_id,
                                    filename, prepared_by, prepared_on, phone, email, form_version,
                                    restored_from, warnings, status)
               select unit_code, period_code, $new, $at, $by, sha256, upload_id, filename, prepared_by,
                      prepared_on, phone, email, form_version, $old, warnings, 'pending'
               from returns where unit_code = $unit and period_code = $period and version = $old""",
            params | {"at": now_local(), "by": by},
        )
        for table in ("return_staff", "return_criteria", "return_activities", "return_events"):
            columns = [row[0] for row in con.execute(
                "select column_name from information_schema.columns "
                "where table_catalog = current_database() and table_name = ? order by ordinal_position",
                [table]).fetchall()]
            con.execute(
                "insert into " + table + " select unit_code, period_code, $new, " + ", ".join(columns[3:])
                + " from " + table + " where unit_code = $unit and period_code = $period and version = $old",
                params,
            )
        record_repeats(con, [unit_code], period_code, new)
        write_audit(con, by, "khôi phục phiên bản", f"{unit_code} {period_code}",
                    f"phiên bản {version} được khôi phục thành phiên bản {new} (chờ phê duyệt)")
        figures_changed(con)
        return CommitResult("accepted", unit_code, period_code, new, None)

    return store.write(copy_version, by, f"khôi phục {unit_code} {period_code} phiên bản {version}", figures=False)
