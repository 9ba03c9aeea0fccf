"""What one script run asks more than once is asked once: a memo that lives for one run.

The router and the page both check the account (ui.current_account), and a page asks for the
reference lists twenty times (each copy out of st.cache_data is unpickled: 1-2 ms at province
scale). Streamlit has no public notion of "this run", so the app's entry point declares it:
`@ui.per_run` on app.main opens a fresh memo when the run starts and drops it when the run ends
(returns, reruns or stops). Anything asked outside it (a page function run alone, a thread) gets
a new, empty dict each time: nothing is kept, so nothing can outlive its run."""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)

# A context variable, not a global: every session's run has its own thread, and a run's memo must
# never be seen by another session's run.
_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("vanhoa_run_memo", default=None)


def per_run(main: F) -> F:
    """Decorates the app's entry point: everything it calls, the page included, shares one memo
    (run_memo) for as long as it runs."""

    @functools.wraps(main)
    def running(*args, **kwargs):
        token = _memo.set({})
        try:
            return main(*args, **kwargs)
        finally:
            _memo.reset(token)

    return running  # type: ignore[return-value]


def run_memo() -> dict:
    """The current run's memo (see the module's docstring); outside a per_run run, a new dict."""
    memo = _memo.get()
    return {} if memo is None else memo
