"""The schema: numbered migrations (migrations/NNN_<name>.sql, applied once each, in order, and
recorded in `schema_migrations`), the reference lists seeded after the first, and the staging
layer (queries/staging/*.sql), a repeatable migration applied whenever its text changes.

A newcomer adding a column writes one new numbered file; a store of any earlier schema gains
what it lacks the next time it is opened, and nothing is applied twice."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from vanhoa.reference import period_from_row, read_reference_csv
from vanhoa.store.clock import now_local
from vanhoa.store.repeats import record_repeats
from vanhoa.store.sql import all_or_nothing, staging_sql

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def split_statements(text: str) -> list[str]:
    """The statements of a migration file: each ends with ';' at the end of a line; a stretch
    of only comments is not a statement."""
    chunks = re.split(r";[ \t]*(?:\n|$)", text)
    return [chunk.strip() for chunk in chunks
            if any(line.strip() and not line.strip().startswith("--") for line in chunk.splitlines())]


def read_migrations(folder: Path = MIGRATIONS_DIR) -> dict[int, list[str]]:
    """{number: statements} of every NNN_<name>.sql in the folder."""
    found = {}
    for path in sorted(folder.glob("[0-9][0-9][0-9]_*.sql")):
        found[int(path.name[:3])] = split_statements(path.read_text(encoding="utf-8"))
    return found


MIGRATIONS: dict[int, list[str]] = read_migrations()


def lake_ddl(statement: str) -> str:
    """DuckLake has no PRIMARY KEY/UNIQUE constraints: the writer path keeps keys unique."""
    statement = re.sub(r",\s*primary key\s*\([^)]*\)", "", statement)
    return re.sub(r"\s+primary key\b", "", statement)


def migrate(con: duckdb.DuckDBPyConnection, lake: bool) -> None:
    """Bring the store's schema up to date: the numbered migrations it lacks, then the staging layer."""
    ddl = lake_ddl if lake else str
    con.execute(ddl("create table if not exists schema_migrations (version integer primary key, "
                    "applied_at timestamp)"))
    done = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
    for version in sorted(MIGRATIONS):
        if version in done:
            continue
        with all_or_nothing(con):
            for statement in MIGRATIONS[version]:
                con.execute(ddl(statement))
            _AFTER.get(version, lambda con: None)(con)
            con.execute("insert into schema_migrations values (?, ?)", [version, now_local()])
    apply_staging(con)


def apply_staging(con: duckdb.DuckDBPyConnection) -> None:
    """The staging layer (queries/staging/*.sql: the rules every query reads, such as what a
    period holds) is a repeatable migration: (re)created, in file order, whenever its text
    changes, so a release that changes a rule changes it in every store it opens."""
    statements, checksum = staging_sql()
    con.execute("create table if not exists staging_applied (checksum varchar, applied_at timestamp)")
    applied = con.execute("select checksum from staging_applied order by applied_at desc limit 1").fetchone()
    if applied is not None and applied[0] == checksum:
        return
    with all_or_nothing(con):
        for statement in statements:
            con.execute(statement)
        con.execute("delete from staging_applied")
        con.execute("insert into staging_applied values (?, ?)", [checksum, now_local()])


def seed_reference(con: duckdb.DuckDBPyConnection) -> None:
    """The reference lists of data/reference, into a new store."""
    tables = read_reference_csv()
    for row in tables["units"]:
        con.execute("insert into units values (?, ?, ?, ?, ?, true)",
                    [row["code"], row["name"], row["short_name"], row["kind"], int(row["sort_order"])])
    for row in tables["periods"]:
        period = period_from_row(row)
        con.execute("insert into periods values (?, ?, ?, ?, ?, ?, ?)",
                    [period.code, period.kind, period.year, period.label, period.start, period.end, period.deadline])
    for row in tables["targets"]:
        con.execute("insert into targets values (?, ?, ?, ?, ?, ?)",
                    [row["code"], row["name"], row["numerator"], row["denominator"], row["goal"],
                     int(row["sort_order"])])
    for row in tables["events"]:
        con.execute("insert into events values (?, ?, ?, ?, null)",
                    [row["name"], row["series"], int(row["year"]), row["kind"]])
    for row in tables["settings"]:
        con.execute("insert into settings values (?, ?)", [row["key"], row["value"]])


# What a migration's data needs after its statements: the seeded lists after the first, the
# repeats of the rows stored before the sixth.
_AFTER = {1: seed_reference, 6: lambda con: record_repeats(con)}
