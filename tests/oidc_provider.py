"""A real OpenID Connect provider for the sign-in tests, on 127.0.0.1: Authlib's authorization server
(Flask integration) with the Authorization Code grant, PKCE (RFC 7636) and the OpenID Connect code
extension, a discovery document, a JWKS endpoint and a sign-in form.

It stands for the insurer's identity provider: it signs ID tokens with its own keys (joserfc keys,
RS256 or ES256), publishes them at ``/jwks``, and can rotate them (:meth:`OidcProvider.rotate`).
:meth:`OidcProvider.mint` signs arbitrary claims with its current key, for the attack cases that a
well-behaved provider would never issue (expired, another audience...) but a thief could replay.

    provider = OidcProvider(users={"durand": User("u-durand", "Jeanne Durand", "pw")}).start()
    provider.issuer, provider.client_id, provider.client_secret
    provider.stop()
"""
from __future__ import annotations

import html
import secrets
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, Response, jsonify, request
from joserfc import jwt as jose_jwt
from joserfc.jwk import ECKey, KeySet, RSAKey
from werkzeug.serving import make_server


@dataclass
class User:
    sub: str
    name: str
    password: str
    roles: Sequence[str] = ()
    email: str = ""


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: List[str]
    scope: str = "openid profile email"

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope):
        allowed = set(self.scope.split())
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris  # exact match, as real providers do

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret or "", self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in (("client_secret_basic", "client_secret_post") if self.client_secret else ("none",))

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: User
    nonce: Optional[str]
    code_challenge: Optional[str]
    code_challenge_method: Optional[str]
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OidcProvider:
    def __init__(self, users: Dict[str, User], *, client_id: str = "assistant-indemnisation",
                 client_secret: str = "", redirect_uris: Sequence[str] = (), alg: str = "RS256",
                 roles_claim: str = "roles"):
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}/realms/assureur"
        self.users = dict(users)
        self.client = Client(client_id, client_secret or secrets.token_urlsafe(32), list(redirect_uris))
        self.roles_claim = roles_claim
        self.keys: List[Any] = []
        self.alg = alg
        self.rotate(alg)
        self.codes: Dict[str, Code] = {}
        self.jwks_hits = 0
        self.token_hits = 0
        self.lock = threading.Lock()
        self.app = self._build()
        self._server = None
        self._thread: Optional[threading.Thread] = None

    # --- keys ----------------------------------------------------------------------------------

    @property
    def key(self):
        return self.keys[-1]

    def rotate(self, alg: str = "RS256", *, drop_old: bool = False):
        """A new signing key (published at once in the JWKS); the old ones stay published unless ``drop_old``."""
        kid = f"k{len(self.keys) + 1}-{uuid.uuid4().hex[:8]}"
        if alg.startswith("ES"):
            key = ECKey.generate_key("P-256", parameters={"kid": kid, "use": "sig", "alg": alg}, private=True)
        else:
            key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": alg}, private=True)
        self.keys = ([] if drop_old else self.keys) + [key]
        self.alg = alg
        return key

    def jwks(self) -> Dict[str, Any]:
        return KeySet(self.keys).as_dict(private=False)

    def mint(self, claims: Dict[str, Any], *, key=None, alg: Optional[str] = None,
             header: Optional[Dict[str, Any]] = None) -> str:
        """Sign ``claims`` (merged over sane defaults) with the provider's current key."""
        key = key or self.key
        now = int(time.time())
        body = {"iss": self.issuer, "aud": self.client.client_id, "sub": "u-durand", "iat": now, "exp": now + 300,
                **claims}
        body = {k: v for k, v in body.items() if v is not None}
        head = {"alg": alg or key.get("alg") or self.alg, "kid": key.kid, **(header or {})}
        return jose_jwt.encode(head, body, key, algorithms=[head["alg"]])

    # --- the server ----------------------------------------------------------------------------

    def _build(self) -> Flask:
        app = Flask("oidc-provider")
        app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": 300}
        provider = self

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

            def save_authorization_code(self, code, req):
                data = req.payload.data
                with provider.lock:
                    provider.codes[code] = Code(code, req.client.client_id, req.payload.redirect_uri, req.scope,
                                                req.user, data.get("nonce"), data.get("code_challenge"),
                                                data.get("code_challenge_method"))

            def query_authorization_code(self, code, client):
                item = provider.codes.get(code)
                return item if item is not None and item.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class IdToken(OpenIDCode):
            def resolve_client_private_key(self, client):
                return provider.key

            def get_client_algorithm(self, client):
                return provider.alg

            def get_encode_header(self, client):
                return {"alg": provider.alg, "kid": provider.key.kid, "typ": "JWT"}

            def get_client_claims(self, client):
                return {"iss": provider.issuer, "aud": [client.get_client_id()], "exp": int(time.time()) + 300}

            def exists_nonce(self, nonce, req):
                return any(c.nonce == nonce for c in provider.codes.values())

            def generate_user_info(self, user, scope):
                info: Dict[str, Any] = {"sub": user.sub, "name": user.name, provider.roles_claim: list(user.roles)}
                if user.email:
                    info["email"] = user.email
                return info

        server = AuthorizationServer(app, query_client=lambda cid: provider.client if cid == provider.client.client_id
                                     else None, save_token=lambda token, req: None)
        server.register_grant(CodeGrant, [CodeChallenge(required=True), IdToken(require_nonce=True)])

        @app.get("/realms/assureur/.well-known/openid-configuration")
        def discovery():
            base = provider.issuer
            return jsonify({
                "issuer": base, "authorization_endpoint": f"{base}/authorize", "token_endpoint": f"{base}/token",
                "jwks_uri": f"{base}/jwks", "response_types_supported": ["code"],
                "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
            })

        @app.get("/realms/assureur/jwks")
        def jwks():
            with provider.lock:
                provider.jwks_hits += 1
            return jsonify(provider.jwks())

        @app.route("/realms/assureur/authorize", methods=["GET", "POST"])
        def authorize():
            if request.method == "GET":
                try:
                    server.get_consent_grant(end_user=None)
                except OAuth2Error as exc:  # an invalid request: no form, as a real provider
                    return Response(f"invalid request: {getattr(exc, 'error', exc)}", status=400)
                return _form(request.query_string.decode(), "")
            if request.form.get("deny"):
                return server.create_authorization_response(grant_user=None)
            user = provider.users.get(request.form.get("username", ""))
            if user is None or not secrets.compare_digest(user.password, request.form.get("password", "")):
                return _form(request.query_string.decode(), "Identifiant ou mot de passe incorrect.")
            return server.create_authorization_response(grant_user=user)

        @app.post("/realms/assureur/token")
        def token():
            with provider.lock:
                provider.token_hits += 1
            return server.create_token_response()

        return app

    def start(self) -> "OidcProvider":
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._thread.join(timeout=10)


def _form(query: str, error: str) -> Response:
    page = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Espace client – connexion</title></head>
<body><h1>Connexion à votre espace client</h1>
<p id="error">{html.escape(error)}</p>
<form method="post" action="?{html.escape(query)}">
<label>Identifiant <input id="username" name="username" autocomplete="username"></label>
<label>Mot de passe <input id="password" name="password" type="password"></label>
<button id="submit" type="submit" name="login" value="1">Continuer</button>
<button id="deny" type="submit" name="deny" value="1">Annuler</button>
</form></body></html>"""
    return Response(page, mimetype="text/html")


def sign_in_with_requests(session, start_url: str, username: str, password: str, *, deny: bool = False):
    """Drive the whole code flow without a browser: the web server's /auth/login, the provider's form, the
    callback. Returns the last response (the redirect to the page or the desk), not followed."""
    from urllib.parse import urljoin

    first = session.get(start_url, allow_redirects=False, timeout=10)
    assert first.status_code == 302, (first.status_code, first.text[:300])
    authorize = first.headers["Location"]
    form = session.get(authorize, timeout=10)
    assert form.status_code == 200, form.text[:300]
    data = {"deny": "1"} if deny else {"username": username, "password": password, "login": "1"}
    answer = session.post(authorize, data=data, allow_redirects=False, timeout=10)
    if answer.status_code != 302:
        return answer
    callback = answer.headers["Location"]
    return session.get(urljoin(start_url, callback), allow_redirects=False, timeout=20)
