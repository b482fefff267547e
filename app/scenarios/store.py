"""Each process's analyses of its scenarios: a page that asks for a scenario's
analysis twice (the banner, the list, the chart) pays for it once.

An entry is found by the scenario's id and version, the live analysis it was laid
over (the very object: the live analysis is reused while the plan and the time
window stay the same) and the scenario's changes themselves (read with every
question, one query), so that a change made in a transaction that was then rolled
back, which gave its version number back, can never be mistaken for another."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app

from app.alignment import Analysis

ENTRIES_KEPT = 32


class ScenarioCache:
    """The newest ENTRIES_KEPT scenario analyses of one app."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._entries: OrderedDict[tuple, tuple[Analysis, Analysis]] = OrderedDict()
        self.hits = 0

    def get(self, key: tuple, live: Analysis, make: Callable[[], Analysis]) -> Analysis:
        """The analysis stored for ``key`` over ``live``, else ``make()``'s (stored)."""
        with self.lock:
            found = self._entries.get(key)
            if found is not None and found[0] is live:
                self._entries.move_to_end(key)
                self.hits += 1
                return found[1]
        made = make()
        with self.lock:
            self._entries[key] = (live, made)
            self._entries.move_to_end(key)
            while len(self._entries) > ENTRIES_KEPT:
                self._entries.popitem(last=False)
        return made

    def clear(self) -> None:
        with self.lock:
            self._entries.clear()
            self.hits = 0


_caches: weakref.WeakKeyDictionary[Flask, ScenarioCache] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def scenario_cache() -> ScenarioCache:
    """This app's cache of scenario analyses."""
    app = current_app._get_current_object()
    with _lock:
        cache = _caches.get(app)
        if cache is None:
            cache = _caches[app] = ScenarioCache()
        return cache
