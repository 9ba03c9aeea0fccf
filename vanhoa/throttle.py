"""A bounded, in-memory count of consecutive failures per key, with an exponential wait.

Used by vanhoa.auth to slow password guessing (see its docstring for which keys are counted).
After `free` consecutive failures on a key, the next attempt on it must wait
base · 2^(failures − free) seconds, at most `cap`, counted from the last failure. Nothing is
ever locked: once the wait has passed, one attempt goes through, and a success clears the key.

The table is bounded: a key that has not failed for `forget_after` seconds is forgotten, and
past `max_keys` keys the one that failed longest ago goes first, so a flood of made-up names
costs a fixed amount of memory.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class Throttle:
    def __init__(self, free: int, base: float, cap: float, forget_after: float = 1800.0,
                 max_keys: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base, self.cap = free, base, cap
        self.forget_after, self.max_keys, self.clock = forget_after, max_keys, clock
        self._entries: OrderedDict[Hashable, tuple[int, float]] = OrderedDict()  # key -> (failures, last failure)
        self._lock = threading.Lock()  # one app server serves every browser from threads

    def delay(self, failures: int) -> float:
        """The wait after `failures` consecutive failures (0 below `free`)."""
        if failures < self.free:
            return 0.0
        return min(self.base * 2 ** min(failures - self.free, 32), self.cap)

    def failures(self, key: Hashable) -> int:
        with self._lock:
            entry = self._current(key)
        return entry[0] if entry else 0

    def wait(self, key: Hashable) -> float:
        """Seconds before the next attempt on `key` may be tried (0: now)."""
        with self._lock:
            entry = self._current(key)
        if entry is None:
            return 0.0
        failures, last = entry
        return max(0.0, last + self.delay(failures) - self.clock())

    def failed(self, key: Hashable) -> int:
        """Count one more failure on `key`; the count so far."""
        with self._lock:
            entry = self._current(key)
            failures = (entry[0] if entry else 0) + 1
            self._entries[key] = (failures, self.clock())
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_keys:
                self._entries.popitem(last=False)
        return failures

    def succeeded(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _current(self, key: Hashable) -> tuple[int, float] | None:
        """The entry of `key`, unless it is old enough to forget (the lock is held)."""
        entry = self._entries.get(key)
        if entry is not None and self.clock() - entry[1] > self.forget_after:
            del self._entries[key]
            return None
        return entry
