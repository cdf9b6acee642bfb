"""Bot → human handoff, without Rasa.

- :mod:`bot.handoff.hours` -- business-hours calendar (weekly hours, French public holidays,
  extra closed days, time zone), ``is_open``, ``next_opening``, ``callback_slots``;
- :mod:`bot.handoff.summary` -- structured summary + transcript from Rasa tracker event dicts;
- :mod:`bot.handoff.tickets` -- phone validation and the rules of creating handoff tickets and
  callback requests (written through :mod:`bot.store.queries.handoff`, which also holds the
  agent desk's queries);
- :mod:`bot.handoff.desk` -- the agent desk: agents, and the events it appends to Rasa's tracker
  (through :mod:`bot.handoff.rasa_api`).
"""
