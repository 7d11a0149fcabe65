"""Warming of the per-data-version memo (issue 15 §4): the server computes, in the background, what the first
reader of each page would otherwise wait for — the latest national month from the lake, and for every division
of every zone (published or not: the memo is shared by all readers and keyed by the data, not the reader) its
scorecard of the latest year and its trends, and each zone's dual-control section — once at start and again whenever the data version changes.

Measured on the national benchmark registry (307 zones, 290 divisions; a signed-in first view, in process): a
zone page 2.9–4.6 s → 0.07–0.29 s, the home page 3.4 s → 0.26–0.41 s, for a pass of 110–205 s of one core after
each data change (docs/performance.md).

Each zone is warmed in a short session of its own, so no read transaction is held for the whole pass (on SQLite a
long read would keep writers waiting); a pass that sees the data version change part way stops and starts again
with the new data. Entries are stored under the version read before they were computed (``assess.memo``), so a
write during the pass never leaves a stale entry under a newer version. ``PIONEER_WARM=0`` turns it off (each
``--workers`` process warms its own memo)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.registry.zones.models import Zone
from pioneer.web import assess, carbon

log = logging.getLogger(__name__)
INTERVAL_S = 30.0
"""Seconds between two looks at the data version."""


class MemoWarmer:
    """A daemon thread started and stopped with the app (its lifespan), like ``services.UploadPruner``."""

    def __init__(self, session_factory: Callable[[], Session], *, interval: float = INTERVAL_S) -> None:
        self.session_factory, self.interval = session_factory, interval
        self.warmed: tuple | None = None  # the data version of the last complete pass
        self.divisions = 0  # divisions warmed by the last complete pass
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _version(self) -> tuple:
        with self.session_factory() as s:
            return assess.data_version(s)

    def tick(self) -> bool:
        """One pass if the data version changed since the last complete one; whether a pass completed. Never
        raises (a failed pass is logged and tried again at the next look)."""
        try:
            version = self._version()
            if version == self.warmed:
                return False
            self._national()
            with self.session_factory() as s:
                zones = [
                    (z.tier, list(z.division_codes)) for z in s.scalars(select(Zone).order_by(Zone.code))
                ]
            done: set[str] = set()
            for tier, codes in zones:
                with self.session_factory() as s:
                    if self._stop.is_set() or assess.data_version(s) != version:
                        return False  # stopping, or new data: the next look starts over
                    carbon.zone_dual_control(s, codes)  # the zone page's dual-control section
                    for d in codes:
                        if d not in done:
                            assess.scorecard(s, d, tier=tier)
                            assess.trends(s, d)
                            done.add(d)
            self.warmed, self.divisions = version, len(done)
            return True
        except Exception:  # warming is an optimisation: a failure must never reach a reader
            log.warning("memo warming failed", exc_info=True)
            return False

    def ready(self) -> bool:
        """Whether the last complete pass was for the current data version."""
        try:
            return self.warmed is not None and self.warmed == self._version()
        except Exception:
            return False

    @staticmethod
    def _national() -> Any:
        """The latest national month's tables and release (the home page's and the month pages' first view)."""
        from pioneer.web import national

        months = national.months()
        return national.release_public(months[-1]) if months else None

    def start(self) -> MemoWarmer:
        def run() -> None:
            while not self._stop.is_set():
                self.tick()
                self._stop.wait(self.interval)

        self._stop.clear()
        self._thread = threading.Thread(target=run, name="memo-warmer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
