"""The store's own history on DuckLake: its snapshots, and which of them changed a number.

Every committed write is a DuckLake snapshot carrying who made it and what it was (the commit
message `Store.write` sets). To find when a target's figure changed, the progress query runs on
the lake as it stood at each snapshot that could have changed it; nothing is kept on the side.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vanhoa import vocabulary
from vanhoa.store import LOCAL_TZ, Store, attach_lake, lake_connection, run_query

# Snapshots that cannot move a target's figure: signing in and out, rejected uploads.
_QUIET_MESSAGES = ("đăng nhập", "mở phiên", "đăng xuất", "tải lên bị từ chối", "ghi nhật ký",
                   "đổi trạng thái tài khoản", "tạo tài khoản", "đặt lại mật khẩu")


def _local(epoch_us: int) -> dt.datetime:
    moment = dt.datetime.fromtimestamp(epoch_us / 1_000_000, tz=dt.UTC)
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None)


def snapshots(store: Store) -> pd.DataFrame:
    """Every snapshot, newest first: id, local time, who, what (Vietnamese), the raw changes."""
    if not store.lake:
        raise ValueError("snapshots need a DuckLake store")
    with store.connect() as con:
        # epoch_us, not the timestamptz itself: Python would need pytz to receive it
        rows = con.execute(
            "select snapshot_id, epoch_us(snapshot_time), author, commit_message, changes::varchar "
            "from lake.snapshots() order by snapshot_id desc").fetchall()
    return pd.DataFrame(
        [(sid, _local(us), author, message, changes) for sid, us, author, message, changes in rows],
        columns=["snapshot", "time", "author", "message", "changes"]).astype({"author": object, "message": object})


def _may_change_figures(message: str | None, period_code: str) -> bool:
    if not isinstance(message, str) or not message:
        return False  # schema creation and other untagged snapshots hold no return
    if message.startswith(_QUIET_MESSAGES):
        return False
    if message.startswith(("tải lên", "khôi phục", "phê duyệt", "trả lại")):
        return period_code in message
    return True  # goals, units, settings, a migration: may change any period


def figure_changes(store: Store, period_code: str, target_code: str, unit_code: str | None = None,
                   approved_only: bool = False) -> pd.DataFrame:
    """The snapshots at which a target's figure (one unit's, or the Office's) changed, oldest first,
    with the figure before and after. One attach per candidate snapshot on one connection."""
    history = snapshots(store).sort_values("snapshot")
    candidates = history[[_may_change_figures(m, period_code) for m in history["message"]]]
    con = lake_connection()
    rows, previous = [], None
    try:
        for snap in candidates.itertuples(index=False):
            attach_lake(con, store.target, store.data_path, "lake_then", snapshot=int(snap.snapshot))
            try:
                con.execute("use lake_then")
                frame = run_query(con, "progress", period=period_code, approved_only=approved_only)
            finally:
                con.execute("use memory")
                con.execute("detach lake_then")
            figure = _figure(frame, target_code, unit_code)
            if figure != previous:
                rows.append((int(snap.snapshot), snap.time, snap.author, snap.message, previous, figure))
                previous = figure
    finally:
        con.close()
    return pd.DataFrame(rows, columns=["snapshot", "time", "author", "message", "before", "after"])


def _figure(frame: pd.DataFrame, target_code: str, unit_code: str | None) -> tuple | None:
    """(numerator, denominator, ratio) of the target for the unit (or the Office); None if absent."""
    if frame.empty:
        return None
    chosen = frame[frame["target"] == target_code]
    chosen = vocabulary.office_rows(chosen) if unit_code is None else chosen[chosen["unit_code"] == unit_code]
    if chosen.empty:
        return None
    row = chosen.iloc[0]

    def plain(value):
        return None if pd.isna(value) else (round(float(value), 6) if isinstance(value, float) else int(value))

    return plain(row["numerator"]), plain(row["denominator"]), plain(row["ratio"])
