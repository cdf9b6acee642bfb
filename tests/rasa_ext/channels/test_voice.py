"""The phone channel in process: real Twilio Voice webhook payloads and signatures, TwiML checked as XML.

The webhook handler of ``FrenchTwilioVoiceInput`` is called with the form Twilio posts (its field
names and values), signed as Twilio signs (HMAC-SHA1 of the public URL with its query string and the
sorted form, with the auth token). The assistant behind it is a scripted stand-in that answers through
the channel's own output (the real stack plays whole calls in tests/e2e/test_voice_calls.py); the store
is a migrated SQLite store with the demo data; the SMS for the one-time code goes to a local fake of
Twilio's API.
"""
from __future__ import annotations

import asyncio
import copy
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered

import bot.settings as bot_settings
from bot import referral
from bot.auth import verify_identity
from bot.store.db import session_scope
from rasa_ext.channels import voice
from tests.rasa_ext.channels import fakes

TOKEN = "voice-test-token"
WEBHOOK = "https://assistant.example.fr/webhooks/twilio_voice/webhook"
CALL = "CA" + "0123456789abcdef" * 2
OTHER_CALL = "CA" + "fedcba9876543210" * 2
CALLER = "+33612345678"
REGISTERED = "+33199004123"  # Menuiserie Durand's contact number in the demo data ("01 99 00 41 23")


def voice_form(call_sid: str = CALL, caller: str = CALLER, status: str = "in-progress", **extra: str) -> Dict[str, str]:
    """What Twilio posts to a voice webhook (https://www.twilio.com/docs/voice/twiml#request-parameters)."""
    form = {"AccountSid": "AC" + "a" * 32, "ApiVersion": "2010-04-01", "CallSid": call_sid, "CallStatus": status,
            "Called": "+33700000000", "CalledCountry": "FR", "Caller": caller, "CallerCountry": "FR",
            "Direction": "inbound", "From": caller, "FromCountry": "FR", "To": "+33700000000", "ToCountry": "FR"}
    form.update(extra)
    return form


class Args(dict):
    def get(self, key, default=None):  # sanic's RequestParameters.get: the first value
        return super().get(key, default)


class Assistant:
    """Stands for Rasa: answers each text with scripted messages through the channel's output."""

    def __init__(self) -> None:
        self.received: List[Any] = []
        self.replies: Dict[str, List[Dict[str, Any]]] = {}
        self.tracker: Any = None

    async def __call__(self, message) -> None:
        self.received.append(message)
        for reply in self.replies.get(message.text, [{"text": f"Réponse à {message.text}."}]):
            # a copy: Rasa's send_response pops the keys of the message it is given
            await message.output_channel.send_response(message.sender_id, copy.deepcopy(reply))

    @property
    def texts(self) -> List[str]:
        return [m.text for m in self.received]


class Caller:
    """Posts signed webhooks the way Twilio does and follows the <Gather action> of each answer."""

    def __init__(self, channel, assistant: Assistant, call_sid: str = CALL, caller: str = CALLER) -> None:
        self.assistant = assistant
        self.call_sid = call_sid
        self.caller = caller
        blueprint = channel.blueprint(assistant)
        self.handler = next(r.handler for r in blueprint._future_routes if r.uri == "/webhook")
        self.next_url = WEBHOOK
        self.root: Optional[ET.Element] = None

    def post(self, url: str, form: Dict[str, str], signature: Optional[str] = None):
        query = urlsplit(url).query
        agent = SimpleNamespace(tracker_store=SimpleNamespace(retrieve=self._retrieve))
        request = SimpleNamespace(
            body=urlencode(form).encode(), query_string=query, args=Args(parse_qsl(query)),
            headers={"X-Twilio-Signature": signature if signature is not None
                     else fakes.twilio_signature(TOKEN, url, form)},
            app=SimpleNamespace(ctx=SimpleNamespace(agent=agent)))
        answer = asyncio.run(self.handler(request))
        if answer.status == 200:
            self.root = ET.fromstring(answer.body.decode())
            gather = self.root.find("Gather")
            if gather is not None:
                self.next_url = gather.get("action")
        return answer

    async def _retrieve(self, sender_id):
        return self.assistant.tracker

    def ring(self, url: str = WEBHOOK):
        return self.post(url, voice_form(self.call_sid, self.caller, status="ringing"))

    def say(self, text: str, confidence: str = "0.92"):
        return self.post(self.next_url, voice_form(self.call_sid, self.caller, SpeechResult=text,
                                                   Confidence=confidence, Language="fr-FR"))

    def press(self, digits: str):
        return self.post(self.next_url, voice_form(self.call_sid, self.caller, Digits=digits, FinishedOnKey=""))

    def silence(self):
        return self.post(self.next_url, voice_form(self.call_sid, self.caller))

    @property
    def spoken(self) -> str:
        return " ".join(" ".join(say.itertext()) for say in self.root.iter("Say"))


@pytest.fixture
def setup(store, tmp_path, monkeypatch):
    url, _engine = store
    fake = fakes.FakeProviders()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ASSISTANT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("JWT_SECRET", "voice-" + "x" * 40)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://assistant.example.fr")
    monkeypatch.setenv("TWILIO_API_BASE", fake.url)
    bot_settings._cached = None
    voice._HINT_CACHE.clear()
    channel = voice.FrenchTwilioVoiceInput.from_credentials(
        {"account_sid": "AC" + "a" * 32, "auth_token": TOKEN, "twilio_number": "+33700000000"})
    assistant = Assistant()
    try:
        yield channel, assistant, fake
    finally:
        fake.stop()
        bot_settings._cached = None


def test_signatures_are_checked_on_the_public_url_with_its_query(setup):
    channel, assistant, _ = setup
    call = Caller(channel, assistant)
    form = voice_form(status="ringing")
    assert call.post(WEBHOOK, form, signature="").status == 403
    assert call.post(WEBHOOK, form, signature="bm9wZQ==").status == 403
    other_url = fakes.twilio_signature(TOKEN, "https://evil.example/webhooks/twilio_voice/webhook", form)
    assert call.post(WEBHOOK, form, signature=other_url).status == 403
    wrong_token = fakes.twilio_signature("another-token", WEBHOOK, form)
    assert call.post(WEBHOOK, form, signature=wrong_token).status == 403
    # the query string is signed too: a state or a transfer token cannot be swapped in
    signed = fakes.twilio_signature(TOKEN, WEBHOOK + "?s=abc", form)
    assert call.post(WEBHOOK + "?s=xyz", form, signature=signed).status == 403
    assert assistant.received == []
    bad_sid = voice_form(call_sid="CA-not-a-sid")
    assert call.post(WEBHOOK, bad_sid).status == 400
    assert call.post(WEBHOOK, form).status == 200


def test_first_turn_twiml_is_french_with_gather_options_and_hints(setup):
    channel, assistant, _ = setup
    assistant.replies["/greet"] = [{"text": "Bonjour. Que puis-je faire pour vous ?"}]
    call = Caller(channel, assistant)
    call.ring()
    root = call.root
    assert root.tag == "Response" and [c.tag for c in root] == ["Gather"]
    gather = root.find("Gather")
    assert gather.get("language") == "fr-FR"
    assert gather.get("input") == "dtmf speech"
    assert gather.get("actionOnEmptyResult") == "true"
    assert gather.get("method") == "POST" and gather.get("speechTimeout") == "auto"
    assert gather.get("numDigits") == "1"
    assert gather.get("action").startswith(WEBHOOK + "?s=")
    hints = gather.get("hints")
    assert "conseiller" in hints and "S I N" in hints and "Cap Francexport" in hints
    says = gather.findall("Say")
    assert len(says) == 1 and says[0].get("voice") == "Polly.Lea" and says[0].get("language") == "fr-FR"
    assert says[0].find("break") is not None  # an SSML pause between chunks
    assert "tapez zéro" in call.spoken and "Bonjour" in call.spoken
    message = assistant.received[0]
    assert message.text == "/greet" and message.input_channel == "twilio_voice"
    assert message.metadata["channel"] == "voice" and message.metadata["auth_status"] == "phone"
    assert "identity" not in message.metadata
    assert message.sender_id.startswith("voice-") and CALL not in message.sender_id and CALLER not in message.sender_id


def test_answers_are_spoken_without_symbols_and_options_are_heard_back(setup):
    channel, assistant, _ = setup
    assistant.replies["statut de mon dossier"] = [
        {"text": "Le dossier **SIN-2021-000123** est indemnisé : 18\u202f400\u00a0€ payés le 10 juin 2021, "
                 "quotité 90\u00a0%.",
         "buttons": [{"title": "Mes dossiers", "payload": "/list_claims"},
                     {"title": "Parler à un conseiller", "payload": "/request_human"}]}]
    call = Caller(channel, assistant)
    call.ring()
    call.say("euh statut de mon dossier")
    spoken = call.spoken
    assert "S I N, deux mille vingt et un, cent vingt-trois" in spoken
    assert "dix-huit mille quatre cents euros" in spoken and "dix juin deux mille vingt et un" in spoken
    assert "quatre-vingt-dix pour cent" in spoken
    assert not re.search(r"[€%*\d]", spoken)
    assert "Vous pouvez dire : mes dossiers, ou : parler à un conseiller." in spoken
    assert "mes dossiers" in call.root.find("Gather").get("hints")
    call.say("mes dossiers")
    assert assistant.texts[-1] == "/list_claims"
    call.say("le deuxième")  # options of the last answer ("Réponse à /list_claims." has none): sent as said
    assert assistant.texts[-1] == "le deuxième"


def test_spoken_reference_reaches_the_assistant_as_typed(setup):
    channel, assistant, _ = setup
    call = Caller(channel, assistant)
    call.ring()
    call.say("où en est le dossier S I N deux mille vingt et un, cent vingt-trois")
    assert assistant.texts[-1] == "où en est le dossier SIN-2021-000123"
    call.say("dix-huit mille quatre cents euros")
    assert assistant.texts[-1] == "18400 euros"


@pytest.mark.parametrize("said", [("press", "0"), ("say", "zéro"), ("say", "un conseiller"),
                                  ("say", "je voudrais parler à un humain")])
def test_a_person_at_any_time(setup, said):
    channel, assistant, _ = setup
    call = Caller(channel, assistant)
    call.ring()
    getattr(call, said[0])(said[1])
    assert assistant.texts[-1] == "/request_human"


def test_ticket_sends_the_call_to_the_desk_queue(setup):
    channel, assistant, _ = setup
    assistant.replies["/request_human"] = [{"text": "C’est noté. Un conseiller va prendre le relais."}]
    assistant.tracker = SimpleNamespace(
        events=[UserUttered("/request_human"), SlotSet("handoff_outcome", "ticket"), BotUttered("C’est noté.")],
        latest_message=SimpleNamespace(intent={"name": "request_human"}), active_loop_name=None,
        get_slot=lambda name: None)
    call = Caller(channel, assistant)
    call.ring()
    call.press("0")
    assert [c.tag for c in call.root] == ["Say", "Enqueue"]
    assert call.root.find("Enqueue").text == "indemnisation"
    assert "Je vous passe un conseiller" in call.spoken


def test_dial_target_from_configuration(setup, monkeypatch):
    monkeypatch.setenv("VOICE_DESK_TARGET", "+33144556677")
    bot_settings._cached = None
    channel = voice.FrenchTwilioVoiceInput.from_credentials(
        {"account_sid": "AC" + "a" * 32, "auth_token": TOKEN, "twilio_number": "+33700000000"})
    twiml = channel._transfer_twiml(voice.speech.render_text("Je vous passe un conseiller."))
    root = ET.fromstring(str(twiml))
    assert [c.tag for c in root] == ["Say", "Dial"] and root.find("Dial/Number").text == "+33144556677"


def test_repeat_says_the_last_answer_again_without_asking_the_assistant(setup):
    channel, assistant, _ = setup
    assistant.tracker = SimpleNamespace(
        events=[UserUttered("mes frais"), BotUttered("Vos frais de surveillance : 1\u202f200\u00a0€.", {})],
        latest_message=SimpleNamespace(intent={"name": "ask_fees"}), active_loop_name=None,
        get_slot=lambda name: None)
    call = Caller(channel, assistant)
    call.ring()
    before = len(assistant.received)
    call.say("pardon, pouvez-vous répéter ?")
    assert len(assistant.received) == before
    assert "mille deux cents euros" in call.spoken


def test_silence_reprompt_then_a_person_then_goodbye(setup):
    channel, assistant, _ = setup
    call = Caller(channel, assistant)
    call.ring()
    call.silence()
    assert "Je ne vous entends pas" in call.spoken and call.root.find("Gather") is not None
    assert assistant.texts == ["/greet"]
    call.silence()
    assert assistant.texts[-1] == "/request_human" and "toujours pas" in call.spoken
    call.silence()
    assert call.root.find("Hangup") is not None and "Au revoir" in call.spoken


def test_a_voice_after_a_silence_resets_the_count(setup):
    channel, assistant, _ = setup
    call = Caller(channel, assistant)
    call.ring()
    call.silence()
    call.say("bonjour")
    call.silence()
    assert call.root.find("Hangup") is None and assistant.texts == ["/greet", "bonjour"]


def test_low_confidence_is_confirmed_before_acting(setup):
    channel, assistant, _ = setup
    call = Caller(channel, assistant)
    call.ring()
    call.say("déclarer un impayé", confidence="0.31")
    assert assistant.texts == ["/greet"]
    assert "J’ai compris: déclarer un impayé. C’est bien cela?" in call.spoken
    call.say("oui c'est ça")
    assert assistant.texts[-1] == "déclarer un impayé"
    call.say("mes garanties", confidence="0.2")
    call.say("non")
    assert assistant.texts[-1] == "déclarer un impayé" and "redire" in call.spoken


def test_callback_number_is_confirmed_digit_by_digit(setup):
    channel, assistant, _ = setup
    assistant.tracker = SimpleNamespace(
        events=[UserUttered("/request_human"), BotUttered("À quel numéro pouvons-nous vous appeler ?", {})],
        latest_message=SimpleNamespace(intent={"name": "request_human"}), active_loop_name="callback_form",
        get_slot=lambda name: "callback_phone" if name == "requested_slot" else None)
    call = Caller(channel, assistant)
    call.ring()
    assert call.root.find("Gather").get("numDigits") == "10"  # the keypad can type the number
    call.say("zéro six douze trente-quatre cinquante-six soixante-dix-huit")
    assert "zéro, six, un, deux, trois, quatre, cinq, six, sept, huit" in call.spoken
    assert assistant.texts == ["/greet"]
    call.say("non")
    assert "chiffre par chiffre" in call.spoken
    call.say("zéro six douze trente-quatre cinquante-six soixante-dix-huit")
    call.say("oui")
    assert assistant.texts[-1] == "06 12 34 56 78"


def test_forged_or_foreign_state_gives_no_identity(setup):
    channel, assistant, _ = setup
    from bot.voice.state import CallState, encode

    secret = bot_settings.get_settings().auth.identity_secret
    call = Caller(channel, assistant)
    call.ring()
    # a state signed for another call, or with another key, is ignored (fresh, anonymous state)
    for token in (encode(secret, OTHER_CALL, CallState(policyholder_id=1)),
                  encode("not-the-key", CALL, CallState(policyholder_id=1))):
        call.next_url = f"{WEBHOOK}?s={token}"
        call.say("mes dossiers")
        assert assistant.received[-1].metadata["auth_status"] == "phone"
        assert "identity" not in assistant.received[-1].metadata


def _create_transfer(call_sid: str, topic: str = "claim_status", ref: Optional[str] = "SIN-2021-000123"):
    settings = bot_settings.get_settings()
    from bot.store.db import get_engine

    with session_scope(get_engine(settings.database.url)) as session:
        return referral.create(session, settings, policyholder_id=1, topic=topic, claim_ref=ref,
                               created_by="agent:claire", call_sid=call_sid)


def test_agent_transfer_greets_with_context_once_and_only_on_its_call(setup):
    channel, assistant, _ = setup
    created = _create_transfer(CALL)
    url = referral.transfer_url(WEBHOOK, created.token)
    call = Caller(channel, assistant)
    call.post(url, voice_form(CALL))
    message = assistant.received[-1]
    assert message.text == "/referral_greet"
    settings = bot_settings.get_settings()
    who = verify_identity(settings, message.metadata, message.sender_id)
    assert who is not None and who.policyholder_id == 1 and who.channel == "voice"
    assert referral.verify_claim(settings, message.metadata, message.sender_id, 1) == created.id
    # the next turns of the call stay verified (fresh assertions from the signed call state)
    call.say("et mes garanties ?")
    assert verify_identity(settings, assistant.received[-1].metadata, assistant.received[-1].sender_id).policyholder_id == 1
    # single use: the same token again (a replayed redirect) gets the refusal and an anonymous greeting
    again = Caller(channel, assistant)
    again.post(url, voice_form(CALL))
    assert assistant.received[-1].text == "/greet" and "identity" not in assistant.received[-1].metadata
    assert "plus valable" in again.spoken
    # bound to its call: a token for another call does not transfer this one
    other = _create_transfer(OTHER_CALL)
    third = Caller(channel, assistant)
    third.post(referral.transfer_url(WEBHOOK, other.token), voice_form(CALL))
    assert assistant.received[-1].text == "/greet" and "identity" not in assistant.received[-1].metadata


def test_a_call_token_is_not_a_web_link_and_a_web_link_does_not_transfer_a_call(setup):
    settings = bot_settings.get_settings()
    from bot.store.db import get_engine

    created = _create_transfer(CALL)
    with session_scope(get_engine(settings.database.url)) as session:
        with pytest.raises(referral.ReferralError):
            referral.redeem(session, settings, created.token)
        web = referral.create(session, settings, policyholder_id=1, topic="fees", created_by="agent")
    with session_scope(get_engine(settings.database.url)) as session:
        with pytest.raises(referral.ReferralError):
            referral.redeem(session, settings, web.token, call_sid=CALL)
        with pytest.raises(referral.ReferralError) as refused:
            referral.create(session, settings, policyholder_id=1, topic="fees", created_by="agent", call_sid="CA12")
        assert refused.value.reason == referral.BAD_CALL


def _offer_code(assistant: Assistant) -> None:
    from bot.wording import voice as voice_wording

    assistant.replies["mes dossiers"] = [voice_wording.code_offer().as_message()]


def _sms_code(fake) -> str:
    bodies = fake.texts("twilio")
    assert bodies, "no SMS sent"
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


def test_direct_call_one_time_code_to_the_registered_phone(setup):
    channel, assistant, fake = setup
    _offer_code(assistant)
    call = Caller(channel, assistant, caller=REGISTERED)
    call.ring()
    call.say("mes dossiers")
    assert "code par S M S" in call.spoken and "recevoir le code" in call.spoken
    call.say("recevoir le code")
    sms = [c for c in fake.calls if "Messages.json" in c["path"]]
    assert len(sms) == 1 and sms[0]["data"]["To"] == REGISTERED and sms[0]["data"]["From"] == "+33700000000"
    assert call.root.find("Gather").get("numDigits") == "6"
    code = _sms_code(fake)
    wrong = "000000" if code != "000000" else "111111"
    call.press(wrong)
    assert "ne va pas" in call.spoken
    call.press(code)
    assert "c’est vérifié" in call.spoken and "Menuiserie Durand" in call.spoken
    assert "Rénovation Dupuis SARL" in call.root.find("Gather").get("hints")  # the caller's buyers, now known
    call.say("statut de mon dossier")
    message = assistant.received[-1]
    who = verify_identity(bot_settings.get_settings(), message.metadata, message.sender_id)
    assert who is not None and who.policyholder_id == 1 and message.metadata["auth_status"] == "verified"


def test_code_said_in_words_and_bound_to_its_call(setup):
    channel, assistant, fake = setup
    _offer_code(assistant)
    call = Caller(channel, assistant, caller=REGISTERED)
    call.ring()
    call.say("mes dossiers")
    call.say("oui, recevoir le code")
    code = _sms_code(fake)
    # the same code in another call is worth nothing
    other = Caller(channel, assistant, call_sid=OTHER_CALL, caller=REGISTERED)
    other.ring()
    other.say("mes dossiers")
    other.say("recevoir le code")
    if _sms_code(fake) != code:  # (one chance in a million that both calls drew the same code)
        other.press(code)
        assert "ne va pas" in other.spoken
    from bot.voice import speech as voice_speech

    call.say(voice_speech.say_digits(code))
    assert "c’est vérifié" in call.spoken


def test_unknown_caller_says_the_siren_and_nothing_tells_whether_it_exists(setup):
    channel, assistant, fake = setup
    _offer_code(assistant)
    call = Caller(channel, assistant)  # a number registered nowhere
    call.ring()
    call.say("mes dossiers")
    call.say("recevoir le code")
    assert "Siren" in call.spoken and call.root.find("Gather").get("numDigits") == "9"
    call.press("999999999")  # no such company
    unknown = call.spoken
    assert fake.texts("twilio") == []
    from bot.store.queries import get_policyholder
    from bot.store.db import get_engine

    with session_scope(get_engine(bot_settings.get_settings().database.url)) as session:
        siren = get_policyholder(session, 1).siren
    second = Caller(channel, assistant, call_sid=OTHER_CALL)
    second.ring()
    second.say("mes dossiers")
    second.say("recevoir le code")
    second.say(" ".join(siren))
    assert second.spoken == unknown  # same words, found or not
    assert [c["data"]["To"] for c in fake.calls if "Messages.json" in c["path"]] == [REGISTERED]


def test_three_wrong_codes_send_the_call_to_a_person(setup):
    channel, assistant, fake = setup
    _offer_code(assistant)
    call = Caller(channel, assistant, caller=REGISTERED)
    call.ring()
    call.say("mes dossiers")
    call.say("recevoir le code")
    code = _sms_code(fake)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        call.press(wrong)
    assert assistant.texts[-1] == "/request_human" and "trop d’essais" in call.spoken.lower()


def test_repeated_misunderstanding_goes_to_a_person(setup):
    channel, assistant, _ = setup
    assistant.tracker = SimpleNamespace(events=[], latest_message=SimpleNamespace(intent={"name": "nlu_fallback"}),
                                        active_loop_name=None, get_slot=lambda name: None)
    call = Caller(channel, assistant)
    call.ring()
    call.say("blablabla")
    assert assistant.texts[-1] == "blablabla"
    call.say("truc machin")
    assert assistant.texts[-2:] == ["truc machin", "/request_human"]
    assert "Je vous comprends mal" in call.spoken


def test_status_callbacks_of_an_ended_call_get_empty_twiml(setup):
    channel, assistant, _ = setup
    call = Caller(channel, assistant)
    answer = call.post(WEBHOOK, voice_form(status="completed"))
    assert answer.status == 200 and list(ET.fromstring(answer.body.decode())) == []
    assert assistant.received == []


def test_french_voices_and_bad_configuration():
    kwargs = {"account_sid": "AC" + "a" * 32, "auth_token": TOKEN, "twilio_number": "+33700000000",
              "webhook_url": WEBHOOK}
    for name in ("Polly.Lea", "Polly.Celine", "Polly.Mathieu"):
        assert voice.FrenchTwilioVoiceInput(assistant_voice=name, **kwargs).assistant_voice == name
    from rasa.shared.exceptions import InvalidConfigException

    with pytest.raises(InvalidConfigException):
        voice.FrenchTwilioVoiceInput(assistant_voice="Polly.Nope", **kwargs)
    with pytest.raises(InvalidConfigException):
        voice.FrenchTwilioVoiceInput(desk_target="somewhere", **kwargs)


def test_recevoir_le_code_works_without_the_offer_and_page_words_are_said_for_the_phone(setup):
    channel, assistant, fake = setup
    assistant.replies["c'est quoi la quotité"] = [
        {"text": "La quotité, c’est la part payée. Pour vous donner le chiffre de votre contrat, connectez-vous "
                 "en haut de la page."}]
    call = Caller(channel, assistant, caller=REGISTERED)
    call.ring()
    call.say("c'est quoi la quotité")
    assert "page" not in call.spoken and "dites recevoir le code" in call.spoken.lower()
    call.say("je veux recevoir le code")
    assert [c["data"]["To"] for c in fake.calls if "Messages.json" in c["path"]] == [REGISTERED]
    assert assistant.texts == ["/greet", "c'est quoi la quotité"]


def test_at_most_two_codes_per_call_then_a_person(setup):
    channel, assistant, fake = setup
    _offer_code(assistant)
    call = Caller(channel, assistant, caller=REGISTERED)
    call.ring()
    call.say("recevoir le code")
    call.say("non")  # stops the code step
    call.say("recevoir le code")
    call.say("non")
    call.say("recevoir le code")
    assert len([c for c in fake.calls if "Messages.json" in c["path"]]) == 2
    assert assistant.texts[-1] == "/request_human"


def test_junk_in_the_form_is_bounded(setup):
    channel, assistant, _ = setup
    call = Caller(channel, assistant)
    call.ring()
    call.say("a" * 5000 + "\x00")
    assert len(assistant.texts[-1]) == 500 and "\x00" not in assistant.texts[-1]
    call.press("12<script>34")
    assert assistant.texts[-1] == "1234"
