"""The claims store: models, migrations, scoped queries and demo data.

Public entry points:

- :mod:`bot.store.db` -- ``get_engine(url)``, ``session_scope(engine)``, ``migrate(url)``;
- :mod:`bot.store.models` -- the tables (``base``, ``core``, ``handoff``, ``referral``, ``pairing``);
- :mod:`bot.store.queries` -- every function takes ``(session, policyholder_id, ...)`` and only
  ever sees that policyholder's rows; results are frozen dataclasses of :mod:`bot.store.views`.
  The persistence of the features is there too: ``queries.handoff`` (tickets, callbacks, the
  agent desk's queue), ``queries.referrals``, ``queries.pairings``;
- :mod:`bot.store.refs` -- ``parse_ref(text)`` for claim references ``SIN-YYYY-NNNNNN``;
- :mod:`bot.store.seed` -- ``python -m bot.store.seed --demo`` / ``--claims N``.

See docs/store.md.
"""
