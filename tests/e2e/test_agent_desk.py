"""Bot -> person -> bot, as people do it: two pages in headless Chromium (Debian's package, driven
by Playwright), the customer's chat widget and the agent desk.

The customer asks for a person, the agent takes the ticket and replies, the customer sees the
reply (with the agent's name) in the same widget, writes back, the agent sees it, gives the
conversation back, and the assistant answers the next question."""
import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="Debian's chromium is not installed (scripts/ensure_chromium.sh installs it as root)")
OUT = Path(__file__).resolve().parents[1] / "_out"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MY_REF = "SIN-2021-000123"
ANSWERS = "Array.from(document.querySelectorAll('.rw-response')).map(e => e.innerText)"


@pytest.fixture()
def browser(stack):
    from bot.handoff.hours import load_calendar

    if not load_calendar(stack.settings()).is_open(datetime.now(timezone.utc)):
        pytest.skip("French public holiday: the claims team is closed even with HANDOFF_HOURS open all week")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


def _page(browser):
    return browser.new_context(viewport={"width": 1100, "height": 900}, locale="fr-FR").new_page()


def _send(page, text):
    box = page.locator(".rw-new-message")
    box.wait_for(timeout=30000)
    box.fill(text)
    box.press("Enter")


def _answers(page):
    return page.evaluate(ANSWERS)


def _wait_for_answer(page, needle, after=0, timeout=30000):
    """Wait until one of the bot's messages from index ``after`` on contains ``needle``."""
    page.wait_for_function(
        "([needle, after]) => Array.from(document.querySelectorAll('.rw-response')).slice(after)"
        ".some(e => e.innerText.includes(needle))", arg=[needle, after], timeout=timeout)
    return "\n".join(_answers(page)[after:])


def test_customer_and_agent_two_pages(stack, browser):
    customer, agent = _page(browser), _page(browser)

    # the customer signs in, asks about a claim, then asks for a person
    customer.goto(stack.web_url)
    customer.locator("#account option").first.wait_for(state="attached", timeout=15000)
    customer.select_option("#account", "1")
    customer.click("#login")
    customer.wait_for_selector("#signed-in:not([hidden])", timeout=15000)
    _wait_for_answer(customer, "Bonjour")
    _send(customer, f"Où en est mon dossier {MY_REF} ?")
    _wait_for_answer(customer, "€")
    mark = len(_answers(customer))
    _send(customer, "je veux parler à un conseiller")
    text = _wait_for_answer(customer, "DEM-", after=mark)
    reference = re.search(r"DEM-\d{6}", text).group(0)

    # the agent signs in on the desk and finds the ticket in the queue
    agent.goto(f"{stack.web_url}/agent/")
    agent.locator("#agent option").first.wait_for(state="attached", timeout=15000)
    agent.select_option("#agent", "claire.martin")
    agent.click("#agent-login")
    agent.wait_for_selector("#desk:not([hidden])", timeout=15000)
    item = agent.locator("#tickets button", has_text=reference)
    item.wait_for(timeout=15000)
    assert "Menuiserie Durand" in item.inner_text() and "Attend depuis" in item.inner_text()
    item.click()
    agent.wait_for_selector("#take:not([hidden])", timeout=15000)
    assert MY_REF in agent.inner_text("#ticket-summary")
    agent.click("#before summary")
    assert MY_REF in agent.inner_text("#transcript")  # the conversation before the handoff

    # take: the customer is told who takes over
    mark = len(_answers(customer))
    agent.click("#take")
    agent.wait_for_selector("#reply-form:not([hidden])", timeout=15000)
    _wait_for_answer(customer, "Claire Martin, de notre équipe, prend la suite", after=mark)

    # the agent replies; the customer sees it, with the agent's name, in the same widget
    mark = len(_answers(customer))
    agent.fill("#reply-text", "Bonjour, je regarde votre dossier <b>tout de suite</b>.")
    agent.click("#reply-send")
    seen = _wait_for_answer(customer, "je regarde votre dossier", after=mark)
    assert "Claire Martin, de notre équipe, vous écrit" in seen
    assert "<b>tout de suite</b>" in seen  # the widget shows the agent's text as text too
    OUT.mkdir(exist_ok=True)
    customer.screenshot(path=str(OUT / "customer_agent_reply.png"), full_page=True)

    # the customer writes while the bot is paused: no bot answer, the agent sees it live
    mark = len(_answers(customer))
    _send(customer, "Merci, j'attends votre retour.")
    agent.wait_for_function("() => document.querySelector('#live').innerText.includes('Merci, j\\'attends')",
                            timeout=15000)
    live = agent.inner_text("#live")
    assert "<b>tout de suite</b>" in live  # what the agent typed is shown as text, never as HTML
    assert agent.locator("#live b").count() == 0
    assert len(_answers(customer)) == mark

    # give back: the assistant says it is back, with the claim discussed, and answers again
    agent.screenshot(path=str(OUT / "agent_desk.png"), full_page=True)
    agent.click("#give-back")
    back = _wait_for_answer(customer, "rendu la main", after=mark)
    _wait_for_answer(customer, MY_REF, after=mark)
    _wait_for_answer(customer, "Que puis-je faire", after=mark)
    assert "Claire Martin" in back
    agent.wait_for_function("ref => !document.querySelector('#tickets').innerText.includes(ref)",
                            arg=reference, timeout=15000)
    mark = len(_answers(customer))
    _send(customer, f"Où en est mon dossier {MY_REF} ?")
    answer = _wait_for_answer(customer, "€", after=mark)
    assert MY_REF in answer
    customer.screenshot(path=str(OUT / "customer_after_handoff.png"), full_page=True)
