"""action_referral_greet: the context comes from the store through the channel's signed metadata only."""
import pytest

from tests.actions.support import payloads, run_action, texts

pytest.importorskip("rasa_sdk")

OWN_REF, FOREIGN_REF = "SIN-2021-000123", "SIN-2021-000456"
SENDER = "web-ph1-0123456789abcdef01234567"


def _referral(topic="claim_status", claim_ref=OWN_REF, policyholder_id=1, redeem=True):
    from bot import referral
    from bot.settings import get_settings
    from bot.store.db import get_engine, session_scope
    settings = get_settings()
    with session_scope(get_engine(settings.database.url)) as session:
        created = referral.create(session, settings, policyholder_id=policyholder_id, topic=topic,
                                  claim_ref=claim_ref, created_by="agent:test")
    if redeem:
        with session_scope(get_engine(settings.database.url)) as session:
            referral.redeem(session, settings, created.token)
    return created.id


def _tracker(referral_id=None, *, pid=1, claim_pid=1, sender=SENDER, claim_sender=None, text="/referral_greet",
             entities=None, signed=True):
    """A tracker as the web channel builds it: signed identity + (optionally) the signed referral claim."""
    from rasa_sdk import Tracker

    from bot import referral
    from bot.auth import Identity, sign_identity
    from bot.settings import get_settings
    settings = get_settings()
    metadata = {"auth_status": "verified" if signed else "none"}
    if signed:
        metadata["identity"] = sign_identity(settings, Identity(policyholder_id=pid, channel="web"), sender)
    if referral_id is not None:
        metadata["referral"] = referral.sign_claim(settings, referral_id, claim_pid, claim_sender or sender)
    message = {"text": text, "intent": {"name": "referral_greet", "confidence": 1.0}, "entities": entities or [],
               "metadata": metadata}
    events = [{"event": "user", "text": text, "parse_data": message, "metadata": metadata}]
    return Tracker(sender, {}, message, events, False, None, {}, "action_listen")


def greet(tracker):
    from actions.referral import ActionReferralGreet
    return run_action(ActionReferralGreet(), tracker)


def _is_plain_greeting(messages):
    return [m.get("response") for m in messages] == ["utter_greet"]


def test_claim_status_referral_greets_with_the_claim_and_gives_its_status(store):
    messages, events = greet(_tracker(_referral()))
    answer = texts(messages)
    assert answer.startswith(f"Bonjour. Votre conseiller m’a transmis votre question sur le dossier {OWN_REF}.")
    assert "€" in answer and answer.count(OWN_REF) >= 2  # the status of that claim follows
    assert {"event": "slot", "name": "claim_ref", "value": OWN_REF} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events]


def test_injected_claim_ref_of_another_company_does_nothing(store):
    injected = [{"entity": "claim_ref", "value": FOREIGN_REF, "start": 0, "end": 1}]
    messages, events = greet(_tracker(_referral(), text=f'/referral_greet{{"claim_ref": "{FOREIGN_REF}"}}',
                                      entities=injected))
    answer = texts(messages)
    assert FOREIGN_REF not in answer and OWN_REF in answer
    assert all(e.get("value") != FOREIGN_REF for e in events)


def test_injected_ref_without_a_referral_gets_the_plain_greeting(store):
    injected = [{"entity": "claim_ref", "value": OWN_REF, "start": 0, "end": 1}]
    messages, events = greet(_tracker(None, entities=injected))
    assert _is_plain_greeting(messages) and events == []


def test_context_is_given_once(store):
    referral_id = _referral()
    first, _ = greet(_tracker(referral_id))
    again, _ = greet(_tracker(referral_id))
    assert "conseiller m’a transmis" in texts(first)
    assert _is_plain_greeting(again)


def test_not_opened_link_gives_no_context(store):
    messages, _ = greet(_tracker(_referral(redeem=False)))
    assert _is_plain_greeting(messages)


@pytest.mark.parametrize("change", [
    {"claim_sender": "web-ph1-another-conversation"},   # metadata replayed into another conversation
    {"pid": 3},                                          # signed in as company 3, referral of company 1
    {"pid": 3, "claim_pid": 3},                          # a claim for company 3 on company 1's referral id
    {"signed": False},                                   # no verified identity
])
def test_claim_for_another_conversation_or_company_gives_no_context(store, change):
    referral_id = _referral()
    messages, _ = greet(_tracker(referral_id, **change))
    assert _is_plain_greeting(messages) and "€" not in texts(messages)
    good, _ = greet(_tracker(referral_id))  # still there for the right conversation
    assert "conseiller m’a transmis" in texts(good)


def test_forged_claim_is_ignored(store):
    tracker = _tracker(_referral())
    tracker.latest_message["metadata"]["referral"]["sig"] = "0" * 64
    tracker.events[-1]["metadata"]["referral"]["sig"] = "0" * 64
    messages, _ = greet(tracker)
    assert _is_plain_greeting(messages)


@pytest.mark.parametrize("topic, ref, check", [
    ("claim_status", None, lambda t, p: "SIN-" in t or p),
    ("guarantee", None, lambda t, p: "€" in t),
    ("guarantee", OWN_REF, lambda t, p: "Rénovation Dupuis" in t),   # the agrément on that claim's buyer
    ("fees", None, lambda t, p: "€" in t or "%" in t),
    ("cap", None, lambda t, p: "/ask_cap" in p),
    ("indemnification", None, lambda t, p: "/declare_unpaid" in p),   # how indemnification works
    ("indemnification", OWN_REF, lambda t, p: "€" in t and "versé" in t),  # closed claim: what was paid
    ("declaration", None, lambda t, p: "/declare_unpaid" in p),       # the form starts from its button
])
def test_every_topic_goes_straight_to_the_answer(store, topic, ref, check):
    messages, _ = greet(_tracker(_referral(topic=topic, claim_ref=ref)))
    assert "Votre conseiller m’a transmis votre question sur" in texts(messages)
    assert len(messages) >= 2, messages
    assert check(texts(messages), payloads(messages)), messages


def test_indemnification_on_an_open_claim_gives_its_estimate(store):
    from bot.settings import get_settings
    from bot.store import queries
    from bot.store.db import get_engine, session_scope
    with session_scope(get_engine(get_settings().database.url)) as session:
        open_ref = queries.list_claims(session, 1, status="open", page=1, page_size=5).items[0].ref
    messages, events = greet(_tracker(_referral(topic="indemnification", claim_ref=open_ref)))
    answer = texts(messages)
    assert f"sur votre indemnité, pour le dossier {open_ref}" in answer
    assert len(messages) >= 3 and "€" in answer  # the intro on advance payment, then the estimate
    assert any(e.get("name") == "claim_ref" and e.get("value") == open_ref for e in events)


def test_the_greeting_answer_is_audited(store):
    """The claim read for the referral greeting writes an audit row like any claim-status read."""
    from sqlalchemy import select

    from bot.settings import get_settings
    from bot.store.db import get_engine, session_scope
    from bot.store.models import AuditEntry

    def rows():
        with session_scope(get_engine(get_settings().database.url)) as s:
            return [(e.who, e.policyholder_id, e.action) for e in s.execute(select(AuditEntry).where(
                AuditEntry.object_type == "claim", AuditEntry.object_id == OWN_REF)).scalars()]
    before = rows()
    greet(_tracker(_referral()))
    after = rows()
    assert len(after) == len(before) + 1 and after[-1][1:] == (1, "read")
