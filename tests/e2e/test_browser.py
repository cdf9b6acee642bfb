"""The page as a person uses it: headless Chromium (Debian's package) driven by Playwright."""
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="Debian's chromium is not installed (scripts/ensure_chromium.sh installs it as root)")
OUT = Path(__file__).resolve().parents[1] / "_out"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture()
def page(stack):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="fr-FR")
        page = context.new_page()
        yield page
        browser.close()


def _send(page, text):
    box = page.locator(".rw-new-message")
    box.wait_for(timeout=30000)
    box.fill(text)
    box.press("Enter")


def _wait_for_bot_text(page, needle, timeout=30000):
    page.wait_for_function(
        "needle => Array.from(document.querySelectorAll('.rw-response')).some(e => e.innerText.includes(needle))",
        arg=needle, timeout=timeout)
    return "\n".join(page.locator(".rw-response").all_inner_texts())


def test_sign_in_and_ask_for_a_claim(stack, page):
    page.goto(stack.web_url)
    page.locator("#account option").first.wait_for(state="attached", timeout=15000)
    page.select_option("#account", "1")
    page.click("#login")
    page.wait_for_selector("#signed-in:not([hidden])", timeout=15000)
    assert "Menuiserie Durand" in page.inner_text("#company")
    _wait_for_bot_text(page, "Bonjour")  # the widget greets on open
    _send(page, "Où en est mon dossier SIN-2021-000123 ?")
    _wait_for_bot_text(page, "SIN-2021-000123")
    # the widget shows the answer paragraph by paragraph: wait for the amounts
    conversation = _wait_for_bot_text(page, "€")
    assert "SIN-2021-000123" in conversation
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "chat.png"), full_page=True)


def test_without_sign_in_account_data_is_refused_politely(stack, page):
    page.goto(stack.web_url)
    _wait_for_bot_text(page, "Bonjour")
    _send(page, "Où en est mon dossier SIN-2021-000123 ?")
    conversation = _wait_for_bot_text(page, "Connectez-vous")
    assert "€" not in conversation


def test_signed_in_page_gives_a_pairing_code_for_messaging(stack, page):
    page.goto(stack.web_url)
    page.locator("#account option").first.wait_for(state="attached", timeout=15000)
    page.select_option("#account", "2")
    page.click("#login")
    page.wait_for_selector("#signed-in:not([hidden])", timeout=15000)
    page.click("#pairing summary")
    page.wait_for_selector("#pairings li", timeout=15000)
    assert "Aucune messagerie" in page.inner_text("#pairings")
    page.click("#pairing-code")
    page.wait_for_function("() => document.querySelector('#pairing-code-out').innerText.includes('Votre code')",
                           timeout=15000)
    code_text = page.inner_text("#pairing-code-out")
    assert "valable jusqu'à" in code_text
