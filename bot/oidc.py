"""Sign-in through the insurer's OpenID Connect provider: verification of its tokens, and the
Authorization Code + PKCE flow of the web server.

Kept libraries do the protocol work: PyJWT's :class:`jwt.PyJWKClient` fetches and caches the
provider's keys (JWKS) and :func:`jwt.decode` checks signatures and registered claims; Authlib's
OAuth 2.0 client builds the authorization request (PKCE S256) and exchanges the code. What this
module adds are the rules of this product:

- the discovery document (``<issuer>/.well-known/openid-configuration``) must name exactly the
  configured issuer; it and the keys are cached ``OIDC_JWKS_CACHE_SECONDS``; a token signed with a
  key id not in the cache refreshes the keys at once (key rotation), at most every
  :data:`MIN_REFRESH_SECONDS` (random key ids cannot make us hammer the provider);
- the ``alg`` of a token must be one of ``OIDC_ALGORITHMS`` ∩ the asymmetric algorithms ∩ what the
  provider announces; the key must be of the matching type (``HS256`` signed with the public key,
  ``none``, a symmetric JWK: refused before any verification);
- ``iss`` exactly, ``aud`` (the client id for ID tokens, ``OIDC_AUDIENCE`` for access tokens; with
  several audiences ``azp`` must be this client), ``exp`` / ``iat`` / ``nbf`` with
  ``OIDC_LEEWAY_SECONDS`` of clock skew, ``sub`` required, ``nonce`` for the code flow;
- a customer is the value of ``OIDC_SUBJECT_CLAIM`` looked up in the store (``users.oidc_subject``);
  an unknown value is nobody (the anonymous experience), never a guess;
- an agent needs ``OIDC_AGENT_ROLE`` or ``OIDC_SUPERVISOR_ROLE`` in ``OIDC_ROLES_CLAIM``; the name shown
  to customers is ``OIDC_NAME_CLAIM``.

Every call is blocking (HTTP to the provider): the web server runs them in a thread. No Rasa import.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple

import jwt
import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session

from bot.auth import ROLE_AGENT, ROLE_SUPERVISOR
from bot.settings import OidcSettings

ASYMMETRIC = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})
KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC"}
MIN_REFRESH_SECONDS = 10.0
MAX_TOKEN_LENGTH = 16384
MAX_SUBJECT_LENGTH = 255
AGENT_PREFIX = "agent:"


class OidcError(Exception):
    """A token or an answer of the provider that cannot be trusted; ``reason`` is short and safe to log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ProviderUnavailableError(OidcError):
    """The provider could not be reached or answered nonsense (discovery, keys, token endpoint)."""


@dataclass(frozen=True)
class Metadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    algorithms: Tuple[str, ...]
    end_session_endpoint: str = ""


@dataclass(frozen=True)
class AgentIdentity:
    subject: str          # "agent:<sub>"
    name: str
    roles: Tuple[str, ...]


class Provider:
    """One configured provider: discovery, keys, verification, and the code flow's two HTTP steps."""

    def __init__(self, settings: OidcSettings, *, clock=time.time, refresh_cooldown: float = MIN_REFRESH_SECONDS):
        if not settings.enabled:
            raise OidcError("not configured")
        self.settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._metadata: Optional[Metadata] = None
        self._metadata_at = 0.0
        self._jwks: Optional[jwt.PyJWKClient] = None
        self._cooldown = refresh_cooldown

    # --- discovery and keys -----------------------------------------------------------------

    def metadata(self) -> Metadata:
        with self._lock:
            fresh = self._metadata is not None and self._clock() - self._metadata_at < self.settings.jwks_cache_seconds
            if fresh:
                return self._metadata
            url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                answer = requests.get(url, timeout=self.settings.http_timeout_seconds)
                answer.raise_for_status()
                doc = answer.json()
            except (requests.RequestException, ValueError) as exc:
                if self._metadata is not None:  # the provider blinked: keep what we had
                    return self._metadata
                raise ProviderUnavailableError(f"discovery failed ({type(exc).__name__})") from None
            if not isinstance(doc, dict) or doc.get("issuer") != self.settings.issuer:
                raise ProviderUnavailableError("discovery document of another issuer")
            try:
                announced = doc.get("id_token_signing_alg_values_supported") or sorted(ASYMMETRIC)
                metadata = Metadata(
                    issuer=doc["issuer"], authorization_endpoint=str(doc["authorization_endpoint"]),
                    token_endpoint=str(doc["token_endpoint"]), jwks_uri=str(doc["jwks_uri"]),
                    algorithms=tuple(a for a in announced if isinstance(a, str)),
                    end_session_endpoint=str(doc.get("end_session_endpoint") or ""))
            except KeyError as exc:
                raise ProviderUnavailableError(f"discovery document without {exc.args[0]}") from None
            if self._metadata is None or metadata.jwks_uri != self._metadata.jwks_uri:
                self._jwks = jwt.PyJWKClient(metadata.jwks_uri, cache_keys=False, cache_jwk_set=True,
                                             lifespan=max(1, self.settings.jwks_cache_seconds),
                                             timeout=self.settings.http_timeout_seconds,
                                             cooldown_duration=self._cooldown)
            self._metadata, self._metadata_at = metadata, self._clock()
            return metadata

    def allowed_algorithms(self) -> Tuple[str, ...]:
        announced = set(self.metadata().algorithms)
        return tuple(a for a in self.settings.algorithms if a in ASYMMETRIC and a in announced)

    def _key(self, kid: str) -> jwt.PyJWK:
        """The provider's key ``kid``; an unknown id refetches the JWKS once (PyJWKClient, with a cooldown)."""
        self.metadata()
        try:
            return self._jwks.get_signing_key(kid)
        except jwt.PyJWKClientConnectionError:
            raise ProviderUnavailableError("keys unavailable") from None
        except jwt.PyJWKClientError:
            raise OidcError("unknown key id") from None

    # --- tokens ------------------------------------------------------------------------------

    def verify(self, token: Any, *, audience: Optional[str] = None, nonce: Optional[str] = None) -> Dict[str, Any]:
        """The claims of a token signed by the provider for ``audience`` (default: the client id)."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            raise OidcError("malformed token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise OidcError("malformed token") from None
        alg, kid = header.get("alg"), header.get("kid")
        if not isinstance(alg, str) or alg not in self.allowed_algorithms():
            raise OidcError("algorithm not allowed")
        if not isinstance(kid, str) or not kid or len(kid) > 200:
            raise OidcError("no key id")
        key = self._key(kid)
        if key.key_type != KEY_TYPES[alg[:2]]:
            raise OidcError("key of another type")
        expected = audience or self.settings.client_id
        try:
            # a PyJWK key: PyJWT also refuses a header alg other than the key's own algorithm
            claims = jwt.decode(
                token, key, algorithms=[alg], audience=expected, issuer=self.settings.issuer,
                leeway=min(120, self.settings.leeway_seconds),
                options={"require": ["exp", "iat", "iss", "aud", "sub"], "verify_signature": True},
            )
        except jwt.ExpiredSignatureError:
            raise OidcError("expired token") from None
        except jwt.PyJWTError as exc:
            raise OidcError(f"invalid token ({type(exc).__name__})") from None
        aud = claims.get("aud")
        if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != self.settings.client_id:
            raise OidcError("several audiences without this client as azp")
        if nonce is not None and not (isinstance(claims.get("nonce"), str)
                                      and secrets.compare_digest(claims["nonce"], nonce)):
            raise OidcError("wrong nonce")
        return claims

    # --- what a verified token means here ----------------------------------------------------

    def subject_of(self, claims: Mapping[str, Any]) -> Optional[str]:
        """The value the store maps to a policyholder (``OIDC_SUBJECT_CLAIM``), or None."""
        value = claims.get(self.settings.subject_claim)
        return value if isinstance(value, str) and 0 < len(value) <= MAX_SUBJECT_LENGTH else None

    def roles_of(self, claims: Mapping[str, Any]) -> Tuple[str, ...]:
        """This product's roles (bot.auth.ROLE_*) granted by the provider's roles/groups claim."""
        value: Any = claims
        for part in self.settings.roles_claim.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if isinstance(value, str):
            value = value.split()
        granted = {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()
        roles = set()
        if self.settings.agent_role in granted or self.settings.supervisor_role in granted:
            roles.add(ROLE_AGENT)
        if self.settings.supervisor_role in granted:
            roles.add(ROLE_SUPERVISOR)
        return tuple(sorted(roles))

    def agent_of(self, claims: Mapping[str, Any]) -> Optional[AgentIdentity]:
        """The agent behind verified claims, or None without the agent (or supervisor) role."""
        roles = self.roles_of(claims)
        sub = claims.get("sub")
        if ROLE_AGENT not in roles or not isinstance(sub, str) or not sub or len(sub) > 100:
            return None
        name = claims.get(self.settings.name_claim)
        if not isinstance(name, str) or not name.strip():
            parts = [claims.get("given_name"), claims.get("family_name")]
            name = " ".join(p for p in parts if isinstance(p, str) and p.strip())
        name = " ".join(str(name or "").split())[:80] or "Conseiller"
        return AgentIdentity(subject=AGENT_PREFIX + sub, name=name, roles=roles)

    # --- Authorization Code + PKCE (the web server is the client) ------------------------------

    def _client(self, redirect_uri: str) -> OAuth2Session:
        method = "client_secret_basic" if self.settings.client_secret else "none"
        return OAuth2Session(client_id=self.settings.client_id, client_secret=self.settings.client_secret or None,
                             scope=self.settings.scopes, redirect_uri=redirect_uri,
                             token_endpoint_auth_method=method, code_challenge_method="S256")

    def authorization_url(self, redirect_uri: str, *, state: str, nonce: str, code_verifier: str) -> str:
        client = self._client(redirect_uri)
        url, _ = client.create_authorization_url(self.metadata().authorization_endpoint, state=state, nonce=nonce,
                                                 code_verifier=code_verifier)
        return url

    def exchange_code(self, redirect_uri: str, *, code: str, code_verifier: str, nonce: str) -> Dict[str, Any]:
        """The verified claims of the ID token the provider gives for ``code``."""
        client = self._client(redirect_uri)
        try:
            tokens = client.fetch_token(self.metadata().token_endpoint, grant_type="authorization_code", code=code,
                                        code_verifier=code_verifier, timeout=self.settings.http_timeout_seconds)
        except requests.RequestException:
            raise ProviderUnavailableError("token endpoint unreachable") from None
        except (AuthlibBaseError, ValueError, TypeError) as exc:  # invalid_grant..., or not a token answer
            raise OidcError(f"code refused ({getattr(exc, 'error', None) or type(exc).__name__})") from None
        id_token = tokens.get("id_token") if isinstance(tokens, Mapping) else None
        if not isinstance(id_token, str):
            raise OidcError("no ID token")
        return self.verify(id_token, audience=self.settings.client_id, nonce=nonce)


_providers: Dict[Tuple[Any, ...], Provider] = {}
_providers_lock = threading.Lock()


def provider(settings: OidcSettings) -> Optional[Provider]:
    """The process-wide :class:`Provider` of these settings (its caches shared), or None when OIDC is off."""
    if not settings.enabled:
        return None
    key = (settings.issuer, settings.client_id, settings.audience, settings.algorithms, settings.jwks_cache_seconds)
    with _providers_lock:
        if key not in _providers:
            _providers[key] = Provider(settings)
        return _providers[key]


def new_pkce() -> Tuple[str, str, str]:
    """(state, nonce, code_verifier): random, URL-safe."""
    return secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
