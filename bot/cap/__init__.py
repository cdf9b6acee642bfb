"""Public top-up schemes (CAP, CAP+, CAP Francexport, CAP+ Francexport, Cap Relais).

Rule data lives in ``bot/cap/rules/*.yml``; importing :mod:`bot.cap` loads, validates and caches it
(a broken rule file fails fast with :class:`bot.cap.rules.RuleError`).
"""
from bot.cap.engine import CapRequest, Decision, Reason, evaluate
from bot.cap.rules import RuleError, RuleSet, get_rules, load_rules

get_rules()  # load + validate the rule files once, at import (fails fast with RuleError)

__all__ = ["CapRequest", "Decision", "Reason", "evaluate", "RuleError", "RuleSet", "get_rules", "load_rules"]
