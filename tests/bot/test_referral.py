"""Agent → bot referral links (bot/referral.py): single use, expiry, signature, audience, ownership.

Every store test runs on SQLite and PostgreSQL (a throw-away schema, see tests/bot/store/store_testlib.py).
"""
from __future__ import annotations

import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt
import pytest
import textstat
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent / "store"))

from bot import referral
from bot.auth import (AUD_AGENT, AUD_POLICYHOLDER, AUD_REFERRAL, AuthError, issue_policyholder_token,
                      issue_token, verify_token)
from bot.settings import load_settings
from bot.store import db
from bot.store.models.referral import Referral
from bot.store.seed import seed_demo
from bot.wording import referral as wording
from store_testlib import AS_OF, new_database

OWN_REF, FOREIGN_REF = "SIN-2021-000123", "SIN-2021-000456"  # demo: company 1's claim, company 3's claim
SECRET = "referral-test-" + "k" * 40


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_url(request, tmp_path_factory):
    url, cleanup = new_database(request.param, tmp_path_factory.mktemp(request.param))
    try:
        db.migrate(url)
        seed_demo(db.get_engine(url), AS_OF)
        yield url
    finally:
        cleanup()


@pytest.fixture()
def settings(tmp_path, store_url):
    return load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": SECRET, "DATABASE_URL": store_url})


def _create(settings, now=None, **kwargs):
    values = {"policyholder_id": 1, "topic": "claim_status", "claim_ref": OWN_REF, "created_by": "agent:1", **kwargs}
    with db.session_scope(db.get_engine(settings.database.url)) as session:
        return referral.create(session, settings, now=now, **values)


def _redeem(settings, token, now=None):
    with db.session_scope(db.get_engine(settings.database.url)) as session:
        return referral.redeem(session, settings, token, now=now)


def _reason(settings, token, now=None) -> str:
    with pytest.raises(referral.ReferralError) as caught:
        _redeem(settings, token, now=now)
    return caught.value.reason


def _row(settings, referral_id):
    with db.session_scope(db.get_engine(settings.database.url)) as session:
        return session.execute(select(Referral).where(Referral.id == referral_id)).scalar_one()


# --- single use -----------------------------------------------------------------------------

def test_link_opens_once_with_its_context(settings):
    created = _create(settings)
    redeemed = _redeem(settings, created.token)
    assert (redeemed.policyholder_id, redeemed.topic, redeemed.claim_ref) == (1, "claim_status", OWN_REF)
    assert redeemed.policyholder_name == created.policyholder_name == "Menuiserie Durand SARL"
    assert _reason(settings, created.token) == referral.USED
    assert _row(settings, created.id).used_at is not None


def test_concurrent_openings_succeed_exactly_once(settings):
    created = _create(settings)
    outcomes, barrier = [], threading.Barrier(4)

    def open_link():
        barrier.wait()
        try:
            _redeem(settings, created.token)
            outcomes.append("ok")
        except referral.ReferralError as exc:
            outcomes.append(exc.reason)

    threads = [threading.Thread(target=open_link) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["ok", "used", "used", "used"]


def test_only_a_hash_of_the_token_id_is_stored(settings):
    created = _create(settings)
    row = _row(settings, created.id)
    jti = jwt.decode(created.token, options={"verify_signature": False})["jti"]
    assert row.jti_hash == referral.jti_hash(jti) and jti not in row.jti_hash
    stored = " ".join(str(getattr(row, c.key)) for c in Referral.__table__.columns)
    assert created.token not in stored and jti not in stored


# --- expiry (fixed clock) -------------------------------------------------------------------

def test_link_expires_after_the_configured_lifetime(settings, tmp_path, store_url):
    short = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": SECRET, "DATABASE_URL": store_url,
                           "REFERRAL_TTL_SECONDS": "120"})
    start = datetime.now(timezone.utc)
    created = _create(short, now=start)
    assert created.expires_at == start + timedelta(seconds=120)
    assert _reason(short, created.token, now=start + timedelta(seconds=121)) == referral.EXPIRED
    assert _row(short, created.id).used_at is None  # an expired link is never marked used
    fresh = _create(short, now=start)
    assert _redeem(short, fresh.token, now=start + timedelta(seconds=110)).id == fresh.id


def test_default_lifetime_is_fifteen_minutes(settings):
    start = datetime.now(timezone.utc)
    created = _create(settings, now=start)
    assert created.expires_at == start + timedelta(minutes=15)
    assert _reason(settings, created.token, now=start + timedelta(minutes=15, seconds=1)) == referral.EXPIRED


def test_link_issued_long_ago_is_expired(settings):
    created = _create(settings, now=datetime.now(timezone.utc) - timedelta(hours=1))
    assert _reason(settings, created.token) == referral.EXPIRED


# --- signature, audience --------------------------------------------------------------------

def _claims(token):
    return jwt.decode(token, options={"verify_signature": False})


def test_wrong_signature_is_refused_and_does_not_use_the_link(settings):
    created = _create(settings)
    forged = jwt.encode(_claims(created.token), "another-secret-" * 4, algorithm="HS256",
                        headers=jwt.get_unverified_header(created.token))
    assert _reason(settings, forged) == referral.INVALID
    unsigned = jwt.encode(_claims(created.token), None, algorithm="none")
    assert _reason(settings, unsigned) == referral.INVALID
    head, payload, sig = created.token.split(".")
    assert _reason(settings, f"{head}.{payload}.{sig[:-4]}AAAA") == referral.INVALID
    assert _redeem(settings, created.token).id == created.id  # the genuine link still works


@pytest.mark.parametrize("junk", [None, "", "abc", 42, "a.b.c", "x" * 5000, {"token": "x"}])
def test_junk_is_refused(settings, junk):
    assert _reason(settings, junk) == referral.INVALID


def test_referral_token_is_never_a_policyholder_or_agent_token(settings):
    created = _create(settings)
    for audience in (AUD_POLICYHOLDER, AUD_AGENT):
        with pytest.raises(AuthError):
            verify_token(settings, created.token, audience=audience)
    assert verify_token(settings, created.token, audience=AUD_REFERRAL).policyholder_id == 1


def test_policyholder_and_agent_tokens_are_never_referral_links(settings):
    created = _create(settings)
    jti = _claims(created.token)["jti"]
    as_policyholder = issue_token(settings, audience=AUD_POLICYHOLDER, subject="policyholder:1", policyholder_id=1,
                                  jti=jti)
    as_agent = issue_token(settings, audience=AUD_AGENT, subject="agent:1", policyholder_id=1, jti=jti)
    assert _reason(settings, as_policyholder) == referral.INVALID
    assert _reason(settings, as_agent) == referral.INVALID
    assert _reason(settings, issue_policyholder_token(settings, 1)) == referral.INVALID


def test_key_rotation_keeps_a_fresh_link_valid(settings, tmp_path, store_url):
    created = _create(settings)
    rotated = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "new-" + "n" * 44,
                             "JWT_PREVIOUS_SECRETS": SECRET, "DATABASE_URL": store_url})
    assert _redeem(rotated, created.token).id == created.id


# --- wrong policyholder, claims of another company ---------------------------------------------

def test_token_for_another_policyholder_is_refused(settings):
    created = _create(settings)  # company 1
    other = issue_token(settings, audience=AUD_REFERRAL, subject="policyholder:3", policyholder_id=3,
                        jti=_claims(created.token)["jti"], ttl_seconds=600)  # well signed, same id, company 3
    assert _reason(settings, other) == referral.INVALID
    assert _row(settings, created.id).used_at is None
    assert _redeem(settings, created.token).policyholder_id == 1


def test_unknown_token_id_is_refused(settings):
    stray = issue_token(settings, audience=AUD_REFERRAL, subject="policyholder:1", policyholder_id=1, ttl_seconds=600)
    assert _reason(settings, stray) == referral.INVALID


@pytest.mark.parametrize("ref, reason", [
    (FOREIGN_REF, referral.CLAIM_NOT_OWNED),           # company 3's claim
    ("SIN-2099-999999", referral.CLAIM_NOT_OWNED),     # no such claim: the same answer
    ("SIN-21-12", referral.BAD_CLAIM_REF),
    ("'; DROP TABLE claims;--", referral.BAD_CLAIM_REF),
])
def test_claim_must_belong_to_the_policyholder(settings, ref, reason):
    with pytest.raises(referral.ReferralError) as caught:
        _create(settings, claim_ref=ref)
    assert caught.value.reason == reason
    with pytest.raises(referral.ReferralError):
        _create(settings, policyholder_id=3, claim_ref=OWN_REF)  # company 1's claim for company 3


def test_loosely_typed_own_ref_is_normalised(settings):
    assert _create(settings, claim_ref="sin 2021 000123").claim_ref == OWN_REF
    assert _create(settings, claim_ref=None, topic="fees").claim_ref is None


@pytest.mark.parametrize("values, reason", [
    ({"policyholder_id": 99999}, referral.UNKNOWN_POLICYHOLDER),
    ({"policyholder_id": 0}, referral.UNKNOWN_POLICYHOLDER),
    ({"policyholder_id": True}, referral.UNKNOWN_POLICYHOLDER),
    ({"topic": "weather"}, referral.UNKNOWN_TOPIC),
])
def test_creation_is_refused_for_unknown_policyholder_or_topic(settings, values, reason):
    with pytest.raises(referral.ReferralError) as caught:
        _create(settings, **values)
    assert caught.value.reason == reason


# --- greeting context, signed metadata ------------------------------------------------------

def _greet(settings, referral_id, policyholder_id):
    with db.session_scope(db.get_engine(settings.database.url)) as session:
        return referral.context_for_greeting(session, referral_id, policyholder_id)


def test_context_is_given_once_after_redeem_and_only_to_its_policyholder(settings):
    created = _create(settings, topic="guarantee")
    assert _greet(settings, created.id, 1) is None  # not opened yet
    _redeem(settings, created.token)
    assert _greet(settings, created.id, 3) is None  # another company
    context = _greet(settings, created.id, 1)
    assert (context.topic, context.claim_ref) == ("guarantee", OWN_REF)
    assert _greet(settings, created.id, 1) is None  # once


def test_signed_claim_is_bound_to_conversation_and_policyholder(settings):
    claim = referral.sign_claim(settings, 7, 1, "web-ph1-abc")
    meta = {"referral": claim}
    assert referral.verify_claim(settings, meta, "web-ph1-abc", 1) == 7
    assert referral.verify_claim(settings, meta, "web-ph1-other", 1) is None
    assert referral.verify_claim(settings, meta, "web-ph1-abc", 3) is None
    assert referral.verify_claim(settings, {"referral": {**claim, "referral_id": 8}}, "web-ph1-abc", 1) is None
    stale = referral.sign_claim(settings, 7, 1, "web-ph1-abc", now=time.time() - 3600)
    assert referral.verify_claim(settings, {"referral": stale}, "web-ph1-abc", 1) is None
    assert referral.verify_claim(settings, {"referral": "7"}, "web-ph1-abc", 1) is None


def test_policyholder_token_carries_the_referral_id(settings):
    token = issue_policyholder_token(settings, 1, referral_id=12)
    assert verify_token(settings, token, audience=AUD_POLICYHOLDER).referral_id == 12
    assert verify_token(settings, issue_policyholder_token(settings, 1), audience=AUD_POLICYHOLDER).referral_id is None


# --- wording ----------------------------------------------------------------------------------

def test_link_puts_the_token_in_the_fragment():
    assert referral.link_url("https://chat.example.fr/", "a.b.c") == "https://chat.example.fr/#referral=a.b.c"


@pytest.mark.parametrize("topic", referral.TOPICS)
@pytest.mark.parametrize("ref", [None, OWN_REF])
def test_every_greeting_is_plain_french(topic, ref):
    text = wording.greeting(topic, ref).text
    assert text.startswith("Bonjour. Votre conseiller m’a transmis votre question sur ")
    assert (ref in text) if ref else ("SIN-" not in text)
    textstat.set_lang("fr")
    assert textstat.flesch_reading_ease(text) >= 60, text


def test_sms_and_email_carry_the_link_and_lifetime():
    sms = wording.sms("https://h/#referral=t.o.k", 15)
    mail = wording.email("https://h/#referral=t.o.k", 15, OWN_REF)
    assert "https://h/#referral=t.o.k" in sms and "15 minutes" in sms
    assert OWN_REF in mail["subject"] and "https://h/#referral=t.o.k" in mail["body"]
    assert "{" not in sms + mail["subject"] + mail["body"]
