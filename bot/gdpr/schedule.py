"""The retention purge inside a long-running process: a daemon thread, first run shortly after
start (``PURGE_FIRST_DELAY_SECONDS``, default 60), then every ``PURGE_INTERVAL_HOURS`` (default
24; ``0`` disables it, e.g. when a Kubernetes CronJob runs ``python -m bot.gdpr purge``).

Several replicas running it is harmless: every step is idempotent.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from typing import Callable, Optional

from bot.settings import Settings, get_settings

logger = logging.getLogger("bot.gdpr.schedule")


def run_purge(settings: Settings, now: Optional[datetime] = None):
    """One purge of the stores ``settings`` points to (its tracker store too)."""
    from bot.gdpr.retention import purge
    from bot.gdpr.tracker import TrackerStore, tracker_url
    from bot.store.db import get_engine

    tracker = TrackerStore(tracker_url(settings))
    return purge(get_engine(settings.database.url), tracker, now or datetime.now(timezone.utc),
                 settings.gdpr.retention_days, settings.gdpr.audit_retention_days)


class PurgeScheduler:
    def __init__(self, interval_seconds: float, first_delay_seconds: float,
                 job: Callable[[], object]) -> None:
        self.interval = interval_seconds
        self.first_delay = first_delay_seconds
        self.job = job
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="gdpr-purge", daemon=True)

    def start(self) -> "PurgeScheduler":
        self._thread.start()
        return self

    def stop(self, timeout: float = 5) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        delay = self.first_delay
        while not self._stop.wait(delay):
            try:
                report = self.job()
                counts = getattr(report, "counts", {})
                logger.info("retention purge done: %s", ", ".join(f"{k}={v}" for k, v in counts.items()))
            except Exception:
                logger.exception("retention purge failed")
            self.runs += 1
            delay = self.interval


def start_from_settings(settings: Optional[Settings] = None) -> Optional[PurgeScheduler]:
    """Start the daily purge unless ``PURGE_INTERVAL_HOURS`` is 0."""
    settings = settings or get_settings()
    if settings.gdpr.purge_interval_hours <= 0:
        logger.info("retention purge: not scheduled in this process (PURGE_INTERVAL_HOURS=0)")
        return None
    gdpr = settings.gdpr
    logger.info("retention purge: every %s h, first run in %s s (conversations %s days, audit %s days)",
                gdpr.purge_interval_hours, gdpr.purge_first_delay_seconds, gdpr.retention_days,
                gdpr.audit_retention_days)
    return PurgeScheduler(gdpr.purge_interval_hours * 3600, gdpr.purge_first_delay_seconds,
                          lambda: run_purge(settings)).start()
