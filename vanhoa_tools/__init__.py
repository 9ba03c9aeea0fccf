"""Tooling beside the app, never imported by it: synthetic province-scale data (`synth`), the
benchmarks of `make bench` (`bench`) and the throwaway PostgreSQL of the DuckLake tests
(`pgserver`). Installed with the app by the Makefile (pyproject.toml), so tests and scripts import
it like `vanhoa`."""
