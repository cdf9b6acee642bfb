"""bot.pairing: codes, pairing, use, revoke, expiry, brute force (SQLite, no Rasa)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot import pairing as L
from bot.store.db import session_scope
from bot.store.queries import pairings as Q
from bot.store.models.pairing import Pairing, PairingCode

SECRET = "test-secret"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def test_codes_are_typable_and_never_words():
    for _ in range(300):
        code = L.new_code()
        assert len(code) == 6 and set(code) <= set(L.ALPHABET)
        assert not set(code) & set("01OIL")
        assert L.parse_code(code) == code
    assert L.parse_code("code 4f7-k2q") == "4F7K2Q"
    assert L.parse_code("Code: 4F7K2Q.") == "4F7K2Q"
    for text in ("statut", "bonjour", "123456", "SIN-2025-000101", "4F7K2Q et plus", "", "4F7K20"):
        assert L.parse_code(text) is None, text


def test_pairing_use_revoke(store):
    _, engine = store
    with session_scope(engine) as s:
        issued = L.issue_code(s, SECRET, 1, now=T0)
        stored = s.execute(select(PairingCode.code_hash)).scalars().all()
        assert issued.code not in "".join(stored)  # only the HMAC at rest
    with session_scope(engine) as s:
        assert L.active_pairing(s, SECRET, "sms", "+33612345678", now=T0) is None
        result = L.redeem_code(s, SECRET, "sms", "+33612345678", f"code {issued.code.lower()}", now=T0)
        assert result.outcome == L.PAIRED and result.pairing.policyholder_id == 1
        assert "+33612345678" not in s.execute(select(Pairing.channel_user_hash)).scalar_one()
    with session_scope(engine) as s:
        paired = L.active_pairing(s, SECRET, "sms", "+33612345678", now=T0 + timedelta(days=1))
        assert paired.policyholder_id == 1
        assert L.active_pairing(s, SECRET, "whatsapp", "+33612345678", now=T0) is None  # per channel
        views = Q.list_pairings(s, 1, now=T0)
        assert [v.label for v in views] == ["SMS •••• 78"]
        # single use
        assert L.redeem_code(s, SECRET, "sms", "+33699999999", issued.code, now=T0).outcome == L.INVALID
        # another policyholder cannot revoke it
        assert Q.revoke_pairing(s, 2, views[0].id, now=T0) is False
        assert Q.revoke_pairing(s, 1, views[0].id, now=T0) is True
        assert L.active_pairing(s, SECRET, "sms", "+33612345678", now=T0) is None
        assert Q.list_pairings(s, 1, now=T0) == []


def test_code_and_pairing_expire(store):
    _, engine = store
    with session_scope(engine) as s:
        old = L.issue_code(s, SECRET, 1, now=T0)
        assert L.redeem_code(s, SECRET, "telegram", "111", old.code, now=T0 + L.CODE_TTL).outcome == L.INVALID
        first = L.issue_code(s, SECRET, 1, now=T0)
        second = L.issue_code(s, SECRET, 1, now=T0)  # replaces the first
        assert L.redeem_code(s, SECRET, "telegram", "111", first.code, now=T0).outcome == L.INVALID
        assert L.redeem_code(s, SECRET, "telegram", "111", second.code, now=T0).outcome == L.PAIRED
        assert L.active_pairing(s, SECRET, "telegram", "111", now=T0 + L.PAIRING_TTL - timedelta(seconds=1))
        assert L.active_pairing(s, SECRET, "telegram", "111", now=T0 + L.PAIRING_TTL) is None


def test_brute_force_is_blocked_per_user_never_for_everybody(store):
    _, engine = store
    with session_scope(engine) as s:
        good = L.issue_code(s, SECRET, 1, now=T0)
        for _ in range(L.MAX_FAILURES_PER_USER):
            assert L.redeem_code(s, SECRET, "sms", "+33600000001", "AAAA22", now=T0).outcome == L.INVALID
        # even the right code is refused while blocked, with no hint of an account
        assert L.redeem_code(s, SECRET, "sms", "+33600000001", good.code, now=T0).outcome == L.BLOCKED
        later = T0 + L.WINDOW + timedelta(seconds=1)
        assert L.redeem_code(s, SECRET, "sms", "+33600000001", "AAAA22", now=later).outcome == L.INVALID
    with session_scope(engine) as s:
        # the attack of issue #17: ~200 wrong codes from ~59 accounts, then a legitimate user with a valid code
        start = T0 + timedelta(hours=1)
        accounts = [f"+3361{i:07d}" for i in range(59)]
        tries = 0
        for round_ in range(L.MAX_FAILURES_PER_USER):
            for account in accounts:
                if tries == max(200, L.MAX_FAILURES_GLOBAL):
                    break
                outcome = L.redeem_code(s, SECRET, "sms", account, f"AAA{round_}{tries % 7 + 2}B", now=start).outcome
                assert outcome in (L.INVALID, L.BLOCKED)
                tries += 1
        assert Q.failed_attempts(s, start - L.WINDOW) >= L.MAX_FAILURES_GLOBAL
        fresh = L.issue_code(s, SECRET, 1, now=start)
        assert L.redeem_code(s, SECRET, "sms", "+33699999998", fresh.code, now=start).outcome == L.PAIRED
        # meanwhile the guessing accounts get nothing more, not even with a valid code
        other = L.issue_code(s, SECRET, 2, now=start)
        assert L.redeem_code(s, SECRET, "sms", accounts[0], other.code, now=start).outcome == L.BLOCKED
        # and a new account that mistypes once under the attack waits like the guessers (no help to them)
        assert L.redeem_code(s, SECRET, "telegram", "777", "ZZZZ99", now=start).outcome == L.INVALID
        assert L.redeem_code(s, SECRET, "telegram", "777", other.code, now=start).outcome == L.BLOCKED


def test_wrong_code_answer_does_not_depend_on_accounts(store):
    _, engine = store
    with session_scope(engine) as s:
        issued = L.issue_code(s, SECRET, 1, now=T0)
        L.redeem_code(s, SECRET, "slack", "U1", issued.code, now=T0)
        outcomes = {L.redeem_code(s, SECRET, "slack", u, c, now=T0).outcome
                    for u, c in (("U2", issued.code), ("U3", "ZZZZ99"), ("U4", "nonsense"))}
        assert outcomes == {L.INVALID}
