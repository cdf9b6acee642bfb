"""Cross-customer attempts against the running stack, over the REST channel and the web socket: 0 leaks.

Each case is a real message through NLU, dialogue, actions and the store, signed in as one demo
company (a real token) and aiming at another company's data: its claim references and buyers in
the text, slot injection through ``/intent{"slot": ...}`` messages, spoofed sender ids, metadata
forged in the request body, other policyholder ids in the payload. Nothing owned only by another
company may come back, and another company's reference must be answered exactly like an unknown one.
"""
from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.security.sio import converse
from tests.security.facts import UNKNOWN_REFS, all_secrets, foreign_secrets, leaks

WORKERS = 3


def rest(stack, text, token=None, sender=None, extra=None):
    body = {"sender": sender or f"xc-{uuid.uuid4().hex[:12]}", "message": text, **(extra or {})}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = requests.post(f"{stack.rasa_url}/webhooks/secure_rest/webhook", json=body, headers=headers, timeout=120)
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    return "\n".join(m.get("text") or "" for m in answer.json())


def _cases(facts, tokens):
    """(asker or None, text, extra body, sender, compare-with-unknown ref) for every attempt."""
    cases = []
    for asker in sorted(facts):
        for other in sorted(facts):
            if other == asker:
                continue
            company = facts[other]
            for ref in sorted(company.refs)[:4]:
                cases.append((asker, f"Où en est le dossier {ref} ?", None, None, ref))
                cases.append((asker, f'/ask_claim_status{{"claim_ref": "{ref}"}}', None, None, ref))
                cases.append((asker, f'/ask_advance_indemnification{{"claim_ref": "{ref}"}}', None, None, None))
            for buyer in sorted(company.buyers - facts[asker].buyers)[:3]:
                cases.append((asker, f"Quel est mon agrément sur {buyer} ?", None, None, None))
                cases.append((asker, f'/ask_guarantee{{"buyer": "{buyer}"}}', None, None, None))
            # sender id spoofing: the conversation id of the other company, as the channels derive it
            cases.append((asker, "Où en sont mes dossiers ?", None, f"web-ph{other}-{uuid.uuid4().hex[:24]}", None))
            cases.append((asker, "mes dossiers en cours", None, f"rest-ph{other}-spoof", None))
            # policyholder id or identity forged in the request body or in an intent payload
            cases.append((asker, f'/list_claims{{"policyholder_id": {other}, "status": "all"}}', None, None, None))
            cases.append((asker, "Où en sont mes dossiers ?",
                          {"metadata": {"identity": {"policyholder_id": other, "sig": "0" * 64},
                                        "policyholder_id": other, "auth_status": "verified"}}, None, None))
    return cases


def _anonymous_cases(facts):
    cases = []
    for company in facts.values():
        for ref in sorted(company.refs)[:3]:
            cases.append((None, f"Où en est le dossier {ref} ?", None, f"web-ph{company.id}-{uuid.uuid4().hex[:8]}",
                          None))
            cases.append((None, f'/ask_claim_status{{"claim_ref": "{ref}"}}',
                          {"metadata": {"identity": {"policyholder_id": company.id}}}, None, None))
    return cases


@pytest.fixture(scope="module")
def tokens(sec_stack, facts):
    from bot.auth import issue_policyholder_token
    return {pid: issue_policyholder_token(sec_stack.settings(), pid) for pid in facts}


def test_cross_customer_attempts_over_rest_leak_nothing(sec_stack, facts, tokens):
    cases = _cases(facts, tokens) + _anonymous_cases(facts)
    assert len(cases) >= 150, len(cases)

    def run(case):
        asker, text, extra, sender, _ = case
        return case, rest(sec_stack, text, tokens.get(asker), sender, extra)

    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(run, cases))
    unknown = {pid: rest(sec_stack, f"Où en est le dossier {UNKNOWN_REFS[0]} ?", tokens[pid]) for pid in facts}
    unknown_slot = {pid: rest(sec_stack, f'/ask_claim_status{{"claim_ref": "{UNKNOWN_REFS[0]}"}}', tokens[pid])
                    for pid in facts}
    failures = []
    for (asker, text, _extra, sender, ref), answer in results:
        secrets = all_secrets(facts) if asker is None else foreign_secrets(facts, asker)
        found = leaks(answer, secrets, text)
        if found:
            failures.append((asker, text, sender, found))
        if asker is None and "€" in answer:
            failures.append((asker, text, "amount shown without sign-in", answer[:200]))
        if ref:
            baseline = (unknown_slot if text.startswith("/") else unknown)[asker].replace(UNKNOWN_REFS[0], "<ref>", 1)
            if answer.replace(ref, "<ref>", 1) != baseline:
                failures.append((asker, text, "differs from an unknown ref", answer[:300], baseline[:300]))
    assert not failures, json.dumps(failures[:5], ensure_ascii=False, indent=1)


def test_cross_customer_attempts_over_the_web_socket_leak_nothing(sec_stack, facts, tokens):
    total = 0
    failures = []
    for asker in sorted(facts):
        messages = []
        for other in sorted(facts):
            if other == asker:
                continue
            for ref in sorted(facts[other].refs)[:2]:
                messages += [f"Où en est le dossier {ref} ?", f'/ask_claim_status{{"claim_ref": "{ref}"}}']
            buyer = next(iter(sorted(facts[other].buyers - facts[asker].buyers)), None)
            if buyer:
                messages.append(f'/ask_guarantee{{"buyer": "{buyer}"}}')
        forged = {"identity": {"policyholder_id": 1 if asker != 1 else 2, "sig": "0" * 64}, "auth_status": "verified"}
        replies = converse(sec_stack.rasa_url, messages, token=tokens[asker], connect_token=tokens[asker],
                           custom=forged, quiet=0.5, timeout=30)
        for text, reply in zip(messages, replies):
            total += 1
            answer = "\n".join(r.get("text") or "" for r in reply)
            if not answer:
                failures.append((asker, text, "no answer"))
            found = leaks(answer, foreign_secrets(facts, asker), text)
            if found:
                failures.append((asker, text, found))
    assert total >= 40, total
    assert not failures, failures[:5]


def test_expired_and_forged_tokens_are_refused_over_rest(sec_stack, facts):
    from bot.auth import issue_policyholder_token

    settings = sec_stack.settings()
    expired = issue_policyholder_token(settings, 1, ttl_seconds=5, now=time.time() - 60)
    forged = expired.rsplit(".", 1)[0] + ".c2lnbmF0dXJl"
    for token in (expired, forged, "x.y.z", "Bearer"):
        answer = requests.post(f"{sec_stack.rasa_url}/webhooks/secure_rest/webhook",
                               json={"sender": "t", "message": "mes dossiers"},
                               headers={"Authorization": f"Bearer {token}"}, timeout=60)
        assert answer.status_code == 401
        assert not leaks(answer.text, all_secrets(facts))
