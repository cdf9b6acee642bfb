"""``python -m bot.store.seed --demo`` / ``--claims N``: see :mod:`bot.store.seed`."""
import sys

from bot.store.seed.cli import main

sys.exit(main())
