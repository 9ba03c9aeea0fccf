"""What st.dataframe is given: its height for a number of rows, and the Arrow table it draws."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def table_height(rows: int, limit: int = 20) -> int:
    """Pixels for a dataframe that shows up to `limit` rows without an inner scroll bar."""
    return 38 + 35 * min(max(rows, 1), limit)


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """The Arrow table st.dataframe makes of `frame` (pyarrow's conversion, which Streamlit
    tries first; the browser gets the same bytes). Built inside a ui.derived builder, a large
    table is not converted again at every rerun (1.000 rows: a few milliseconds each time)."""
    return pa.Table.from_pandas(frame)
