"""SQL text: the query files (queries/<name>.sql) with their $parameters, the staging layer's
statements, literals for the statements that take no parameters, and one transaction."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pandas as pd

from vanhoa import QUERIES_DIR

PARAM_RE = re.compile(r"\$([a-z_][a-z0-9_]*)")
# The tables that hold who did what (the log), not figures: a query reading one of them is keyed
# on every write (Store.data_version), the rest only on the writes that change figures.
LOG_TABLES = ("audit_log", "uploads", "accounts", "sessions", "report_drafts")
_LOG_RE = re.compile(r"\b(" + "|".join(LOG_TABLES) + r")\b")
_sql_cache: dict[str, str] = {}


def load_sql(name: str) -> str:
    if name not in _sql_cache:
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise ValueError(f"bad query name {name!r}")
        _sql_cache[name] = (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return _sql_cache[name]


def reads_log(name: str) -> bool:
    """Whether queries/<name>.sql reads one of LOG_TABLES."""
    return _LOG_RE.search(load_sql(name)) is not None


def run_query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """queries/<name>.sql with its $parameters bound; a parameter not given is null (no filter)."""
    sql = load_sql(name)
    wanted = dict.fromkeys(PARAM_RE.findall(sql))
    unknown = set(params) - set(wanted)
    if unknown:
        raise TypeError(f"query {name} has no parameter {sorted(unknown)}")
    return con.execute(sql, {key: params.get(key) for key in wanted}).df()


def staging_sql() -> tuple[list[str], str]:
    """The staging layer's statements in file order, and their checksum."""
    statements = [path.read_text(encoding="utf-8") for path in sorted((QUERIES_DIR / "staging").glob("*.sql"))]
    return statements, hashlib.sha256("\n;\n".join(statements).encode("utf-8")).hexdigest()


def sql_literal(value: object) -> str:
    """A SQL string literal, for ATTACH and LOAD, which take no bound parameters. The values are
    the operator's configuration (attach string, data path) or a timestamp we format, never user text."""
    return "'" + str(value).replace("'", "''") + "'"


@contextmanager
def all_or_nothing(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction on `con`: committed at the end, rolled back on any failure."""
    con.begin()
    try:
        yield
        con.commit()
    except BaseException:
        try:
            con.rollback()
        except duckdb.Error:
            pass  # a failed commit has already ended the transaction
        raise
