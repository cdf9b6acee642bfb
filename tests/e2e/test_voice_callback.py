"""Outside opening hours, a caller asks for a person and books a callback by voice (real stack, desk closed).

The number is said in words, read back digit by digit and kept only after a yes; the slot is one of the
spoken options, chosen by saying "le premier". The callback request is then in the store with that number.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.e2e.stack import start_stack
from tests.e2e.test_voice_calls import OUT, PUBLIC, SYMBOLS, TOKEN, WEBHOOK
from tests.e2e.voice_calls import Call
from tests.rasa_ext.channels import fakes


@pytest.fixture(scope="module")
def closed_stack(tmp_path_factory):
    fake = fakes.FakeProviders()
    today = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
    stack = start_stack(tmp_path_factory.mktemp("voice-closed"), {
        "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_NUMBER": "+33700000000",
        "TWILIO_API_BASE": fake.url, "PUBLIC_BASE_URL": PUBLIC,
        # the desk is closed today: a person means a callback
        "HANDOFF_HOURS": "mon-fri 09:00-18:00", "HANDOFF_EXTRA_CLOSED_DAYS": today,
    })
    try:
        yield stack
    finally:
        stack.stop()
        fake.stop()


def test_callback_booked_by_voice_with_the_number_confirmed_digit_by_digit(closed_stack):
    stack = closed_stack
    c = Call(stack.rasa_url, WEBHOOK, TOKEN)
    c.ring()
    c.say("je voudrais parler à un conseiller")
    assert c.root.find("Enqueue") is None and "rappel" in c.spoken
    # the form starting is not an answer to its questions (no "no phone number found" before any was asked)
    assert "Je ne trouve pas de numéro" not in c.spoken and "pas possible" not in c.spoken
    if "numéro" not in c.spoken:  # the offer first: yes, call me back
        c.say("oui")
    assert "numéro" in c.spoken and c.gather.get("numDigits") == "10"
    c.say("zéro six douze trente-quatre cinquante-six soixante-dix-huit")
    assert "zéro, six, un, deux, trois, quatre, cinq, six, sept, huit" in c.spoken and "C’est bien cela" in c.spoken
    c.say("oui")
    assert "Dites le numéro de votre choix" in c.spoken or "Vous pouvez dire" in c.spoken
    assert not SYMBOLS.search(c.spoken)
    c.say("le premier")
    assert "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit" in c.spoken
    OUT.mkdir(exist_ok=True)
    (OUT / "voice_callback.md").write_text(c.transcript("Hors des heures d’ouverture : rappel réservé à la voix"),
                                           encoding="utf-8")

    from bot.store.db import get_engine, session_scope
    from bot.store.models.handoff import CallbackRequest

    with session_scope(get_engine(stack.settings().database.url)) as session:
        phones = session.execute(select(CallbackRequest.phone).where(CallbackRequest.sender_id.like("voice-%"))).scalars().all()
    assert phones == ["+33612345678"]
