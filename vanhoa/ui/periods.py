"""The reporting periods a page offers and the one the sidebar chose; today in Việt Nam."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from vanhoa.ui.cache import query, reference
from vanhoa.ui.keys import PERIOD_KEY


def today() -> dt.date:
    """Today in Việt Nam (deadlines are Vietnamese dates, whatever the server's zone)."""
    from vanhoa.store import now_local

    return now_local().date()


def period_options() -> list[str]:
    """Periods to choose from: those with a return, and those whose deadline has come."""
    ref = reference()
    filed = set(filed_periods())
    today_ = today()
    codes = [code for code, period in ref.periods.items() if code in filed or period.start <= today_]
    return sorted(codes)


def filed_periods() -> list[str]:
    """The codes of the periods with a stored return, oldest first (empty: nothing filed yet)."""
    return query("filed_periods")["period"].tolist()


def latest_period_with_data() -> str | None:
    filed = filed_periods()
    return filed[-1] if filed else None


def current_reporting_period() -> str:
    """The period clerks are filing now: the first whose deadline has not passed."""
    today_ = today()
    periods = sorted(reference().periods.values(), key=lambda p: (p.deadline, p.code))
    upcoming = [p.code for p in periods if p.deadline >= today_]
    return upcoming[0] if upcoming else periods[-1].code


def selected_period() -> str:
    """The period chosen in the sidebar (shared by every page)."""
    value = st.session_state.get(PERIOD_KEY)
    if value:
        return value
    return latest_period_with_data() or period_options()[0]


def period_label(code: str) -> str:
    period = reference().periods.get(code)
    return period.label if period else code
