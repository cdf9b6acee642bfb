"""Agent → bot referral links through the running stack: API, socket, browser, and the logs.

The link tokens created here are collected; the last test reads every server log of the stack and
checks that none of them (nor the session tokens the page got for them) was ever written.
"""
import os
import re
import shutil
import urllib.parse
from pathlib import Path

import pytest
import requests

from tests.sio_client import converse, texts

OWN_REF, FOREIGN_REF = "SIN-2021-000123", "SIN-2021-000456"
SECRETS_SEEN = []  # every link token / session token of this module, for the log check
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUT = Path(__file__).resolve().parents[1] / "_out"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture()
def agent_headers(stack):
    """A supervisor (may refer any policyholder): the link mechanics; who may create links is tested in
    tests/security/test_referral_permissions.py."""
    from bot.auth import AUD_AGENT, ROLE_AGENT, ROLE_SUPERVISOR, issue_token
    token = issue_token(stack.settings(), audience=AUD_AGENT, subject="agent:e2e", name="Agent E2E",
                        roles=(ROLE_AGENT, ROLE_SUPERVISOR))
    return {"Authorization": f"Bearer {token}"}


def create(stack, headers, **body):
    payload = {"policyholder_id": 1, "topic": "claim_status", "claim_ref": OWN_REF, **body}
    return requests.post(f"{stack.web_url}/api/referral/create", json=payload, headers=headers, timeout=10)


def new_link(stack, headers, **body):
    r = create(stack, headers, **body)
    assert r.status_code == 201, r.text
    link = r.json()["link"]
    SECRETS_SEEN.append(link.split("#referral=", 1)[1])
    return r.json()


def redeem(stack, token):
    return requests.post(f"{stack.web_url}/api/referral/redeem", json={"token": token}, timeout=10)


# --- in process (no stack): the API module alone, its logs and its rate limit ---------------------

@pytest.fixture()
def api_store(tmp_path, monkeypatch):
    """A migrated, seeded SQLite store; settings and the rate limiter rebuilt from the test's environment."""
    import bot.settings as settings_module
    from bot import ratelimit
    from bot.store.db import get_engine, migrate
    from bot.store.seed import seed_demo
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    for key, value in {"DATABASE_URL": url, "JWT_SECRET": "api-" + "a" * 44, "ASSISTANT_VAR_DIR": str(tmp_path),
                       "RATE_LIMIT_API_IP": "6/600"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(settings_module, "_cached", None)
    migrate(url)
    seed_demo(get_engine(url))
    ratelimit.reset_limiter()
    yield url
    ratelimit.reset_limiter()


def test_api_logs_no_token_and_limits_redeem_attempts(api_store, caplog, monkeypatch):
    import asyncio
    import logging
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.auth import AUD_AGENT, ROLE_SUPERVISOR, issue_token
    from bot.settings import get_settings
    from web.api import referral as referral_api

    agent = {"Authorization": "Bearer " + issue_token(get_settings(), audience=AUD_AGENT, subject="agent:t",
                                                      roles=(ROLE_SUPERVISOR,))}

    async def scenario():
        app = web.Application()
        referral_api.add_routes(app)
        async with TestClient(TestServer(app)) as client:
            created = await client.post("/api/referral/create", headers=agent,
                                        json={"policyholder_id": 1, "topic": "fees"})
            token = (await created.json())["link"].split("#referral=", 1)[1]
            statuses = []
            for _ in range(5):  # 1 creation + 5 redeems = 6 calls: all within the allowance
                statuses.append((await client.post("/api/referral/redeem", json={"token": token})).status)
            over = await client.post("/api/referral/redeem", json={"token": token})
            return token, statuses, over.status, await over.json()

    with caplog.at_level(logging.DEBUG):
        token, statuses, over_status, over_body = asyncio.run(scenario())
    assert statuses == [200, 410, 410, 410, 410]
    assert over_status == 429 and over_body["error"]
    assert "referral link refused (used)" in caplog.text
    assert token not in caplog.text and token.split(".")[2] not in caplog.text


# --- through the running stack ----------------------------------------------------------------

def test_agent_creates_a_link_with_sms_and_email(stack, agent_headers):
    body = new_link(stack, agent_headers)
    link = body["link"]
    assert link.startswith(stack.web_url + "/#referral=")
    token = link.split("#referral=", 1)[1]
    assert token not in urllib.parse.urlsplit(link).path + urllib.parse.urlsplit(link).query  # fragment only
    assert link in body["sms"] and link in body["email"]["body"] and OWN_REF in body["email"]["subject"]
    assert body["policyholder"] == {"id": 1, "name": "Menuiserie Durand SARL"}
    assert body["expires_in"] == 900


def test_creation_needs_an_agent_token_and_an_owned_claim(stack, agent_headers, token_for):
    assert create(stack, {}).status_code == 401
    policyholder = {"Authorization": f"Bearer {token_for(1)}"}
    assert create(stack, policyholder).status_code == 401
    refused = create(stack, agent_headers, claim_ref=FOREIGN_REF)  # company 3's claim for company 1
    assert refused.status_code == 422 and "pas un dossier de ce client" in refused.json()["error"]
    assert create(stack, agent_headers, topic="weather").status_code == 422
    assert create(stack, agent_headers, policyholder_id=99999).status_code == 404


def test_link_redeems_once_then_is_refused_politely(stack, agent_headers):
    token = new_link(stack, agent_headers)["link"].split("#referral=", 1)[1]
    first = redeem(stack, token)
    assert first.status_code == 200, first.text
    body = first.json()
    SECRETS_SEEN.append(body["token"])
    assert (body["policyholder_id"], body["topic"], body["claim_ref"]) == (1, "claim_status", OWN_REF)
    assert body["init_payload"] == "/referral_greet"
    second = redeem(stack, token)
    assert second.status_code == 410 and second.json()["reason"] == "used"
    assert "déjà servi" in second.json()["error"] and "Connectez-vous" in second.json()["error"]


def test_forged_or_foreign_tokens_are_refused(stack, agent_headers, token_for):
    token = new_link(stack, agent_headers)["link"].split("#referral=", 1)[1]
    head, payload, sig = token.split(".")
    tampered = redeem(stack, f"{head}.{payload}.{sig[::-1]}")
    assert tampered.status_code == 401 and tampered.json()["reason"] == "invalid"
    assert redeem(stack, token_for(1)).status_code == 401          # a sign-in token is no referral link
    assert requests.post(f"{stack.web_url}/api/referral/redeem", data="x", timeout=10).status_code == 415
    assert redeem(stack, token).status_code == 200                  # the genuine link was not spent


def test_redeemed_session_greets_with_the_context_over_the_socket(stack, agent_headers):
    token = new_link(stack, agent_headers)["link"].split("#referral=", 1)[1]
    session_token = redeem(stack, token).json()["token"]
    SECRETS_SEEN.append(session_token)
    # an entity injected in the payload is not one of the page's payloads: it reaches the NLU as plain text
    # (bot/inbound.py), and the referral context never comes from the message
    replies = converse(stack.rasa_url, [f'/referral_greet{{"claim_ref": "{FOREIGN_REF}"}}', "/referral_greet",
                                        "/referral_greet"],
                       token=session_token, connect_token=session_token, timeout=40, quiet=1.5)
    assert "conseiller m’a transmis" not in texts(replies[0])
    greeting = texts(replies[1])
    assert f"Votre conseiller m’a transmis votre question sur le dossier {OWN_REF}" in greeting
    assert "€" in greeting and FOREIGN_REF not in greeting
    assert "conseiller m’a transmis" not in texts(replies[2])  # once per referral


def test_plain_sign_in_token_gets_no_referral_context(stack, token_for):
    replies = converse(stack.rasa_url, ["/referral_greet"], token=token_for(1),
                       connect_token=token_for(1), timeout=30)
    assert "conseiller m’a transmis" not in texts(replies[0]) and "€" not in texts(replies[0])


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_browser_opens_the_link_then_a_reused_link_is_refused(stack, agent_headers):
    from playwright.sync_api import sync_playwright
    link = new_link(stack, agent_headers)["link"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_context(locale="fr-FR").new_page()
            page.goto(link)
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.rw-response'))"
                ".some(e => e.innerText.includes(\"m’a transmis votre question\"))", timeout=60000)
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.rw-response')).some(e => e.innerText.includes('€'))",
                timeout=30000)
            conversation = "\n".join(page.locator(".rw-response").all_inner_texts())
            assert OWN_REF in conversation
            assert "referral" not in page.url and "Menuiserie Durand" in page.inner_text("#company")
            session_token = page.evaluate("() => sessionStorage.getItem('ai_token')")
            SECRETS_SEEN.append(session_token)
            # the same link again, in another browser context: polite refusal and the normal sign-in
            again = browser.new_context(locale="fr-FR").new_page()
            again.goto(link)
            again.wait_for_selector("#signin-error:not([hidden])", timeout=15000)
            assert "déjà servi" in again.inner_text("#signin-error")
            assert again.is_visible("#login") and not again.is_visible("#signed-in")
            assert "referral" not in again.url
        finally:
            browser.close()


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_agent_desk_creates_the_link_the_customer_opens(stack):
    """Two pages: the agent signs in on the desk and creates the link; the customer opens it."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            desk = browser.new_context(locale="fr-FR").new_page()
            desk.goto(f"{stack.web_url}/agent/")
            desk.locator("#agent option").first.wait_for(state="attached", timeout=15000)
            desk.select_option("#agent", "sophie.durand")  # a supervisor may refer any customer
            desk.click("#agent-login")
            desk.wait_for_selector("#referral-topic option[value='fees']", state="attached", timeout=15000)
            desk.fill("#referral-policyholder", "1")
            desk.select_option("#referral-topic", "fees")
            desk.click("#referral-submit")
            desk.wait_for_selector("#referral-link", timeout=15000)
            link = desk.input_value("#referral-link")
            SECRETS_SEEN.append(link.split("#referral=", 1)[1])
            assert link.startswith(stack.web_url + "/#referral=")
            assert link in desk.input_value("#referral-sms")
            assert "Menuiserie Durand" in desk.inner_text("#referral-result")
            OUT.mkdir(exist_ok=True)
            desk.screenshot(path=str(OUT / "agent-referral.png"), full_page=True)
            # a claim of another company is refused in the desk
            desk.fill("#referral-claim", FOREIGN_REF)
            desk.click("#referral-submit")
            desk.wait_for_selector("#referral-error:not([hidden])", timeout=15000)
            assert "pas un dossier de ce client" in desk.inner_text("#referral-error")

            customer = browser.new_context(locale="fr-FR").new_page()
            customer.goto(link)
            customer.wait_for_function(
                "() => Array.from(document.querySelectorAll('.rw-response'))"
                ".some(e => e.innerText.includes('question sur vos frais'))", timeout=60000)
            customer.wait_for_function(
                "() => Array.from(document.querySelectorAll('.rw-response')).some(e => e.innerText.includes('€'))",
                timeout=30000)
            assert "referral" not in customer.url
            customer.screenshot(path=str(OUT / "chat-referral.png"), full_page=True)
        finally:
            browser.close()


def test_no_log_line_contains_a_link_or_session_token(stack):
    assert len(SECRETS_SEEN) >= 5, "the tests above did not run"
    logs = {p.name: p.read_text(errors="replace") for p in stack.var_dir.glob("*.log")}
    assert {"actions.log", "rasa.log", "web.log"} <= set(logs)
    assert re.search(r"referral \d+ created by", logs["web.log"])  # the web server did log the referrals (without tokens)
    for name, text in logs.items():
        for secret in SECRETS_SEEN:
            assert secret not in text, f"a token appears in {name}"
            assert secret.split(".")[2] not in text, f"a token signature appears in {name}"
