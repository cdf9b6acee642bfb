"""Business hours with fixed clocks: weekdays, edges, French public holidays, extra closed days."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.handoff.hours import Calendar, CalendarError, callback_slots, is_open, load_calendar, next_opening, parse_hours
from bot.settings import load_settings


def calendar_of(env):
    """The calendar of the settings of ``env`` (secrets given: nothing is written under var/)."""
    return load_calendar(load_settings({"JWT_SECRET": "j" * 40, "RASA_API_TOKEN": "t" * 40, **env}))


PARIS = ZoneInfo("Europe/Paris")
CAL = calendar_of({})


def at(y, m, d, h=10, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=PARIS)


@pytest.mark.parametrize("when, open_", [
    (at(2026, 3, 2, 10), True),            # a Monday morning
    (at(2026, 3, 2, 9, 0), True),          # opening minute
    (at(2026, 3, 2, 8, 59), False),
    (at(2026, 3, 2, 17, 59), True),        # last open minute
    (at(2026, 3, 2, 18, 0), False),        # closing time is closed
    (at(2026, 3, 7, 11), False),           # a Saturday
    (at(2026, 3, 8, 11), False),           # a Sunday
    (at(2026, 7, 14, 10), False),          # 14 juillet (a Tuesday in 2026)
    (at(2026, 12, 25, 10), False),         # Noël (a Friday in 2026)
    (at(2026, 4, 6, 10), False),           # lundi de Pâques 2026
    (at(2027, 3, 29, 10), False),          # lundi de Pâques 2027 (moves every year)
    (at(2026, 5, 1, 10), False),           # 1er mai
    (at(2026, 12, 24, 10), True),          # 24 décembre is an ordinary day
])
def test_is_open(when, open_):
    assert CAL.is_open(when) is open_
    assert is_open(when, CAL) is open_


def test_time_zone_is_paris_whatever_the_clock_says():
    # 16:30 UTC in winter is 17:30 in Paris (open); 17:30 UTC is 18:30 (closed)
    assert CAL.is_open(datetime(2026, 1, 5, 16, 30, tzinfo=ZoneInfo("UTC")))
    assert not CAL.is_open(datetime(2026, 1, 5, 17, 30, tzinfo=ZoneInfo("UTC")))
    # summer time: 07:30 UTC = 09:30 Paris
    assert CAL.is_open(datetime(2026, 7, 6, 7, 30, tzinfo=ZoneInfo("UTC")))


def test_next_opening_is_now_when_open():
    now = at(2026, 3, 2, 11, 15)
    assert CAL.next_opening(now) == now


def test_next_opening_same_day_before_nine():
    assert CAL.next_opening(at(2026, 3, 2, 7, 30)) == at(2026, 3, 2, 9, 0)


def test_next_opening_over_a_weekend():
    assert CAL.next_opening(at(2026, 3, 6, 18, 0)) == at(2026, 3, 9, 9, 0)     # Friday 18:00 -> Monday


def test_next_opening_over_a_weekend_and_easter_monday():
    # Friday 3 April 2026, evening -> Saturday, Sunday, Easter Monday closed -> Tuesday 7 April
    assert next_opening(at(2026, 4, 3, 18, 30), CAL) == at(2026, 4, 7, 9, 0)


def test_next_opening_over_christmas_and_a_weekend():
    # Thursday 24 Dec 2026 evening -> 25 (holiday), 26-27 (weekend) -> Monday 28
    assert CAL.next_opening(at(2026, 12, 24, 19, 0)) == at(2026, 12, 28, 9, 0)


def test_extra_closed_days_and_custom_hours():
    cal = calendar_of({"HANDOFF_HOURS": "mon-thu 09:00-12:30,14:00-18:00; fri 09:00-17:00",
                       "HANDOFF_EXTRA_CLOSED_DAYS": "2026-12-24, 2026-12-31"})
    assert not cal.is_open(at(2026, 12, 24, 10))
    assert not cal.is_open(at(2026, 3, 2, 13, 0))      # lunch break
    assert cal.is_open(at(2026, 3, 2, 14, 0))
    assert not cal.is_open(at(2026, 3, 6, 17, 0))      # Friday closes at 17:00
    assert cal.next_opening(at(2026, 3, 2, 12, 45)) == at(2026, 3, 2, 14, 0)
    assert cal.next_opening(at(2026, 12, 23, 18, 0)) == at(2026, 12, 28, 9, 0)


def test_french_day_names_and_saturday_mornings():
    cal = calendar_of({"HANDOFF_HOURS": "lun-ven 08:30-18:00; sam 09:00-12:00"})
    assert cal.is_open(at(2026, 3, 7, 11, 59))
    assert not cal.is_open(at(2026, 3, 7, 12, 0))
    assert cal.is_open(at(2026, 3, 2, 8, 30))


@pytest.mark.parametrize("spec", ["", "mon-fri", "xyz 09:00-18:00", "mon 18:00-09:00", "mon 9-18", "mon 25:00-26:00"])
def test_bad_hours_are_refused(spec):
    with pytest.raises(CalendarError):
        parse_hours(spec) if spec else calendar_of({"HANDOFF_HOURS": "   ;  "})


def test_bad_closed_day_is_refused():
    with pytest.raises(CalendarError):
        calendar_of({"HANDOFF_EXTRA_CLOSED_DAYS": "24/12/2026"})


def test_callback_slots_outside_hours_start_at_next_opening():
    slots = CAL.callback_slots(at(2026, 3, 6, 19, 0), 4)   # Friday evening
    assert slots == [at(2026, 3, 9, h) for h in (9, 10, 11, 12)]


def test_callback_slots_skip_holidays_and_span_days():
    # Monday 13 July 2026, 16:30: the 17:00 slot is within the lead time, 14 July is closed
    slots = callback_slots(at(2026, 7, 13, 16, 30), 4, CAL)
    assert slots == [at(2026, 7, 15, h) for h in (9, 10, 11, 12)]


def test_callback_slots_keep_the_lead_time_and_fit_inside_hours():
    slots = CAL.callback_slots(at(2026, 3, 2, 15, 10), 3)
    # earliest 16:10; slots aligned on the hour: 17:00 (ends 18:00); then the next day
    assert slots == [at(2026, 3, 2, 17), at(2026, 3, 3, 9), at(2026, 3, 3, 10)]
    for slot in slots:
        assert CAL.is_open(slot) and CAL.is_open(slot + timedelta(minutes=59))


def test_valid_slot():
    now = at(2026, 3, 6, 19, 0)
    assert CAL.is_valid_slot(at(2026, 3, 9, 10), now)
    assert not CAL.is_valid_slot(at(2026, 3, 7, 10), now)     # Saturday
    assert not CAL.is_valid_slot(at(2026, 3, 6, 10), now)     # in the past
    assert not CAL.is_valid_slot(at(2026, 3, 9, 17, 30), now)  # would end after 18:00
    assert not CAL.is_valid_slot(at(2026, 6, 9, 10), now)     # too far ahead


def test_never_open_calendar():
    cal = Calendar(week=tuple(() for _ in range(7)))
    assert cal.next_opening(at(2026, 3, 2)) is None
    assert cal.callback_slots(at(2026, 3, 2), 3) == []
