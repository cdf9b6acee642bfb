"""bot.inbound: the length cap and the ``/intent{…}`` rule every public channel applies (issue #17, findings 3, 4, 10)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bot import inbound
from bot.wording import claims, conversation, core, guarantee, handoff
from bot.wording.topics import LABELS, suggestions_for

ROOT = Path(__file__).resolve().parents[2]


def test_a_long_message_is_refused_whole_never_cut():
    assert inbound.screen("a" * inbound.MAX_MESSAGE_CHARS).text == "a" * 1000
    refused = inbound.screen("a" * (inbound.MAX_MESSAGE_CHARS + 1))
    assert refused.too_long and refused.text == ""
    assert inbound.screen("mot " * 1000).too_long  # the shape that cost the NLU 0.2-0.5 s
    assert inbound.screen("\x00" * 5000 + "bonjour").text == "bonjour"  # NUL dropped before counting


def test_the_too_long_answer_is_polite_french_and_names_the_limit():
    text = core.message_too_long(inbound.MAX_MESSAGE_CHARS).as_message()["text"]
    assert "1\u202f000 caractères" in text and "trop long" in text and "Pouvez-vous" in text


@pytest.mark.parametrize("text", [
    '/ask_fees{"policyholder_id": 3}', '/ask_claim_status{"claim_ref": "SIN-2021-000456", "policyholder": 3}',
    '/greet{"a": "06 12 34 56 78\\n2026-12-04 ERROR forged"}', "/restart", "/session_start", "/stop",
    "/nonexistent_intent", "/request_human@0.99", '/ask_guarantee{"buyer": {"$ne": null}}',
    '/affirm{"callback_slot": "demain"}', '/affirm{"csat_score": "9"}', '/list_claims{"page": "1; DROP"}',
    '/ask_claim_status{"claim_ref": "SIN-2021-000123"', "//greet", "/ask_claim_status{" + "x" * 400 + "}",
    '/ask_cap{"cap_date": "2021-03-31", "cap_granted": "1000000"}',
])
def test_payloads_that_no_button_sends_reach_rasa_as_plain_text(text):
    screened = inbound.screen(text)
    assert screened.payload_refused and not screened.text.startswith("/"), screened


def _wording_payloads():
    from datetime import datetime

    payloads = [claims.claim_payload("SIN-2021-000123"), claims.list_payload("open", 2), claims.LIST_BUTTON.payload,
                guarantee.guarantee_payload("Bâtiments Lefèvre SAS"), guarantee.ALL_LIMITS_BUTTON.payload,
                handoff.slot_payload(datetime(2026, 3, 9, 10, 0)), core.HUMAN_BUTTON.payload,
                "/referral_greet", "/greet", "/deny", "/affirm", "/ask_cap", "/declare_unpaid", "/ask_claim_process",
                "/declare_unpaid" + json.dumps({"buyer": "Martin & Fils"}, ensure_ascii=False, separators=(",", ":")),
                "/ask_claim_status" + json.dumps({"buyer": "Rossi"}, separators=(",", ":")),
                '/ask_advance_indemnification{"claim_ref":"SIN-2021-000123"}', '/ask_cap{"cap_date":"2021-03-31"}']
    payloads += [b.payload for b in conversation.csat_ask().buttons]
    payloads += [p for _, p in suggestions_for(list(LABELS), limit=len(LABELS))]
    return payloads


def test_every_button_of_the_project_still_works():
    for payload in _wording_payloads():
        screened = inbound.screen(payload)
        assert screened.text == payload and not screened.payload_refused, payload


def test_every_payload_written_in_the_domain_and_the_wording_is_allowed():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    found = []
    for variants in (domain.get("responses") or {}).values():
        for variant in variants:
            found += [b["payload"] for b in variant.get("buttons") or [] if str(b.get("payload", "")).startswith("/")]
    for path in (ROOT / "bot" / "wording").rglob("*.py"):
        found += [p for p in re.findall(r'"(/[a-z_]+)"', path.read_text(encoding="utf-8"))]
    assert found
    for payload in found:
        if payload in inbound.CHANNEL_ONLY_PAYLOADS:  # consumed by its channel, never sent to Rasa
            assert not inbound.is_button_payload(payload), payload
            continue
        assert inbound.is_button_payload(payload), payload
    assert set(inbound.BUTTON_PAYLOADS) <= set(domain["intents"])  # no intent the model does not know
    assert not {"restart", "session_start", "back", "stop"} & set(inbound.BUTTON_PAYLOADS)


def test_a_plain_sentence_is_untouched():
    for text in ("Où en est mon dossier SIN-2021-000123 ?", "45 000 € / 2", "  bonjour  ", ""):
        assert inbound.screen(text) == inbound.Inbound(text)
