"""Realistic synthetic returns for scale tests (`python -m vanhoa synth`, `make bench`).

    python -m vanhoa synth --units 1000 --periods 10 --activities 100 [--events 20] [--xlsx DIR]

Province scale is 1,000 units × 10 periods (2022-H1 … 2026-Y): 10,000 stored returns,
1,000,000 activity rows, 200,000 event rows. Two ways out:

- `synthesize(store, …)` (load.py) adds units S0001… ("Đơn vị tổng hợp số 1" …) to the store's
  `units` table and bulk-loads their returns, with the same rows `Store.commit` would write
  (returns, return_staff, return_criteria, return_activities, return_events, uploads, files,
  audit_log), from Arrow tables in one transaction: seconds, not the hours that 10,000 ingests
  would take.
- `write_xlsx(folder, …)` (xlsx.py) writes the same returns as real Excel files that
  `python -m vanhoa ingest` accepts (the units must be in the store: `add_units`).

The shape is the demonstration data's (words.py): three staff groups with plausible head counts
(every "of whom" figure at most the total), criteria C1..C4 mostly met, activities over the eight
kinds with about one in ten in the supported commune (Chiềng Xuân), events from the event list
(the 6-month return lists the events of the first half, the annual return those after it). Most
units file before the deadline, some late; about 1 % of (unit, period) pairs are not filed and as
many others were filed twice (a correction), so the store holds exactly units × periods returns,
units × periods × activities activity rows and units × periods × events event rows (dataset.py).

Everything is drawn from `numpy.random.default_rng(seed)`: the same arguments give the same data.
Tooling, not the app: nothing under vanhoa/ imports this package except the `synth` command, and
that only when it runs.
"""

from vanhoa_tools.synth.cli import USAGE, main
from vanhoa_tools.synth.dataset import Dataset, Event, build_dataset, synthetic_marker
from vanhoa_tools.synth.load import SynthResult, add_units, check_counts, synthesize
from vanhoa_tools.synth.words import unit_code, unit_name
from vanhoa_tools.synth.xlsx import write_cell, write_xlsx

__all__ = ["USAGE", "Dataset", "Event", "SynthResult", "add_units", "build_dataset", "check_counts", "main",
           "synthesize", "synthetic_marker", "unit_code", "unit_name", "write_cell", "write_xlsx"]
