"""Rasa 3.6 (Python 3.10) and the action server (rasa-sdk 3.21, Python 3.12) speak the same protocol.

Not assumed from version numbers (rasa-sdk warns that 3.6 and 3.21 differ): every custom action of the
domain is run by Rasa through the action server, and the events it returns are applied to the tracker;
forms run their validation actions, digress and resume, submit, and stop on the validation's
``ActiveLoop(None)``. The token, the time bound and the action server's faults are proven by
test_action_server_auth.py, tests/security/test_service_auth.py and tests/reliability/test_faults.py.
"""
from __future__ import annotations

import hashlib
import subprocess
import uuid
from datetime import date, timedelta
from typing import Dict, List, Optional, Tuple

import requests

from tests.runtimes import python_for

PROBE = "import sys, importlib.metadata as m; print(sys.version_info[0], sys.version_info[1], m.version('{}'))"


def _probe(python: str, package: str) -> Tuple[Tuple[int, int], str]:
    out = subprocess.run([python, "-c", PROBE.format(package)], capture_output=True, text=True, check=True).stdout
    major, minor, version = out.split()
    return (int(major), int(minor)), version


def _api(stack, method: str, path: str, **kwargs) -> requests.Response:
    params = {**kwargs.pop("params", {}), "token": stack.env["RASA_API_TOKEN"]}
    return requests.request(method, stack.rasa_url + path, params=params, timeout=120, **kwargs)


def _sender_id(sender: str, policyholder_id: Optional[int]) -> str:
    """The conversation id the secure REST channel derives (bot.channels.secure_socketio.conversation_id)."""
    digest = hashlib.sha256(sender.encode()).hexdigest()[:24]
    return f"rest-ph{policyholder_id}-{digest}" if policyholder_id else f"rest-anon-{digest}"


def _say(stack, sender: str, text: str, token: Optional[str] = None) -> List[dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = requests.post(f"{stack.rasa_url}/webhooks/secure_rest/webhook", json={"sender": sender, "message": text},
                           headers=headers, timeout=120)
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()


def _text(replies: List[dict]) -> str:
    """The replies' text, French typography's narrow and no-break spaces read as plain spaces."""
    return "\n".join(r.get("text") or "" for r in replies).replace("\u202f", " ").replace("\xa0", " ")


def _events(stack, sender_id: str) -> List[dict]:
    answer = _api(stack, "GET", f"/conversations/{sender_id}/tracker")
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()["events"]


def _domain_actions(stack) -> List[str]:
    answer = _api(stack, "GET", "/domain", headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text[:300]
    return [a for a in answer.json()["actions"] if a.startswith(("action_", "validate_"))]


def test_each_server_runs_on_its_own_environment(stack):
    commands: Dict[str, List[str]] = {
        "actions": next(p.args for p in stack.procs if "scripts/action_server.py" in p.args),
        "web": next(p.args for p in stack.procs if "web/server.py" in p.args),
        "rasa": next(p.args for p in stack.procs if "scripts/rasa_server.py" in p.args),
    }
    for role in ("actions", "web"):
        assert commands[role][0] == python_for(role)
        version, sdk = _probe(commands[role][0], "rasa-sdk")
        assert version >= (3, 12) and sdk.startswith("3.21."), (role, version, sdk)
    assert commands["rasa"][0] == python_for("rasa")
    version, rasa = _probe(commands["rasa"][0], "rasa")
    assert version == (3, 10) and rasa.startswith("3.6."), (version, rasa)


def test_every_custom_action_of_the_domain_is_served(stack):
    served = requests.get(f"http://127.0.0.1:{stack.action_port}/actions", timeout=30).json()
    names = {entry["name"] for entry in served}
    missing = set(_domain_actions(stack)) - names
    assert not missing, f"in the domain, not in the action server: {sorted(missing)}"


def test_rasa_runs_every_custom_action_through_the_action_server(stack, token_for):
    """POST /conversations/<id>/execute: Rasa calls the webhook, validates the events returned and appends them."""
    token = token_for(1)
    failures = []
    for action in _domain_actions(stack):
        sender = f"protocol-{action}-{uuid.uuid4().hex[:8]}"
        _say(stack, sender, "bonjour", token)  # a signed-in conversation (identity set by the channel)
        sender_id = _sender_id(sender, 1)
        answer = _api(stack, "POST", f"/conversations/{sender_id}/execute", json={"name": action})
        if answer.status_code != 200:
            failures.append(f"{action}: HTTP {answer.status_code} {answer.text[:200]}")
            continue
        executed = [e.get("name") for e in _events(stack, sender_id) if e["event"] == "action"]
        if action not in executed:
            failures.append(f"{action}: not in the stored tracker's executed actions")
    assert not failures, "\n".join(failures) + "\n" + stack.logs()


def test_a_form_validates_digresses_resumes_and_submits(stack, token_for):
    token = token_for(4)  # Boulangerie Petit: buyer "Hôtel du Port SAS"
    sender = f"protocol-declare-{uuid.uuid4().hex[:8]}"
    due = (date.today() - timedelta(days=20)).strftime("%d/%m/%Y")
    invoice = f"FAC-{uuid.uuid4().int % 9000 + 1000}"
    turns = ["j'ai une facture impayée a declarer", "Hôtel du Port",
             "au fait comment ca se passe apres une declaration ?", invoice, "2 400 €", due]
    replies = [_text(_say(stack, sender, text, token)) for text in turns]
    assert "facture" in replies[1].lower() and "numéro" in replies[1].lower(), replies[1]
    assert "étapes" in replies[2] and "numéro de la facture" in replies[2], replies[2]  # answered, then asked again
    assert "Hôtel du Port SAS" in replies[5] and invoice in replies[5] and "2 400 €" in replies[5], replies[5]
    done = _text(_say(stack, sender, "oui", token))
    assert "SIN-" in done, done
    events = _events(stack, _sender_id(sender, 4))
    loops = [e.get("name") for e in events if e["event"] == "active_loop"]
    assert "declare_unpaid_form" in loops and loops[-1] is None, loops
    executed = [e.get("name") for e in events if e["event"] == "action"]
    assert executed.count("declare_unpaid_form") >= 5 and "action_submit_declaration" in executed, executed
    # validate_declare_unpaid_form runs inside the form (no event of its own): its SlotSet events are there,
    # "Hôtel du Port" resolved to the buyer's name in the store
    slots = [(e["name"], e["value"]) for e in events if e["event"] == "slot"]
    assert ("buyer", "Hôtel du Port SAS") in slots and ("invoice_number", invoice) in slots, slots


def test_a_form_stops_when_its_validation_returns_an_empty_active_loop(stack):
    sender = f"protocol-cap-{uuid.uuid4().hex[:8]}"
    _say(stack, sender, "suis-je éligible au CAP ?")
    _say(stack, sender, "600 000 €")
    _say(stack, sender, "stop")
    events = _events(stack, _sender_id(sender, None))
    loops = [e.get("name") for e in events if e["event"] == "active_loop"]
    assert "cap_form" in loops and loops[-1] is None, loops
    slots = [(e["name"], e["value"]) for e in events if e["event"] == "slot"]
    assert ("cap_mode", "stopped") in slots, slots
