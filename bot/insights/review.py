"""The review queue: messages worth a second look, grouped, masked; decisions; the NLU export.

A message the person **typed** (not a button) is a candidate when, in its conversation:

- the assistant was not sure (confidence of the predicted intent below ``min_confidence``,
  default :data:`MIN_CONFIDENCE`), or
- a fallback followed it (Rasa's ``nlu_fallback`` or ``action_fallback``), or the person had to
  rephrase after that fallback, or
- a hand-off followed it (the next action was ``action_handoff`` or the next message asked for
  a person), or
- the conversation got a bad satisfaction score (1 or 2 out of 5) and the message is not small
  talk (hello, thanks, yes, no, goodbye).

Candidates are found by SQL over ``insights_messages`` / ``insights_conversations``; their text is
read from Rasa's ``events`` and **masked** (:func:`bot.logmask.mask`: phones, e-mails, IBANs, cards,
codes) before it leaves this module. Candidates already decided are left out.

Grouping by similarity: word sets (accents folded; short words, digits and :data:`STOP_WORDS` dropped) compared by
Jaccard index, each message joining the first group whose first message shares at least
:data:`SIMILARITY` of its words. A few lines of the standard library for a few hundred short
messages; a vector model would need the NLU pipeline, which this library must not import.

Decisions (``insights_reviews`` in the claims store) keep the masked text, who decided and when.
:func:`export_nlu` writes the accepted ones as Rasa NLU YAML (``version: "3.1"``), entities
annotated ``[value](entity)``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml
from sqlalchemy import delete, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.insights import schema
from bot.insights.metrics import Query
from bot.insights.refresh import SMALL_TALK
from bot.logmask import mask
from bot.store.models.insights import REVIEW_DECISIONS, InsightsReview
from bot.text import fold

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "domain.yml"
MIN_CONFIDENCE = 0.6
SIMILARITY = 0.6
# words that say nothing of the topic (folded): left out of the similarity
STOP_WORDS = frozenset("""les des une est sont vos votre mon mes ton tes son ses que qui quoi quel quels quelle quelles
pour par avec dans sur pas plus comment cest estce fait faire avoir etre suis etes nous vous ils elle
bonjour merci svp oui non aux ces cette cet the and""".split())
MAX_CANDIDATES = 300
CONTEXT_EVENTS = 12          # user/bot messages shown before and after the reviewed one
MAX_TOPIC = 120
NOT_FROM_TEXT = ("referral_greet",)  # intents sent by the page, never typed
REASONS = ("low_confidence", "fallback", "rephrased", "handoff", "bad_csat")
_SENDER_PH = re.compile(r"^[A-Za-z0-9_]+-ph(\d+)-[0-9a-f]+$")
_WORD = re.compile(r"[a-z]{3,}")


class ReviewError(ValueError):
    """A decision that cannot be recorded; the message is French, for the person."""


@lru_cache(maxsize=1)
def domain_vocabulary() -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """(intents, entities) of the project's domain.yml (the choices a reviewer has)."""
    data = yaml.safe_load(DOMAIN.read_text(encoding="utf-8")) or {}

    def names(items) -> Tuple[str, ...]:
        return tuple(sorted(next(iter(i)) if isinstance(i, dict) else str(i) for i in items or []))

    intents = tuple(i for i in names(data.get("intents")) if i not in NOT_FROM_TEXT)
    return intents, names(data.get("entities"))


@dataclass
class Candidate:
    event_id: int
    sender_id: str
    session: int
    channel: str
    at: datetime
    intent: Optional[str]
    confidence: Optional[float]
    suggested: Optional[str]
    reasons: List[str]
    text: str = ""

    def as_dict(self) -> Dict[str, Any]:
        return {"event_id": self.event_id, "channel": self.channel, "at": self.at.isoformat(timespec="seconds"),
                "intent": self.intent, "confidence": None if self.confidence is None else round(self.confidence, 3),
                "suggested": self.suggested, "reasons": list(self.reasons), "text": self.text}


@dataclass
class Group:
    label: str
    items: List[Candidate] = field(default_factory=list)
    words: frozenset = frozenset()

    def as_dict(self) -> Dict[str, Any]:
        intents: Dict[str, int] = {}
        for item in self.items:
            key = item.suggested or item.intent or "unknown"
            intents[key] = intents.get(key, 0) + 1
        return {"label": self.label, "size": len(self.items),
                "likely_intent": max(sorted(intents), key=lambda k: intents[k]) if intents else None,
                "items": [i.as_dict() for i in self.items]}


def _words(text_value: str) -> frozenset:
    return frozenset(w for w in _WORD.findall(fold(text_value)) if w not in STOP_WORDS)


def group(candidates: Sequence[Candidate], similarity: float = SIMILARITY) -> List[Group]:
    groups: List[Group] = []
    for item in candidates:
        words = _words(item.text)
        home = None
        for g in groups:
            union = words | g.words
            if union and len(words & g.words) / len(union) >= similarity:
                home = g
                break
        if home is None:
            home = Group(label=item.text[:60], words=words)
            groups.append(home)
        home.items.append(item)
    groups.sort(key=lambda g: (-len(g.items), g.items[0].event_id))
    return groups


def _texts(conn, event_ids: Sequence[int]) -> Dict[int, str]:
    out: Dict[int, str] = {}
    ids = list(event_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join(str(int(i)) for i in chunk)
        for event_id, data in conn.execute(text(f"SELECT id, data FROM events WHERE id IN ({marks})")):  # noqa: S608 (SQL fragments of this package, values bound)
            try:
                value = (json.loads(data) or {}).get("text") or ""
            except ValueError:
                value = ""
            out[int(event_id)] = mask(" ".join(str(value).split()))
    return out


def masked_texts(tracker: Engine, event_ids: Sequence[int]) -> Dict[int, str]:
    """The masked text of these events (user messages)."""
    if not event_ids:
        return {}
    with tracker.connect() as conn:
        return _texts(conn, event_ids)


def _reasons(row: Mapping[str, Any], min_confidence: float) -> List[str]:
    out = []
    if row["confidence"] is not None and row["confidence"] < min_confidence and row["intent"] != "nlu_fallback":
        out.append("low_confidence")
    if row["fallback"]:
        out.append("fallback")
    if row["rephrased"]:
        out.append("rephrased")
    if row["handoff_after"]:
        out.append("handoff")
    if row["csat_min"] is not None and row["csat_min"] <= 2 and row["intent"] not in SMALL_TALK:
        out.append("bad_csat")
    return out


def candidates(tracker: Engine, store: Session, query: Query, *, min_confidence: float = MIN_CONFIDENCE,
               limit: int = MAX_CANDIDATES) -> List[Candidate]:
    """Messages of the range worth a look, newest first, not decided yet, text masked."""
    if not schema.present(tracker):
        return []
    where = "m.day BETWEEN :start AND :end" + (" AND m.channel = :channel" if query.channel else "")
    not_typed = ", ".join(f"'{i}'" for i in NOT_FROM_TEXT)
    small_talk = ", ".join(f"'{i}'" for i in SMALL_TALK)
    statement = text(
        "SELECT m.event_id, m.sender_id, m.session, m.channel, m.ts, m.intent, m.confidence, m.suggested, "  # noqa: S608 (SQL fragments of this package, values bound)
        "m.fallback, m.rephrased, m.handoff_after, c.csat_min FROM insights_messages m "
        "LEFT JOIN insights_conversations c ON c.sender_id = m.sender_id AND c.session = m.session "
        f"WHERE {where} AND m.button = 0 AND COALESCE(m.intent, '') NOT IN ({not_typed}) "
        "AND (m.confidence < :conf OR m.fallback = 1 OR m.rephrased = 1 OR m.handoff_after = 1 "
        f"OR (c.csat_min <= 2 AND COALESCE(m.intent, '') NOT IN ({small_talk}))) "
        "ORDER BY m.ts DESC, m.event_id DESC LIMIT :limit")
    with tracker.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(statement, {**query.bounds, "conf": min_confidence,
                                                                   "limit": int(limit) * 2})]
    decided = _decided(store, [(r["sender_id"], int(r["event_id"])) for r in rows])
    rows = [r for r in rows if (r["sender_id"], int(r["event_id"])) not in decided][:limit]
    texts = masked_texts(tracker, [int(r["event_id"]) for r in rows])
    return [Candidate(event_id=int(r["event_id"]), sender_id=r["sender_id"], session=int(r["session"]),
                      channel=r["channel"], at=datetime.fromtimestamp(float(r["ts"]), timezone.utc),
                      intent=r["intent"], confidence=None if r["confidence"] is None else float(r["confidence"]),
                      suggested=r["suggested"], reasons=_reasons(r, min_confidence),
                      text=texts.get(int(r["event_id"]), "")) for r in rows]


def _decided(store: Session, keys: Sequence[Tuple[str, int]]) -> set:
    found: set = set()
    ids = sorted({k[1] for k in keys})
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(store.execute(select(InsightsReview.sender_id, InsightsReview.event_id)
                                   .where(InsightsReview.event_id.in_(chunk))).all())
    return {(s, int(e)) for s, e in found}


def _message_row(conn, event_id: int) -> Optional[Dict[str, Any]]:
    row = conn.execute(text("SELECT event_id, sender_id, session, channel, ts, intent, confidence, suggested "
                            "FROM insights_messages WHERE event_id = :id"), {"id": int(event_id)}).first()
    return dict(row._mapping) if row else None


def context(tracker: Engine, event_id: int) -> Optional[Dict[str, Any]]:
    """The reviewed message in its conversation: the messages around it, masked (``sender_id`` is
    for the caller's audit record, not for display)."""
    if not schema.present(tracker):
        return None
    with tracker.connect() as conn:
        row = _message_row(conn, event_id)
        if row is None:
            return None
        sender = row["sender_id"]
        before = conn.execute(text(
            "SELECT id, type_name, timestamp, data FROM events WHERE sender_id = :s AND id <= :id "
            "AND type_name IN ('user', 'bot') ORDER BY id DESC LIMIT :n"),
            {"s": sender, "id": int(event_id), "n": CONTEXT_EVENTS + 1}).all()
        after = conn.execute(text(
            "SELECT id, type_name, timestamp, data FROM events WHERE sender_id = :s AND id > :id "
            "AND type_name IN ('user', 'bot') ORDER BY id LIMIT :n"),
            {"s": sender, "id": int(event_id), "n": CONTEXT_EVENTS}).all()
    out = []
    for ev_id, kind, ts, data in list(reversed(before)) + list(after):
        try:
            body = json.loads(data) or {}
        except ValueError:
            body = {}
        said = body.get("text") or ""
        if not said and kind == "bot":
            continue
        out.append({"who": "user" if kind == "user" else "bot", "text": mask(" ".join(str(said).split())),
                    "at": datetime.fromtimestamp(float(ts or 0), timezone.utc).isoformat(timespec="seconds"),
                    "reviewed": int(ev_id) == int(event_id)})
    return {"event_id": int(event_id), "sender_id": sender, "channel": row["channel"], "intent": row["intent"],
            "confidence": row["confidence"], "suggested": row["suggested"], "messages": out}


def _entities(masked: str, raw: Any, known: Sequence[str]) -> List[Dict[str, Any]]:
    if raw in (None, []):
        return []
    if not isinstance(raw, list) or len(raw) > 10:
        raise ReviewError("Les entités sont une liste (dix au plus).")
    spans: List[Dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("entity"), str) or not isinstance(item.get("value"), str):
            raise ReviewError("Chaque entité a un nom (« entity ») et une valeur (« value »).")
        if item["entity"] not in known:
            raise ReviewError(f"L’entité « {item['entity'][:40]} » n’existe pas dans le domaine.")
        value = item["value"].strip()
        at = masked.find(value) if value else -1
        while at >= 0 and any(at < s["end"] and s["start"] < at + len(value) for s in spans):
            at = masked.find(value, at + 1)
        if at < 0 or "[" in value or "]" in value:
            raise ReviewError(f"« {value[:40]} » n’apparaît pas tel quel dans le message.")
        spans.append({"entity": item["entity"], "value": value, "start": at, "end": at + len(value)})
    return sorted(spans, key=lambda s: s["start"])


def policyholder_of(sender_id: str) -> Optional[int]:
    match = _SENDER_PH.match(sender_id)
    return int(match.group(1)) if match else None


def decide(tracker: Engine, store: Session, event_ids: Sequence[int], *, decision: str, who: str,
           intent: Optional[str] = None, topic: Optional[str] = None, entities: Any = None,
           now: Optional[datetime] = None) -> List[InsightsReview]:
    """Record one decision for these messages (entities only for a single message)."""
    if decision not in REVIEW_DECISIONS:
        raise ReviewError("La décision doit être « accepted », « new_topic » ou « rejected ».")
    ids = list(dict.fromkeys(event_ids))
    if not ids or len(ids) > 100 or not all(type(i) is int and i > 0 for i in ids):
        raise ReviewError("Indiquez de 1 à 100 messages (« event_ids », des nombres entiers).")
    intents, known_entities = domain_vocabulary()
    if decision == "accepted":
        if intent not in intents:
            raise ReviewError("Choisissez une intention du domaine (ou « nouveau sujet »).")
    else:
        intent = None
    if decision == "new_topic":
        topic = " ".join(str(topic or "").split())
        if not topic or len(topic) > MAX_TOPIC:
            raise ReviewError(f"Donnez un nom court au nouveau sujet ({MAX_TOPIC} caractères au plus).")
    else:
        topic = None
    if entities not in (None, []) and (len(ids) > 1 or decision != "accepted"):
        raise ReviewError("Les entités se choisissent message par message, pour un message accepté.")
    with tracker.connect() as conn:
        rows = [_message_row(conn, i) for i in ids]
        if any(r is None for r in rows):
            raise LookupError("message not found")
        texts = _texts(conn, ids)
    if _decided(store, [(r["sender_id"], int(r["event_id"])) for r in rows]):
        raise ReviewError("Un de ces messages a déjà été revu.")
    when = now or datetime.now(timezone.utc)
    made = []
    for r in rows:
        masked = texts.get(int(r["event_id"]), "")
        review = InsightsReview(
            event_id=int(r["event_id"]), sender_id=r["sender_id"], policyholder_id=policyholder_of(r["sender_id"]),
            channel=r["channel"], message_at=datetime.fromtimestamp(float(r["ts"]), timezone.utc), text=masked,
            predicted_intent=r["intent"], confidence=r["confidence"], decision=decision, intent=intent, topic=topic,
            entities=_entities(masked, entities, known_entities) if len(ids) == 1 else [],
            decided_by=who, decided_at=when)
        store.add(review)
        made.append(review)
    store.flush()
    return made


def decisions(store: Session, *, limit: int = 50) -> List[Dict[str, Any]]:
    """The latest decisions (who, when, what), for the page."""
    rows = store.execute(select(InsightsReview).order_by(InsightsReview.decided_at.desc(), InsightsReview.id.desc())
                         .limit(limit)).scalars().all()
    return [{"id": r.id, "text": r.text, "decision": r.decision, "intent": r.intent, "topic": r.topic,
             "entities": list(r.entities or []), "decided_by": r.decided_by,
             "decided_at": r.decided_at.isoformat(timespec="seconds"), "channel": r.channel} for r in rows]


# --- the NLU export ------------------------------------------------------------------------------

_ANNOTATION_START = re.compile(r"\](?=[(\[{])")


def _example(text_value: str, spans: Iterable[Mapping[str, Any]]) -> str:
    """One example line: entities annotated, nothing else Rasa could read as an annotation."""
    line = " ".join(text_value.split())
    out, last = [], 0
    for s in sorted(spans, key=lambda s: s["start"]):
        if s["start"] < last or line[s["start"]:s["end"]] != s["value"]:
            continue
        out.append(_ANNOTATION_START.sub("] ", line[last:s["start"]]))
        out.append(f"[{s['value']}]({s['entity']})")
        last = s["end"]
    out.append(_ANNOTATION_START.sub("] ", line[last:]))
    return "".join(out)


def export_nlu(store: Session) -> Tuple[str, int]:
    """(Rasa NLU YAML of every accepted message, number of examples), grouped by intent."""
    rows = store.execute(select(InsightsReview).where(InsightsReview.decision == "accepted")
                         .order_by(InsightsReview.intent, InsightsReview.id)).scalars().all()
    by_intent: Dict[str, List[str]] = {}
    for r in rows:
        example = _example(r.text, r.entities or [])
        if example and example not in by_intent.setdefault(r.intent, []):
            by_intent[r.intent].append(example)
    lines = ['version: "3.1"', "# Messages of real conversations accepted on the insights review queue",
             "# (python -m bot.insights export-nlu). Personal data was masked; review before training.", "nlu:"]
    count = 0
    for intent in sorted(by_intent):
        lines += [f"  - intent: {intent}", "    examples: |"]
        for example in by_intent[intent]:
            lines.append(f"      - {example}")
            count += 1
    if not by_intent:
        lines[-1] = "nlu: []"
    return "\n".join(lines) + "\n", count


def purge(store: Session, cutoff: datetime) -> int:
    """Delete decisions on messages older than ``cutoff`` (the GDPR retention)."""
    return store.execute(delete(InsightsReview).where(InsightsReview.message_at < cutoff)
                         .execution_options(synchronize_session=False)).rowcount or 0


def erase(store: Session, policyholder_id: int) -> int:
    """Delete the decisions on one policyholder's messages (erasure)."""
    return store.execute(delete(InsightsReview).where(InsightsReview.policyholder_id == int(policyholder_id))
                         .execution_options(synchronize_session=False)).rowcount or 0
