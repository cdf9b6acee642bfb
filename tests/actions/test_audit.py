"""Every read of account data by an action leaves exactly the expected audit row (who, when, what, channel)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tests.actions.support import make_tracker, payloads, run_action, texts

pytest.importorskip("rasa_sdk")


def audit_rows(url):
    from bot.store.db import get_engine, session_scope
    from bot.store.models import AuditEntry

    with session_scope(get_engine(url)) as s:
        rows = s.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
        return [(r.who, r.policyholder_id, r.object_type, r.object_id, r.channel, r.action, r.at) for r in rows]


def signed_tracker(text, intent, *, user_id=None, channel="socketio", sender="socketio-ph1-abc", entities=None):
    from rasa_sdk import Tracker

    from bot.auth import Identity, sign_identity
    from bot.settings import get_settings

    identity = Identity(policyholder_id=1, channel=channel, user_id=user_id)
    metadata = {"identity": sign_identity(get_settings(), identity, sender), "auth_status": "verified"}
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or [],
               "metadata": metadata}
    return Tracker(sender, {}, message, [{"event": "user", "text": text, "parse_data": message, "metadata": metadata}],
                   False, None, {}, "action_listen")


def test_claim_status_writes_exactly_one_read_row(store):
    from actions.claims import ActionClaimStatus

    before = datetime.now(timezone.utc)
    messages, _ = run_action(ActionClaimStatus(), signed_tracker("Où en est SIN-2021-000123 ?", "ask_claim_status",
                                                                 user_id=1))
    assert "SIN-2021-000123" in texts(messages) and "€" in texts(messages)
    rows = audit_rows(store)
    assert [r[:6] for r in rows] == [("user:1", 1, "claim", "SIN-2021-000123", "socketio", "read")]
    assert before - timedelta(seconds=1) <= rows[0][6] <= datetime.now(timezone.utc) + timedelta(seconds=1)


def test_other_company_ref_writes_a_not_found_row_and_reveals_nothing(store):
    from actions.claims import ActionClaimStatus

    foreign, _ = run_action(ActionClaimStatus(), signed_tracker("dossier SIN-2021-000456", "ask_claim_status"))
    unknown, _ = run_action(ActionClaimStatus(), signed_tracker("dossier SIN-2099-999999", "ask_claim_status"))
    assert texts(foreign).replace("SIN-2021-000456", "<ref>") == texts(unknown).replace("SIN-2099-999999", "<ref>")
    assert payloads(foreign) == payloads(unknown) and "€" not in texts(foreign)
    assert [r[:6] for r in audit_rows(store)] == [
        ("policyholder:1", 1, "claim", "SIN-2021-000456", "socketio", "not_found"),
        ("policyholder:1", 1, "claim", "SIN-2099-999999", "socketio", "not_found"),
    ]


def test_claim_list_guarantee_and_fees_are_audited(store):
    from actions.claims import ActionListClaims
    from actions.fees import ActionFees
    from actions.guarantee import ActionGuarantee

    run_action(ActionListClaims(), signed_tracker("mes dossiers en cours", "list_claims", channel="sms"))
    run_action(ActionGuarantee(), signed_tracker("mes agréments", "ask_guarantee"))
    run_action(ActionFees(), signed_tracker("mes frais", "ask_fees"))
    rows = [r[:6] for r in audit_rows(store)]
    assert rows[0] == ("policyholder:1", 1, "claim_list", "open:p1", "sms", "read")
    assert {r[2] for r in rows[1:]} >= {"credit_limit", "contract", "fees"}
    assert all(r[1] == 1 and r[5] == "read" for r in rows)


def test_not_signed_in_reads_nothing_and_writes_nothing(store):
    from actions.claims import ActionClaimStatus

    run_action(ActionClaimStatus(), make_tracker("SIN-2021-000123", "ask_claim_status", signed=False))
    assert audit_rows(store) == []


def test_a_read_that_cannot_be_audited_is_not_shown(store, monkeypatch):
    """Fail closed: when the audit row cannot be written, the person gets the apology, not the data."""
    from actions.claims import ActionClaimStatus
    from bot import audit

    def broken(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(audit, "record_access", broken)
    messages, events = run_action(ActionClaimStatus(), signed_tracker("SIN-2021-000123", "ask_claim_status"))
    assert "€" not in texts(messages) and texts(messages) and events == []
    assert audit_rows(store) == []


def test_agent_desk_helper_records_one_row(store):
    from bot import audit
    from bot.store.db import get_engine, session_scope

    with session_scope(get_engine(store)) as s:
        audit.record(s, who="agent:marie", policyholder_id=1, object_type="handoff_ticket", object_id=12,
                     channel="agent_desk", action="read")
    assert [r[:6] for r in audit_rows(store)] == [("agent:marie", 1, "handoff_ticket", "12", "agent_desk", "read")]
