"""Moved to vanhoa_tools/pgserver.py; this name stays until its last importer (tests) uses the new one."""

from vanhoa_tools.pgserver import PostgresServer

__all__ = ["PostgresServer"]
