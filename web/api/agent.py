"""The agent desk: its page (``/agent/``) and its API (registered by web/server.py).

Every ``/api/agent/*`` route but the demo sign-in needs an **agent** token (``Authorization:
Bearer``, audience ``bot.auth.AUD_AGENT``); a policyholder token is refused, as an agent token is
refused by the policyholder routes.

- ``GET  /api/agent/demo-agents``          demo mode only (``DEMO_MODE=1``, else 404): the demo agents
- ``POST /api/agent/demo-login``           demo mode only: ``{"agent_id"}`` -> ``{"token", "expires_in", "name"}``

Outside demo mode agents sign in through the insurer's OpenID Connect provider (``/auth/login?for=desk``,
web/api/oidc.py), which must grant the agent role.
- ``GET  /api/agent/me``                   who is signed in
- ``GET  /api/agent/tickets``              open and taken tickets, oldest first, with waiting time
- ``GET  /api/agent/tickets/{id}``         + summary, stored transcript, and the live conversation
                                           since the handoff (Rasa tracker, HTTP API)
- ``POST /api/agent/tickets/{id}/take``    take it (one agent only); the person is told who
- ``POST /api/agent/tickets/{id}/reply``   ``{"text"}``: a bot event in the tracker, sent to the person
- ``POST /api/agent/tickets/{id}/give-back`` resume the assistant with the context, close the ticket

Rasa's HTTP API token stays on this server. Blocking work (store, Rasa client) runs in threads.
Errors, bearer authentication and store access are the shared ones of :mod:`web.api`.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from aiohttp import web

from bot import audit
from bot.handoff import desk, rasa_api
from bot.settings import get_settings
from bot.store.queries import handoff as handoff_queries
from bot.store.views import TicketView
from web.api import auth, db, errors, jsonbody

logger = logging.getLogger("web.agent")
AGENT_DIR = Path(__file__).resolve().parent.parent / "agent"
PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "Cache-Control": "no-store",
}
RASA_DOWN = "Le serveur de l'assistant ne répond pas. Réessayez dans un instant."
SIGN_IN = "Connectez-vous avec un compte conseiller."


def _rasa() -> rasa_api.RasaApi:
    return rasa_api.RasaApi.from_settings(get_settings())


async def _json_body(request: web.Request):
    """(payload, None) or (None, error response)."""
    return await jsonbody.read_object(request, 16 * 1024)


def _iso(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat(timespec="seconds") if value else None


def _ticket_json(ticket: TicketView, agent, names: dict, now: datetime, duplicates: Optional[list] = None) -> dict:
    return {
        "duplicates": len(duplicates or []), "duplicate_ids": list(duplicates or []),
        "id": ticket.id, "reference": ticket.reference, "status": ticket.status, "reason": ticket.reason,
        "created_at": _iso(ticket.created_at), "waiting_seconds": max(0, int((now - ticket.created_at).total_seconds())),
        "taken_by": desk.agent_label(ticket.taken_by), "taken_by_me": ticket.taken_by == agent.subject,
        "taken_at": _iso(ticket.taken_at), "closed_at": _iso(ticket.closed_at),
        "policyholder_id": ticket.policyholder_id, "company": names.get(ticket.policyholder_id),
        "claim_refs": list(ticket.claim_refs),
        "last_user_message": ticket.summary.get("last_user_message"),
    }


def _list(session):
    rows = handoff_queries.desk_tickets(session)
    return rows, handoff_queries.policyholder_names(session, [t.policyholder_id for t in rows])


def _one(session, ticket_id: int):
    ticket = handoff_queries.get_ticket(session, ticket_id)
    names = handoff_queries.policyholder_names(session, [ticket.policyholder_id]) if ticket else {}
    return ticket, names


def _read(session, ticket_id: int, agent_subject: str):
    """A ticket opened on the desk: the read is audited in the same unit of work."""
    ticket, names = _one(session, ticket_id)
    if ticket is not None:
        audit.record(session, who=agent_subject, policyholder_id=ticket.policyholder_id, object_type="handoff_ticket",
                     object_id=ticket.id, channel="agent_desk", action="read")
    return ticket, names


def _ticket_id(request: web.Request) -> Optional[int]:
    raw = request.match_info.get("ticket_id", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


# --- page ---------------------------------------------------------------------------------------

async def page(_: web.Request) -> web.StreamResponse:
    return web.FileResponse(AGENT_DIR / "index.html", headers=PAGE_HEADERS)


async def page_redirect(_: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/agent/")


# --- sign-in ------------------------------------------------------------------------------------

DEMO_OFF = "La connexion de démonstration n’est pas disponible sur ce service."


async def demo_agents(_: web.Request) -> web.Response:
    if not get_settings().runtime.demo_mode:
        return errors.error(404, DEMO_OFF)
    return errors.ok({"agents": [{"id": a.id, "name": a.name, "team": a.team} for a in desk.DEMO_AGENTS]})


async def demo_login(request: web.Request) -> web.Response:
    settings = get_settings()
    if not settings.runtime.demo_mode:
        return errors.error(404, DEMO_OFF)
    payload, problem = await _json_body(request)
    if problem is not None:
        return problem
    agent = desk.demo_agent(payload.get("agent_id"))
    if agent is None:
        return errors.error(404, "Ce conseiller de démonstration n'existe pas.")
    token = desk.issue_agent_token(settings, agent)
    return errors.ok({"token": token, "expires_in": settings.auth.agent_token_ttl_seconds, "name": agent.name})


@auth.agent_required(SIGN_IN)
async def me(request: web.Request, agent) -> web.Response:
    return errors.ok({"name": desk.display_name(agent), "subject": agent.subject, "roles": list(agent.roles)})


# --- tickets ------------------------------------------------------------------------------------

@auth.agent_required(SIGN_IN)
async def list_tickets(request: web.Request, agent) -> web.Response:
    rows, names = await db.call(_list)
    now = datetime.now(timezone.utc)
    # requests from one visitor address (or one conversation) show once, with their count (issue #17, finding 8)
    return errors.ok({"tickets": [_ticket_json(t, agent, names, now, others)
                                  for t, others in desk.group_duplicates(rows)]})


@auth.agent_required(SIGN_IN)
async def ticket_detail(request: web.Request, agent) -> web.Response:
    ticket_id = _ticket_id(request)
    ticket, names = await db.call(_read, ticket_id, agent.subject) if ticket_id else (None, {})
    if ticket is None:
        return errors.error(404, "Demande introuvable.")
    body = _ticket_json(ticket, agent, names, datetime.now(timezone.utc))
    body.update(summary=ticket.summary, transcript=list(ticket.transcript))
    try:
        tracker = await asyncio.to_thread(_rasa().tracker, ticket.sender_id)
        body["live"] = {"paused": bool(tracker.get("paused")), "messages": desk.since_handoff(tracker.get("events") or [])}
    except rasa_api.RasaApiError:
        body["live"] = {"error": RASA_DOWN}
    return errors.ok(body)


@auth.agent_required(SIGN_IN)
async def take(request: web.Request, agent) -> web.Response:
    ticket_id = _ticket_id(request)
    if ticket_id is None:
        return errors.error(404, "Demande introuvable.")
    taken = await db.call(handoff_queries.take_ticket, ticket_id, agent.subject)
    if taken is None:
        current, _ = await db.call(_one, ticket_id)
        if current is None:
            return errors.error(404, "Demande introuvable.")
        if current.status == "taken" and current.taken_by == agent.subject:
            return errors.ok({"id": ticket_id, "status": "taken", "announced": False})
        return errors.error(409, "Cette demande a déjà été prise ou close.")
    announced = True
    try:
        await asyncio.to_thread(_rasa().append, taken.sender_id, desk.take_events(agent))
    except rasa_api.RasaApiError:
        announced = False  # the ticket is taken; the person is told with the first reply
    return errors.ok({"id": ticket_id, "status": "taken", "announced": announced})


async def _own_ticket(request: web.Request, agent, *, allow_open: bool):
    """(ticket, None) when this agent may act on it, else (None, error response)."""
    ticket_id = _ticket_id(request)
    ticket, _ = await db.call(_one, ticket_id) if ticket_id else (None, {})
    if ticket is None:
        return None, errors.error(404, "Demande introuvable.")
    if ticket.status == "closed":
        return None, errors.error(409, "Cette demande est close.")
    if ticket.status == "open" and not allow_open:
        return None, errors.error(409, "Prenez d'abord cette demande.")
    if ticket.status == "taken" and ticket.taken_by != agent.subject:
        return None, errors.error(409, "Un collègue a pris cette demande.")
    return ticket, None


@auth.agent_required(SIGN_IN)
async def reply(request: web.Request, agent) -> web.Response:
    payload, problem = await _json_body(request)
    if problem is not None:
        return problem
    text = desk.clean_reply(payload.get("text"))
    if text is None:
        return errors.error(400, f"Écrivez un message (texte, {desk.MAX_REPLY_CHARS} caractères au plus).")
    ticket, problem = await _own_ticket(request, agent, allow_open=False)
    if problem is not None:
        return problem
    try:
        await asyncio.to_thread(_rasa().append, ticket.sender_id, desk.reply_events(agent, text))
    except rasa_api.RasaApiError:
        return errors.error(502, RASA_DOWN)
    return errors.ok({"id": ticket.id, "sent": True})


@auth.agent_required(SIGN_IN)
async def give_back(request: web.Request, agent) -> web.Response:
    ticket, problem = await _own_ticket(request, agent, allow_open=True)
    if problem is not None:
        return problem
    try:
        await asyncio.to_thread(_rasa().append, ticket.sender_id, desk.give_back_events(agent, ticket.claim_refs))
    except rasa_api.RasaApiError:
        return errors.error(502, RASA_DOWN)
    closed = await db.call(handoff_queries.close_ticket, ticket.id, agent.subject)
    if closed is None:
        logger.warning("ticket %s resumed but not closed (changed meanwhile)", ticket.id)
    return errors.ok({"id": ticket.id, "status": closed.status if closed else ticket.status, "resumed": True})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/agent", page_redirect)
    app.router.add_get("/agent/", page)
    app.router.add_static("/agent/static/", AGENT_DIR)
    app.router.add_get("/api/agent/demo-agents", demo_agents)
    app.router.add_post("/api/agent/demo-login", demo_login)
    app.router.add_get("/api/agent/me", me)
    app.router.add_get("/api/agent/tickets", list_tickets)
    app.router.add_get(r"/api/agent/tickets/{ticket_id}", ticket_detail)
    app.router.add_post(r"/api/agent/tickets/{ticket_id}/take", take)
    app.router.add_post(r"/api/agent/tickets/{ticket_id}/reply", reply)
    app.router.add_post(r"/api/agent/tickets/{ticket_id}/give-back", give_back)
