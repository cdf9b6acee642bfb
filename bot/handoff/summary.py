"""What the agent reads when taking over: a short structured summary and the full transcript.

Both are built from the Rasa tracker's events, as plain dicts (``tracker.events``), so this
module needs no Rasa. Nothing of the message metadata (identity assertions, tokens) is kept.

- :func:`transcript` -- every user and bot message, in order: ``{"at", "who", "text", ...}``;
- :func:`build_summary` -- intents in order of appearance, entities, the last answers given,
  the claims discussed, the last action and the reason of the handoff;
- :func:`claim_refs` -- claim references (``SIN-YYYY-NNNNNN``) seen in entities, slots and texts;
- :func:`infer_reason` -- why a person is needed: ``fallback`` (two messages not understood),
  ``complaint``, ``store_unavailable``, ``out_of_rules`` or plainly ``request``.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from bot.store.refs import parse_ref

MAX_TEXT = 2000          # characters kept per message
MAX_TRANSCRIPT = 500     # messages kept (the most recent ones)
LAST_ANSWERS = 3
_REF_IN_TEXT = re.compile(r"\bSIN-\d{4}-\d{6}\b")
_IGNORED_ACTIONS = {"action_listen", "action_session_start", "action_handoff", "action_unlikely_intent"}
# markers that identify the situation from what the bot last said (kept in the wording modules)
STORE_DOWN_MARK = "je n'arrive pas à lire vos dossiers"
OUT_OF_RULES_ACTIONS = {"utter_out_of_scope"}


def _iso(ts: Any) -> Optional[str]:
    if isinstance(ts, (int, float)):
        return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds")
    return None


def _clip(text: Any) -> str:
    text = text if isinstance(text, str) else ""
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _intent(event: Mapping[str, Any]) -> Optional[str]:
    intent = (event.get("parse_data") or {}).get("intent") or {}
    name = intent.get("name") if isinstance(intent, Mapping) else None
    return name if isinstance(name, str) and name else None


def _entities(event: Mapping[str, Any]) -> List[Dict[str, Any]]:
    out = []
    for entity in (event.get("parse_data") or {}).get("entities") or []:
        if isinstance(entity, Mapping) and entity.get("entity"):
            out.append({"entity": str(entity["entity"]), "value": _clip(str(entity.get("value", "")))[:200]})
    return out


def transcript(events: Iterable[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """Every message of the conversation, oldest first (at most the last MAX_TRANSCRIPT)."""
    lines: List[Dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text") or ""
            line: Dict[str, Any] = {"at": _iso(event.get("timestamp")), "who": "user", "text": _clip(text)}
            if isinstance(text, str) and text.startswith("/"):
                line["button"] = True
            intent = _intent(event)
            if intent:
                line["intent"] = intent
            lines.append(line)
        elif kind == "bot" and event.get("text"):
            line = {"at": _iso(event.get("timestamp")), "who": "bot", "text": _clip(event.get("text"))}
            buttons = ((event.get("data") or {}).get("buttons") or [])
            titles = [b.get("title") for b in buttons if isinstance(b, Mapping) and b.get("title")]
            if titles:
                line["buttons"] = titles
            lines.append(line)
    return lines[-MAX_TRANSCRIPT:]


def claim_refs(events: Iterable[Mapping[str, Any]]) -> List[str]:
    """Claim references discussed, normalised, in order of first mention."""
    refs: List[str] = []

    def add(value: Any) -> None:
        parsed = parse_ref(value) if isinstance(value, str) else None
        if parsed is not None and parsed.kind == "valid" and parsed.ref not in refs:
            refs.append(parsed.ref)

    for event in events:
        kind = event.get("event")
        if kind == "user":
            for entity in _entities(event):
                if entity["entity"] == "claim_ref":
                    add(entity["value"])
            text = event.get("text")
            if isinstance(text, str) and not text.startswith("/"):
                add(text)
        elif kind == "slot" and event.get("name") == "claim_ref":
            add(event.get("value"))
        elif kind == "bot" and isinstance(event.get("text"), str):
            for ref in _REF_IN_TEXT.findall(event["text"]):
                add(ref)
    return refs


def _before_latest_user(events: Sequence[Mapping[str, Any]]) -> Sequence[Mapping[str, Any]]:
    for i in range(len(events) - 1, -1, -1):
        if events[i].get("event") == "user":
            return events[:i]
    return events


def infer_reason(events: Sequence[Mapping[str, Any]]) -> str:
    """Why the person asked for (or was offered) a human, from what happened just before."""
    events = list(events)
    user_intents = [_intent(e) for e in events if e.get("event") == "user"]
    if len(user_intents) >= 2 and user_intents[-2] == "nlu_fallback" and (
            len(user_intents) >= 3 and user_intents[-3] == "nlu_fallback"):
        return "fallback"
    previous = _before_latest_user(events)
    last_action = next((e.get("name") for e in reversed(previous)
                        if e.get("event") == "action" and e.get("name") not in _IGNORED_ACTIONS), None)
    last_bot = next((e.get("text") or "" for e in reversed(previous) if e.get("event") == "bot"), "")
    if STORE_DOWN_MARK in last_bot.lower():
        return "store_unavailable"
    if last_action == "action_fallback":
        return "fallback"
    if last_action == "action_log_complaint" or (user_intents and user_intents[-1] == "complain"):
        return "complaint"
    if last_action in OUT_OF_RULES_ACTIONS:
        return "out_of_rules"
    return "request"


def build_summary(events: Sequence[Mapping[str, Any]], *, reason: Optional[str] = None,
                  last_answers: int = LAST_ANSWERS) -> Dict[str, Any]:
    """The short, structured view of the conversation an agent reads first."""
    events = list(events)
    intents: List[str] = []
    entities: List[Dict[str, Any]] = []
    user_messages = 0
    for event in events:
        if event.get("event") != "user":
            continue
        user_messages += 1
        intent = _intent(event)
        if intent and intent not in intents:
            intents.append(intent)
        for entity in _entities(event):
            if entity not in entities:
                entities.append(entity)
    answers = [_clip(e.get("text"))[:500] for e in events if e.get("event") == "bot" and e.get("text")]
    actions = [e.get("name") for e in events if e.get("event") == "action" and e.get("name") not in _IGNORED_ACTIONS]
    last_user = next((e.get("text") for e in reversed(events) if e.get("event") == "user"), None)
    return {
        "reason": reason or infer_reason(events),
        "intents": intents,
        "entities": entities[:50],
        "claim_refs": claim_refs(events),
        "last_user_message": _clip(last_user)[:500] if last_user else None,
        "last_answers": answers[-last_answers:] if last_answers > 0 else [],
        "last_action": actions[-1] if actions else None,
        "user_messages": user_messages,
    }
