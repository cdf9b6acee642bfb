"""Business hours of the claims team: when a person can take over a conversation.

Configuration (``settings.handoff`` and ``settings.runtime.timezone``, from the environment):

- ``HANDOFF_HOURS``: weekly opening hours, e.g. ``"mon-fri 09:00-18:00"`` (the default) or
  ``"mon-thu 09:00-12:30,14:00-18:00; fri 09:00-17:00"``. Days: ``mon tue wed thu fri sat sun``
  (French abbreviations ``lun mar mer jeu ven sam dim`` work too), single, ranges or lists.
- ``HANDOFF_EXTRA_CLOSED_DAYS``: comma-separated ISO dates closed on top of public holidays
  (``"2026-12-24,2026-12-31"``).
- ``HANDOFF_SLOT_MINUTES``: length of a callback slot (default 60).
- ``HANDOFF_CALLBACK_LEAD_MINUTES``: the earliest callback slot starts this long after now
  (default 60).
- ``ASSISTANT_TZ``: time zone of the hours (default ``Europe/Paris``).

French public holidays come from the ``holidays`` package (metropolitan France). A range's
start is open, its end is closed: with 09:00-18:00, 17:59 is open and 18:00 is not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import FrozenSet, List, Optional, Tuple
from zoneinfo import ZoneInfo

import holidays

from bot.settings import Settings, get_settings

DEFAULT_HOURS = "mon-fri 09:00-18:00"
DEFAULT_TZ = "Europe/Paris"
SEARCH_DAYS = 400  # how far ahead we look for an opening (covers any sane calendar)

_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
         "lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6}
_RANGE = re.compile(r"^(\d{1,2})[:h](\d{2})-(\d{1,2})[:h](\d{2})$")

Ranges = Tuple[Tuple[time, time], ...]


class CalendarError(ValueError):
    """The configured hours cannot be read."""


@lru_cache(maxsize=64)
def _french_holidays(year: int) -> FrozenSet[date]:
    return frozenset(holidays.country_holidays("FR", years=year).keys())


def _parse_days(spec: str) -> List[int]:
    days: List[int] = []
    for part in spec.split(","):
        part = part.strip().lower()
        if "-" in part:
            first, last = (p.strip()[:3] for p in part.split("-", 1))
            if first not in _DAYS or last not in _DAYS:
                raise CalendarError(f"unknown day in {spec!r}")
            d = _DAYS[first]
            while True:
                days.append(d)
                if d == _DAYS[last]:
                    break
                d = (d + 1) % 7
        else:
            if part[:3] not in _DAYS:
                raise CalendarError(f"unknown day in {spec!r}")
            days.append(_DAYS[part[:3]])
    return days


def _parse_ranges(spec: str) -> Ranges:
    ranges = []
    for part in spec.split(","):
        match = _RANGE.match(part.strip())
        if not match:
            raise CalendarError(f"bad time range {part!r} (expected HH:MM-HH:MM)")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h2 == 24 and m2 == 0:
            h2, m2 = 23, 59
        try:
            start, end = time(h1, m1), time(h2, m2)
        except ValueError as exc:
            raise CalendarError(f"bad time in {part!r}") from exc
        if end <= start:
            raise CalendarError(f"range {part!r} ends before it starts")
        ranges.append((start, end))
    return tuple(sorted(ranges))


def parse_hours(spec: str) -> Tuple[Ranges, ...]:
    """``"mon-fri 09:00-18:00"`` -> 7 tuples of (start, end) ranges, Monday first."""
    week: List[List[Tuple[time, time]]] = [[] for _ in range(7)]
    clauses = [c.strip() for c in (spec or "").split(";") if c.strip()]
    if not clauses:
        raise CalendarError("no opening hours")
    for clause in clauses:
        bits = clause.split(None, 1)
        if len(bits) != 2:
            raise CalendarError(f"bad clause {clause!r} (expected 'days HH:MM-HH:MM')")
        ranges = _parse_ranges(bits[1].replace(" ", ""))
        for d in _parse_days(bits[0]):
            week[d].extend(ranges)
    return tuple(tuple(sorted(day)) for day in week)


def _parse_dates(spec: str) -> FrozenSet[date]:
    out = set()
    for part in (spec or "").replace(";", ",").split(","):
        if part.strip():
            try:
                out.add(date.fromisoformat(part.strip()))
            except ValueError as exc:
                raise CalendarError(f"bad date {part.strip()!r} in HANDOFF_EXTRA_CLOSED_DAYS") from exc
    return frozenset(out)


@dataclass(frozen=True)
class Calendar:
    week: Tuple[Ranges, ...] = field(default_factory=lambda: parse_hours(DEFAULT_HOURS))
    tz_name: str = DEFAULT_TZ
    extra_closed: FrozenSet[date] = frozenset()
    slot_minutes: int = 60
    lead_minutes: int = 60
    public_holidays: bool = True

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    # --- days -----------------------------------------------------------------------------

    def is_closed_day(self, day: date) -> bool:
        if day in self.extra_closed:
            return True
        return self.public_holidays and day in _french_holidays(day.year)

    def ranges_on(self, day: date) -> List[Tuple[datetime, datetime]]:
        """Opening ranges of ``day`` as aware datetimes (empty on closed days)."""
        if self.is_closed_day(day):
            return []
        tz = self.tz
        return [(datetime.combine(day, start, tz), datetime.combine(day, end, tz))
                for start, end in self.week[day.weekday()]]

    # --- instants -------------------------------------------------------------------------

    def local(self, now: datetime) -> datetime:
        """``now`` in the calendar's zone (a naive datetime is taken as local time)."""
        if now.tzinfo is None:
            return now.replace(tzinfo=self.tz)
        return now.astimezone(self.tz)

    def is_open(self, now: datetime) -> bool:
        now = self.local(now)
        return any(start <= now < end for start, end in self.ranges_on(now.date()))

    def next_opening(self, now: datetime) -> Optional[datetime]:
        """``now`` when open, else the start of the next opening range (None: never opens)."""
        now = self.local(now)
        for offset in range(SEARCH_DAYS):
            for start, end in self.ranges_on(now.date() + timedelta(days=offset)):
                if start <= now < end:
                    return now
                if start > now:
                    return start
        return None

    def callback_slots(self, now: datetime, n: int = 4) -> List[datetime]:
        """The next ``n`` callback slot starts, each fully inside opening hours.

        Slots are aligned on range starts (09:00, 10:00, ...); the first one starts at least
        ``lead_minutes`` after ``now``.
        """
        now = self.local(now)
        earliest = now + timedelta(minutes=self.lead_minutes)
        step = timedelta(minutes=self.slot_minutes)
        slots: List[datetime] = []
        for offset in range(SEARCH_DAYS):
            for start, end in self.ranges_on(now.date() + timedelta(days=offset)):
                slot = start
                while slot + step <= end and len(slots) < n:
                    if slot >= earliest:
                        slots.append(slot)
                    slot += step
            if len(slots) >= n:
                break
        return slots

    def is_valid_slot(self, slot: datetime, now: datetime, horizon_days: int = 31) -> bool:
        """A callback slot the team can honour: after now, within the horizon, inside hours."""
        slot, now = self.local(slot), self.local(now)
        if not (now <= slot <= now + timedelta(days=horizon_days)):
            return False
        end = slot + timedelta(minutes=self.slot_minutes)
        return any(start <= slot and end <= stop for start, stop in self.ranges_on(slot.date()))


def load_calendar(settings: Optional[Settings] = None) -> Calendar:
    """The calendar configured by the settings (see the module docstring)."""
    settings = settings or get_settings()
    handoff = settings.handoff
    tz_name = settings.runtime.timezone or DEFAULT_TZ
    ZoneInfo(tz_name)  # fail early on an unknown zone
    return Calendar(
        week=parse_hours(handoff.hours or DEFAULT_HOURS),
        tz_name=tz_name,
        extra_closed=_parse_dates(",".join(handoff.extra_closed_days)),
        slot_minutes=max(handoff.slot_minutes, 5),
        lead_minutes=handoff.callback_lead_minutes,
    )


def is_open(now: datetime, calendar: Optional[Calendar] = None) -> bool:
    return (calendar or load_calendar()).is_open(now)


def next_opening(now: datetime, calendar: Optional[Calendar] = None) -> Optional[datetime]:
    return (calendar or load_calendar()).next_opening(now)


def callback_slots(now: datetime, n: int = 4, calendar: Optional[Calendar] = None) -> List[datetime]:
    return (calendar or load_calendar()).callback_slots(now, n)
