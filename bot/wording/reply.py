"""A reply the assistant sends: text plus optional buttons, independent of any channel.

Replies are short: one answer is at most :data:`MAX_WORDS` words. :func:`shorten` keeps the first
sentences (the fact asked comes first in every template) within that budget and puts the rest in
``detail``, behind a « Voir le détail » button (payload ``/show_detail``); the detail travels with the
message (Rasa keeps unknown message keys in the bot event's metadata, which channels do not send)
and ``action_show_detail`` says it, a page at a time, when the person asks for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional

from bot.wording.format import typo


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


MAX_WORDS = 60
DETAIL_PAYLOAD = "/show_detail"
DETAIL_BUTTON = Button("Voir le détail", DETAIL_PAYLOAD)
MORE_BUTTON = Button("Voir la suite", DETAIL_PAYLOAD)
# a sentence ends with . ! ? or … followed by a space and a capital, a digit or a quote
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ0-9«“])")


@dataclass
class Reply:
    text: str
    buttons: List[Button] = field(default_factory=list)
    custom: Optional[Dict[str, Any]] = None
    # paragraphs said only on request (« Voir le détail »)
    detail: List[str] = field(default_factory=list)

    def as_message(self) -> Dict[str, Any]:
        """Keyword arguments for ``dispatcher.utter_message``."""
        # one line = one paragraph: chat widgets render Markdown, where a single newline is no break
        text = "\n\n".join(line for line in typo(self.text).split("\n") if line.strip())
        message: Dict[str, Any] = {"text": text}
        if self.buttons:
            message["buttons"] = [{"title": typo(b.title), "payload": b.payload} for b in self.buttons]
        if self.custom:
            message["json_message"] = self.custom
        if self.detail:
            message["detail"] = [typo(d) for d in self.detail]
        return message


def word_count(text: Optional[str]) -> int:
    """Words as a reader counts them (an amount like « 12 500 € » is three)."""
    return len((text or "").split())


def sentences(text: str) -> List[List[str]]:
    """The text's paragraphs (one per line), each as its list of sentences."""
    return [[s for s in _SENTENCE_END.split(line.strip()) if s.strip()] for line in text.split("\n") if line.strip()]


def shorten(reply: Reply, budget: int = MAX_WORDS, button: Button = DETAIL_BUTTON) -> Reply:
    """``reply`` within ``budget`` words: its first sentences, in order (at least one); the rest
    becomes the reply's ``detail``, with ``button`` to ask for it."""
    if word_count(reply.text) <= budget:
        return reply
    head: List[str] = []
    detail: List[str] = []
    used, overflow = 0, False
    for paragraph in sentences(reply.text):
        kept: List[str] = []
        moved: List[str] = []
        for sentence in paragraph:
            count = word_count(sentence)
            if not overflow and (used + count <= budget or not (head or kept)):
                kept.append(sentence)
                used += count
            else:
                overflow = True
                moved.append(sentence)
        if kept:
            head.append(" ".join(kept))
        if moved:
            detail.append(" ".join(moved))
    if not detail:
        return reply
    text = "\n".join(head)
    buttons = [button] + [b for b in reply.buttons if b.payload != DETAIL_PAYLOAD]
    return replace(reply, text=text, buttons=buttons, detail=list(reply.detail) + detail)


def join(*parts: Optional[str]) -> str:
    """Join sentences, skipping empty parts."""
    return " ".join(p.strip() for p in parts if p and p.strip())
