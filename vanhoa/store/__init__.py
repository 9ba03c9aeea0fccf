"""The store: one DuckDB database, one writer path for the app and the command line.

A package of single-job modules; this file only names what the rest of the app imports.

- errors.py: what stops the store, as a hierarchy with `retryable` and one Vietnamese line;
- engine.py: a file or a lake target, opening it (the lock wait, the lake attach), cursors,
  DuckDB's failures translated, the one retry policy;
- pool.py: the file-handle pool: one open per file and process, linger, max hold, checkpoint;
- schema.py: the numbered migrations (migrations/NNN_<name>.sql), seeding, the staging layer;
- database.py: `Store`: the write path, the data version, the reads;
- writes.py: versioned writes (commit, restore), rejected uploads, drafts, the audit;
- repeats.py: the half-year rows an annual return repeats;
- sql.py: query files and their parameters, SQL literals, one transaction;
- clock.py: Việt Nam's wall-clock time.
"""

from vanhoa.store.clock import LOCAL_TZ, now_local
from vanhoa.store.database import Store
from vanhoa.store.engine import (
    BUSY_TIMEOUT,
    DEFAULT_DB,
    LAKE_ALIAS,
    LAKE_PREFIX,
    attach_lake,
    default_busy_timeout,
    describe_target,
    extension_file,
    is_lake,
    lake_connection,
    lake_data_path,
    migrated_stores,
    resolve_target,
)
from vanhoa.store.errors import StoreBusy, StoreConflict, StoreMisconfigured, StoreReadOnly, StoreUnavailable
from vanhoa.store.pool import LINGER_SECONDS, MAX_HOLD_SECONDS, checkpoint_message, close_files
from vanhoa.store.repeats import record_repeats
from vanhoa.store.sql import PARAM_RE, load_sql, run_query, sql_literal, staging_sql
from vanhoa.store.writes import ACTIVITY_KEYS, CommitResult, sha256_of, write_audit

# Old private names that files outside the store still use (tests/conftest.py, tests/test_staging.py,
# tests/test_synth.py, vanhoa/bench.py): kept until their owners move to the public names above.
_close_files = close_files
_migrated = migrated_stores
_PARAM_RE = PARAM_RE

__all__ = [
    "ACTIVITY_KEYS", "BUSY_TIMEOUT", "DEFAULT_DB", "LAKE_ALIAS", "LAKE_PREFIX", "LINGER_SECONDS",
    "LOCAL_TZ", "MAX_HOLD_SECONDS", "PARAM_RE", "CommitResult", "Store", "StoreBusy", "StoreConflict",
    "StoreMisconfigured", "StoreReadOnly", "StoreUnavailable", "attach_lake", "checkpoint_message", "close_files",
    "default_busy_timeout", "describe_target", "extension_file", "is_lake", "lake_connection",
    "lake_data_path", "load_sql", "migrated_stores", "now_local", "record_repeats", "resolve_target", "run_query",
    "sha256_of", "sql_literal", "staging_sql", "write_audit",
]
