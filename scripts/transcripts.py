"""Play three personas through the real web page (headless Chromium) and write their transcripts.

    .venv/bin/python scripts/transcripts.py            # -> docs/transcripts/*.md

Starts its own stack (tests/e2e/stack.py) on free ports with a throw-away var/ directory.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.stack import start_stack  # noqa: E402

OUT = ROOT / "docs" / "transcripts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

PERSONAS = {
    "worried_sme_owner": ("Claire Durand, gérante d'une menuiserie, inquiète pour sa trésorerie", 1, [
        "bonjour",
        "je suis vraiment inquiète, un gros client ne me paie plus et j'ai des salaires à verser à la fin du mois",
        "où en sont mes dossiers ?",
        "et quand est-ce que je serai payée pour le SIN-2026-000101 ?",
        "est-ce que je peux avoir une avance ?",
        "merci beaucoup",
    ]),
    "terse_accountant": ("Julien, comptable, écrit vite et sans accents", 2, [
        "statut sin 2026 000201 svp",
        "liste dossiers en cours",
        "frais de recouvrement c combien",
        "garantie sur martin",
        "ok merci",
    ]),
    "changes_topic_mid_form": ("Marc Petit, boulanger, déclare un impayé puis pose une autre question", 4, [
        "j'ai une facture impayée a declarer",
        "Hôtel du Port",
        "au fait comment ca se passe apres une declaration ?",
        "FAC-2026-118",
        "2 400 €",
        "15/09/2026",
        "oui",
    ]),
}


def play(stack, browser, title, account, messages):
    page = browser.new_page(viewport={"width": 1000, "height": 900}, locale="fr-FR")
    page.goto(stack.web_url)
    page.locator("#account option").first.wait_for(state="attached", timeout=15000)
    page.select_option("#account", str(account))
    page.click("#login")
    page.wait_for_selector("#signed-in:not([hidden])", timeout=15000)
    page.wait_for_selector(".rw-response", timeout=30000)
    lines = [f"# {title}", "", f"Signed in as demo company {account} on the web page; replies read from the widget.", ""]
    container = ".rw-messages-container"
    time.sleep(3)
    before = page.inner_text(container)
    lines += ["> **Assistant** : " + before.strip().replace("\n", "\n> "), ""]
    for text in messages:
        box = page.locator(".rw-new-message")
        box.fill(text)
        box.press("Enter")
        lines += [f"**Client** : {text}", ""]
        deadline, last, stable = time.time() + 40, before, 0
        while time.time() < deadline and stable < 3:  # until the widget has shown every paragraph
            time.sleep(1.0)
            now = page.inner_text(container)
            stable = stable + 1 if now == last and len(now) > len(before) + len(text) else 0
            last = now
        # what follows the person's own message (earlier quick-reply buttons vanish, so offsets shift)
        at = last.rfind(text)
        new_part = (last[at + len(text):] if at >= 0 else last[len(before):]).strip()
        lines += ["> **Assistant** : " + new_part.replace("\n", "\n> "), ""]
        before = last
    page.close()
    return "\n".join(lines) + "\n"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    stack = start_stack(Path(tempfile.mkdtemp(prefix="transcripts-")))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
            for name, (title, account, messages) in PERSONAS.items():
                (OUT / f"{name}.md").write_text(play(stack, browser, title, account, messages), encoding="utf-8")
                print("wrote", OUT / f"{name}.md")
            browser.close()
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
