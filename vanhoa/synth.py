"""Moved to vanhoa_tools/synth/; this name stays until its last importer (tests/test_ducklake.py) uses the new one."""

from vanhoa_tools.synth import synthesize

__all__ = ["synthesize"]
