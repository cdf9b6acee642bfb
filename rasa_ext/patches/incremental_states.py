"""Dialogue states computed once per event, not once per event per prediction (Rasa 3.6 hot path).

Every policy, at every prediction, asks ``Domain.states_for_tracker_history`` for the states of the whole conversation:
Rasa replays every event of the session on an empty tracker and builds a state at each action. A message makes two
or three predictions, each asking three or four times, so the cost grows with the length of the conversation
(measured: docs/benchmarks.md#dialogue-states).

The states of the past never change when events are appended, so they are kept with the tracker object (the tracker
store keeps that object between messages, :mod:`rasa_ext.tracker_store`) with the replay where it stopped; a call
replays only the new events. The loop below is Rasa's own (``Domain.states_for_tracker_history``, 3.6.21), split into
a step that can be resumed. The cache is used only when the events already replayed are, object for object, the
first events of the tracker's applied events; anything else (an undo, a restart, another domain, other rule-only
data) starts again from the first event, as Rasa does. Callers change the states they get (featurizers remove the
text of a user turn), so each call returns copies.
"""
from __future__ import annotations

import copy
from typing import Any, Callable, Dict, List, Optional, Tuple

_ATTRIBUTE = "_assistant_states_cursor"


class _Cursor:
    __slots__ = ("domain", "rule_only_data", "events", "replay", "states", "last_ml_action", "hidden")

    def __init__(self, domain: Any, tracker: Any, rule_only_data: Any) -> None:
        self.domain = domain
        self.rule_only_data = copy.deepcopy(rule_only_data)
        self.events: List[Any] = []
        self.replay = tracker.init_copy()
        self.states: List[Dict[str, Any]] = []
        self.last_ml_action: Optional[Dict[str, Any]] = None
        self.hidden = False

    def fits(self, domain: Any, applied: List[Any], rule_only_data: Any, ignore_rule_only_turns: bool) -> bool:
        if domain is not self.domain or len(applied) < len(self.events):
            return False
        if ignore_rule_only_turns and rule_only_data != self.rule_only_data:
            return False
        return all(a is b for a, b in zip(self.events, applied))


def _step(domain: Any, tr: Any, hide_rule_turn: bool, cursor: _Cursor, omit_unset_slots: bool,
          ignore_rule_only_turns: bool, rule_only_data: Any, commit: bool) -> Optional[Dict[str, Any]]:
    """One iteration of Rasa's loop for the tracker ``tr`` (the state before an action, or the final one)."""
    from rasa.shared.core.constants import PREVIOUS_ACTION

    last_ml_action, hidden = cursor.last_ml_action, cursor.hidden
    if ignore_rule_only_turns:
        if not hidden:
            last_ml_action = domain._get_prev_action_sub_state(tr)
        if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
            hidden = hide_rule_turn
    if commit:
        cursor.last_ml_action, cursor.hidden = last_ml_action, hidden
    if ignore_rule_only_turns and hidden:
        return None
    state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if cursor.states:
            domain._substitute_rule_only_user_input(state, cursor.states[-1])
        if last_ml_action:
            state[PREVIOUS_ACTION] = last_ml_action
    return domain._clean_state(state)


def _copy_state(state: Dict[str, Any]) -> Dict[str, Any]:
    # States are {kind: {key: str | tuple | number}}: two levels are all a caller can change.
    return {kind: dict(sub) if isinstance(sub, dict) else sub for kind, sub in state.items()}


def states_for_tracker_history(domain: Any, tracker: Any, omit_unset_slots: bool = False,
                               ignore_rule_only_turns: bool = False,
                               rule_only_data: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
    from rasa.shared.core.events import ActionExecuted

    applied = tracker.applied_events()
    cursors: Dict[Tuple[bool, bool], _Cursor] = tracker.__dict__.setdefault(_ATTRIBUTE, {})
    key = (bool(omit_unset_slots), bool(ignore_rule_only_turns))
    cursor = cursors.get(key)
    if cursor is None or not cursor.fits(domain, applied, rule_only_data, ignore_rule_only_turns):
        cursor = cursors[key] = _Cursor(domain, tracker, rule_only_data)
    args = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    for event in applied[len(cursor.events):]:
        if isinstance(event, ActionExecuted):
            state = _step(domain, cursor.replay, event.hide_rule_turn, cursor, *args, commit=True)
            if state is not None:
                cursor.states.append(state)
        cursor.replay.update(event)
        cursor.events.append(event)
    final = _step(domain, cursor.replay, False, cursor, *args, commit=False)
    states = [_copy_state(s) for s in cursor.states]
    if final is not None:
        states.append(_copy_state(final))  # its sub-states may be the replay tracker's own dicts
    return states


def install() -> Callable[..., Any]:
    """Replaces ``Domain.states_for_tracker_history``; returns Rasa's own (kept as ``__wrapped__``)."""
    from rasa.shared.core.domain import Domain

    original = Domain.states_for_tracker_history
    if getattr(original, "__wrapped__", None) is not None:
        return original.__wrapped__

    def patched(self: Any, tracker: Any, omit_unset_slots: bool = False, ignore_rule_only_turns: bool = False,
                rule_only_data: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        return states_for_tracker_history(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)

    patched.__wrapped__ = original  # type: ignore[attr-defined]
    Domain.states_for_tracker_history = patched
    return original
