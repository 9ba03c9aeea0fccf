"""Words that name things the same way everywhere, free of streamlit and the store.

The Office's own row in `progress` is found by its flag `is_office`, never by its label; the
label is what the screen, the downloads and the report print for it (the SQL writes the same
words once, and tests/test_vocabulary.py holds the two together).
"""

from __future__ import annotations

import pandas as pd

OFFICE_LABEL = "Toàn Văn phòng"


def office_rows(progress: pd.DataFrame) -> pd.DataFrame:
    """The whole Office's rows of a `progress` frame."""
    return progress[progress["is_office"].astype(bool)]


def unit_rows(progress: pd.DataFrame) -> pd.DataFrame:
    """The units' rows of a `progress` frame (every row but the Office's)."""
    return progress[~progress["is_office"].astype(bool)]
