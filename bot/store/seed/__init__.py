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

Modules: ``_common`` (reserved ids, SIREN, quarters), ``build`` (demo row builders), ``companies``
(the four demo companies), ``demo`` (``seed_demo``), ``data`` (tables of the synthetic book),
``loader`` (bulk writer, deferred PostgreSQL DDL), ``bulk`` (``seed_bulk``), ``cli`` (``main``;
run by ``__main__``). Every name is re-exported here.
"""
from __future__ import annotations

# names the single-module version imported and exposed, kept for compatibility
from bot.store import names  # noqa: F401
from bot.store.db import get_engine, migrate, session_scope  # noqa: F401
from bot.store.models import metadata  # noqa: F401
from bot.store.queries import FIRST_NUMBER, next_step_after_declaration  # noqa: F401

from bot.store.seed._common import (  # noqa: F401
    CENT, DEMO_IDS, RESERVED_IDS, UTC, _d, last_quarters, quarter_bounds, siren_from,
)
from bot.store.seed.build import (  # noqa: F401
    NEXT_STEP_BY_STAGE, _buyer, _claim, _contract, _Ctx, _fees, _limit, _policyholder, _ref,
)
from bot.store.seed.companies import (  # noqa: F401
    AUBERT_BUYERS, MOREL_BUYERS, _seed_aubert, _seed_durand, _seed_morel, _seed_petit,
)
from bot.store.seed.demo import _bump_sequences, _delete_demo, seed_demo  # noqa: F401
from bot.store.seed.data import (  # noqa: F401
    _FORMS, _GAPS, _ROUTES, _STAGE_TABLE, _SYL, _TRADES, SYN_CLAIMS_PER_POLICYHOLDER, SYN_LIMITS_PER_POLICYHOLDER,
    _syn_name,
)
from bot.store.seed.loader import (  # noqa: F401
    BULK_TABLES, CLAIM_COLUMNS, DEFER_FROM, _max_id, _pg_deferred_ddl, _Writer,
)
from bot.store.seed.bulk import BulkStats, seed_bulk  # noqa: F401
from bot.store.seed.cli import _parse_date, main  # noqa: F401

# The public names present themselves as members of this package (as before the split).
for _obj in (siren_from, quarter_bounds, last_quarters, seed_demo, BulkStats, seed_bulk, main):
    _obj.__module__ = __name__
del _obj
