"""Phone calls in French through Twilio Programmable Voice (docs/voice.md).

Built on Rasa's ``twilio_voice`` connector (:class:`rasa.core.channels.twilio_voice.TwilioVoiceInput`),
which answers each webhook with TwiML but sets no recognition language (so English), accepts no
French voice but Céline and Mathieu, checks no signature, uses the caller's number as the
conversation id, reads bot messages as written ("18 400 €") and turns buttons into extra sentences.
This subclass keeps its shape (one ``/webhooks/twilio_voice/webhook`` answering ``<Gather>``) and
changes what matters here:

- **Signatures**: every request must carry a valid ``X-Twilio-Signature`` over the public URL
  (``VOICE_WEBHOOK_URL``, default ``PUBLIC_BASE_URL`` + the path, with the query string) and the form,
  checked with Twilio's ``RequestValidator``, like the SMS channel (:mod:`rasa_ext.channels.twilio`).
- **French**: ``<Gather language="fr-FR" input="dtmf speech">`` with hints (scheme names, "S I N",
  "conseiller", the options just spoken, the verified caller's buyer names), ``<Say voice="Polly.Lea"
  language="fr-FR">`` with SSML pauses between chunks of at most 25 words.
- **Speech from the same wording**: replies are rendered by :func:`bot.voice.speech.render`
  (figures in words, references group by group, options spoken, no symbols); what the caller says
  is read by :func:`bot.voice.hearing.normalise` (numbers and references in words, hesitations).
- **One conversation per call**: the sender id is an HMAC of the ``CallSid``; what must survive
  between two webhooks travels in the signed call state of :mod:`bot.voice.state`.
- **Identity**: an anonymous call gets general answers (``auth_status: "phone"``: asking about
  one's files offers a one-time code, :mod:`bot.voice.verify`, sent by SMS to the contract's
  registered phone). A call an agent transfers arrives with a referral token bound to its
  ``CallSid`` (:func:`bot.referral.redeem`); the assistant then greets with the agent's context
  through the same ``/referral_greet`` as a web link. Each turn of a verified call carries a fresh
  signed identity assertion, as on the web.
- **Back to a person**: "conseiller", "un humain", "0", two misunderstood turns in a row or two
  silences send ``/request_human`` through the ordinary handoff (ticket with summary and
  transcript; outside opening hours the callback form, whose phone number is confirmed digit by
  digit here); once a ticket exists the call goes to ``VOICE_DESK_TARGET`` (``<Enqueue>`` or ``<Dial>``).
- **Repeat, silence, doubt**: "répétez" says the last answer again; a silence gets a reprompt, then
  a transfer, then a goodbye; a result below ``VOICE_MIN_CONFIDENCE`` is read back for a yes first.

Credentials (``scripts/render_credentials.py`` writes them when the Twilio account, number and a
public address are set)::

    rasa_ext.channels.voice.FrenchTwilioVoiceInput:
      account_sid: ${TWILIO_ACCOUNT_SID}
      auth_token: ${TWILIO_AUTH_TOKEN}
      twilio_number: ${TWILIO_NUMBER}
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple
from urllib.parse import parse_qsl, urlencode

from bot.inbound import screen
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.twilio_voice import TwilioVoiceInput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from bot import referral
from bot.auth import Identity, sign_identity
from bot.settings import get_settings
from bot.voice import hearing, speech, verify
from bot.voice.state import CallState, call_key, decode, encode
from bot.wording import voice as wording
from rasa_ext.channels.resilience import handle_guarded

logger = logging.getLogger(__name__)

LANGUAGE = "fr-FR"
CHANNEL = "voice"
FRENCH_VOICES = ("Polly.Lea", "Polly.Lea-Neural", "Polly.Celine", "Polly.Mathieu", "Polly.Remi-Neural",
                 "Google.fr-FR-Standard-A", "Google.fr-FR-Standard-B", "Google.fr-FR-Wavenet-A",
                 "Google.fr-FR-Wavenet-B", "Google.fr-FR-Neural2-A", "Google.fr-FR-Neural2-B")
CALL_SID = re.compile(r"^CA[0-9a-f]{32}$")
ENDED = {"completed", "canceled", "failed", "busy", "no-answer"}
PAUSE = "400ms"
MAX_SILENCES = 3          # 1: reprompt, 2: a person, 3: goodbye
MAX_MISSES = 2            # misunderstood turns in a row before a person
MAX_SPEECH_CHARS = 500    # a caller's turn (recognition results are short; more is not speech)
HINTS = ("conseiller", "un humain", "répétez", "mes dossiers", "S I N", "sinistre", "CAP", "CAP plus",
         "Cap Francexport", "Cap Relais", "agrément", "quotité", "franchise", "indemnisation", "frais",
         "recouvrement", "oui", "non", "la suite")
FALLBACK_INTENTS = {"nlu_fallback"}
_HINT_CACHE: Dict[int, Tuple[float, Tuple[str, ...]]] = {}


class VoiceCollector(CollectingOutputChannel):
    """Collects the turn's messages with their buttons (Rasa's voice collector splits buttons into texts)."""

    @classmethod
    def name(cls) -> Text:
        return "twilio_voice"


def _db_call(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    from bot.store.db import get_engine, session_scope

    with session_scope(get_engine(get_settings().database.url)) as session:
        return func(session, *args, **kwargs)


async def in_store(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A store call off the event loop."""
    return await asyncio.to_thread(_db_call, func, *args, **kwargs)


async def buyer_hints(policyholder_id: Optional[int]) -> Tuple[str, ...]:
    """The verified caller's buyer names (speech hints), read off the event loop, kept 10 minutes."""
    if policyholder_id is None:
        return ()
    cached = _HINT_CACHE.get(policyholder_id)
    if cached and cached[0] > time.time():
        return cached[1]
    from bot.store.queries import voice as voice_queries

    try:
        names = await in_store(voice_queries.buyer_names, policyholder_id)
    except Exception:
        logger.exception("buyer names for hints failed")
        names = ()
    if len(_HINT_CACHE) > 5000:
        _HINT_CACHE.clear()
    _HINT_CACHE[policyholder_id] = (time.time() + 600, names)
    return names


class FrenchTwilioVoiceInput(TwilioVoiceInput):
    SUPPORTED_VOICES = [*TwilioVoiceInput.SUPPORTED_VOICES, *FRENCH_VOICES]

    @classmethod
    def name(cls) -> Text:
        return "twilio_voice"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        settings = get_settings()
        voice = settings.channels.voice
        webhook_url = credentials.get("webhook_url") or voice.effective_webhook_url(settings.web.public_base_url)
        for key, value in (("account_sid", credentials.get("account_sid")),
                           ("auth_token", credentials.get("auth_token")), ("webhook_url", webhook_url)):
            if not value:
                raise ValueError(f"twilio_voice: missing {key!r}")
        return cls(account_sid=str(credentials["account_sid"]), auth_token=str(credentials["auth_token"]),
                   twilio_number=str(credentials.get("twilio_number") or settings.channels.twilio.number),
                   webhook_url=str(webhook_url), assistant_voice=voice.voice, desk_target=voice.desk_target,
                   min_confidence=voice.min_confidence, speech_timeout=voice.speech_timeout,
                   gather_timeout=voice.gather_timeout,
                   api_base=credentials.get("api_base") or settings.channels.twilio.api_base or None)

    def __init__(self, *, account_sid: Text, auth_token: Text, twilio_number: Text, webhook_url: Text,
                 assistant_voice: Text = "Polly.Lea", desk_target: Text = "queue:indemnisation",
                 min_confidence: float = 0.5, speech_timeout: Text = "auto", gather_timeout: int = 6,
                 api_base: Optional[Text] = None) -> None:
        # Rasa's __init__ only stores and validates these; its rule "auto needs numbers_and_commands"
        # is Twilio's former limit, so the validation is ours (_validate_configuration)
        self.initial_prompt = "/greet"
        self.reprompt_fallback_phrase = wording.TEMPLATES["silence"]
        self.assistant_voice = assistant_voice
        self.speech_timeout = str(speech_timeout)
        self.speech_model = "default"
        self.enhanced = "false"
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.twilio_number = twilio_number
        self.webhook_url = webhook_url
        self.desk_target = desk_target
        self.min_confidence = float(min_confidence)
        self.gather_timeout = int(gather_timeout)
        self.api_base = api_base
        self._validate_configuration()

    def _validate_configuration(self) -> None:
        if self.assistant_voice not in self.SUPPORTED_VOICES:
            self._raise_invalid_voice_exception()
        if self.speech_timeout != "auto" and not self.speech_timeout.isdigit():
            self._raise_invalid_speech_timeout_exception()
        if not re.match(r"^(queue:\S+|\+\d{6,15}|sip:\S+|client:\S+)$", self.desk_target or ""):
            raise InvalidConfigException(f"VOICE_DESK_TARGET {self.desk_target!r}: queue:<name>, +33..., sip: or client:")

    # --- the webhook ---------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("french_twilio_voice_webhook", __name__)
        validator = RequestValidator(self.auth_token)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            # the form with its empty fields (Twilio signs "FinishedOnKey=" too; Sanic's request.form drops them)
            form = dict(parse_qsl((request.body or b"").decode("utf-8", "replace"), keep_blank_values=True))
            url = self.webhook_url + (f"?{request.query_string}" if request.query_string else "")
            signature = request.headers.get("X-Twilio-Signature", "")
            if not signature or not validator.validate(url, form, signature):
                return response.text("forbidden", status=403)
            call_sid = form.get("CallSid") or ""
            if not CALL_SID.match(call_sid):
                return response.text("bad request", status=400)
            if form.get("CallStatus") in ENDED:
                return self._twiml(VoiceResponse())
            try:
                twiml = await Turn(self, request, form, on_new_message).run()
            except Exception:
                logger.exception("voice turn failed")
                twiml = self._transfer_twiml(speech.render_text(wording.TEMPLATES["transfer"]))
            return self._twiml(twiml)

        return webhook

    @staticmethod
    def _twiml(twiml: VoiceResponse) -> HTTPResponse:
        return response.text(str(twiml), content_type="text/xml; charset=utf-8")

    # --- TwiML ---------------------------------------------------------------------------------------

    def _say(self, parent: Any, said: speech.Speech) -> None:
        if not said.chunks:
            return
        say = parent.say(voice=self.assistant_voice, language=LANGUAGE)
        for i, part in enumerate(said.chunks):
            if i:
                say.break_(time=PAUSE)
            say.append(part)

    def gather_twiml(self, said: speech.Speech, state_token: str, hints: List[str], digits: int) -> VoiceResponse:
        twiml = VoiceResponse()
        gather = Gather(input="dtmf speech", action=f"{self.webhook_url}?{urlencode({'s': state_token})}",
                        method="POST", language=LANGUAGE, hints=", ".join(dict.fromkeys(h for h in hints if h))[:900],
                        speechTimeout=self.speech_timeout, timeout=self.gather_timeout, actionOnEmptyResult=True,
                        numDigits=digits, finishOnKey="#")
        self._say(gather, said)
        twiml.append(gather)
        return twiml

    def _transfer_twiml(self, said: speech.Speech) -> VoiceResponse:
        twiml = VoiceResponse()
        self._say(twiml, said)
        target = self.desk_target
        if target.startswith("queue:"):
            twiml.enqueue(target[len("queue:"):])
        else:
            dial = Dial()
            if target.startswith("sip:"):
                dial.sip(target)
            elif target.startswith("client:"):
                dial.client(target[len("client:"):])
            else:
                dial.number(target)
            twiml.append(dial)
        return twiml

    def hangup_twiml(self, said: speech.Speech) -> VoiceResponse:
        twiml = VoiceResponse()
        self._say(twiml, said)
        twiml.hangup()
        return twiml


class Turn:
    """One webhook of one call: what was heard, what the assistant answers, the TwiML."""

    def __init__(self, channel: FrenchTwilioVoiceInput, request: Request, form: Dict[str, str],
                 on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        self.channel = channel
        self.request = request
        self.form = form
        self.on_new_message = on_new_message
        self.settings = get_settings()
        self.secret = self.settings.auth.identity_secret
        self.call_sid = form["CallSid"]
        self.caller = form.get("From") or ""
        self.sender_id = f"voice-{call_key(self.secret, self.call_sid)}"
        token = request.args.get("s")
        self.new_call = token is None
        self.state = decode(self.secret, self.call_sid, token) or CallState()
        self.hints: Tuple[str, ...] = ()

    async def load_hints(self) -> None:
        self.hints = await buyer_hints(self.state.policyholder_id)

    # --- talking to the assistant --------------------------------------------------------------------

    def metadata(self, extra: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        state = self.state
        metadata: Dict[str, Any] = {"channel": CHANNEL, "auth_status": "verified" if state.policyholder_id else "phone"}
        if state.policyholder_id:
            who = Identity(policyholder_id=state.policyholder_id, channel=CHANNEL, name=state.name)
            metadata["identity"] = sign_identity(self.settings, who, self.sender_id)
        metadata.update(extra or {})
        return metadata

    async def ask(self, text: str, extra: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        collector = VoiceCollector()
        await handle_guarded(self.on_new_message, UserMessage(text, collector, self.sender_id,
                                                              input_channel=FrenchTwilioVoiceInput.name(),
                                                              metadata=self.metadata(extra)))
        return collector.messages

    async def tracker(self) -> Any:
        try:
            agent = self.request.app.ctx.agent
            return await agent.tracker_store.retrieve(self.sender_id)
        except Exception:
            logger.debug("tracker of %s unavailable", self.sender_id, exc_info=True)
            return None

    # --- the turn --------------------------------------------------------------------------------------

    async def run(self) -> VoiceResponse:
        await self.load_hints()
        transfer = self.request.args.get(referral.TRANSFER_PARAM)
        if transfer is not None and not self.state.greeted:
            return await self.transferred(transfer)
        if self.new_call:
            self.state = self.state.with_(greeted=True)
            messages = await self.ask("/greet")
            return await self.answer(messages, first=True)
        digits = re.sub(r"[^0-9*#]", "", self.form.get("Digits") or "")[:20]
        said = (self.form.get("SpeechResult") or "").replace("\x00", "").strip()[:MAX_SPEECH_CHARS]
        heard = digits or said
        if not heard:
            return await self.silence()
        self.state = self.state.with_(silences=0)
        # what was heard follows every public channel's rules (bot/inbound.py: no /intent{…} payloads)
        text = digits if digits else screen(hearing.normalise(said)).text
        if not text:
            return await self.silence()
        pending = self.state.confirm
        if pending:
            outcome = await self.confirmation(text)
            if isinstance(outcome, VoiceResponse):
                return outcome
            text = outcome or text
            if outcome:
                return await self.answer(await self.ask(text))
        if (digits == "0" or hearing.wants_person(text)) and not (self.state.verify and len(digits) > 1):
            self.state = self.state.with_(verify="", options=())
            return await self.answer(await self.ask(wording.HUMAN_PAYLOAD))
        if hearing.wants_repeat(text):
            return await self.repeat()
        if self.state.verify:
            return await self.verification(text)
        if self.state.options:
            titles = [title for title, _payload in self.state.options]
            index = hearing.choose(text, titles)
            if index is not None:
                payload = self.state.options[index][1]
                if payload == wording.CODE_PAYLOAD:
                    return await self.start_verification()
                return await self.answer(await self.ask(payload))
        if not self.state.policyholder_id and _asks_for_code(text):  # "recevoir le code", said at any time
            return await self.start_verification()
        phone = hearing.phone_number(text)
        if phone and await self.callback_number_asked():
            return self.confirm(wording.text("confirm_phone", digits=speech.say_digits(phone)), phone, "phone")
        confidence = _confidence(self.form.get("Confidence"))
        if not digits and confidence is not None and confidence < self.channel.min_confidence \
                and hearing.yes_no(text) is None and not pending:
            return self.confirm(wording.text("confirm_heard", text=said), text, "heard")
        return await self.answer(await self.ask(text))

    async def answer(self, messages: List[Dict[str, Any]], *, first: bool = False,
                     before: Optional[List[str]] = None) -> VoiceResponse:
        """Speak the assistant's messages; hand the call to a person when a ticket was opened."""
        await self.load_hints()
        tracker = await self.tracker()
        if tracker is not None and _misunderstood(tracker) and not first:
            misses = self.state.misses + 1
            if misses >= MAX_MISSES:
                self.state = self.state.with_(misses=0)
                more = await self.ask(wording.HUMAN_PAYLOAD)
                return await self.answer(more, before=[wording.TEMPLATES["misunderstood_transfer"]])
            self.state = self.state.with_(misses=misses)
        elif tracker is not None:
            self.state = self.state.with_(misses=0)
        intro = [{"text": t} for t in before or []]
        if tracker is not None and _ticket_opened(tracker):
            # the ticket's own answer is written for the page ("restez sur cette page"): on the phone the call
            # itself goes to the desk, where the agent sees the ticket with the summary and the transcript
            return self.channel._transfer_twiml(speech.render(intro + [{"text": wording.TEMPLATES["transfer"]}]))
        keys = [{"text": wording.TEMPLATES["keys"]}] if first else []
        said = speech.render(intro + messages + keys)
        self.state = self.state.with_(options=tuple((o.title, o.payload) for o in said.options), prompt="")
        digits = 10 if tracker is not None and _asks_phone(tracker) else 1
        return self.gather(said, digits)

    def gather(self, said: speech.Speech, digits: int = 1) -> VoiceResponse:
        hints = [*HINTS, *(title for title, _ in self.state.options), *self.hints]
        if self.state.verify == "code":
            digits = verify.CODE_DIGITS
        elif self.state.verify == "siren":
            digits = 9
        token = encode(self.secret, self.call_sid, self.state)
        return self.channel.gather_twiml(said, token, hints, digits)

    def prompt(self, text: str, digits: int = 1) -> VoiceResponse:
        """A sentence of the phone flow itself (kept for "répétez")."""
        self.state = self.state.with_(prompt=text, options=())
        return self.gather(speech.render_text(text), digits)

    def confirm(self, text: str, pending: str, kind: str) -> VoiceResponse:
        self.state = self.state.with_(pending=pending, confirm=kind)
        return self.prompt(text)

    async def confirmation(self, text: str) -> Any:
        """The caller's answer to "C’est bien cela ?": the text to send, a TwiML, or None (a new request)."""
        answer = hearing.yes_no(text)
        kind, pending = self.state.confirm, self.state.pending
        self.state = self.state.with_(pending="", confirm="")
        if answer is True:
            if kind == "phone":
                return " ".join(pending[i:i + 2] for i in range(0, 10, 2))
            return pending
        if answer is False:
            return self.prompt(wording.TEMPLATES["phone_again" if kind == "phone" else "confirm_retry"])
        return None

    async def repeat(self) -> VoiceResponse:
        if self.state.prompt:
            return self.gather(speech.render_text(self.state.prompt))
        tracker = await self.tracker()
        messages = _last_bot_messages(tracker) if tracker is not None else []
        if not messages:
            return self.prompt(wording.TEMPLATES["nothing_to_repeat"])
        said = speech.render(messages)
        self.state = self.state.with_(options=tuple((o.title, o.payload) for o in said.options))
        return self.gather(said)

    async def silence(self) -> VoiceResponse:
        silences = self.state.silences + 1
        self.state = self.state.with_(silences=silences)
        if silences >= MAX_SILENCES:
            return self.channel.hangup_twiml(speech.render_text(wording.TEMPLATES["silence_bye"]))
        if silences == MAX_SILENCES - 1:
            messages = await self.ask(wording.HUMAN_PAYLOAD)
            return await self.answer(messages, before=[wording.TEMPLATES["silence_transfer"]])
        self.state = self.state.with_(prompt=wording.TEMPLATES["silence"])
        return self.gather(speech.render_text(wording.TEMPLATES["silence"]))

    async def callback_number_asked(self) -> bool:
        tracker = await self.tracker()
        return tracker is not None and _asks_phone(tracker)

    # --- agent transfer ------------------------------------------------------------------------------

    async def transferred(self, token: str) -> VoiceResponse:
        self.state = self.state.with_(greeted=True)
        try:
            redeemed = await in_store(referral.redeem, self.settings, token, call_sid=self.call_sid)
        except referral.ReferralError as exc:
            logger.info("call transfer refused (%s)", exc.reason)
            messages = await self.ask("/greet")
            return await self.answer(messages, first=True, before=[wording.TEMPLATES["transfer_refused"]])
        logger.info("call transfer %s for policyholder %s", redeemed.id, redeemed.policyholder_id)
        self.state = self.state.with_(policyholder_id=redeemed.policyholder_id, name=redeemed.policyholder_name,
                                      verified_by="transfer")
        claim = referral.sign_claim(self.settings, redeemed.id, redeemed.policyholder_id, self.sender_id)
        messages = await self.ask("/referral_greet", {referral.METADATA_KEY: claim})
        return await self.answer(messages, first=True)

    # --- one-time code -------------------------------------------------------------------------------

    async def start_verification(self) -> VoiceResponse:
        if self.state.policyholder_id:
            return self.prompt(wording.TEMPLATES["nothing_to_repeat"])
        try:
            holder = await in_store(verify.contract_for_caller, self.caller)
        except Exception:
            logger.exception("caller lookup failed")
            return self.prompt(wording.TEMPLATES["code_unavailable"])
        if holder is None:
            self.state = self.state.with_(verify="siren")
            return self.prompt(wording.TEMPLATES["code_ask_siren"], 9)
        return await self.send_code(verify.issue, holder)

    async def send_code(self, issue: Callable[..., verify.Issued], key: Any) -> VoiceResponse:
        from bot import ratelimit

        # SMS cost money and reach a real person: two codes per call, and the pairing-code limit per caller number
        allowed = self.state.codes < verify.MAX_CODES_PER_CALL and await ratelimit.get_limiter().acheck(
            ("pairing_code_identity", f"voice:{verify.caller_hash(self.secret, self.caller or 'unknown')}"))
        if not allowed:
            logger.info("one-time code refused on a call: limit reached")
            self.state = self.state.with_(verify="")
            messages = await self.ask(wording.HUMAN_PAYLOAD)
            return await self.answer(messages, before=[wording.TEMPLATES["code_blocked"]])
        self.state = self.state.with_(codes=self.state.codes + 1)
        try:
            issued = await in_store(issue, self.secret, self.call_sid, key)
            if issued.send_to and issued.code:
                await self.send_sms(issued.send_to, wording.text("code_sms", code=issued.code))
        except Exception:
            logger.exception("one-time code not sent")
            self.state = self.state.with_(verify="")
            messages = await self.ask(wording.HUMAN_PAYLOAD)
            return await self.answer(messages, before=[wording.TEMPLATES["code_unavailable"]])
        self.state = self.state.with_(verify="code")
        return self.prompt(wording.TEMPLATES["code_sent"], verify.CODE_DIGITS)

    async def send_sms(self, to: str, body: str) -> None:
        from twilio.rest import Client

        from rasa_ext.channels.twilio import _RebasedHttpClient

        http = _RebasedHttpClient(self.channel.api_base) if self.channel.api_base else None
        client = Client(self.channel.account_sid, self.channel.auth_token, http_client=http)
        await asyncio.to_thread(client.messages.create, to=to, from_=self.channel.twilio_number, body=body)

    async def verification(self, text: str) -> VoiceResponse:
        from bot import dialogue

        if dialogue.is_cancel(text) or hearing.yes_no(text) is False:
            self.state = self.state.with_(verify="")
            return self.prompt(wording.TEMPLATES["code_stopped"])
        said = hearing.digits(text)
        if self.state.verify == "siren":
            if len(said) != 9:
                return self.prompt(wording.TEMPLATES["code_siren_again"], 9)
            return await self.send_code(verify.issue_for_siren, said)
        try:
            result = await in_store(verify.redeem, self.secret, self.call_sid, self.caller, said)
        except Exception:
            logger.exception("one-time code check failed")
            return self.prompt(wording.TEMPLATES["code_unavailable"])
        logger.info("one-time code on a call: %s", result.outcome)
        if result.outcome == verify.VERIFIED:
            self.state = self.state.with_(policyholder_id=result.policyholder_id, name=result.name,
                                          verified_by="code", verify="", failures=0)
            await self.load_hints()
            return self.prompt(wording.text("code_ok", name=result.name))
        failures = self.state.failures + 1
        self.state = self.state.with_(failures=failures)
        if result.outcome == verify.BLOCKED or failures >= verify.MAX_FAILURES_PER_CALL:
            self.state = self.state.with_(verify="")
            messages = await self.ask(wording.HUMAN_PAYLOAD)
            return await self.answer(messages, before=[wording.TEMPLATES["code_blocked"]])
        return self.prompt(wording.TEMPLATES["code_wrong"], verify.CODE_DIGITS)


# --- reading the tracker -------------------------------------------------------------------------------

def _asks_for_code(text: str) -> bool:
    from bot.text import fold

    said = fold(text)
    return len(said.split()) <= 10 and any(fold(p) in said for p in wording.CODE_PHRASES)


def _confidence(value: Any) -> Optional[float]:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _since_last_user(tracker: Any) -> List[Any]:
    events = list(tracker.events)
    for i in range(len(events) - 1, -1, -1):
        if type(events[i]).__name__ == "UserUttered":
            return events[i + 1:]
    return events


def _ticket_opened(tracker: Any) -> bool:
    """This turn set ``handoff_outcome`` to ``ticket``: a person takes the call."""
    return any(type(e).__name__ == "SlotSet" and e.key == "handoff_outcome" and e.value == "ticket"
               for e in _since_last_user(tracker))


def _misunderstood(tracker: Any) -> bool:
    intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
    return intent in FALLBACK_INTENTS


def _asks_phone(tracker: Any) -> bool:
    return getattr(tracker, "active_loop_name", None) == "callback_form" \
        and tracker.get_slot("requested_slot") == "callback_phone"


def _last_bot_messages(tracker: Any) -> List[Dict[str, Any]]:
    out = []
    for event in _since_last_user(tracker):
        if type(event).__name__ == "BotUttered":
            out.append({"text": event.text or "", "buttons": (event.data or {}).get("buttons") or []})
    return out
