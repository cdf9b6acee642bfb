"""Demo and synthetic data for the claims store.

    python -m bot.store.seed --demo [--as-of 2025-06-30] [--database-url URL]
    python -m bot.store.seed --claims 1000000 [--seed 7]        # bulk synthetic book (bench)

The database is migrated first (``alembic upgrade head``).

``--demo`` (re)creates the four demo companies with stable ids 1..4 (see docs/store.md).
It is idempotent: it deletes whatever belongs to policyholders 1..4 and writes the same rows
again, so running it twice with the same ``--as-of`` gives the same data. Dates are relative
to ``--as-of`` (default today) so that open claims always have a next step in the future.
Ids 1..100 of policyholders and users, and claim numbers 000001-000999 of every year, are
kept for the demo.

``--claims N`` adds N synthetic claims spread over extra synthetic policyholders (about 50
claims each, ids above 100), with bulk inserts (PostgreSQL: COPY) and a progress bar.

Modules: ``common`` (reserved ids, amounts, SIREN, quarters), ``build`` (demo row builders),
``companies`` (the four demo companies), ``demo`` (``seed_demo``), ``data`` (tables of the
synthetic book), ``loader`` (bulk writer, deferred PostgreSQL DDL), ``bulk`` (``seed_bulk``),
``cli`` (``main``; run by ``__main__``). The entry points are re-exported here.
"""
from __future__ import annotations

from bot.store.seed.common import DEMO_IDS, RESERVED_IDS, last_quarters, quarter_bounds, siren_from  # noqa: F401
from bot.store.seed.demo import seed_demo  # noqa: F401
from bot.store.seed.bulk import BulkStats, seed_bulk  # noqa: F401
from bot.store.seed.cli import main  # noqa: F401
