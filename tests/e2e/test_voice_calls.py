"""Routine phone calls played turn by turn through the real stack (Rasa with the trained model, the
action server, the web server, the claims store), as Twilio Programmable Voice would post them.

The harness is tests/e2e/voice_calls.py. Twilio's REST API (SMS of the one-time code, redirect of a
transferred call) is a local fake (tests/rasa_ext/channels/fakes.py). Every call checks what the
caller hears (spoken French: figures in words, no symbol) and where the call goes (<Gather>, the desk's
<Enqueue>, <Hangup>). The transcripts are written to tests/_out/voice_calls.md.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from tests.e2e.stack import start_stack
from tests.e2e.voice_calls import Call, new_call_sid
from tests.rasa_ext.channels import fakes

TOKEN = "voice-e2e-token"
PUBLIC = "https://assistant.example.fr"
WEBHOOK = PUBLIC + "/webhooks/twilio_voice/webhook"
REGISTERED = "+33199004123"  # Menuiserie Durand's registered number in the demo data
OUT = Path(__file__).resolve().parents[1] / "_out"
TRANSCRIPTS = []
SYMBOLS = re.compile(r"[€%*\[\]«»#&+/]|SIN-|\d")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    fake = fakes.FakeProviders()
    stack = start_stack(tmp_path_factory.mktemp("voice"), {
        "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_NUMBER": "+33700000000",
        "TWILIO_API_BASE": fake.url, "PUBLIC_BASE_URL": PUBLIC,
    })
    try:
        yield stack, fake
    finally:
        stack.stop()
        fake.stop()
        OUT.mkdir(exist_ok=True)
        (OUT / "voice_calls.md").write_text("# Appels joués par tests/e2e/test_voice_calls.py\n\n"
                                            + "\n".join(TRANSCRIPTS), encoding="utf-8")


def call(stack, caller: str = "+33611223344", call_sid: str = None) -> Call:
    return Call(stack.rasa_url, WEBHOOK, TOKEN, caller=caller, call_sid=call_sid or new_call_sid())


def keep(title: str, c: Call) -> None:
    TRANSCRIPTS.append(c.transcript(title))


def clean(text: str) -> None:
    assert text.strip(), "the assistant said nothing"
    assert not SYMBOLS.search(text), f"a voice would read out {SYMBOLS.findall(text)}: {text!r}"


def agent_headers(stack):
    from bot.auth import AUD_AGENT, issue_token
    token = issue_token(stack.settings(), audience=AUD_AGENT, subject="agent:claire", name="Claire (desk)",
                        roles=("claims_agent",))
    return {"Authorization": f"Bearer {token}"}


def transfer(stack, fake, topic: str, claim_ref=None, policyholder_id: int = 1) -> Call:
    """The agent transfers the call from the desk; Twilio redirects it to the assistant."""
    c = call(stack)
    body = {"policyholder_id": policyholder_id, "topic": topic, "call_sid": c.call_sid}
    if claim_ref:
        body["claim_ref"] = claim_ref
    answer = requests.post(f"{stack.web_url}/api/referral/call", json=body, headers=agent_headers(stack), timeout=30)
    assert answer.status_code == 201, answer.text
    data = answer.json()
    assert data["redirected"] is True and data["transfer_url"].startswith(WEBHOOK + "?transfer=")
    redirect = [x for x in fake.calls if x["path"].endswith(f"/Calls/{c.call_sid}.json")]
    assert redirect and redirect[-1]["data"]["Url"] == data["transfer_url"]
    c.ring(data["transfer_url"])
    return c


def tickets(stack, sender_prefix: str = "voice-"):
    from bot.store.db import get_engine, session_scope
    from bot.store.models.handoff import HandoffTicket

    with session_scope(get_engine(stack.settings().database.url)) as session:
        rows = session.execute(select(HandoffTicket).where(HandoffTicket.sender_id.like(f"{sender_prefix}%"))
                               .order_by(HandoffTicket.id)).scalars().all()
        return [(r.sender_id, r.policyholder_id, r.summary, r.transcript) for r in rows]


def test_01_transfer_with_context_goes_straight_to_the_claim(env):
    stack, fake = env
    c = transfer(stack, fake, "claim_status", "SIN-2021-000123")
    keep("Transfert par un conseiller, avec le contexte (statut du dossier)", c)
    clean(c.spoken)
    assert "S I N, deux mille vingt et un, cent vingt-trois" in c.spoken
    assert "euros" in c.spoken and c.gather.get("language") == "fr-FR"
    assert c.gather.find("Say").get("voice") == "Polly.Lea"
    assert "Rénovation Dupuis" in c.gather.get("hints")  # the caller's buyers help recognition


def test_02_status_asked_with_a_spoken_reference(env):
    stack, fake = env
    c = transfer(stack, fake, "fees")
    c.say("euh où en est le dossier S I N deux mille vingt et un, cent vingt-trois ?")
    keep("Statut d’un dossier, référence dite groupe par groupe", c)
    clean(c.spoken)
    assert "cent vingt-trois" in c.spoken and "Dupuis" in c.spoken


def test_03_guarantee_on_a_buyer(env):
    stack, fake = env
    c = transfer(stack, fake, "guarantee")
    c.say("je suis garanti sur Bâtiments Lefèvre ?")
    keep("Garantie sur un acheteur", c)
    clean(c.spoken)
    assert "Lefèvre" in c.spoken and "euros" in c.spoken


def test_04_fees(env):
    stack, fake = env
    c = transfer(stack, fake, "claim_status", "SIN-2021-000123")
    c.say("combien coûte mon contrat ?")
    keep("Frais du contrat", c)
    clean(c.spoken)
    assert "euros" in c.spoken or "pour cent" in c.spoken


def test_05_cap_question_on_a_direct_call(env):
    stack, _ = env
    c = call(stack)
    c.ring()
    assert "tapez zéro" in c.spoken
    c.say("c'est quoi le CAP plus ?")
    keep("Question sur le CAP+, appel direct", c)
    clean(c.spoken)
    assert "CAP plus" in c.spoken or "Cap plus" in c.spoken


def test_06_declaration_refused_on_the_phone_then_a_person(env):
    stack, fake = env
    c = transfer(stack, fake, "claim_status", "SIN-2021-000123")
    c.say("je veux déclarer un impayé")
    assert "Au téléphone, je ne prends pas de déclaration" in c.spoken and c.gather is not None
    c.say("oui, un conseiller")
    keep("Déclaration refusée au téléphone, puis un conseiller", c)
    assert c.root.find("Enqueue") is not None and c.root.find("Enqueue").text == "indemnisation"
    sender = [t for t in tickets(stack) if t[1] == 1]
    assert sender, "no ticket on the desk"
    _sender_id, _ph, summary, transcript = sender[-1]
    assert summary and any("déclarer" in (line.get("text") or "") for line in transcript)


def test_07_direct_call_with_one_time_code(env):
    stack, fake = env
    c = call(stack, caller=REGISTERED)
    c.ring()
    c.say("où en est mon dossier S I N deux mille vingt et un, cent vingt-trois ?")
    assert "code par S M S" in c.spoken
    before = len(fake.texts("twilio"))
    c.say("recevoir le code")
    deadline = time.time() + 10
    while len(fake.texts("twilio")) <= before and time.time() < deadline:
        time.sleep(0.2)
    sms = [x for x in fake.calls if "Messages.json" in x["path"]][-1]["data"]
    assert sms["To"] == REGISTERED
    code = re.search(r"\b(\d{6})\b", sms["Body"]).group(1)
    c.press(code)
    assert "c’est vérifié" in c.spoken and "Menuiserie Durand" in c.spoken
    c.say("où en est mon dossier S I N deux mille vingt et un, cent vingt-trois ?")
    keep("Appel direct, code à usage unique par SMS", c)
    clean(c.spoken)
    assert "cent vingt-trois" in c.spoken and "code" not in c.spoken


def test_08_silence_reprompt_then_a_person(env):
    stack, _ = env
    c = call(stack)
    c.ring()
    c.silence()
    assert "Je ne vous entends pas" in c.spoken and c.gather is not None
    c.silence()
    keep("Silence : relance, puis un conseiller", c)
    assert c.root.find("Enqueue") is not None


def test_09_repeat_on_request(env):
    stack, _ = env
    c = call(stack)
    c.ring()
    c.say("c'est quoi la quotité ?")
    first = c.spoken
    clean(first)
    c.say("pardon, vous pouvez répéter ?")
    keep("« Répétez »", c)
    assert c.spoken == first


def test_10_back_to_a_person_by_asking(env):
    stack, _ = env
    c = call(stack)
    c.ring()
    c.say("je voudrais parler à un conseiller")
    keep("Retour à une personne, demandé", c)
    assert c.root.find("Enqueue") is not None and "Restez en ligne" in c.spoken
    assert "page" not in c.spoken  # the ticket's web wording is not said on the phone


def test_11_back_to_a_person_with_the_keypad(env):
    stack, _ = env
    c = call(stack)
    c.ring()
    c.say("bonjour")
    c.press("0")
    keep("Retour à une personne, touche 0", c)
    assert c.root.find("Enqueue") is not None


def test_12_a_used_transfer_is_refused_politely(env):
    stack, fake = env
    first = transfer(stack, fake, "fees")
    url = [x for x in fake.calls if x["path"].endswith(f"/Calls/{first.call_sid}.json")][-1]["data"]["Url"]
    replay = Call(stack.rasa_url, WEBHOOK, TOKEN, call_sid=first.call_sid)
    replay.ring(url)
    keep("Transfert rejoué : refusé", replay)
    assert "plus valable" in replay.spoken


def test_13_forged_signatures_are_refused(env):
    stack, _ = env
    c = call(stack)
    form = c.form(CallStatus="ringing")
    answer = requests.post(stack.rasa_url + "/webhooks/twilio_voice/webhook", data=form, timeout=30,
                           headers={"X-Twilio-Signature": "AAAA"})
    assert answer.status_code == 403
