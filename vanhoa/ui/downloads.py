"""'Tải xuống CSV' and 'Tải xuống Excel' under a table: the rows shown, as shown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vanhoa.ui.cache import reference


def download_buttons(frame: pd.DataFrame, stem: str, key: str, table) -> None:
    """'Tải xuống CSV' and 'Tải xuống Excel' for exactly the rows shown, as shown: `table` is the
    table's description (vanhoa.tables.columns_of: an export table's name, or its columns), the
    one the page made its screen frame with. The files are written when a button is clicked."""
    download_buttons_later(lambda: frame, stem, key, table)


def download_buttons_later(rows, stem: str, key: str, table) -> None:
    """'Tải xuống CSV' and 'Tải xuống Excel', each file written when its button is clicked
    (Streamlit's deferred download): writing 100,000 rows to Excel takes seconds, which every
    rerun of the page would otherwise wait for. `rows` is a function returning the query's frame
    to write; `table` describes its columns (vanhoa.tables): the files have the screen's headers
    and cells (the people's files; the command line's `export` keeps the machine columns)."""
    from vanhoa import tables

    labels = tables.period_labels(reference())  # taken now: the click runs outside the script run
    left, right = st.columns(2)
    left.download_button("Tải xuống CSV", lambda: tables.csv_bytes(rows(), table, labels), file_name=f"{stem}.csv",
                         mime="text/csv", key=f"{key}-csv", width="stretch")
    right.download_button("Tải xuống Excel", lambda: tables.xlsx_bytes(rows(), table, labels),
                          file_name=f"{stem}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"{key}-xlsx", width="stretch")
