"""Sign-in through a real OpenID Connect provider (tests/oidc_provider.py: Authlib's authorization server on
127.0.0.1) against the real web server (web/server.py in its own process, demo mode OFF): the page and the
desk (Authorization Code + PKCE done by the web server), the token exchange of the embedded widget, and
what is refused. The last tests drive Debian's Chromium through the provider's sign-in form."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.e2e.stack import free_port
from tests.oidc_provider import OidcProvider, User, sign_in_with_requests
from tests.runtimes import python_for

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUT = Path(__file__).resolve().parents[1] / "_out"
FRENCH_404 = "démonstration n’est pas disponible"

USERS = {
    "jeanne": User("u-durand", "Jeanne Durand", "pw-jeanne", email="jeanne@example.org"),  # mapped to company 1
    "inconnu": User("u-nobody", "Paul Inconnu", "pw-inconnu"),                            # not in the store
    "claire": User("a-claire", "Claire Martin", "pw-claire", roles=["claims_agent"]),
    "sophie": User("a-sophie", "Sophie Durand", "pw-sophie", roles=["claims_agent", "claims_supervisor"]),
    "bob": User("a-bob", "Bob Comptable", "pw-bob", roles=["accounting"]),
}


@pytest.fixture(scope="module")
def oidc_web(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("oidc-web")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    provider = OidcProvider(USERS, client_secret="client-secret-" + "c" * 30,
                            redirect_uris=[f"{base}/auth/callback"]).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "DEMO_MODE", "APP_ENV"))}
    env.update({
        "PYTHONPATH": str(ROOT), "ASSISTANT_VAR_DIR": str(tmp), "JWT_SECRET": "oidc-e2e-" + "j" * 40,
        "DATABASE_URL": f"sqlite:///{tmp / 'claims.db'}", "REDIS_URL": "", "WEB_PORT": str(port),
        "PUBLIC_HOST": "127.0.0.1", "PUBLIC_BASE_URL": base, "RASA_API_TOKEN": "api-" + "r" * 40,
        "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": provider.client.client_id,
        "OIDC_CLIENT_SECRET": provider.client.client_secret, "OIDC_AUDIENCE": "espace-client-api",
        "RATE_LIMIT_LOGIN_IP": "500/60",  # every sign-in of this module comes from 127.0.0.1 (limits: tests/web)
    })
    subprocess.run([python_for("domain"), "-m", "bot.store.seed", "--demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    _link_subject(env["DATABASE_URL"], policyholder_id=1, subject="u-durand")
    log = open(tmp / "web.log", "w")
    proc = subprocess.Popen([python_for("web"), "web/server.py", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            if requests.get(f"{base}/api/config", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.25)
    else:
        proc.terminate()
        raise RuntimeError((tmp / "web.log").read_text())
    yield base, provider, env
    proc.terminate()
    proc.wait(timeout=20)
    provider.stop()
    assert "Traceback" not in (tmp / "web.log").read_text()


def _link_subject(url, *, policyholder_id, subject):
    from bot.store import queries
    from bot.store.db import get_engine, session_scope

    with session_scope(get_engine(url)) as session:
        email = next(a.user_email for a in queries.demo_accounts(session) if a.policyholder_id == policyholder_id)
        assert queries.link_oidc_subject(session, email, subject)


def _settings(env):
    from bot.settings import load_settings
    return load_settings(env)


def _pick_up(base, session):
    return session.post(f"{base}/api/auth/session", timeout=10)


# --- demo mode is off: no demo sign-in of any kind ------------------------------------------------

def test_without_demo_mode_there_is_no_demo_sign_in(oidc_web):
    base, _, _ = oidc_web
    config = requests.get(f"{base}/api/config", timeout=10).json()
    assert config["demo_mode"] is False and config["oidc"] is True
    for method, path, body in (("POST", "/api/demo-login", {"policyholder_id": 1}), ("GET", "/api/demo-accounts", None),
                               ("POST", "/api/agent/demo-login", {"agent_id": "claire.martin"}),
                               ("GET", "/api/agent/demo-agents", None)):
        r = requests.request(method, base + path, json=body, timeout=10)
        assert r.status_code == 404, (path, r.status_code)
        assert FRENCH_404 in r.json()["error"] and "token" not in r.json()


# --- the page: Authorization Code + PKCE through the web server ----------------------------------

def test_a_customer_signs_in_on_the_page_and_gets_a_session_for_the_mapped_company(oidc_web):
    base, provider, env = oidc_web
    s = requests.Session()
    done = sign_in_with_requests(s, f"{base}/auth/login?for=page", "jeanne", "pw-jeanne")
    assert done.status_code == 302 and done.headers["Location"] == "/#signin"
    assert "token" not in done.headers["Location"]  # the session never travels in a URL
    picked = _pick_up(base, s)
    assert picked.status_code == 200, picked.text
    body = picked.json()
    assert body["kind"] == "policyholder" and body["name"] == "Menuiserie Durand SARL"
    from bot.auth import AUD_POLICYHOLDER, verify_token
    principal = verify_token(_settings(env), body["token"], audience=AUD_POLICYHOLDER)
    assert principal.policyholder_id == 1
    again = _pick_up(base, s)  # handed over once
    assert again.status_code == 401 and again.json()["error"]


def test_the_authorization_request_uses_pkce_s256_state_and_nonce(oidc_web):
    base, provider, _ = oidc_web
    first = requests.get(f"{base}/auth/login?for=page", allow_redirects=False, timeout=10)
    location = first.headers["Location"]
    assert location.startswith(provider.issuer + "/authorize?")
    for part in ("code_challenge_method=S256", "code_challenge=", "state=", "nonce=", "response_type=code"):
        assert part in location
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Path=/auth/callback" in cookie and "SameSite=Lax" in cookie


def test_a_subject_unknown_to_the_store_gets_the_anonymous_page_never_a_guess(oidc_web):
    base, _, _ = oidc_web
    s = requests.Session()
    done = sign_in_with_requests(s, f"{base}/auth/login?for=page", "inconnu", "pw-inconnu")
    assert done.headers["Location"] == "/#signin-error=unknown_account"
    assert _pick_up(base, s).status_code == 401


def test_cancelled_or_forged_callbacks_sign_nobody_in(oidc_web):
    base, _, _ = oidc_web
    s = requests.Session()
    denied = sign_in_with_requests(s, f"{base}/auth/login?for=page", "", "", deny=True)
    assert denied.headers["Location"] == "/#signin-error=denied"
    # a callback with a state that is not the one of this browser (login CSRF / code injection)
    s2 = requests.Session()
    s2.get(f"{base}/auth/login?for=page", allow_redirects=False, timeout=10)
    forged = s2.get(f"{base}/auth/callback?code=abc&state=not-mine", allow_redirects=False, timeout=10)
    assert forged.status_code == 302 and forged.headers["Location"] == "/#signin-error=expired"
    # no state cookie at all
    bare = requests.get(f"{base}/auth/callback?code=abc&state=x", allow_redirects=False, timeout=10)
    assert bare.headers["Location"] == "/#signin-error=expired"
    assert _pick_up(base, s2).status_code == 401
    assert requests.get(f"{base}/auth/login?for=admin", allow_redirects=False, timeout=10).status_code == 400


# --- the desk: the agent role is required ------------------------------------------------------------

@pytest.mark.parametrize("user, roles", [("claire", ["claims_agent"]), ("sophie", ["claims_agent", "claims_supervisor"])])
def test_agents_sign_in_on_the_desk_with_their_role_and_name(oidc_web, user, roles):
    base, _, env = oidc_web
    s = requests.Session()
    done = sign_in_with_requests(s, f"{base}/auth/login?for=desk", user, f"pw-{user}")
    assert done.headers["Location"] == "/agent/#signin"
    body = _pick_up(base, s).json()
    assert body["kind"] == "agent" and body["name"] == USERS[user].name
    me = requests.get(f"{base}/api/agent/me", headers={"Authorization": f"Bearer {body['token']}"}, timeout=10).json()
    assert me["roles"] == roles and me["subject"] == "agent:" + USERS[user].sub and me["name"] == USERS[user].name


def test_a_user_without_the_agent_role_is_refused_by_the_desk(oidc_web):
    base, _, _ = oidc_web
    for user in ("bob", "jeanne"):
        s = requests.Session()
        done = sign_in_with_requests(s, f"{base}/auth/login?for=desk", user, f"pw-{user}")
        assert done.headers["Location"] == "/agent/#signin-error=no_role"
        assert _pick_up(base, s).status_code == 401


def test_a_customer_session_is_no_agent_token(oidc_web):
    base, _, _ = oidc_web
    s = requests.Session()
    sign_in_with_requests(s, f"{base}/auth/login?for=page", "jeanne", "pw-jeanne")
    token = _pick_up(base, s).json()["token"]
    r = requests.get(f"{base}/api/agent/tickets", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 401


# --- the embedded widget: the customer area's token exchanged for a session ----------------------

def _exchange(base, token):
    return requests.post(f"{base}/api/auth/exchange", json={"token": token}, timeout=10)


def test_the_customer_areas_access_token_is_exchanged_for_a_session(oidc_web):
    base, provider, env = oidc_web
    r = _exchange(base, provider.mint({"sub": "u-durand", "aud": "espace-client-api"}))
    assert r.status_code == 200, r.text
    assert r.json()["policyholder_id"] == 1 and r.json()["name"] == "Menuiserie Durand SARL"
    unknown = _exchange(base, provider.mint({"sub": "u-nobody", "aud": "espace-client-api"}))
    assert unknown.status_code == 200 and unknown.json()["token"] is None and unknown.json()["anonymous"] is True
    assert "questions générales" in unknown.json()["message"]


def test_the_exchange_refuses_what_the_provider_did_not_sign_for_us(oidc_web):
    base, provider, _ = oidc_web
    now = int(time.time())
    bad = {
        "expired": provider.mint({"aud": "espace-client-api", "iat": now - 900, "exp": now - 120}),
        "other issuer": provider.mint({"aud": "espace-client-api", "iss": "https://idp.ailleurs.example"}),
        "other audience": provider.mint({"aud": "une-autre-application"}),
        "no subject": provider.mint({"aud": "espace-client-api", "sub": None}),
        "garbage": "not-a-token",
    }
    for label, token in bad.items():
        r = _exchange(base, token)
        assert r.status_code == 401, (label, r.status_code, r.text)
        assert "Reconnectez-vous" in r.json()["error"] and "token" not in r.json()
    assert requests.post(f"{base}/api/auth/exchange", data="x", timeout=10).status_code == 415
    assert requests.post(f"{base}/api/auth/exchange", json=[1], timeout=10).status_code == 400


# --- in a browser: Chromium through the provider's own form ---------------------------------------

@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_browser_signs_in_on_the_page_and_on_the_desk_through_the_provider(oidc_web):
    from playwright.sync_api import sync_playwright
    base, _, _ = oidc_web
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_context(locale="fr-FR").new_page()
            page.goto(base + "/")
            page.wait_for_selector("#oidc-login", state="visible", timeout=15000)
            assert not page.is_visible("#demo-signin") and not page.is_visible("#login")  # no demo sign-in
            page.click("#oidc-login")
            page.wait_for_selector("#username", timeout=15000)
            page.fill("#username", "jeanne")
            page.fill("#password", "pw-jeanne")
            page.click("#submit")
            page.wait_for_selector("#signed-in:not([hidden])", timeout=15000)
            assert "Menuiserie Durand" in page.inner_text("#company")
            assert page.url == base + "/"  # the fragment is gone from the address bar
            OUT.mkdir(exist_ok=True)
            page.screenshot(path=str(OUT / "oidc-page.png"), full_page=True)

            desk = browser.new_context(locale="fr-FR").new_page()
            desk.goto(base + "/agent/")
            desk.wait_for_selector("#oidc-login", state="visible", timeout=15000)
            assert not desk.is_visible("#demo-signin")
            desk.click("#oidc-login")
            desk.wait_for_selector("#username", timeout=15000)
            desk.fill("#username", "claire")
            desk.fill("#password", "pw-claire")
            desk.click("#submit")
            desk.wait_for_selector("#desk:not([hidden])", timeout=15000)
            assert desk.inner_text("#agent-name") == "Claire Martin"
            desk.screenshot(path=str(OUT / "oidc-desk.png"), full_page=True)

            refused = browser.new_context(locale="fr-FR").new_page()
            refused.goto(base + "/agent/")
            refused.click("#oidc-login")
            refused.wait_for_selector("#username", timeout=15000)
            refused.fill("#username", "bob")
            refused.fill("#password", "pw-bob")
            refused.click("#submit")
            refused.wait_for_selector("#signin-error:not([hidden])", timeout=15000)
            assert "rôle de conseiller" in refused.inner_text("#signin-error")
            assert refused.is_hidden("#desk")
        finally:
            browser.close()


def test_hostile_sign_in_requests_get_a_4xx_or_a_redirect_never_a_5xx(oidc_web):
    base, provider, _ = oidc_web
    attempts = [
        ("GET", "/auth/callback?code=%ff%fe&state=%ff", {}, None),
        ("GET", "/auth/callback?code=" + "a" * 5000 + "&state=x", {}, None),
        ("GET", "/auth/callback?error=access_denied&state=x", {"Cookie": "ai_oidc=" + "é".encode().decode("latin-1")}, None),
        ("GET", "/auth/callback", {"Cookie": "ai_oidc=not.a.jwt"}, None),
        ("GET", "/auth/login?for=%00", {}, None),
        ("POST", "/api/auth/session", {"Cookie": "ai_signin=" + "x" * 4000}, None),
        ("POST", "/api/auth/session", {"Cookie": "ai_signin=%ff%00"}, None),
        ("POST", "/api/auth/exchange", {"Content-Type": "application/json"}, b'{"token": "\\udcff"}'),
        ("POST", "/api/auth/exchange", {"Content-Type": "application/json"}, b'{"token": ' + b'"a.' * 3000 + b'"}'),
        ("POST", "/api/auth/exchange", {"Content-Type": "application/json"}, b"[" * 1000 + b"]" * 1000),
        ("POST", "/api/auth/exchange", {"Content-Type": "application/json"}, b'{"token": null}'),
        ("POST", "/api/auth/exchange", {"Content-Type": "application/json"}, b'{"token": "' + b"x" * 30000 + b'"}'),
    ]
    for method, path, headers, body in attempts:
        r = requests.request(method, base + path, headers=headers, data=body, allow_redirects=False, timeout=20)
        assert r.status_code < 500, (path, r.status_code, r.text[:200])
        if r.status_code >= 400:
            assert r.json()["error"], path
    assert requests.get(f"{base}/api/config", timeout=10).status_code == 200
