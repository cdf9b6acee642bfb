"""The insights page in headless Chromium (Debian's package, driven by Playwright), on the real web
server (web/server.py on a free port) with SQLite stores: the seeded conversations of
tests/bot/insights (known outcomes) plus synthetic ones of the two weeks before (bench/insights.py's
generator), so the charts have something to show.

A claims agent who is not a supervisor gets the French refusal; the supervisor sees the figures
(charts drawn by Chart.js, the same figures in the tables behind them), the review queue with
masked text, records a decision, and exports. A screenshot lands in tests/_out/insights.png
(docs/screenshot-insights.png is a copy)."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.runtimes import python_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason="Debian's chromium is not installed (scripts/ensure_chromium.sh installs it as root)")
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "_out"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEEDED = "/agent/insights?from=2026-11-30&to=2026-12-07"
FOUR_WEEKS = "/agent/insights?from=2026-11-10&to=2026-12-07"


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    from bot.gdpr.tracker import events
    from bot.store import db
    from bot.store.seed import seed_demo
    from tests.bot.insights.conftest import add_store_rows
    from tests.bot.insights.conversations import D1, seeded, write
    from tests.e2e.stack import free_port

    var = tmp_path_factory.mktemp("insights-web")
    url = f"sqlite:///{var / 'claims.db'}"
    db.migrate(url)
    engine = db.get_engine(url)
    seed_demo(engine)
    add_store_rows(engine)
    tracker = db.get_engine(f"sqlite:///{var / 'tracker.db'}")
    events.metadata.create_all(tracker)
    from bench.insights import load_store, synthesize

    keys = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
    made = []
    for rows, conversations in synthesize(6000, 20, D1 - 86400, seed=3):
        with tracker.begin() as conn:
            conn.execute(events.insert(), [dict(zip(keys, r)) for r in rows])
        made += conversations
    write(tracker, seeded())
    load_store(engine, made, seed=5, demo=False)
    db.dispose_engine(url)
    db.dispose_engine(f"sqlite:///{var / 'tracker.db'}")
    port = free_port()
    # DEMO_MODE: the demo sign-in of the desk (the OpenID Connect sign-in replaces it outside demo mode)
    env = {**os.environ, "ASSISTANT_VAR_DIR": str(var), "DATABASE_URL": url, "JWT_SECRET": "browser-" + "k" * 40,
           "PYTHONPATH": str(ROOT), "DEMO_MODE": "1"}
    log = open(var / "web.log", "wb")
    proc = subprocess.Popen([python_for("web"), "web/server.py", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if requests.get(f"{base}/agent/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError((var / "web.log").read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture()
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _signed_in(browser, web, agent_id):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR",
                               timezone_id="Europe/Paris").new_page()
    page.goto(f"{web}/agent/")
    page.locator(f"#agent option[value='{agent_id}']").wait_for(state="attached", timeout=15000)
    page.select_option("#agent", agent_id)
    page.click("#agent-login")
    page.wait_for_selector("#desk:not([hidden])", timeout=15000)
    return page


def _text(page, selector):
    """What the element shows, French no-break spaces (U+00A0, U+202F) made plain."""
    return page.inner_text(selector).replace("\u00a0", " ").replace("\u202f", " ")


def test_an_agent_who_is_not_a_supervisor_is_refused(browser, web):
    page = _signed_in(browser, web, "claire.martin")
    page.goto(f"{web}{SEEDED}")
    page.wait_for_selector("#gate:not([hidden])", timeout=15000)
    assert page.inner_text("#gate-text") == "Cette page est réservée aux superviseurs de l’équipe indemnisation."
    assert page.is_hidden("#insights")


def test_nobody_signed_in_is_sent_to_the_desk(browser, web):
    page = browser.new_context(locale="fr-FR").new_page()
    page.goto(f"{web}{SEEDED}")
    page.wait_for_selector("#gate:not([hidden])", timeout=15000)
    assert "Connectez-vous d’abord" in page.inner_text("#gate-text")


def test_a_supervisor_sees_figures_charts_tables_and_reviews(browser, web):
    page = _signed_in(browser, web, "sophie.durand")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{web}{SEEDED}")
    page.wait_for_selector("body[data-loaded='figures']", timeout=30000)
    page.wait_for_selector("body[data-review='loaded']", timeout=30000)
    kpis = _text(page, "#kpis")
    assert "Conversations\n7" in kpis and "Sans conseiller\n71,4 %" in kpis
    assert "Délai médian de première réponse\n2 s" in kpis
    # Chart.js drew every chart; each has its table with the same figures
    drawn = page.evaluate("Array.from(document.querySelectorAll('canvas')).map(c => "
                          "[c.id, !!window.Chart.getChart(c), c.width > 0, c.getAttribute('aria-label') || ''])")
    assert len(drawn) == 7 and all(has and wide and label for _, has, wide, label in drawn), drawn
    page.click("#c-forms-title ~ details summary")  # a table opens under its chart
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    forms = _text(page, "#t-forms")
    assert "Éligibilité CAP\t1\t0\t1\t0 %" in forms and "Déclaration d’impayé\t1\t1\t0\t100 %" in forms
    assert "3 / 5\t0" in page.inner_text("#t-csat") and "Réponse rapide, bravo." in page.inner_text("#comments")
    # the review queue: masked text only
    queue = page.inner_text("#groups")
    assert "[PHONE]" in queue and "06 12 34 56 78" not in page.content()
    assert page.inner_text("#review-status") == "7 messages à revoir, en 7 groupes."
    phone = page.locator(".item", has_text="mon numero c'est le [PHONE]")
    phone.get_by_role("button", name="Voir la conversation").click()
    phone.locator(".context li.reviewed").wait_for(timeout=15000)
    context = phone.locator(".context").inner_text()
    assert context.count("Client") >= 2 and "rappelez moi" in context and "[PHONE]" in context
    assert "06 12 34 56 78" not in page.content()
    item = page.locator(".item", has_text="quels sont les frais de recouvrement")
    item.locator("select").first.select_option("ask_fees")
    item.get_by_role("button", name="Valider").click()
    page.locator("#review-status", has_text="6 messages à revoir").wait_for(timeout=15000)
    assert "quels sont les frais de recouvrement\tacceptée\task_fees\tsophie.durand" in page.inner_text("#t-decisions")
    with page.expect_download() as download:
        page.click("#export")
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert "  - intent: ask_fees\n    examples: |\n      - quels sont les frais de recouvrement" in body
    assert errors == []


def test_screenshot_of_four_weeks(browser, web):
    page = _signed_in(browser, web, "sophie.durand")
    page.goto(f"{web}{FOUR_WEEKS}")
    page.wait_for_selector("body[data-loaded='figures']", timeout=30000)
    page.wait_for_selector("body[data-review='loaded']", timeout=30000)
    assert int(_text(page, "#kpis").split("Conversations\n", 1)[1].split("\n")[0].replace(" ", "")) > 100
    OUT.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 1500})
    page.screenshot(path=str(OUT / "insights.png"), full_page=False)
