"""rasa_ext/patches/fast_paths.py: the Rasa hot-path fixes keep Rasa's behaviour exactly."""
from __future__ import annotations

import jsonschema
import pytest

from rasa_ext import patches
from rasa_ext.patches import fast_paths
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered, deserialise_events

VALID = {
    "events": [{"event": "slot", "timestamp": None, "name": "claim_ref", "value": "SIN-2021-000123"}],
    "responses": [{"text": "Voici votre dossier.", "buttons": [{"title": "Oui", "payload": "/affirm"}]}],
}


@pytest.fixture(autouse=True, scope="module")
def _installed():
    patches.install()  # as in the Rasa server (scripts/rasa_server.py)


def _action() -> RemoteAction:
    return RemoteAction("action_claim_status", None)


def test_install_is_idempotent_and_patches_rasa():
    assert fast_paths.install() is True and fast_paths.install() is True
    assert RemoteAction._validate_action_result.__name__ == "_validate_action_result"
    assert RemoteAction._validate_action_result.__module__ == fast_paths.__name__
    assert hasattr(Event.resolve_by_type, "__wrapped__")


@pytest.mark.parametrize("response", [VALID, {"events": [], "responses": []}, {}])
def test_valid_action_answers_pass_like_jsonschema_validate(response):
    jsonschema.validate(response, RemoteAction.action_response_format_spec())  # Rasa's own check
    assert _action()._validate_action_result(response) is True


@pytest.mark.parametrize("response", [
    {"events": [{"event": "slot", "name": "x", "value": 1, "timestamp": "yesterday"}]},
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"responses": [["not", "an", "object"]]},
    [],
])
def test_invalid_action_answers_raise_the_same_error_as_before(response):
    with pytest.raises(jsonschema.ValidationError) as original:
        jsonschema.validate(response, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as patched:
        _action()._validate_action_result(response)
    assert patched.value.message.startswith(original.value.message)
    assert "Failed to validate Action server response" in patched.value.message
    assert list(patched.value.path) == list(original.value.path)


def test_events_resolve_to_the_same_classes_and_unknown_names_still_fail():
    original = Event.resolve_by_type.__wrapped__
    for name in ("user", "action", "slot", "bot", "session_started", "active_loop", "pause", "resume"):
        assert Event.resolve_by_type(name) is original(name)
        assert Event.resolve_by_type(name) is original(name)  # second time from the cache
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nope", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("nope", default=UserUttered) is UserUttered  # a default is never cached
    with pytest.raises(ValueError):
        Event.resolve_by_type("nope")
    events = deserialise_events([{"event": "action", "name": "action_listen"},
                                 {"event": "slot", "name": "claim_ref", "value": "SIN-2021-000123"}])
    assert isinstance(events[0], ActionExecuted) and events[1] == SlotSet("claim_ref", "SIN-2021-000123")
