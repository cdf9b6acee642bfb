"""The insights page of the agent desk (``/agent/insights``) and its API: supervisors only.

Every ``/api/agent/insights*`` route needs an **agent** token (401 otherwise) that carries the
supervisor role (``bot.auth.ROLE_SUPERVISOR``; 403 with a French sentence otherwise).

- ``GET  /agent/insights``                       the page (French; charts by Chart.js, a table behind each)
- ``GET  /agent/vendor/chart.umd.js``            Chart.js from npm (``web/package-lock.json``)
- ``GET  /api/agent/insights``                   the figures: ``from``, ``to`` (``YYYY-MM-DD``, default the
                                                 last 28 days), ``period`` (``day`` | ``week``), ``channel``
- ``GET  /api/agent/insights/review``            the review queue, grouped (same filters + ``min_confidence``)
- ``GET  /api/agent/insights/review/{event_id}`` one message in its conversation (masked; the read is audited)
- ``POST /api/agent/insights/review``            ``{"event_ids", "decision", "intent", "topic", "entities"}``
- ``GET  /api/agent/insights/export``            the accepted decisions as Rasa NLU YAML (a download)

Each request first folds the new conversation events into the aggregate tables
(:func:`bot.insights.refresh.refresh`, incremental, at most :data:`REFRESH_EVENTS` events per request: a
first build on a large store is ``python -m bot.insights refresh``). Blocking work runs in threads.
"""
from __future__ import annotations

import asyncio
import functools
import logging
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from aiohttp import web

from bot import audit
from bot.auth import ROLE_SUPERVISOR
from bot.gdpr.tracker import tracker_url
from bot.insights import metrics, refresh, review
from bot.settings import get_settings
from bot.store.db import get_engine
from web.api import auth, db, errors, jsonbody
from web.api.agent import PAGE_HEADERS, SIGN_IN

logger = logging.getLogger("web.insights")
WEB = Path(__file__).resolve().parent.parent
PAGE = WEB / "agent" / "insights.html"
CHART_JS = WEB / "node_modules" / "chart.js" / "dist" / "chart.umd.js"
DEFAULT_DAYS = 28
REFRESH_EVENTS = 20_000  # at most this many new events folded in per request (about 0.4 s on PostgreSQL)
SUPERVISORS_ONLY = "Cette page est réservée aux superviseurs de l’équipe indemnisation."
UNAVAILABLE = "Les indicateurs sont indisponibles pour le moment. Réessayez dans un instant."
NOT_FOUND = "Ce message n’est plus disponible (conversation supprimée ou inconnue)."


def supervisor_required(handler):
    """``handler(request, agent)`` for a signed-in supervisor; 401 / 403 otherwise."""
    @auth.agent_required(SIGN_IN)
    @functools.wraps(handler)
    async def checked(request: web.Request, agent) -> web.StreamResponse:
        if not agent.has_role(ROLE_SUPERVISOR):
            return errors.error(403, SUPERVISORS_ONLY)
        return await handler(request, agent)
    return checked


def _tracker():
    return get_engine(tracker_url(get_settings()))


def _day(raw: Optional[str], default: date, name: str) -> date:
    if raw is None or raw == "":
        return default
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise metrics.QueryError(f"« {name} » doit être une date au format AAAA-MM-JJ.") from None


def _query(request: web.Request) -> metrics.Query:
    today = datetime.now(timezone.utc).date()
    q = request.query
    end = _day(q.get("to"), today, "to")
    start = _day(q.get("from"), end - timedelta(days=DEFAULT_DAYS - 1), "from")
    channel = q.get("channel") or None
    return metrics.Query(start=start, end=end, period=q.get("period") or "day", channel=channel)


def _figures(query: metrics.Query) -> Dict[str, Any]:
    tracker = _tracker()
    refreshed = refresh.refresh(tracker, max_events=REFRESH_EVENTS)
    figures = metrics.tracker_figures(tracker, query)
    comments = figures.pop("csat_comments")
    texts = review.masked_texts(tracker, [int(c["event_id"]) for c in comments])
    figures["csat_comments"] = [
        {"text": texts.get(int(c["event_id"]), ""), "channel": c["channel"], "score": c["csat_min"],
         "at": datetime.fromtimestamp(float(c["ts"]), timezone.utc).isoformat(timespec="seconds")}
        for c in comments]
    figures.update(metrics.store_figures(get_engine(get_settings().database.url), query))
    figures["query"] = {"from": query.start.isoformat(), "to": query.end.isoformat(), "period": query.period,
                        "channel": query.channel}
    figures["refreshed"] = refreshed.as_dict()
    return figures


async def _guarded(work, *args):
    """(result, None) or (None, 503 response) when a database fails."""
    try:
        return await asyncio.to_thread(work, *args), None
    except Exception:
        logger.exception("insights unavailable")
        return None, errors.error(503, UNAVAILABLE)


async def page(_: web.Request) -> web.StreamResponse:
    return web.FileResponse(PAGE, headers=PAGE_HEADERS)


async def chart_js(_: web.Request) -> web.StreamResponse:
    if not CHART_JS.exists():
        return errors.error(503, "La bibliothèque de graphiques n’est pas installée : lancez « make run ».")
    return web.FileResponse(CHART_JS, headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"})


@supervisor_required
async def figures(request: web.Request, agent) -> web.Response:
    try:
        query = _query(request)
    except metrics.QueryError as exc:
        return errors.error(400, str(exc))
    body, problem = await _guarded(_figures, query)
    return problem or errors.ok(body)


def _confidence(raw: Optional[str]) -> float:
    if raw in (None, ""):
        return review.MIN_CONFIDENCE
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 < value <= 1.0:
        raise metrics.QueryError("« min_confidence » est un nombre entre 0 et 1 (par exemple 0.6).")
    return value


def _queue(query: metrics.Query, min_confidence: float) -> Dict[str, Any]:
    tracker = _tracker()
    refresh.refresh(tracker, max_events=REFRESH_EVENTS)
    items = db.run(lambda s: review.candidates(tracker, s, query, min_confidence=min_confidence))
    intents, entities = review.domain_vocabulary()
    return {"groups": [g.as_dict() for g in review.group(items)], "candidates": len(items),
            "min_confidence": min_confidence, "intents": list(intents), "entities": list(entities),
            "decisions": db.run(review.decisions)}


@supervisor_required
async def queue(request: web.Request, agent) -> web.Response:
    try:
        query, min_confidence = _query(request), _confidence(request.query.get("min_confidence"))
    except metrics.QueryError as exc:
        return errors.error(400, str(exc))
    body, problem = await _guarded(_queue, query, min_confidence)
    return problem or errors.ok(body)


def _context(event_id: int, who: str) -> Optional[Dict[str, Any]]:
    found = review.context(_tracker(), event_id)
    if found is not None:
        db.run(lambda s: audit.record(s, who=who, policyholder_id=review.policyholder_of(found.pop("sender_id")),
                                      object_type="conversation_message", object_id=str(event_id),
                                      channel="agent_desk", action="read"))
    return found


@supervisor_required
async def message(request: web.Request, agent) -> web.Response:
    raw = request.match_info.get("event_id", "")
    if not raw.isdigit() or len(raw) > 12:
        return errors.error(404, NOT_FOUND)
    body, problem = await _guarded(_context, int(raw), agent.subject)
    if problem is not None:
        return problem
    return errors.ok(body) if body is not None else errors.error(404, NOT_FOUND)


def _decide(payload: Dict[str, Any], who: str) -> Tuple[Optional[list], Optional[str]]:
    tracker = _tracker()

    def work(session):
        made = review.decide(tracker, session, payload.get("event_ids") or [], decision=payload.get("decision"),
                             who=who, intent=payload.get("intent"), topic=payload.get("topic"),
                             entities=payload.get("entities"))
        return [{"id": r.id, "event_id": r.event_id, "decision": r.decision, "intent": r.intent, "topic": r.topic,
                 "entities": r.entities, "decided_by": r.decided_by,
                 "decided_at": r.decided_at.isoformat(timespec="seconds")} for r in made]

    try:
        return db.run(work), None
    except review.ReviewError as exc:
        return None, str(exc)


@supervisor_required
async def decide(request: web.Request, agent) -> web.Response:
    payload, problem = await jsonbody.read_object(request, 16 * 1024)
    if problem is not None:
        return problem
    if not isinstance(payload.get("event_ids"), list):
        return errors.error(400, "Indiquez de 1 à 100 messages (« event_ids », des nombres entiers).")
    try:
        made, refused = await asyncio.to_thread(_decide, payload, agent.subject)
    except LookupError:
        return errors.error(404, NOT_FOUND)
    except Exception:
        logger.exception("review decision failed")
        return errors.error(503, UNAVAILABLE)
    if refused is not None:
        return errors.error(409 if "déjà" in refused else 400, refused)
    return errors.ok({"decisions": made}, status=201)


@supervisor_required
async def export(request: web.Request, agent) -> web.Response:
    result, problem = await _guarded(lambda: db.run(review.export_nlu))
    if problem is not None:
        return problem
    body, count = result
    return web.Response(text=body, content_type="application/x-yaml", charset="utf-8", headers={
        "Cache-Control": "no-store", "X-Examples": str(count),
        "Content-Disposition": 'attachment; filename="nlu_review_export.yml"'})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/agent/insights", page)
    app.router.add_get("/agent/vendor/chart.umd.js", chart_js)
    app.router.add_get("/api/agent/insights", figures)
    app.router.add_get("/api/agent/insights/review", queue)
    app.router.add_post("/api/agent/insights/review", decide)
    app.router.add_get(r"/api/agent/insights/review/{event_id}", message)
    app.router.add_get("/api/agent/insights/export", export)
