"""Insights on seeded conversations with known outcomes: the exact figures, on SQLite and PostgreSQL.

The seven conversations of ``conversations.py`` (six conversation ids, one with two sessions) and
the claims-store rows of ``conftest.py``; every expected number below is counted by hand from them.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from bot.insights import metrics, refresh, review, schema
from bot.insights.metrics import Query, QueryError
from bot.store.db import session_scope
from bot.store.models import InsightsReview
from tests.bot.insights.conversations import D3, PHONE, Conversation, write

START, END = date(2026, 11, 30), date(2026, 12, 7)


def figures(stores, **kwargs):
    engine, tracker = stores
    refresh.refresh(tracker)
    query = Query(START, END, **kwargs)
    return {**metrics.tracker_figures(tracker, query), **metrics.store_figures(engine, query)}


def test_totals_are_exact(stores):
    f = figures(stores)
    t = f["totals"]
    assert (t["conversations"], t["contained"], t["handed_off"]) == (7, 5, 2)
    assert (t["containment_rate"], t["handoff_rate"]) == (0.7143, 0.2857)
    assert (t["user_messages"], t["fallbacks"], t["fallback_rate"], t["conversations_with_fallback"]) == \
        (18, 1, 0.0556, 1)
    assert (t["verified"], t["account_linked"], t["referral"]) == (5, 1, 1)
    assert t["forms"] == {
        "declare": {"started": 1, "completed": 1, "abandoned": 0, "completion_rate": 1.0},
        "cap": {"started": 1, "completed": 0, "abandoned": 1, "completion_rate": 0.0},   # "stop" is no completion
        "callback": {"started": 1, "completed": 1, "abandoned": 0, "completion_rate": 1.0},
    }
    # first answers: 0.5, 2, 3, 4, 1, 5, 1 seconds -> median 2
    assert t["median_first_answer_s"] == 2.0
    assert f["handoff_reasons"] == [{"reason": "request", "conversations": 2}]
    assert f["top_intents"][:3] == [{"intent": "affirm", "messages": 3}, {"intent": "request_human", "messages": 2},
                                    {"intent": "ask_cap", "messages": 1}]
    assert len(f["top_intents"]) == metrics.TOP_INTENTS


def test_days_weeks_and_channels(stores):
    by_day = figures(stores)
    assert [s["period"] for s in by_day["series"]] == [f"2026-{d}" for d in (
        "11-30", "12-01", "12-02", "12-03", "12-04", "12-05", "12-06", "12-07")]
    assert [(s["conversations"], s["handed_off"]) for s in by_day["series"]] == \
        [(3, 0), (2, 1), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (2, 1)]
    assert by_day["series"][2]["containment_rate"] is None  # nothing to divide: no invented zero
    assert by_day["series"][0]["fallback_rate"] == 0.125     # 1 of 8 messages on Monday
    by_week = figures(stores, period="week")
    assert [(s["period"], s["conversations"], s["handed_off"]) for s in by_week["series"]] == \
        [("2026-11-30", 5, 1), ("2026-12-07", 2, 1)]
    channels = {c["channel"]: c for c in by_day["channels"]}
    assert [c["channel"] for c in by_day["channels"]] == ["web", "sms", "telegram"]
    assert (channels["web"]["conversations"], channels["web"]["handed_off"]) == (5, 1)
    # web: 0.5, 2, 4, 1, 1 -> 1; sms: 3; telegram: 5
    assert [channels[c]["median_first_answer_s"] for c in ("web", "sms", "telegram")] == [1.0, 3.0, 5.0]
    web_only = figures(stores, channel="web")
    assert (web_only["totals"]["conversations"], web_only["totals"]["account_linked"]) == (5, 0)
    assert web_only["complaints"]["total"] == 1 and web_only["csat"]["answers"] == 2


def test_claims_store_figures(stores):
    f = figures(stores)
    assert f["csat"] == {"answers": 3, "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}, "mean": 3.67,
                         "satisfied_rate": 0.6667}
    assert f["complaints"]["total"] == 2
    assert [c["complaints"] for c in f["complaints"]["series"]] == [0, 1, 0, 0, 0, 0, 0, 1]
    assert f["tickets"] == {"total": 1, "by_reason": [{"reason": "request", "tickets": 1}], "callbacks": 1}
    assert f["pairings"] == {"total": 1, "by_channel": [{"channel": "sms", "pairings": 1}]}
    assert f["referrals"] == {"created": 2, "used": 1}
    week = figures(stores, period="week")
    assert week["complaints"]["series"] == [{"period": "2026-11-30", "complaints": 1},
                                            {"period": "2026-12-07", "complaints": 1}]


def test_csat_comment_is_the_message_after_the_score(stores):
    f = figures(stores)
    [comment] = f["csat_comments"]
    assert (comment["channel"], comment["csat_min"]) == ("web", 5)
    assert review.masked_texts(stores[1], [comment["event_id"]]) == {comment["event_id"]: "Réponse rapide, bravo."}


def test_refresh_is_incremental_and_follows_new_sessions(stores):
    _, tracker = stores
    first = refresh.refresh(tracker)
    assert first.conversations == 7 and first.events_seen > 100
    again = refresh.refresh(tracker)
    assert (again.events_seen, again.conversations) == (0, 0)
    # the same conversation id comes back: a third session, then a person
    write(tracker, [Conversation("web-ph1-aaaa01", D3 + 7200).session()
                    .user("je veux un conseiller", "request_human", 0.99).action("action_handoff", 2)
                    .slot("handoff_reason", "request").slot("handoff_outcome", "ticket")])
    later = refresh.refresh(tracker)
    # 8 new events; every conversation is rebuilt here, since the last SAFETY_EVENTS events already folded in
    # (this whole small store) are read again in case another replica committed some out of id order
    assert later.events_seen == 8 and later.conversations == 8 and refresh.SAFETY_EVENTS > 130
    f = metrics.tracker_figures(tracker, Query(START, END))
    assert (f["totals"]["conversations"], f["totals"]["handed_off"]) == (8, 3)
    rebuilt = refresh.refresh(tracker, rebuild=True)
    assert rebuilt.conversations == 8
    assert metrics.tracker_figures(tracker, Query(START, END))["totals"] == f["totals"]


def test_a_bounded_refresh_catches_up_without_counting_twice(stores):
    _, tracker = stores
    reports = [refresh.refresh(tracker, max_events=40)]
    while reports[-1].behind:
        reports.append(refresh.refresh(tracker, max_events=40))
    assert [r.behind for r in reports] == [90, 50, 10, 0] and reports[-1].last_event_id == 130
    bounded = metrics.tracker_figures(tracker, Query(START, END))
    refresh.refresh(tracker, rebuild=True)
    assert metrics.tracker_figures(tracker, Query(START, END)) == bounded


def test_no_events_table_yet(backend, tmp_path):
    from bot.store import db
    from store_testlib import new_database

    url, drop = new_database(backend, tmp_path)
    try:
        engine = db.get_engine(url)
        assert refresh.refresh(engine).as_dict()["conversations"] == 0
        assert metrics.tracker_figures(engine, Query(START, END))["totals"]["conversations"] == 0
    finally:
        drop()


@pytest.mark.parametrize("kwargs,message", [
    ({"start": END, "end": START}, "précède"),
    ({"start": date(2025, 1, 1), "end": END}, "366 jours"),
    ({"start": START, "end": END, "period": "month"}, "période"),
    ({"start": START, "end": END, "channel": "web'; DROP TABLE events; --"}, "canal"),
])
def test_bad_filters_are_refused_in_french(kwargs, message):
    with pytest.raises(QueryError, match=message):
        Query(**kwargs)


# --- review queue ---------------------------------------------------------------------------------

def _queue(stores, **kwargs):
    engine, tracker = stores
    refresh.refresh(tracker)
    with session_scope(engine) as s:
        return review.candidates(tracker, s, Query(START, END), **kwargs)


def test_review_candidates_and_their_reasons(stores):
    items = _queue(stores)
    got = [(i.text, i.reasons) for i in items]
    assert got == [
        ("mon numero c'est le [PHONE]", ["low_confidence"]),
        ("et pour le CAP alors ?", ["bad_csat"]),
        ("c'est trop compliqué votre histoire", ["low_confidence", "handoff"]),
        ("Bois & Co", ["low_confidence"]),
        ("quels sont les frais de recouvrement", ["low_confidence"]),
        ("combien ca me coute votre truc la", ["fallback", "rephrased"]),
        ("Réponse rapide, bravo.", ["low_confidence"]),
    ]
    assert items[-2].suggested == "ask_fees"  # the runner-up behind nlu_fallback
    assert all(PHONE not in i.text and "06 12" not in i.text for i in items)
    assert [i.text for i in _queue(stores, min_confidence=0.5)] == [
        "mon numero c'est le [PHONE]", "et pour le CAP alors ?", "c'est trop compliqué votre histoire",
        "Bois & Co", "combien ca me coute votre truc la", "Réponse rapide, bravo."]


def test_context_is_masked_and_marks_the_message(stores):
    _, tracker = stores
    item = _queue(stores)[0]
    found = review.context(tracker, item.event_id)
    texts = [m["text"] for m in found["messages"]]
    assert "mon numero c'est le [PHONE]" in texts and not any(PHONE in t for t in texts)
    assert [m["text"] for m in found["messages"] if m["reviewed"]] == ["mon numero c'est le [PHONE]"]
    assert found["messages"][0] == {"who": "user", "text": "rappelez moi", "at": found["messages"][0]["at"],
                                    "reviewed": False}
    assert review.context(tracker, 10 ** 9) is None


def test_grouping_by_similarity():
    from datetime import datetime, timezone

    def item(i, said):
        return review.Candidate(i, "web-anon-1", 1, "web", datetime.now(timezone.utc), None, None, None, [], said)

    groups = review.group([item(1, "quels sont les frais de dossier"), item(2, "Quels sont vos frais de dossier ?"),
                           item(3, "où en est mon dossier"), item(4, "les frais de dossier, c'est combien")])
    assert [[i.event_id for i in g.items] for g in groups] == [[1, 2, 4], [3]]


def test_decisions_export_and_leave_the_queue(stores):
    engine, tracker = stores
    by_text = {i.text: i.event_id for i in _queue(stores)}
    with session_scope(engine) as s:
        review.decide(tracker, s, [by_text["quels sont les frais de recouvrement"]], decision="accepted",
                      intent="ask_fees", who="agent:sophie.durand")
        review.decide(tracker, s, [by_text["Bois & Co"]], decision="accepted", intent="declare_unpaid",
                      entities=[{"entity": "buyer", "value": "Bois & Co"}], who="agent:sophie.durand")
        review.decide(tracker, s, [by_text["mon numero c'est le [PHONE]"]], decision="new_topic",
                      topic="Rappel téléphonique", who="agent:sophie.durand")
        review.decide(tracker, s, [by_text["Réponse rapide, bravo."]], decision="rejected", who="agent:sophie.durand")
    assert [i.text for i in _queue(stores)] == ["et pour le CAP alors ?", "c'est trop compliqué votre histoire",
                                                "combien ca me coute votre truc la"]
    with session_scope(engine) as s:
        rows = s.execute(select(InsightsReview).order_by(InsightsReview.id)).scalars().all()
        assert [(r.decision, r.intent, r.topic, r.decided_by, r.policyholder_id) for r in rows] == [
            ("accepted", "ask_fees", None, "agent:sophie.durand", None),
            ("accepted", "declare_unpaid", None, "agent:sophie.durand", 2),
            ("new_topic", None, "Rappel téléphonique", "agent:sophie.durand", None),
            ("rejected", None, None, "agent:sophie.durand", 1)]
        assert rows[2].text == "mon numero c'est le [PHONE]"  # only the masked text is kept
        assert rows[1].entities == [{"entity": "buyer", "value": "Bois & Co", "start": 0, "end": 9}]
        body, count = review.export_nlu(s)
    assert count == 2
    assert body.splitlines()[3:] == [
        "nlu:", "  - intent: ask_fees", "    examples: |", "      - quels sont les frais de recouvrement",
        "  - intent: declare_unpaid", "    examples: |", "      - [Bois & Co](buyer)"]


@pytest.mark.parametrize("kwargs,message", [
    ({"decision": "accepted", "intent": "no_such_intent"}, "intention du domaine"),
    ({"decision": "accepted", "intent": "referral_greet"}, "intention du domaine"),
    ({"decision": "maybe"}, "décision"),
    ({"decision": "new_topic", "topic": "  "}, "nom court"),
    ({"decision": "accepted", "intent": "ask_fees", "entities": [{"entity": "buyer", "value": "Martin"}]}, "tel quel"),
    ({"decision": "accepted", "intent": "ask_fees", "entities": [{"entity": "colour", "value": "frais"}]},
     "n’existe pas"),
    ({"decision": "accepted", "intent": "ask_fees", "entities": "frais"}, "liste"),
])
def test_bad_decisions_are_refused(stores, kwargs, message):
    engine, tracker = stores
    item = next(i for i in _queue(stores) if i.text == "quels sont les frais de recouvrement")
    with session_scope(engine) as s, pytest.raises(review.ReviewError, match=message):
        review.decide(tracker, s, [item.event_id], who="agent:sophie.durand", **kwargs)


def test_a_message_is_decided_once_and_must_exist(stores):
    engine, tracker = stores
    item = _queue(stores)[0]
    with session_scope(engine) as s:
        review.decide(tracker, s, [item.event_id], decision="rejected", who="agent:sophie.durand")
    with session_scope(engine) as s, pytest.raises(review.ReviewError, match="déjà"):
        review.decide(tracker, s, [item.event_id], decision="rejected", who="agent:claire.martin")
    with session_scope(engine) as s, pytest.raises(LookupError):
        review.decide(tracker, s, [10 ** 9], decision="rejected", who="agent:sophie.durand")
    with session_scope(engine) as s, pytest.raises(review.ReviewError, match="1 à 100"):
        review.decide(tracker, s, [], decision="rejected", who="agent:sophie.durand")


def test_export_never_lets_masks_read_as_annotations():
    assert review._example("appelez [PHONE](urgent)", []) == "appelez [PHONE] (urgent)"
    assert review._example("Martin doit 300 €", [{"entity": "buyer", "value": "Martin", "start": 0, "end": 6}]) \
        == "[Martin](buyer) doit 300 €"


def test_gdpr_erasure_removes_the_aggregates_of_the_conversations(stores):
    from bot.gdpr.tracker import TrackerStore

    engine, tracker = stores
    refresh.refresh(tracker)
    store = TrackerStore(str(tracker.url.render_as_string(hide_password=False)), engine=tracker)
    store.delete(["web-ph1-aaaa01"])
    with tracker.connect() as conn:
        left = conn.execute(select(func.count()).select_from(schema.conversations)
                            .where(schema.conversations.c.sender_id == "web-ph1-aaaa01")).scalar_one()
        messages = conn.execute(text("SELECT COUNT(*) FROM insights_messages WHERE sender_id = 'web-ph1-aaaa01'"))
        assert (left, messages.scalar_one()) == (0, 0)
    assert metrics.tracker_figures(tracker, Query(START, END))["totals"]["conversations"] == 5


def test_no_personal_data_leaves_the_review_queue(stores):
    engine, tracker = stores
    email, iban = "claire.durand@example.fr", "FR76 3000 6000 0112 3456 7890 189"
    write(tracker, [Conversation("web-ph1-cafe07", D3 + 9000).session()
                    .user(f"mon mail {email} et mon RIB {iban}", "ask_fees", 0.3)
                    .answer("action_fees", f"Nous écrivons à {email}.")])
    items = _queue(stores)
    [item] = [i for i in items if i.text.startswith("mon mail")]
    assert item.text == "mon mail [EMAIL] et mon RIB [IBAN]"
    shown = str(review.context(tracker, item.event_id)) + str([i.as_dict() for i in items])
    assert email not in shown and "FR76" not in shown and "3000 6000" not in shown
    with session_scope(engine) as s:
        [decided] = review.decide(tracker, s, [item.event_id], decision="accepted", intent="ask_fees",
                                  who="agent:sophie.durand")
        assert decided.text == "mon mail [EMAIL] et mon RIB [IBAN]"
        body, _ = review.export_nlu(s)
    assert email not in body and "FR76" not in body
