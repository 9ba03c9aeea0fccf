"""The store: one DuckDB database (a file or a lake, engine.py), one write path for the app and
the command line (Store.write), the reads every page needs, and the data version that keys every
cached result.

Only this package knows which back end it runs on; pages, queries and the CLI see tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import duckdb
import pandas as pd

from vanhoa.reference import Reference, period_from_row
from vanhoa.store import writes
from vanhoa.store.engine import LAKE_ALIAS, RETRY_PATIENCE, Engine, local_writes, retry_on_conflict
from vanhoa.store.errors import StoreUnavailable
from vanhoa.store.pool import file_stamp
from vanhoa.store.sql import reads_log, run_query

if TYPE_CHECKING:
    from vanhoa.form.rules import Problem, Return

T = TypeVar("T")
# (target) -> (what the counters were read at, (figures_version, store_writes)): the counters are
# read again only when the file or the lake changed since.
_counters: dict[str, tuple[str, tuple[int, int]]] = {}


class Store(Engine):
    def at(self, moment: dt.datetime) -> Store:
        """The same DuckLake store, read-only, as it stood at `moment` (timezone-aware)."""
        return Store(self.target, self.busy_timeout, as_of=moment)

    # ------------------------------------------------------------ the write path

    def write(self, action: Callable[[duckdb.DuckDBPyConnection], T], actor: str | None = None,
              message: str | None = None, figures: bool = True) -> T:
        """The single writer path: `action(con)` in one transaction (Engine.transaction). On
        DuckLake a transaction that lost to another server's write is retried from the start (it
        rereads the latest version), so nothing is lost or given twice; the message becomes the
        snapshot's commit message (who did what, for the history). `figures`: whether the write
        changes what a page shows of the data (returns, approvals, reference lists, settings):
        only those move data_version(); a sign-in, a session or an audit-only row does not."""
        def attempt() -> T:
            with self.transaction(figures) as con:
                if self.lake and message:
                    con.execute("call " + LAKE_ALIAS + ".set_commit_message($actor, $message)",
                                {"actor": actor or "", "message": message})
                return action(con)

        if not self.lake:
            return attempt()  # the file lock serialises writers: nothing to lose a race to
        return retry_on_conflict(attempt, max(self.busy_timeout, RETRY_PATIENCE))

    def data_version(self, *queries: str) -> str:
        """The key of every cached result: it moves when figures change (Store.write with
        figures), here or in another process, and never on a sign-in, a session, an audit row, a
        rejected upload or a report draft, nor when the file is checkpointed. With the names of
        `queries` that read the log (the audit log, the uploads), it moves on every write."""
        if self.as_of is not None:
            return "as-of " + self.as_of.isoformat()
        figures, every = self._read_counters()
        if any(reads_log(name) for name in queries):
            return f"figures {figures}, writes {every}"
        return f"figures {figures}"

    def _change_stamp(self) -> str:
        """What changes whenever the store does: this process's transactions and, for another
        process's, the file's stamp (two stat() calls) or the lake's newest snapshot."""
        local = local_writes.get(self.target, 0)
        if not self.lake:
            return f"{local}/{file_stamp(self.path)}"
        with self.connect() as con:
            snapshot = con.execute("select id from " + LAKE_ALIAS + ".current_snapshot()").fetchone()[0]
        return f"{local}/{snapshot}"

    def _read_counters(self) -> tuple[int | str, int | str]:
        """(figures_version, store_writes), read again only when the change stamp moved. A file
        another process holds is not waited for here: the version is then the stamp (the page's
        own query waits, and says so if it must)."""
        stamp = self._change_stamp()
        held = _counters.get(self._key)
        if held is not None and held[0] == stamp:
            return held[1]
        wait = None if self.lake or self._file_root.is_open else 0.0
        try:
            with self.connect(busy_timeout=wait) as con:
                counters = con.execute(
                    "select (select n from figures_version), (select n from store_writes)").fetchone()
        except StoreUnavailable:
            return "unread " + stamp, "unread " + stamp
        _counters[self._key] = (stamp, counters)
        return counters

    # ------------------------------------------------------------ reading

    def reference(self) -> Reference:
        with self.connect() as con:
            units = con.execute("select code, name from units where active order by sort_order, code").fetchall()
            periods = con.execute(
                "select code, kind, year, label, start_date, end_date, deadline from periods order by code").fetchall()
            events = [row[0] for row in con.execute("select name from events order by year, name").fetchall()]
            settings = dict(con.execute("select key, value from settings").fetchall())
        return Reference(
            units=dict(units),
            periods={row[0]: period_from_row(dict(zip(
                ("code", "kind", "year", "label", "start_date", "end_date", "deadline"), row))) for row in periods},
            events=events,
            supported_commune=settings.get("supported_commune", "Chiềng Xuân"),
        )

    def query(self, name: str, **params) -> pd.DataFrame:
        """Run queries/<name>.sql with bound parameters."""
        with self.connect() as con:
            return run_query(con, name, **params)

    def is_empty(self) -> bool:
        with self.connect() as con:
            return con.execute("select count(*) from returns").fetchone()[0] == 0

    def file_bytes(self, sha256: str) -> bytes | None:
        with self.connect() as con:
            row = con.execute("select content from files where sha256 = ?", [sha256]).fetchone()
        return bytes(row[0]) if row else None

    def current_sha(self, sha256: str) -> tuple[str, str, int] | None:
        """(unit, period, version) when this exact file is already some unit's current version."""
        with self.connect() as con:
            return con.execute(
                "select unit_code, period_code, version from current_returns where sha256 = ? limit 1", [sha256]
            ).fetchone()

    def report_draft(self, period_code: str) -> dict | None:
        """The last saved narrative of the period's report, or None."""
        with self.connect() as con:
            cursor = con.execute(
                "select * from report_drafts where period_code = ? order by saved_at desc limit 1", [period_code])
            row = cursor.fetchone()
            names = [d[0] for d in cursor.description]
        return dict(zip(names, row)) if row else None

    # ------------------------------------------------------------ versioned writes (writes.py)

    def save_report_draft(self, period_code: str, fields: dict, by: str | None, actor: str | None = None) -> None:
        writes.save_report_draft(self, period_code, fields, by, actor)

    def record_upload(self, raw: bytes, filename: str, by: str | None, status: str,
                      problems: list[Problem] = (), unit_code: str | None = None,
                      period_code: str | None = None, at: dt.datetime | None = None) -> str:
        return writes.record_upload(self, raw, filename, by, status, problems, unit_code, period_code, at)

    def commit(self, ret: Return, raw: bytes, filename: str, by: str | None,
               filed_at: dt.datetime | None = None) -> writes.CommitResult:
        return writes.commit(self, ret, raw, filename, by, filed_at)

    def restore(self, unit_code: str, period_code: str, version: int, by: str | None) -> writes.CommitResult:
        return writes.restore(self, unit_code, period_code, version, by)


