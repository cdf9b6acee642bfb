"""Bot → human handoff, without Rasa.

- :mod:`bot.handoff.hours` -- business-hours calendar (weekly hours, French public holidays,
  extra closed days, time zone), ``is_open``, ``next_opening``, ``callback_slots``;
- :mod:`bot.handoff.summary` -- structured summary + transcript from Rasa tracker event dicts;
- :mod:`bot.handoff.tickets` -- phone validation and the store functions (handoff tickets,
  callback requests), each taking a SQLAlchemy ``Session``.
"""
