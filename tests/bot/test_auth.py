"""Tokens and identity assertions (bot/auth.py)."""
import time

import jwt
import pytest

from bot.auth import (AUD_AGENT, AUD_POLICYHOLDER, AuthError, Identity, issue_policyholder_token, issue_token,
                      sign_identity, verify_identity, verify_token)
from bot.settings import load_settings


@pytest.fixture()
def settings(tmp_path):
    return load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "s" * 48})


def test_round_trip(settings):
    token = issue_policyholder_token(settings, 3, user_id=7, name="Laboratoires Aubert SA")
    p = verify_token(settings, token, audience=AUD_POLICYHOLDER)
    assert (p.policyholder_id, p.user_id, p.name) == (3, 7, "Laboratoires Aubert SA")


def test_expired_token_is_refused(settings):
    token = issue_policyholder_token(settings, 1, ttl_seconds=10, now=time.time() - 100)
    with pytest.raises(AuthError):
        verify_token(settings, token, audience=AUD_POLICYHOLDER)


def test_forged_signature_is_refused(settings):
    forged = jwt.encode({"iss": settings.jwt_issuer, "aud": AUD_POLICYHOLDER, "sub": "policyholder:1", "ph": 1,
                         "iat": int(time.time()), "exp": int(time.time()) + 600}, "another-secret-" * 4,
                        algorithm="HS256")
    with pytest.raises(AuthError):
        verify_token(settings, forged, audience=AUD_POLICYHOLDER)


def test_alg_none_is_refused(settings):
    unsigned = jwt.encode({"iss": settings.jwt_issuer, "aud": AUD_POLICYHOLDER, "sub": "policyholder:1", "ph": 1,
                           "iat": int(time.time()), "exp": int(time.time()) + 600}, None, algorithm="none")
    with pytest.raises(AuthError):
        verify_token(settings, unsigned, audience=AUD_POLICYHOLDER)


def test_agent_and_policyholder_tokens_cannot_be_swapped(settings):
    agent = issue_token(settings, audience=AUD_AGENT, subject="agent:5")
    with pytest.raises(AuthError):
        verify_token(settings, agent, audience=AUD_POLICYHOLDER)
    holder = issue_policyholder_token(settings, 1)
    with pytest.raises(AuthError):
        verify_token(settings, holder, audience=AUD_AGENT)


def test_wrong_issuer_is_refused(settings, tmp_path):
    other = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "s" * 48, "JWT_ISSUER": "elsewhere"})
    with pytest.raises(AuthError):
        verify_token(settings, issue_policyholder_token(other, 1), audience=AUD_POLICYHOLDER)


@pytest.mark.parametrize("garbage", [None, "", "abc", "a.b.c", 42, "x" * 5000, {"token": "x"}])
def test_garbage_is_refused(settings, garbage):
    with pytest.raises(AuthError):
        verify_token(settings, garbage, audience=AUD_POLICYHOLDER)


def test_key_rotation_accepts_previous_secret(tmp_path):
    old = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "old" * 16})
    new = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "new" * 16,
                         "JWT_PREVIOUS_SECRETS": "old" * 16})
    assert verify_token(new, issue_policyholder_token(old, 2), audience=AUD_POLICYHOLDER).policyholder_id == 2
    newer = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "newer" * 10})
    with pytest.raises(AuthError):
        verify_token(newer, issue_policyholder_token(old, 2), audience=AUD_POLICYHOLDER)


def test_secret_generated_once_into_untracked_file(tmp_path):
    first = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path)})
    second = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path)})
    assert first.jwt_secret == second.jwt_secret and len(first.jwt_secret) >= 40
    assert (tmp_path / "jwt_secret").stat().st_mode & 0o077 == 0


def test_identity_assertion_bound_to_conversation(settings):
    claim = sign_identity(settings, Identity(policyholder_id=1, channel="web"), "web-ph1-abc")
    metadata = {"identity": claim}
    assert verify_identity(settings, metadata, "web-ph1-abc").policyholder_id == 1
    # replayed into another conversation
    assert verify_identity(settings, metadata, "web-anon-xyz") is None
    # tampered policyholder
    assert verify_identity(settings, {"identity": {**claim, "policyholder_id": 2}}, "web-ph1-abc") is None
    # forged by a client without the key
    assert verify_identity(settings, {"identity": {**claim, "sig": "0" * 64}}, "web-ph1-abc") is None
    # stale
    old = sign_identity(settings, Identity(policyholder_id=1, channel="web"), "c", now=time.time() - 3600)
    assert verify_identity(settings, {"identity": old}, "c") is None


@pytest.mark.parametrize("metadata", [None, "x", [], {}, {"identity": "x"}, {"identity": {"policyholder_id": 1}},
                                      {"policyholder_id": 1}])
def test_identity_never_from_unsigned_metadata(settings, metadata):
    assert verify_identity(settings, metadata, "web-ph1-abc") is None
