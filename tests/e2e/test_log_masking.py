"""After a real conversation that types a phone number, an e-mail, an IBAN and a pairing code, no log
file of the stack contains them — with every server at DEBUG (Rasa logs each user message then) and
JSON lines (LOG_FORMAT=json)."""
from __future__ import annotations

import json
import re

import pytest

from tests.sio_client import converse
from tests.e2e.stack import start_stack

PHONE = "06 12 34 56 78"
EMAIL = "claire.durand@example.fr"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
CODE = "4F7K2Q"
MESSAGES = [  # one conversation each: a message may lead to a handoff, which pauses the bot
    f"Mon numéro est le {PHONE} et mon e-mail {EMAIL}",
    f"Mon IBAN est {IBAN}",
    CODE,
]
SECRETS = [PHONE, "0612345678", EMAIL, IBAN, IBAN.replace(" ", ""), "3000 6000 0112", CODE,
           # pieces the NLU cuts out as entities and Rasa logs apart from the message
           "06 12 34", "56 78", "FR76", "3000 6000", "0112", "3456", "7890 189", "claire.durand", "example.fr"]


@pytest.fixture(scope="module")
def debug_stack(tmp_path_factory):
    stack = start_stack(tmp_path_factory.mktemp("logmask-var"),
                        extra_env={"LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json", "PURGE_INTERVAL_HOURS": "0"})
    yield stack
    stack.stop()


def _logs(stack):
    files = sorted(p for p in stack.var_dir.rglob("*") if p.is_file() and p.suffix == ".log")
    return {p.name: p.read_text(errors="replace") for p in files}


def test_no_log_file_contains_what_the_person_typed(debug_stack):
    from bot.auth import issue_policyholder_token

    token = issue_policyholder_token(debug_stack.settings(), 1)
    replies = converse(debug_stack.rasa_url, ["Où en est mon dossier SIN-2021-000123 ?"], token=token,
                       connect_token=token)
    assert any("SIN-2021-000123" in (m.get("text") or "") for m in replies[0]), replies  # the stack answers
    for message in MESSAGES:
        assert converse(debug_stack.rasa_url, [message], token=token, connect_token=token)[0]
    debug_stack.stop()  # flush and close every log
    logs = _logs(debug_stack)
    assert {"actions.log", "rasa.log", "web.log"} <= set(logs)
    for name, text in logs.items():
        for secret in SECRETS + [token]:
            assert secret not in text, f"{secret!r} found in {name}"
    # the user's words did reach the Rasa log, masked (so the test would see a leak)
    assert "[PHONE]" in logs["rasa.log"] and "[EMAIL]" in logs["rasa.log"] and "[IBAN]" in logs["rasa.log"]
    assert "[CODE]" in logs["rasa.log"]


def test_json_lines(debug_stack):
    """Every log record is one JSON object per line (Python's import-time warnings go to stderr
    before logging is set up: they are the only other lines)."""
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    warning = re.compile(r"^(.+?:\d+: \w*Warning: |  |Implementing )")
    for name, text in _logs(debug_stack).items():
        lines = [ansi.sub("", line) for line in text.splitlines() if line.strip()]
        records = [json.loads(line) for line in lines if line.startswith("{")]
        others = [line for line in lines if not line.startswith("{")]
        assert records, name
        assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
        assert not [line for line in others if not warning.match(line)], (name, others[:5])
        if name == "rasa.log":
            assert any(r.get("service") == "rasa" and "[PHONE]" in r["message"] for r in records)
