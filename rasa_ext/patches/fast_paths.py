"""Hot-path fixes for Rasa 3.6 that profiling the REST load showed (``bench/latency.py``).

py-spy on a Rasa server under ``bench/latency.py`` load (measured: docs/benchmarks.md#validating-action-results):

1. ``RemoteAction._validate_action_result`` called ``jsonschema.validate`` on every action server
   answer. That function re-checks the (large) events schema against the JSON Schema meta-schema
   and builds a new validator each time, a large share of the Rasa server's CPU. The schema
   is constant, so it is checked once and one validator is reused: the same validation (same
   draft, same errors raised, same message) at a fraction of the cost.
2. ``Event.resolve_by_type`` walks every ``Event`` subclass (``inspect.isabstract`` on each) for
   every event deserialised, and a tracker read from the SQL tracker store deserialises every
   event of the conversation. The class found for a type name is remembered; an unknown name
   still goes through Rasa's own lookup (so events defined later, ``topic`` and defaults behave
   as before).

(``Domain.states_for_tracker_history``, the third hot path, is :mod:`rasa_ext.patches.incremental_states`.)

:func:`install` is idempotent; :func:`rasa_ext.patches.install` calls it (with the Rasa version check),
and the server launcher ``scripts/rasa_server.py`` calls that before Rasa starts.
"""
from __future__ import annotations

import threading
from typing import Any, Dict, Optional, Type

_installed = False
_lock = threading.Lock()


def _validate_action_result_once_compiled() -> Any:
    from jsonschema import validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import DOCS_BASE_URL, RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # what jsonschema.validate does on every call, done once
    validator = cls(schema)

    def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += (
                f". Failed to validate Action server response from API, "
                f"make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    return _validate_action_result


def _cached_resolve_by_type(original: Any) -> Any:
    cache: Dict[str, Type[Any]] = {}

    def resolve_by_type(type_name: str, default: Optional[Type[Any]] = None) -> Optional[Type[Any]]:
        found = cache.get(type_name)
        if found is not None:
            return found
        found = original(type_name, default)
        if found is not None and found is not default and getattr(found, "type_name", None) == type_name:
            cache[type_name] = found
        return found

    resolve_by_type.__wrapped__ = original  # type: ignore[attr-defined]
    return resolve_by_type


def install() -> bool:
    """Apply the fixes once; returns False when Rasa is not importable (nothing to fix)."""
    global _installed
    with _lock:
        if _installed:
            return True
        try:
            from rasa.core.actions.action import RemoteAction
            from rasa.shared.core.events import Event
        except ImportError:  # pragma: no cover - rasa_ext is only imported with Rasa
            return False
        RemoteAction._validate_action_result = _validate_action_result_once_compiled()
        Event.resolve_by_type = staticmethod(_cached_resolve_by_type(Event.resolve_by_type))
        _installed = True
        return True
