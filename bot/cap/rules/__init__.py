"""Load and check the CAP rule data (``bot/cap/rules/*.yml``).

The YAML files are data, not code: one file per scheme (``scheme:``), plus ``sources.yml`` (the
catalogue of cited texts) and ``countries.yml`` (domestic, marketable, closed countries and the risk
categories used by CAP+ Francexport).

``get_rules()`` loads the default directory once and caches the result; ``load_rules(path)`` loads
and validates any directory (used by tests). Every problem found is reported in one
:class:`RuleError` whose lines name the file and the entry, for example::

    cap.yml: entry 'cap-2021': figure 'topup_ratio_max': value must be a number > 0 (got 'deux')

The code: :mod:`~bot.cap.rules.model` (the objects), :mod:`~bot.cap.rules.schema` (what each file
may hold), :mod:`~bot.cap.rules.loading` (reading and checking); the YAML files sit next to it.
"""
from bot.cap.rules.loading import RULES_DIR, check, get_rules, load_rules
from bot.cap.rules.model import (CONFIDENCES, LOCATIONS, MECHANISMS, SCHEMES, SOURCE_KINDS, Closure, Countries,
                                 Figure, RuleEntry, RuleError, RuleSet, Scheme, Source)
from bot.cap.rules.schema import (CLOSURE_KEYS, ENTRY_KEYS, FIGURE_CHECKS, FIGURE_KEYS, FILE_KEYS,
                                  REQUIRED_BY_MECHANISM)

__all__ = ["RULES_DIR", "check", "get_rules", "load_rules", "CONFIDENCES", "LOCATIONS", "MECHANISMS", "SCHEMES",
           "SOURCE_KINDS", "Closure", "Countries", "Figure", "RuleEntry", "RuleError", "RuleSet", "Scheme", "Source",
           "CLOSURE_KEYS", "ENTRY_KEYS", "FIGURE_CHECKS", "FIGURE_KEYS", "FILE_KEYS", "REQUIRED_BY_MECHANISM"]
