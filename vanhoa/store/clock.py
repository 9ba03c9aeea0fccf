"""The store's clock: wall-clock time in Việt Nam, as clerks and deadlines mean it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def now_local() -> dt.datetime:
    """Wall-clock time in Việt Nam, without tzinfo (what clerks and deadlines mean)."""
    return dt.datetime.now(LOCAL_TZ).replace(tzinfo=None)
