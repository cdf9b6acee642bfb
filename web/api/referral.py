"""Web API of agent → bot referrals (registered by web/server.py).

- ``POST /api/referral/create`` (``Authorization: Bearer <agent token>``; the agent desk, or the
  telephony system with an agent-audience token) with ``{"policyholder_id": 1, "topic":
  "claim_status", "claim_ref": "SIN-2021-000123", "ticket_id": 7}`` (``claim_ref`` optional; it must be one
  of that policyholder's claims; ``ticket_id`` optional). A plain agent must hold (have taken, not closed)
  a ticket of that policyholder (that one when ``ticket_id`` is given), else 403 ``not_held``; a supervisor
  may refer anyone (bot/referral.py :func:`create_for_agent`). Every creation and refusal is audited.
  -> 201 ``{"link", "expires_at", "expires_in", "sms", "email": {"subject",
  "body"}, "policyholder": {"id", "name"}, "topic", "claim_ref"}``.
- ``GET /api/referral/topics`` (agent token) -> the topics the desk offers (value + French label).
- ``POST /api/referral/redeem`` with ``{"token": "..."}`` (read by the page from the link's
  fragment, never from a URL the server sees) -> 200 ``{"token", "expires_in", "name",
  "policyholder_id", "topic", "claim_ref", "init_payload"}`` where ``token`` is an ordinary
  policyholder token carrying the referral id; or 410 (used, expired) / 401 (forged, unknown)
  with a polite French ``error`` and a ``reason``.

- ``POST /api/referral/call`` (agent token) with the same fields plus ``"call_sid": "CA…"`` (the live
  call the agent is on): a referral bound to that call; the response gives ``transfer_url`` (the
  voice webhook with the token) and ``twiml`` (a ``<Redirect>`` to it) for the telephony, and, when
  the Twilio account is configured, the call is redirected at once through Twilio's REST API
  (``redirected``: true). 503 when the phone channel is not configured.

Tokens never reach a log line: the server logs the outcome and the referral id only, and the
link token travels in a URL fragment and a JSON body (no access log is written either).
Errors, bearer authentication, rate limits and store access are the shared ones of :mod:`web.api`.
"""
from __future__ import annotations

import asyncio
import logging
from xml.sax.saxutils import escape

from aiohttp import BasicAuth, ClientSession, ClientTimeout, web

from bot import referral
from bot.auth import issue_policyholder_token
from bot.settings import get_settings
from bot.wording import referral as wording
from web.api import auth, db, errors, jsonbody, limits

logger = logging.getLogger("web.referral")
MAX_BODY = 8192
GREET_PAYLOAD = "/referral_greet"
SIGN_IN = wording.agent_error("sign_in")


async def _body(request: web.Request):
    """The JSON object of the request, or an error response."""
    return await jsonbody.read_object(request, MAX_BODY, {
        "not_json": wording.request_error("not_json"), "too_large": wording.request_error("too_large"),
        "bad_json": wording.request_error("bad_json"), "not_object": wording.agent_error("bad_request")})


def _base_url() -> str:
    """Where links point: REFERRAL_LINK_BASE, else PUBLIC_BASE_URL; never the request's Host header."""
    settings = get_settings()
    return settings.referral.link_base or settings.public_base_url


def _create(session, agent, policyholder_id: int, topic: str, claim_ref, ticket_id):
    return referral.create_for_agent(session, get_settings(), agent, policyholder_id=policyholder_id, topic=topic,
                                     claim_ref=claim_ref, ticket_id=ticket_id)



@limits.per_ip()
@auth.agent_required(SIGN_IN)
async def create_referral(request: web.Request, agent) -> web.Response:
    payload, error = await _body(request)
    if error is not None:
        return error
    ph, topic, claim_ref = payload.get("policyholder_id"), payload.get("topic"), payload.get("claim_ref")
    ticket_id = payload.get("ticket_id")
    if isinstance(ph, str) and ph.strip().isdigit():
        ph = int(ph.strip())
    if isinstance(ph, bool) or not isinstance(ph, int) or not isinstance(topic, str) \
            or not (claim_ref is None or isinstance(claim_ref, str)) \
            or not (ticket_id is None or (type(ticket_id) is int and 0 < ticket_id < 2**31)):
        return errors.error(400, wording.agent_error("bad_request"))
    try:
        created = await db.call(_create, agent, ph, topic, claim_ref, ticket_id)
    except referral.ReferralError as exc:
        if exc.reason == referral.NOT_HELD:
            await db.call(referral.audit_refusal, agent, ph)
            logger.warning("referral refused: %s holds no ticket of policyholder %s", agent.subject, ph)
            return errors.error(403, wording.agent_error(exc.reason), reason=exc.reason)
        status = 404 if exc.reason == referral.UNKNOWN_POLICYHOLDER else 422
        return errors.error(status, wording.agent_error(exc.reason), reason=exc.reason)
    except Exception:
        logger.exception("referral creation failed")
        return errors.error(503, wording.unavailable())
    minutes = max(1, get_settings().referral.ttl_seconds // 60)
    link = referral.link_url(_base_url(), created.token)
    logger.info("referral %s created by %s for policyholder %s (topic %s)", created.id, agent.subject,
                created.policyholder_id, created.topic)
    return errors.ok({
        "id": created.id,
        "link": link,
        "expires_at": created.expires_at.isoformat(),
        "expires_in": get_settings().referral.ttl_seconds,
        "sms": wording.sms(link, minutes),
        "email": wording.email(link, minutes, created.claim_ref),
        "policyholder": {"id": created.policyholder_id, "name": created.policyholder_name},
        "topic": created.topic,
        "claim_ref": created.claim_ref,
    }, status=201)


def voice_webhook_url() -> str:
    settings = get_settings()
    return settings.channels.voice.effective_webhook_url(settings.web.public_base_url)


def _create_for_call(session, policyholder_id: int, topic: str, claim_ref, created_by: str, call_sid: str):
    return referral.create(session, get_settings(), policyholder_id=policyholder_id, topic=topic,
                           claim_ref=claim_ref, created_by=created_by, call_sid=call_sid, channel="phone")


async def redirect_call(call_sid: str, url: str) -> bool:
    """Ask Twilio to continue the live call with ``url`` (``POST /Calls/{sid}.json``, ``Url=``)."""
    twilio = get_settings().channels.twilio
    if not (twilio.account_sid and twilio.auth_token):
        return False
    base = (twilio.api_base or "https://api.twilio.com").rstrip("/")
    endpoint = f"{base}/2010-04-01/Accounts/{twilio.account_sid}/Calls/{call_sid}.json"
    try:
        async with ClientSession(timeout=ClientTimeout(total=10)) as client:
            async with client.post(endpoint, data={"Url": url, "Method": "POST"},
                                   auth=BasicAuth(twilio.account_sid, twilio.auth_token)) as answer:
                if answer.status >= 300:
                    logger.warning("twilio refused the call redirect (HTTP %s)", answer.status)
                return answer.status < 300
    except Exception:
        logger.exception("call redirect failed")
        return False


@limits.per_ip()
@auth.agent_required(SIGN_IN)
async def transfer_call(request: web.Request, agent) -> web.Response:
    payload, error = await _body(request)
    if error is not None:
        return error
    ph, topic, claim_ref = payload.get("policyholder_id"), payload.get("topic"), payload.get("claim_ref")
    call_sid = payload.get("call_sid")
    if isinstance(ph, str) and ph.strip().isdigit():
        ph = int(ph.strip())
    if isinstance(ph, bool) or not isinstance(ph, int) or not isinstance(topic, str) \
            or not (claim_ref is None or isinstance(claim_ref, str)):
        return errors.error(400, wording.agent_error("bad_request"))
    if not isinstance(call_sid, str) or not referral.CALL_SID.match(call_sid.strip()):
        return errors.error(400, wording.agent_error(referral.BAD_CALL), reason=referral.BAD_CALL)
    webhook = voice_webhook_url()
    if not webhook:
        return errors.error(503, wording.agent_error("voice_off"), reason="voice_off")
    try:
        created = await db.call(_create_for_call, ph, topic, claim_ref, agent.subject, call_sid.strip())
    except referral.ReferralError as exc:
        status = 404 if exc.reason == referral.UNKNOWN_POLICYHOLDER else 422
        return errors.error(status, wording.agent_error(exc.reason), reason=exc.reason)
    except Exception:
        logger.exception("call referral creation failed")
        return errors.error(503, wording.unavailable())
    url = referral.transfer_url(webhook, created.token)
    redirected = await redirect_call(call_sid.strip(), url)
    logger.info("call referral %s created by %s for policyholder %s (topic %s, redirected %s)", created.id,
                agent.subject, created.policyholder_id, created.topic, redirected)
    return errors.ok({
        "id": created.id,
        "transfer_url": url,
        "twiml": f'<Response><Redirect method="POST">{escape(url)}</Redirect></Response>',
        "redirected": redirected,
        "message": wording.agent_error("call_transferred" if redirected else "call_not_redirected"),
        "expires_at": created.expires_at.isoformat(),
        "expires_in": get_settings().referral.ttl_seconds,
        "policyholder": {"id": created.policyholder_id, "name": created.policyholder_name},
        "topic": created.topic,
        "claim_ref": created.claim_ref,
    }, status=201)


@auth.agent_required(SIGN_IN)
async def topics(request: web.Request, agent) -> web.Response:
    return errors.ok({"topics": [{"value": k, "label": v} for k, v in wording.TOPIC_CHOICES.items()]})


def _redeem(token):
    settings = get_settings()
    redeemed = db.run(referral.redeem, settings, token)
    session_token = issue_policyholder_token(settings, redeemed.policyholder_id, name=redeemed.policyholder_name,
                                             referral_id=redeemed.id)
    return redeemed, session_token


@limits.per_ip()
async def redeem(request: web.Request) -> web.Response:
    payload, error = await _body(request)
    if error is not None:
        return error
    token = payload.get("token")
    try:
        redeemed, session_token = await asyncio.to_thread(_redeem, token)
    except referral.ReferralError as exc:
        logger.info("referral link refused (%s)", exc.reason)
        status = 410 if exc.reason in (referral.USED, referral.EXPIRED) else 401
        return errors.error(status, wording.refused(exc.reason), reason=exc.reason)
    except Exception:
        logger.exception("referral redeem failed")
        return errors.error(503, wording.unavailable())
    logger.info("referral %s opened for policyholder %s", redeemed.id, redeemed.policyholder_id)
    return errors.ok({
        "token": session_token,
        "expires_in": get_settings().auth.token_ttl_seconds,
        "name": redeemed.policyholder_name,
        "policyholder_id": redeemed.policyholder_id,
        "topic": redeemed.topic,
        "claim_ref": redeemed.claim_ref,
        "init_payload": GREET_PAYLOAD,
    })


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/referral/create", create_referral)
    app.router.add_post("/api/referral/call", transfer_call)
    app.router.add_get("/api/referral/topics", topics)
    app.router.add_post("/api/referral/redeem", redeem)
