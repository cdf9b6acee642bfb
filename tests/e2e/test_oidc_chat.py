"""The whole product signed into through a real OpenID Connect provider (tests/oidc_provider.py), demo mode
off: in Chromium, the customer signs in on the page through the provider's form and the assistant answers
with the mapped company's claim; the session token given by the web server is the one the channels check."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.stack import start_stack
from tests.oidc_provider import OidcProvider, User

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUT = Path(__file__).resolve().parents[1] / "_out"


@pytest.fixture(scope="module")
def oidc_stack(tmp_path_factory):
    provider = OidcProvider({"jeanne": User("u-durand", "Jeanne Durand", "pw-jeanne")},
                            client_secret="chat-secret-" + "s" * 30).start()
    stack = start_stack(tmp_path_factory.mktemp("oidc-stack"), {
        "DEMO_MODE": "0", "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": provider.client.client_id,
        "OIDC_CLIENT_SECRET": provider.client.client_secret})
    provider.client.redirect_uris.append(f"{stack.web_url}/auth/callback")  # the port is known once started
    from bot.store import queries
    from bot.store.db import get_engine, session_scope
    with session_scope(get_engine(stack.settings().database.url)) as session:
        email = next(a.user_email for a in queries.demo_accounts(session) if a.policyholder_id == 1)
        assert queries.link_oidc_subject(session, email, "u-durand")
    yield stack
    stack.stop()
    provider.stop()


def test_signed_in_through_the_provider_the_customer_gets_their_claim(oidc_stack):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_context(viewport={"width": 1100, "height": 900}, locale="fr-FR").new_page()
            page.goto(oidc_stack.web_url + "/")
            page.wait_for_selector("#oidc-login", state="visible", timeout=15000)
            assert page.is_hidden("#demo-signin")
            page.click("#oidc-login")
            page.wait_for_selector("#username", timeout=15000)
            page.fill("#username", "jeanne")
            page.fill("#password", "pw-jeanne")
            page.click("#submit")
            page.wait_for_selector("#signed-in:not([hidden])", timeout=15000)
            page.wait_for_function(  # the widget greets on open
                "() => Array.from(document.querySelectorAll('.rw-response')).some(e => e.innerText.includes('Bonjour'))",
                timeout=60000)
            box = page.locator(".rw-new-message")
            box.wait_for(timeout=60000)
            box.fill("Où en est mon dossier SIN-2021-000123 ?")
            box.press("Enter")
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.rw-response')).some(e => e.innerText.includes('€'))",
                timeout=60000)
            answers = "\n".join(page.locator(".rw-response").all_inner_texts())
            assert "SIN-2021-000123" in answers
            OUT.mkdir(exist_ok=True)
            page.screenshot(path=str(OUT / "oidc-chat.png"), full_page=True)
        finally:
            browser.close()
