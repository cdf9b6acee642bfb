"""Several questions in one message: where a message may be cut, and whether it should be (no Rasa import).

« c'est quoi mon agrément sur Martin et j'ai des dossiers ouverts sur eux ? » holds two questions; Rasa
predicts one intent per message, so only one would be answered. The split step of the Rasa server
(:mod:`rasa_ext.patches.multi_question`) asks this module two things:

1. :func:`pieces`: where the message *could* be cut. Only at marks people use between two questions: a
   question mark followed by more text, a line break, « ; », a sentence end, « et aussi », « et puis »,
   « au fait », « autre question », « sinon », « par ailleurs », and « et » when a new clause starts after it
   (« et j'ai… », « et combien… », « et c'est quoi… »; never « le CAP et le CAP+ »).
2. :func:`plan`: given what the NLU read in each piece, whether to cut, and into which clauses. A message is
   cut only when at least two pieces are each a real question (a question mark, a question word or « je
   voudrais savoir… »; at least three words) whose intent is confident and answerable (not hello, thanks,
   yes/no, a complaint, a wish to declare or to talk to a person) and the questions differ (two intents, or
   the same intent on two claims / two buyers). Inside a form, a piece that is not a question (the answer to
   the form's question) and a question make two clauses too: the answer fills the slot, the question is
   answered. The other pieces (« bonjour, », « merci d'avance ») stay with their neighbour. When in doubt the
   message is not cut: a false split answers two half-questions, which is worse than answering one.

The Rasa side parses each piece, calls :func:`plan`, parses the merged clauses again and checks them with
:func:`confirm` before playing them as successive turns of the conversation.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

from bot import dialogue
from bot.parsing import parse_amount, parse_date
from bot.text import fold

__all__ = [
    "Piece", "Reading", "Plan", "pieces", "may_hold_several", "asks", "answers_form", "plan", "confirm",
    "ANSWERABLE", "CONFIDENT", "MIN_WORDS",
]

# Intents the assistant answers without a side effect: a clause with one of them may be answered alone.
ANSWERABLE: FrozenSet[str] = frozenset({
    "ask_claim_status", "list_claims", "ask_claim_process", "ask_fees", "ask_guarantee", "ask_cap",
    "ask_advance_indemnification", "ask_term", "ask_claim_payout", "ask_sign_in", "ask_opening_hours",
    "bot_challenge",
})
# Intents a form's answer may carry when it is played alone: never one that leaves the form, files
# something or hands over (those stay in the whole message, as before).
_NOT_A_FORM_ANSWER: FrozenSet[str] = frozenset({
    "request_human", "complain", "deny", "goodbye", "express_worry", "affirm", "thank", "greet",
})
# DIET (softmax) is sure of most pieces: below this a piece stays with the others (false splits: docs/conversations.md)
CONFIDENT = 0.8
MIN_WORDS = 3  # « et quand ? » is not a question of its own: it shares the verb of the first one
# entities that tell two questions of the same intent apart (« où en est le 123 ? et le 456 ? »)
_SUBJECTS = ("claim_ref", "buyer")


@dataclass(frozen=True)
class Piece:
    """A stretch of the message between two possible cuts; ``mark`` is what opened it ("" for the first)."""

    text: str
    mark: str = ""


@dataclass(frozen=True)
class Reading:
    """What the NLU read in a piece or a clause."""

    intent: Optional[str]
    confidence: float = 0.0
    entities: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_parse(cls, parse: Mapping) -> "Reading":
        """From Rasa's parse data (``{"intent": {"name", "confidence"}, "entities": [...]}``)."""
        intent = parse.get("intent") or {}
        found: Dict[str, List[str]] = {}
        for entity in parse.get("entities") or ():
            found.setdefault(str(entity.get("entity")), []).append(fold(str(entity.get("value"))).strip())
        return cls(intent.get("name"), float(intent.get("confidence") or 0.0),
                   {k: tuple(v) for k, v in found.items()})


@dataclass(frozen=True)
class Plan:
    """The clauses to play in order, and for each the pieces it is made of (to check the merged ones)."""

    clauses: Tuple[str, ...]
    anchors: Tuple[int, ...]  # for each clause, the index of the piece that made it a clause
    merged: Tuple[bool, ...]  # True when other pieces were joined to it (parse it again)


# --- 1. where a message could be cut -----------------------------------------------------------------------

_OPENER = (r"(?:je|j'|j |jai|g|on|vous|nous|c'est|c'|c|ca|cela|est[- ]ce|qu'est|combien|quand|comment|pourquoi|"
           r"quel(?:le)?s?|ou en|ou est|y a|ya|il y a|a[- ]t[- ]on|peut[- ]on|puis[- ]je|dois[- ]je|pouvez|"
           r"avez|auriez|pourriez|est[- ]il|sont[- ]ils)")
# markers that open a new question wherever they stand, and those that do only after a comma or a sentence end
_STRONG = (r"(?:et aussi|et puis|et egalement|et sinon|et au fait|et par ailleurs|autre question|deuxieme question|"
           r"2e question|2eme question|seconde question)")
_AFTER_PUNCTUATION = r"(?:au fait|sinon|par ailleurs|d'autre part|egalement|aussi|autre chose)"
_MARKER = r"(?:" + _STRONG + "|" + _AFTER_PUNCTUATION + r")"
_CUTS = re.compile(
    r"(?P<q>\?+)[\s!.)]*(?=\S)"                                    # « …? et… »: the mark stays with the question
    r"|(?P<nl>\s*\n\s*)(?=\S)"                                     # a new line
    r"|(?P<semi>\s*;\s*)(?=\S)"                                     # « ; »
    r"|(?<=[\w€%)\]»])(?<!\b\w)(?P<stop>[.!]+\s+)(?=\S)"           # a sentence end (not « M. », nor 18.450)
    r"|(?P<marker>\s*,\s*(?=" + _MARKER + r"\b)|\s+(?=" + _STRONG + r"\b))"  # « …, au fait… », « … et aussi… »
    r"|(?P<et>\s*,?\s+(?=et\s+" + _OPENER + r"\b))"                  # « … et j'ai… », « …, et combien… »
)
# markers after which a question keeps the verb of the one before (« je voudrais savoir X et aussi Y »)
_DISTRIBUTIVE = re.compile(r"^(?:et aussi|et egalement|egalement|aussi|et puis)$")
_ANNOUNCES = re.compile(r"^(?:autre question|deuxieme question|2e question|2eme question|seconde question)$")


def _folded(text: str) -> str:
    """``text`` folded character by character (same length: positions found in it hold in ``text``)."""
    return "".join((fold(c)[:1] or c) for c in text)


def pieces(text: Optional[str]) -> List[Piece]:
    """The message cut at every possible mark (one piece when there is none; none for "" or a button)."""
    raw = unicodedata.normalize("NFC", dialogue.user_text(text))
    if not raw:
        return []
    folded = _folded(raw)
    found: List[Piece] = []
    start, mark = 0, ""
    for match in _CUTS.finditer(folded):
        kind = match.lastgroup or ""
        end = match.end() if kind in ("q", "stop") else match.start()  # « ? » and « . » stay with their piece
        head = raw[start:end].strip(" ,")
        if head:
            found.append(Piece(head, mark))
            start, mark = match.end(), _mark_after(folded[match.end():], kind)
    tail = raw[start:].strip(" ,")
    if tail:
        found.append(Piece(tail, mark))
    return found


def _mark_after(following: str, kind: str) -> str:
    """What opens the next piece: a marker (« et aussi »), « et », or the cut's own mark."""
    marker = re.match(_MARKER + r"\b", following)
    if marker:
        return marker.group()
    if re.match(r"et\b", following):
        return "et"
    return {"q": "?", "nl": "\n", "semi": ";", "stop": "."}.get(kind, "")


def may_hold_several(text: Optional[str]) -> bool:
    """Cheap test run on every message: False when the message has no place to cut (most messages)."""
    return len(pieces(text)) > 1


# --- 2. whether to cut --------------------------------------------------------------------------------------

_ASKS = re.compile(
    r"\?|\bc'?\s?(?:quoi|koi)\b|\bcest quoi\b|\bckoi\b|\bcombien\b|\bou en (?:est|sont|sommes)\b|\bou est\b"
    r"|\ben (?:est|sont)[- ]ou\b"
    r"|\bje (?:voudrais|veux|souhaite|souhaiterais|aimerais|cherche a|dois) (?:savoir|connaitre|comprendre|verifier)\b"
    r"|\bj'aimerais (?:savoir|connaitre|comprendre)\b|\b(?:dites|indiquez|donnez|expliquez|rappelez)[- ]moi\b"
    r"|\b(?:pouvez|pourriez)[- ]vous (?:me dire|m'indiquer|me donner|m'expliquer|me rappeler)\b"
    r"|\bmerci de (?:me dire|m'indiquer|me donner)\b|\bje (?:voudrais|veux|souhaite|souhaiterais|aimerais) "
    r"(?:le|la|les|l'|mon|ma|mes|notre|nos) (?:montant|detail|liste|statut|etat|definition|date)\b"
)
_TAG = re.compile(r"[\s,](?:non|nan|hein|pas vrai|n'est[- ]ce pas|c'est ca|c'est bien ca|oui ou non)\s*\?+\s*$")
_NOISE_TEXT = re.compile(r"^(?:bonjour|bonsoir|salut|slt|bjr|coucou|hello|merci\w*|ok|oui|non|d'accord|dac|"
                         r"super|parfait|bonne (?:journee|soiree)|au revoir)\b")


def asks(text: Optional[str]) -> bool:
    """The piece asks something: a question mark, a question word, or a request for information."""
    s = dialogue.fold(text)
    return bool(s) and (dialogue.is_question(s) or bool(_ASKS.search(s)))


def _words(piece: Piece) -> int:
    """Words of the piece, its opening marker (« et aussi ») left out."""
    words = dialogue.fold(piece.text).replace("?", " ").split()
    marker = piece.mark.split() if piece.mark not in ("?", "\n", ";", ".") else []
    return len(words) - (len(marker) if words[:len(marker)] == marker else 0)


def _is_question(piece: Piece, reading: Reading, previous_asks: bool) -> bool:
    if _TAG.search(dialogue.fold(piece.text)):
        return False  # « on a un dossier sur eux, non ? il en est où » checks a fact, then asks: one question
    asking = asks(piece.text) or bool(_ANNOUNCES.match(piece.mark)) or (
        previous_asks and bool(_DISTRIBUTIVE.match(piece.mark)))
    return (asking and reading.intent in ANSWERABLE and reading.confidence >= CONFIDENT
            and _words(piece) >= MIN_WORDS)


def _short(text: str, words: int) -> bool:
    return len(text.split()) <= words


def answers_form(requested_slot: Optional[str], text: Optional[str]) -> bool:
    """``text`` reads as the answer to the form's question on ``requested_slot`` (an amount for an amount, a
    date for a date...), not as a question, a stop or a courtesy. Slots not listed here are never split off."""
    s = dialogue.user_text(text)
    folded = dialogue.fold(s)
    if not s or asks(s) or dialogue.is_cancel(s) or _NOISE_TEXT.match(folded):
        return False
    if requested_slot in ("amount", "cap_requested", "cap_granted"):
        return _short(s, 8) and parse_amount(s) is not None and not dialogue.looks_like_phone(s)
    if requested_slot in ("due_date", "cap_transaction_date"):
        return _short(s, 8) and parse_date(s) is not None
    if requested_slot == "invoice_number":
        return _short(s, 6) and bool(re.search(r"\d", s)) and not re.search(r"€|\beuros?\b", folded)
    if requested_slot in ("buyer", "cap_buyer"):
        return _short(s, 5) and not dialogue.mentions_insolvency(s)
    if requested_slot == "cap_country":
        return _short(s, 4)
    if requested_slot == "callback_phone":
        return dialogue.looks_like_phone(s)
    return False


def plan(found: Sequence[Piece], readings: Sequence[Reading], requested_slot: Optional[str] = None) -> Optional[Plan]:
    """The clauses to play in order (two or more), or None: the message stays whole.

    ``readings[i]`` is the NLU's reading of ``found[i]``; ``requested_slot``: the slot a form is asking for now.
    """
    if len(found) < 2 or len(found) != len(readings):
        return None
    roles: List[str] = []
    previous_asks = False
    for piece, reading in zip(found, readings):
        if _is_question(piece, reading, previous_asks):
            roles.append("question")
        elif requested_slot and "answer" not in roles and reading.intent not in _NOT_A_FORM_ANSWER \
                and answers_form(requested_slot, piece.text):
            roles.append("answer")
        else:
            roles.append("")
        previous_asks = asks(piece.text) or bool(_ANNOUNCES.match(piece.mark)) or (
            previous_asks and bool(_DISTRIBUTIVE.match(piece.mark)))
    if "question" not in roles or len([r for r in roles if r]) < 2:
        return None
    # the other pieces join the clause that follows them (« bonjour, » + question), or the last one
    groups: List[List[int]] = []
    waiting: List[int] = []
    for index, role in enumerate(roles):
        if role:
            groups.append(waiting + [index])
            waiting = []
        else:
            waiting.append(index)
    if waiting:
        groups[-1].extend(waiting)
    anchors = tuple(next(i for i in group if roles[i]) for group in groups)
    if not _different([readings[a] for a in anchors if roles[a] == "question"]):
        return None
    return Plan(
        clauses=tuple(" ".join(found[i].text for i in group) for group in groups),
        anchors=anchors,
        merged=tuple(len(group) > 1 for group in groups),
    )


def _different(questions: Sequence[Reading]) -> bool:
    """Every two questions differ: by intent, or by the claim / buyer they are about."""
    for i, first in enumerate(questions):
        for second in questions[i + 1:]:
            if first.intent != second.intent:
                continue
            if not any(first.entities.get(k) and second.entities.get(k)
                       and set(first.entities[k]) != set(second.entities[k]) for k in _SUBJECTS):
                return False
    return True


def confirm(chosen: Plan, anchors: Sequence[Reading], clauses: Sequence[Reading]) -> bool:
    """A merged clause keeps its question: the NLU reads the same confident intent in the whole clause as in
    the question alone (« bonjour, où en est… » still asks where the claim stands)."""
    for merged, anchor, clause in zip(chosen.merged, anchors, clauses):
        if not merged or anchor.intent not in ANSWERABLE:
            continue
        if clause.intent != anchor.intent or clause.confidence < CONFIDENT:
            return False
    return True
