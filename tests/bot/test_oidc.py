"""bot/oidc.py against a real OpenID Connect provider on 127.0.0.1 (tests/oidc_provider.py, Authlib's
authorization server): discovery, keys and their rotation, the code flow with PKCE, and every token the
provider (or a thief) could hand us that must be refused."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

pytest.importorskip("flask")  # the provider of these tests (requirements/app-dev.txt)

from bot import oidc
from bot.auth import ROLE_AGENT, ROLE_SUPERVISOR
from bot.settings import load_settings
from tests.oidc_provider import OidcProvider, User

REDIRECT = "http://127.0.0.1:9/auth/callback"  # never called: the tests read the code from the provider's redirect
USERS = {"jeanne": User("u-durand", "Jeanne Durand", "pw-jeanne"),
         "claire": User("a-claire", "Claire Martin", "pw-claire", roles=["claims_agent"])}


@pytest.fixture(scope="module")
def idp():
    provider = OidcProvider(USERS, redirect_uris=[REDIRECT]).start()
    yield provider
    provider.stop()


def _settings(idp, tmp_path, **more):
    env = {"ASSISTANT_VAR_DIR": str(tmp_path), "JWT_SECRET": "t-" + "s" * 40, "OIDC_ISSUER": idp.issuer,
           "OIDC_CLIENT_ID": idp.client.client_id, "OIDC_CLIENT_SECRET": idp.client.client_secret,
           "OIDC_AUDIENCE": "espace-client-api", **more}
    return load_settings(env).oidc


@pytest.fixture()
def verifier(idp, tmp_path):
    return oidc.Provider(_settings(idp, tmp_path), refresh_cooldown=0)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _code_flow(idp, provider, username, password, *, nonce="n-123"):
    state, _, verifier = oidc.new_pkce()
    url = provider.authorization_url(REDIRECT, state=state, nonce=nonce, code_verifier=verifier)
    answer = requests.post(url, data={"username": username, "password": password, "login": "1"},
                           allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == [state]
    return query["code"][0], verifier


def test_discovery_is_read_and_must_name_exactly_the_configured_issuer(idp, tmp_path, verifier):
    meta = verifier.metadata()
    assert meta.issuer == idp.issuer and meta.jwks_uri.endswith("/jwks") and "RS256" in meta.algorithms
    assert verifier.allowed_algorithms() == ("RS256", "ES256")
    slash = oidc.Provider(_settings(idp, tmp_path, OIDC_ISSUER=idp.issuer + "/"))  # not the same string
    with pytest.raises(oidc.ProviderUnavailableError):
        slash.metadata()
    down = oidc.Provider(_settings(idp, tmp_path, OIDC_ISSUER="http://127.0.0.1:9/realms/x"))
    with pytest.raises(oidc.ProviderUnavailableError):
        down.verify(idp.mint({}))


def test_the_code_flow_with_pkce_gives_a_verified_id_token(idp, verifier):
    code, code_verifier = _code_flow(idp, verifier, "jeanne", "pw-jeanne")
    claims = verifier.exchange_code(REDIRECT, code=code, code_verifier=code_verifier, nonce="n-123")
    assert claims["sub"] == "u-durand" and claims["iss"] == idp.issuer and claims["nonce"] == "n-123"
    assert verifier.subject_of(claims) == "u-durand" and verifier.agent_of(claims) is None
    # the code is single use
    with pytest.raises(oidc.OidcError):
        verifier.exchange_code(REDIRECT, code=code, code_verifier=code_verifier, nonce="n-123")


def test_a_code_with_the_wrong_verifier_or_nonce_is_refused(idp, verifier):
    code, _ = _code_flow(idp, verifier, "jeanne", "pw-jeanne")
    with pytest.raises(oidc.OidcError):  # PKCE: the provider refuses another verifier
        verifier.exchange_code(REDIRECT, code=code, code_verifier="x" * 50, nonce="n-123")
    code, code_verifier = _code_flow(idp, verifier, "jeanne", "pw-jeanne", nonce="n-456")
    with pytest.raises(oidc.OidcError, match="nonce"):  # an ID token replayed into another sign-in
        verifier.exchange_code(REDIRECT, code=code, code_verifier=code_verifier, nonce="n-123")


def test_key_rotation_refreshes_the_keys_on_an_unknown_kid(idp, verifier):
    assert verifier.verify(idp.mint({}))["sub"] == "u-durand"
    before = idp.jwks_hits
    idp.rotate("RS256")
    assert verifier.verify(idp.mint({}))["sub"] == "u-durand"  # new kid: one refresh
    assert idp.jwks_hits == before + 1
    assert verifier.verify(idp.mint({}))["sub"] == "u-durand"  # cached now
    assert idp.jwks_hits == before + 1
    retired = idp.key
    idp.rotate("ES256", drop_old=True)  # to an EC key, the RSA ones retired
    assert verifier.verify(idp.mint({}))["sub"] == "u-durand"
    with pytest.raises(oidc.OidcError):  # a token signed by a retired key is refused once the keys are refreshed
        verifier.verify(idp.mint({}, key=retired))
    idp.rotate("RS256")


def test_random_key_ids_do_not_make_us_hammer_the_provider(idp, tmp_path):
    patient = oidc.Provider(_settings(idp, tmp_path))  # the default cooldown
    patient.verify(idp.mint({}))
    before = idp.jwks_hits
    from joserfc.jwk import RSAKey
    for n in range(20):
        stranger = RSAKey.generate_key(2048, parameters={"kid": f"forged-{n}"}, private=True)
        with pytest.raises(oidc.OidcError):
            patient.verify(idp.mint({}, key=stranger, alg="RS256"))
    assert idp.jwks_hits - before <= 1


def test_expiry_with_a_small_leeway(idp, verifier):
    now = int(time.time())
    assert verifier.verify(idp.mint({"iat": now - 300, "exp": now - 10}))  # within the 30 s leeway
    with pytest.raises(oidc.OidcError, match="expired"):
        verifier.verify(idp.mint({"iat": now - 300, "exp": now - 60}))
    with pytest.raises(oidc.OidcError):
        verifier.verify(idp.mint({"nbf": now + 600}))  # not yet valid


def test_issuer_and_audience_must_match_exactly(idp, verifier):
    for claims in ({"iss": "https://idp.ailleurs.example"}, {"iss": idp.issuer + "/"}, {"aud": "une-autre-app"},
                   {"aud": ["une-autre-app", "encore-une"]}, {"sub": None}, {"exp": None}, {"iat": None}):
        with pytest.raises(oidc.OidcError):
            verifier.verify(idp.mint(claims))
    # several audiences: only with this client as the authorized party
    both = [idp.client.client_id, "une-autre-app"]
    with pytest.raises(oidc.OidcError, match="azp"):
        verifier.verify(idp.mint({"aud": both}))
    assert verifier.verify(idp.mint({"aud": both, "azp": idp.client.client_id}))
    # access tokens of the customer area carry OIDC_AUDIENCE, not the client id
    assert verifier.verify(idp.mint({"aud": "espace-client-api"}), audience="espace-client-api")
    with pytest.raises(oidc.OidcError):
        verifier.verify(idp.mint({"aud": "espace-client-api"}))


def test_another_provider_claiming_our_issuer_is_refused(idp, verifier):
    other = OidcProvider({}, redirect_uris=[REDIRECT])  # its own keys, never published by our provider
    token = other.mint({"iss": idp.issuer, "aud": idp.client.client_id})
    with pytest.raises(oidc.OidcError):
        verifier.verify(token)


def test_algorithm_tricks_are_refused(idp, verifier, tmp_path):
    verifier.verify(idp.mint({}))
    now = int(time.time())
    claims = {"iss": idp.issuer, "aud": idp.client.client_id, "sub": "u-durand", "iat": now, "exp": now + 300}
    body = _b64(json.dumps(claims).encode())
    key = idp.key
    public_pem = key.as_pem(private=False)
    # HS256 "signed" with the provider's public key (the classic RS256 -> HS256 confusion)
    head = _b64(json.dumps({"alg": "HS256", "kid": key.kid, "typ": "JWT"}).encode())
    sig = hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    with pytest.raises(oidc.OidcError, match="algorithm"):
        verifier.verify(f"{head}.{body}.{_b64(sig)}")
    # the public JWK's JSON as the HMAC secret
    sig = hmac.new(json.dumps(key.as_dict(private=False)).encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    with pytest.raises(oidc.OidcError, match="algorithm"):
        verifier.verify(f"{head}.{body}.{_b64(sig)}")
    # unsigned, in several spellings
    for alg in ("none", "None", "NONE", ""):
        head = _b64(json.dumps({"alg": alg, "kid": key.kid}).encode())
        with pytest.raises(oidc.OidcError):
            verifier.verify(f"{head}.{body}.")
    # an allowed algorithm label on a key of another type (RS256 header naming the EC key's kid)
    idp.rotate("ES256")
    ec = idp.key
    _, signed_body, signature = idp.mint({}, key=ec).split(".")
    relabelled = _b64(json.dumps({"alg": "RS256", "kid": ec.kid}).encode())
    with pytest.raises(oidc.OidcError):
        verifier.verify(f"{relabelled}.{signed_body}.{signature}")
    # an asymmetric algorithm the settings do not allow
    strict = oidc.Provider(_settings(idp, tmp_path, OIDC_ALGORITHMS="RS256"), refresh_cooldown=0)
    with pytest.raises(oidc.OidcError, match="algorithm"):
        strict.verify(idp.mint({}, key=ec))
    idp.rotate("RS256")


def test_garbage_is_refused_without_calling_the_provider(verifier):
    for junk in (None, 42, "", "a.b", "x" * 20000, "é.é.é", "eyJhbGciOiJSUzI1NiJ9.e30.", b"abc"):
        with pytest.raises(oidc.OidcError):
            verifier.verify(junk)


def test_roles_and_agent_identity_come_from_the_configured_claims(idp, tmp_path):
    p = oidc.Provider(_settings(idp, tmp_path, OIDC_ROLES_CLAIM="realm_access.roles"))
    assert p.roles_of({"realm_access": {"roles": ["claims_agent"]}}) == (ROLE_AGENT,)
    assert p.roles_of({"realm_access": {"roles": ["claims_supervisor"]}}) == (ROLE_AGENT, ROLE_SUPERVISOR)
    assert p.roles_of({"realm_access": {"roles": "claims_agent other"}}) == (ROLE_AGENT,)
    for nothing in ({}, {"realm_access": ["claims_agent"]}, {"realm_access": {"roles": [["claims_agent"]]}},
                    {"roles": ["claims_agent"]}, {"realm_access": {"roles": ["CLAIMS_AGENT", "claims_agent_x"]}}):
        assert p.roles_of(nothing) == ()
    agent = p.agent_of({"sub": "a-1", "given_name": "Claire", "family_name": "Martin",
                        "realm_access": {"roles": ["claims_agent"]}})
    assert agent.subject == "agent:a-1" and agent.name == "Claire Martin" and agent.roles == (ROLE_AGENT,)
    assert p.agent_of({"sub": "a-2", "name": "  ", "realm_access": {"roles": []}}) is None
    assert p.agent_of({"sub": "x" * 101, "realm_access": {"roles": ["claims_agent"]}}) is None
    custom = oidc.Provider(_settings(idp, tmp_path, OIDC_AGENT_ROLE="gestionnaires", OIDC_ROLES_CLAIM="groups"))
    assert custom.roles_of({"groups": ["gestionnaires"]}) == (ROLE_AGENT,)
    assert custom.roles_of({"groups": ["claims_agent"]}) == ()
