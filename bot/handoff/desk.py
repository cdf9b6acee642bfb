"""The agent desk, framework-free: who the agents are, and the events the desk appends to Rasa's tracker.

The desk keeps no message store of its own. A taken conversation lives in Rasa's tracker:

- while the ticket waits, the assistant keeps answering and acknowledges every message
  (:mod:`actions.handoff`); taking the ticket pauses the assistant (``pause``, Rasa's
  ``ConversationPaused``); while paused, Rasa still records every message of the person;
- an agent's reply is a ``bot`` event (``BotUttered``) appended through Rasa's HTTP API
  (:class:`bot.handoff.rasa_api.RasaApi`) with
  ``execute_side_effects=true`` and ``output_channel=latest``: Rasa stores it in the tracker and
  sends it through the channel the person last wrote from (the web chat's socket room);
- giving back appends ``resume`` (``ConversationResumed``), the assistant's "I am back" messages
  (with the claim discussed), the claim in the ``claim_ref`` slot and an ``action_listen``, so
  the next message of the person is handled by the assistant as usual.

Events are plain dicts in Rasa's JSON event format (no Rasa import here). Agent messages carry
``metadata.agent_desk`` so the desk can tell them from the assistant's messages.

Agents: after the insurer's OpenID Connect provider signed an agent in with the agent role
(bot/oidc.py, web/api/oidc.py), the web server issues an agent-audience token
(:data:`bot.auth.AUD_AGENT`, ``sub`` = ``agent:<sub>``, ``name``, ``roles``) with :func:`issue_agent_token`;
in demo mode only (``DEMO_MODE=1``), :data:`DEMO_AGENTS` can sign in from the desk page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.auth import AUD_AGENT, ROLE_AGENT, ROLE_SUPERVISOR, AuthError, Principal, issue_token, verify_token
from bot.handoff.summary import MAX_TEXT
from bot.markdown import safe_links
from bot.settings import Settings
from bot.wording import handoff as wording

AGENT_PREFIX = "agent:"
META_KEY = "agent_desk"
MAX_REPLY_CHARS = 2000


# --- agents -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoAgent:
    id: str
    name: str
    team: str
    roles: Tuple[str, ...] = (ROLE_AGENT,)

    @property
    def subject(self) -> str:
        return AGENT_PREFIX + self.id


DEMO_AGENTS: Tuple[DemoAgent, ...] = (
    DemoAgent("claire.martin", "Claire Martin", "Gestion des sinistres"),
    DemoAgent("karim.benali", "Karim Benali", "Gestion des sinistres"),
    DemoAgent("sophie.durand", "Sophie Durand", "Supervision", (ROLE_AGENT, ROLE_SUPERVISOR)),
)


def demo_agent(agent_id: Any) -> Optional[DemoAgent]:
    return next((a for a in DEMO_AGENTS if a.id == agent_id), None) if isinstance(agent_id, str) else None


def issue_agent_token(settings: Settings, agent: Any, *, now: Optional[float] = None) -> str:
    """An agent token for a :class:`DemoAgent` or a :class:`bot.oidc.AgentIdentity` (``subject``, ``name``, ``roles``)."""
    return issue_token(settings, audience=AUD_AGENT, subject=agent.subject, name=agent.name,
                       ttl_seconds=settings.auth.agent_token_ttl_seconds, now=now, roles=agent.roles)


def verify_agent(settings: Settings, token: Any, *, now: Optional[float] = None) -> Optional[Principal]:
    """The agent behind a bearer token, or None. A policyholder token is never an agent token."""
    try:
        principal = verify_token(settings, token, audience=AUD_AGENT, now=now)
    except AuthError:
        return None
    if not principal.subject.startswith(AGENT_PREFIX) or len(principal.subject) > 120:
        return None
    return principal


def display_name(principal: Principal) -> str:
    return principal.name.strip() or principal.subject[len(AGENT_PREFIX):]


def agent_label(subject: Optional[str]) -> Optional[str]:
    """A readable name for ``taken_by`` (the agent's subject) in the desk."""
    if not subject:
        return None
    agent = next((a for a in DEMO_AGENTS if a.subject == subject), None)
    return agent.name if agent else subject[len(AGENT_PREFIX):] if subject.startswith(AGENT_PREFIX) else subject


def clean_reply(text: Any) -> Optional[str]:
    """The agent's text ready to send, or None when it is empty, not text, or too long."""
    if not isinstance(text, str):
        return None
    text = re.sub(r"[\ud800-\udfff]", "\ufffd", text.replace("\x00", "").replace("\r\n", "\n")).strip()
    if not text or len(text) > MAX_REPLY_CHARS:
        return None
    return text


# --- events (Rasa's JSON format) ----------------------------------------------------------------

def _bot(text: str, agent: Principal, kind: str, raw: Optional[str] = None) -> Dict[str, Any]:
    meta = {"agent": display_name(agent), "subject": agent.subject, "kind": kind}
    if raw is not None:
        meta["text"] = raw
    return {"event": "bot", "text": text, "metadata": {META_KEY: meta}}


def take_events(agent: Principal) -> List[Dict[str, Any]]:
    """The assistant pauses for this conversation, and the person is told who takes it."""
    return [{"event": "pause"}, _bot(wording.agent_joined(display_name(agent)).as_message()["text"], agent, "joined")]


def reply_events(agent: Principal, text: str) -> List[Dict[str, Any]]:
    # the widget renders Markdown: only http(s) / mailto / tel links stay links (bot/markdown.py)
    shown = wording.agent_says(display_name(agent), safe_links(text)).as_message()["text"]
    return [_bot(shown, agent, "reply", raw=text)]


def give_back_events(agent: Principal, claim_refs: Sequence[str] = ()) -> List[Dict[str, Any]]:
    """Resume the assistant with the context: it says it is back, recalls the claim discussed
    (also put in the ``claim_ref`` slot), and listens."""
    events: List[Dict[str, Any]] = [{"event": "resume"}, {"event": "slot", "name": "handoff_outcome", "value": None}]
    for reply in wording.bot_back(display_name(agent), list(claim_refs)[-1:]):
        message = reply.as_message()
        events.append({"event": "bot", "text": message["text"], "metadata": {META_KEY: {"kind": "back"}}})
    if claim_refs:
        events.append({"event": "slot", "name": "claim_ref", "value": list(claim_refs)[-1]})
    events.append({"event": "action", "name": "action_listen"})
    return events


def _clip(text: Any) -> str:
    text = text if isinstance(text, str) else ""
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def since_handoff(events: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """Messages of the conversation from the last handoff on (the ticket, else the last pause), for
    the desk: ``{"who": "user" | "agent" | "bot", "text", "at", "agent"?}``. Empty when there was none."""
    start = next((i for i in range(len(events) - 1, -1, -1) if events[i].get("event") == "slot"
                  and events[i].get("name") == "handoff_outcome" and events[i].get("value") == "ticket"), None)
    if start is None:
        start = next((i for i in range(len(events) - 1, -1, -1) if events[i].get("event") == "pause"), None)
    if start is None:
        return []
    out: List[Dict[str, Any]] = []
    for event in events[start + 1:]:
        kind, at = event.get("event"), event.get("timestamp")
        if kind == "user" and isinstance(event.get("text"), str):
            out.append({"who": "user", "text": _clip(event["text"]), "at": at})
        elif kind == "bot" and isinstance(event.get("text"), str):
            meta = (event.get("metadata") or {}).get(META_KEY) or {}
            if meta.get("kind") in ("reply", "joined"):
                out.append({"who": "agent", "agent": str(meta.get("agent") or ""), "at": at,
                            "text": _clip(meta.get("text") if meta.get("kind") == "reply" else event["text"])})
            else:
                out.append({"who": "bot", "text": _clip(event["text"]), "at": at})
        elif kind == "resume":
            out.append({"who": "resume", "text": "", "at": at})
    return out


# --- the queue: duplicates grouped ------------------------------------------------------------------

def duplicate_key(ticket: Any) -> str:
    """What makes two waiting tickets the same request: a visitor's address (the channel's keyed hash kept in the
    summary as ``origin``), else the conversation."""
    origin = (ticket.summary or {}).get("origin") if ticket.policyholder_id is None else None
    return f"origin:{origin}" if isinstance(origin, str) and origin else f"conversation:{ticket.sender_id}"


def group_duplicates(tickets: Sequence[Any]) -> List[Tuple[Any, List[int]]]:
    """The queue with duplicates grouped: ``(ticket shown, ids of the other open tickets of its group)``.

    Open tickets of one group (same visitor address or same conversation) show once, the oldest first, with the
    others behind it; a ticket an agent has taken is always shown on its own. Order: as given (oldest first)."""
    firsts: Dict[str, int] = {}
    out: List[Tuple[Any, List[int]]] = []
    for ticket in tickets:
        key = duplicate_key(ticket)
        if ticket.status != "open":
            out.append((ticket, []))
            continue
        if key in firsts:
            out[firsts[key]][1].append(ticket.id)
            continue
        firsts[key] = len(out)
        out.append((ticket, []))
    return out
