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
    forged = jwt.encode({"iss": settings.auth.jwt_issuer, "aud": AUD_POLICYHOLDER, "sub": "policyholder:1", "ph": 1,
                         "iat": int(time.time()), "exp": int(time.time()) + 600}, "another-secret-" * 4,
                        algorithm="HS256")
    with pytest.raises(AuthError):
        verify_token(settings, forged, audience=AUD_POLICYHOLDER)


def test_alg_none_is_refused(settings):
    unsigned = jwt.encode({"iss": settings.auth.jwt_issuer, "aud": AUD_POLICYHOLDER, "sub": "policyholder:1", "ph": 1,
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
    assert first.auth.jwt_secret == second.auth.jwt_secret and len(first.auth.jwt_secret) >= 40
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


# --- token attacks (docs/security.md) ----------------------------------------------------------------

import base64  # noqa: E402
import json as _json  # noqa: E402

from bot.auth import _kid  # noqa: E402


def _b64(data) -> str:
    raw = data if isinstance(data, bytes) else _json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(settings, **over):
    now = int(time.time())
    claims = {"iss": settings.auth.jwt_issuer, "aud": AUD_POLICYHOLDER, "sub": "policyholder:1", "ph": 1,
              "iat": now, "exp": now + 600}
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE", ""])
def test_unsigned_tokens_in_every_spelling_are_refused(settings, alg):
    token = f"{_b64({'alg': alg, 'typ': 'JWT', 'kid': _kid(settings.auth.jwt_secret)})}.{_b64(_claims(settings))}."
    with pytest.raises(AuthError):
        verify_token(settings, token, audience=AUD_POLICYHOLDER)


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
def test_algorithm_is_pinned_even_with_the_real_secret(settings, alg):
    token = jwt.encode(_claims(settings), settings.auth.jwt_secret, algorithm=alg,
                       headers={"kid": _kid(settings.auth.jwt_secret)})
    with pytest.raises(AuthError):
        verify_token(settings, token, audience=AUD_POLICYHOLDER)


@pytest.mark.parametrize("alg", ["RS256", "ES256", "PS256", "EdDSA"])
def test_asymmetric_algorithm_confusion_is_refused(settings, alg):
    """A token claiming a public-key algorithm never reaches a verifier (the header alg is pinned first)."""
    header = {"alg": alg, "typ": "JWT", "kid": _kid(settings.auth.jwt_secret)}
    body = _claims(settings)
    signing_input = f"{_b64(header)}.{_b64(body)}".encode()
    import hashlib
    import hmac as _hmac
    # the classic confusion: an HMAC made with a key the attacker knows, labelled as RSA/EC
    sig = _hmac.new(settings.auth.jwt_secret.encode(), signing_input, hashlib.sha256).digest()
    with pytest.raises(AuthError):
        verify_token(settings, f"{signing_input.decode()}.{_b64(sig)}", audience=AUD_POLICYHOLDER)


def test_really_rsa_signed_token_is_refused(settings):
    crypto = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    key = crypto.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(_claims(settings), key, algorithm="RS256", headers={"kid": _kid(settings.auth.jwt_secret)})
    with pytest.raises(AuthError):
        verify_token(settings, token, audience=AUD_POLICYHOLDER)


@pytest.mark.parametrize("kid", ["unknown-kid", "../../../../dev/null", "' OR '1'='1", "", None])
def test_wrong_or_injected_kid_with_a_forged_signature_is_refused(settings, kid):
    headers = {"kid": kid} if kid is not None else {}
    token = jwt.encode(_claims(settings), "attacker-secret-" * 3, algorithm="HS256", headers=headers)
    with pytest.raises(AuthError):
        verify_token(settings, token, audience=AUD_POLICYHOLDER)


def test_kid_of_a_retired_key_is_refused(tmp_path):
    old = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "old" * 16})
    rotated = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "new" * 16,
                             "JWT_PREVIOUS_SECRETS": "old" * 16})
    retired = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "new" * 16})
    token = issue_policyholder_token(old, 4)
    assert verify_token(rotated, token, audience=AUD_POLICYHOLDER).policyholder_id == 4
    with pytest.raises(AuthError):
        verify_token(retired, token, audience=AUD_POLICYHOLDER)
    # the current key cannot be used to pass a token labelled with the old key's id
    relabelled = jwt.encode(_claims(rotated), rotated.auth.jwt_secret, algorithm="HS256",
                            headers={"kid": _kid("old" * 16)})
    with pytest.raises(AuthError):
        verify_token(rotated, relabelled, audience=AUD_POLICYHOLDER)


@pytest.mark.parametrize("missing", ["exp", "iat", "iss", "aud", "sub"])
def test_every_required_claim_is_required(settings, missing):
    token = jwt.encode(_claims(settings, **{missing: None}), settings.auth.jwt_secret, algorithm="HS256",
                       headers={"kid": _kid(settings.auth.jwt_secret)})
    with pytest.raises(AuthError):
        verify_token(settings, token, audience=AUD_POLICYHOLDER)


def test_not_yet_valid_token_is_refused(settings):
    now = int(time.time())
    token = jwt.encode(_claims(settings, nbf=now + 3600, iat=now), settings.auth.jwt_secret, algorithm="HS256")
    with pytest.raises(AuthError):
        verify_token(settings, token, audience=AUD_POLICYHOLDER)


def test_expired_by_one_second_is_refused_no_leeway(settings):
    now = int(time.time())
    token = issue_policyholder_token(settings, 1, ttl_seconds=5, now=now - 6)
    with pytest.raises(AuthError):
        verify_token(settings, token, audience=AUD_POLICYHOLDER)


def test_token_for_both_audiences_is_refused(settings):
    both = jwt.encode(_claims(settings, aud=[AUD_AGENT, AUD_POLICYHOLDER]), settings.auth.jwt_secret, algorithm="HS256",
                      headers={"kid": _kid(settings.auth.jwt_secret)})
    for audience in (AUD_POLICYHOLDER, AUD_AGENT):
        with pytest.raises(AuthError):
            verify_token(settings, both, audience=audience)


@pytest.mark.parametrize("ph", [True, "1", 1.0, None, [1]])
def test_policyholder_claim_must_be_an_integer(settings, ph):
    token = jwt.encode(_claims(settings, ph=ph), settings.auth.jwt_secret, algorithm="HS256",
                       headers={"kid": _kid(settings.auth.jwt_secret)})
    with pytest.raises(AuthError):
        verify_token(settings, token, audience=AUD_POLICYHOLDER)


def test_agent_token_carrying_a_policyholder_claim_is_still_not_a_policyholder_token(settings):
    agent = issue_token(settings, audience=AUD_AGENT, subject="agent:1", policyholder_id=3)
    with pytest.raises(AuthError):
        verify_token(settings, agent, audience=AUD_POLICYHOLDER)


def test_tampered_payload_is_refused(settings):
    token = issue_policyholder_token(settings, 1)
    header, _, sig = token.split(".")
    forged_body = _b64(_claims(settings, ph=3, sub="policyholder:3"))
    with pytest.raises(AuthError):
        verify_token(settings, f"{header}.{forged_body}.{sig}", audience=AUD_POLICYHOLDER)


def test_identity_assertion_from_another_deployment_key_is_refused(settings, tmp_path):
    other = load_settings({"ASSISTANT_VAR_DIR": str(tmp_path / "o"), "JWT_SECRET": "o" * 48})
    claim = sign_identity(other, Identity(policyholder_id=1, channel="web"), "web-ph1-abc")
    assert verify_identity(settings, {"identity": claim}, "web-ph1-abc") is None
    future = sign_identity(settings, Identity(policyholder_id=1, channel="web"), "c", now=time.time() + 3600)
    assert verify_identity(settings, {"identity": future}, "c") is None
