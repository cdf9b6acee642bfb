"""``python -m bot.cap``: see :mod:`bot.cap.cli`."""
from bot.cap.cli import main

raise SystemExit(main())
