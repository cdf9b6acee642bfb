"""A scripted-call harness: plays phone calls turn by turn against the running stack, as Twilio would.

Each turn is the form Twilio Programmable Voice posts to the voice webhook (``CallSid``, ``From``,
``SpeechResult`` + ``Confidence``, or ``Digits``, or nothing for a silence), signed with
``X-Twilio-Signature`` over the URL Twilio was told to call (the ``<Gather action>`` of the previous
answer, whose query carries the signed call state). The TwiML answer is parsed: what is said
(``<Say>`` text), whether the call goes on (``<Gather>``), goes to the desk (``<Enqueue>`` /
``<Dial>``) or ends (``<Hangup>``). Used by tests/e2e/test_voice_calls.py; a transcript of every call
is written next to the stack's logs.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import requests

PATH = "/webhooks/twilio_voice/webhook"


def signature(token: str, url: str, params: Dict[str, str]) -> str:
    """Twilio's request signature: HMAC-SHA1 of the URL and the sorted form, base64."""
    data = url + "".join(k + params[k] for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def new_call_sid() -> str:
    return "CA" + secrets.token_hex(16)


@dataclass
class Turn:
    heard: str            # what the caller did: 'dit « … »', 'tape 0', '(silence)', '(appel)'
    said: str             # what the assistant said
    outcome: str          # gather, enqueue, dial, hangup


@dataclass
class Call:
    """One phone call to the stack. ``public_url`` is the webhook URL Twilio is configured with."""

    rasa_url: str
    public_url: str
    auth_token: str
    caller: str = "+33611223344"
    call_sid: str = field(default_factory=new_call_sid)
    turns: List[Turn] = field(default_factory=list)
    next_url: Optional[str] = None
    root: Optional[ET.Element] = None

    def form(self, **extra: str) -> Dict[str, str]:
        form = {"AccountSid": "AC" + "a" * 32, "ApiVersion": "2010-04-01", "CallSid": self.call_sid,
                "CallStatus": "in-progress", "Called": "+33700000000", "Caller": self.caller, "Direction": "inbound",
                "From": self.caller, "To": "+33700000000", "CallerCountry": "FR", "ToCountry": "FR"}
        form.update(extra)
        return form

    def post(self, url: str, form: Dict[str, str], heard: str) -> Turn:
        local = self.rasa_url + PATH + url[len(self.public_url):]
        answer = requests.post(local, data=form, timeout=120,
                               headers={"X-Twilio-Signature": signature(self.auth_token, url, form)})
        assert answer.status_code == 200, (answer.status_code, answer.text[:300])
        self.root = ET.fromstring(answer.content)
        gather = self.root.find("Gather")
        self.next_url = gather.get("action") if gather is not None else None
        outcome = "gather" if gather is not None else next(
            (tag for tag in ("Enqueue", "Dial", "Hangup") if self.root.find(tag) is not None), "end").lower()
        turn = Turn(heard, self.spoken, outcome)
        self.turns.append(turn)
        return turn

    @property
    def spoken(self) -> str:
        return " ".join(" ".join(" ".join(say.itertext()).split()) for say in self.root.iter("Say"))

    @property
    def gather(self) -> Optional[ET.Element]:
        return self.root.find("Gather") if self.root is not None else None

    def ring(self, url: Optional[str] = None) -> Turn:
        return self.post(url or self.public_url, self.form(CallStatus="ringing"), "(appel)")

    def say(self, text: str, confidence: str = "0.91") -> Turn:
        assert self.next_url, "the call has ended"
        return self.post(self.next_url, self.form(SpeechResult=text, Confidence=confidence, Language="fr-FR"),
                         f"dit « {text} »")

    def press(self, digits: str) -> Turn:
        assert self.next_url, "the call has ended"
        return self.post(self.next_url, self.form(Digits=digits, FinishedOnKey=""), f"tape {digits}")

    def silence(self) -> Turn:
        assert self.next_url, "the call has ended"
        return self.post(self.next_url, self.form(), "(silence)")

    def transcript(self, title: str) -> str:
        lines = [f"### {title}", ""]
        for turn in self.turns:
            lines.append(f"- **Appelant** : {turn.heard}")
            lines.append(f"  **Assistant** ({turn.outcome}) : {turn.said}")
        return "\n".join(lines) + "\n"
