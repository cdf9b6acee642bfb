"""The incremental refresh of the aggregate tables, in SQL over Rasa's ``events`` table.

Each refresh looks at the events written since the last one (``insights_state.last_event_id``),
takes the conversations they belong to and rebuilds those conversations' rows with two
``INSERT … SELECT`` statements (window functions cut a conversation id into sessions and find what
came before and after each message), 500 conversations per transaction. Nothing is computed in
Python: the same SQL runs on SQLite (3.25 or later, JSON1) and PostgreSQL.

- On PostgreSQL a session advisory lock lets one process refresh at a time (another one skips and
  reads what is there); on SQLite the claims-store engine's ``BEGIN IMMEDIATE`` serialises writers.
- Events committed out of id order (two Rasa replicas) are caught by re-reading the conversations
  of the last :data:`SAFETY_EVENTS` events already folded in.
- What the events say, and how each signal is read from them, is in docs/insights.md.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import List, Optional

from sqlalchemy import bindparam, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from bot.insights import schema, sql

CHUNK = 500
SAFETY_EVENTS = 500
ADVISORY_LOCK = 0x1A51_6475  # "insights" refresh: PostgreSQL advisory lock key (with the schema's hash)
# actions that are plumbing, not an answer: "what came before / after a message" skips them
IGNORED_ACTIONS = ("action_listen", "action_session_start", "action_extract_slots", "action_unlikely_intent")
SMALL_TALK = ("greet", "goodbye", "thank", "affirm", "deny")
# (form, the action that ends it with a result) -- domain.yml forms and data/rules
FORMS = {
    "declare": ("declare_unpaid_form", "action_submit_declaration"),
    "cap": ("cap_form", "action_cap_evaluate"),
    "callback": ("callback_form", "action_callback_submit"),
}


@dataclass
class RefreshReport:
    events_seen: int = 0
    conversations: int = 0
    last_event_id: int = 0
    seconds: float = 0.0
    skipped: bool = False   # another process was refreshing (PostgreSQL)
    behind: int = 0         # events left for the next refresh (``max_events``)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _events_cte(d: str) -> str:
    ignored = _in(IGNORED_ACTIONS)
    return f"""
WITH ev AS (
  SELECT id, sender_id, type_name, timestamp AS ts, intent_name, action_name, data,
         SUM(CASE WHEN type_name = 'action' AND action_name = 'action_session_start' THEN 1 ELSE 0 END)
           OVER (PARTITION BY sender_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session
  FROM events WHERE sender_id IN :senders
), ev2 AS (
  SELECT ev.*,
    MAX(CASE WHEN type_name = 'action' AND action_name NOT IN {ignored} THEN id END)
      OVER (PARTITION BY sender_id, session ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_act,
    MIN(CASE WHEN type_name = 'action' AND action_name NOT IN {ignored} THEN id END)
      OVER (PARTITION BY sender_id, session ORDER BY id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_act,
    MIN(CASE WHEN type_name = 'user' THEN id END)
      OVER (PARTITION BY sender_id, session ORDER BY id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_user,
    MIN(CASE WHEN type_name = 'user' THEN ts END)
      OVER (PARTITION BY sender_id, session ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS first_user_ts
  FROM ev
)"""  # noqa: S608 (SQL fragments of this package, values bound)


def messages_sql(d: str) -> str:
    """INSERT the rows of ``insights_messages`` for the conversations ``:senders``."""
    text_of = lambda alias: sql.json_text(d, f"{alias}.data", ["text"])  # noqa: E731
    fallback = "(u.intent_name = 'nlu_fallback' OR na.action_name = 'action_fallback')"
    button = f"substr(COALESCE({text_of('u')}, ''), 1, 1) = '/'"
    return _events_cte(d) + f"""
INSERT INTO insights_messages (event_id, sender_id, session, channel, day, week, ts, intent, confidence, suggested,
                               button, fallback, rephrased, handoff_after, csat_comment)
SELECT u.id, u.sender_id, u.session, {sql.channel(d, 'u.sender_id')}, {sql.day(d, 'u.ts')}, {sql.week(d, 'u.ts')},
  u.ts, u.intent_name,
  {sql.json_number(d, 'u.data', ['parse_data', 'intent', 'confidence'])},
  CASE WHEN u.intent_name = 'nlu_fallback'
       THEN {sql.json_text(d, 'u.data', ['parse_data', 'intent_ranking', 1, 'name'])} END,
  CASE WHEN {button} THEN 1 ELSE 0 END,
  CASE WHEN {fallback} THEN 1 ELSE 0 END,
  CASE WHEN {fallback} AND nu.id IS NOT NULL AND substr(COALESCE({text_of('nu')}, ''), 1, 1) <> '/'
       THEN 1 ELSE 0 END,
  CASE WHEN COALESCE(u.intent_name, '') <> 'request_human'
            AND (na.action_name = 'action_handoff' OR nu.intent_name = 'request_human') THEN 1 ELSE 0 END,
  CASE WHEN pa.action_name = 'action_record_csat' AND COALESCE(u.intent_name, '') NOT IN {_in(SMALL_TALK)}
            AND NOT ({button}) THEN 1 ELSE 0 END
FROM ev2 u
LEFT JOIN events pa ON pa.id = u.prev_act
LEFT JOIN events na ON na.id = u.next_act
LEFT JOIN events nu ON nu.id = u.next_user
WHERE u.type_name = 'user'"""  # noqa: S608 (SQL fragments of this package, values bound)


def conversations_sql(d: str) -> str:
    """INSERT the rows of ``insights_conversations`` for the conversations ``:senders``."""
    value = sql.json_text(d, "data", ["value"])
    first_user = "MIN(CASE WHEN type_name = 'user' THEN ts END)"
    forms = []
    for form, done in FORMS.values():
        forms.append(f"MAX(CASE WHEN type_name = 'active_loop' AND action_name = '{form}' THEN 1 ELSE 0 END)")
        if form == "cap_form":  # action_cap_evaluate also runs (silently) after "stop": cap_mode = stopped
            forms.append(f"CASE WHEN SUM(CASE WHEN type_name = 'action' AND action_name = '{done}' THEN 1 ELSE 0 END)"
                         f" > SUM(CASE WHEN type_name = 'slot' AND action_name = 'cap_mode' AND {value} = 'stopped'"
                         f" THEN 1 ELSE 0 END) THEN 1 ELSE 0 END")
        else:
            forms.append(f"MAX(CASE WHEN type_name = 'action' AND action_name = '{done}' THEN 1 ELSE 0 END)")
    return _events_cte(d) + f"""
INSERT INTO insights_conversations (sender_id, session, channel, verified, day, week, started_at, ended_at,
  user_messages, fallbacks, first_answer_s, handed_off, handoff_reason, declare_started, declare_done, cap_started,
  cap_done, callback_started, callback_done, referral, csat_min)
SELECT sender_id, session, {sql.channel(d, 'sender_id')},
  CASE WHEN sender_id LIKE '%-ph%-%' THEN 1 ELSE 0 END,
  {sql.day(d, first_user)}, {sql.week(d, first_user)}, {first_user}, MAX(ts),
  SUM(CASE WHEN type_name = 'user' THEN 1 ELSE 0 END),
  SUM(CASE WHEN type_name = 'user' AND intent_name = 'nlu_fallback' THEN 1 ELSE 0 END),
  MIN(CASE WHEN type_name = 'bot' AND first_user_ts IS NOT NULL THEN ts - first_user_ts END),
  MAX(CASE WHEN (type_name = 'slot' AND action_name = 'handoff_outcome' AND {value} = 'ticket')
            OR (type_name = 'action' AND action_name = 'action_callback_submit') THEN 1 ELSE 0 END),
  MAX(CASE WHEN type_name = 'slot' AND action_name = 'handoff_reason' THEN {value} END),
  {', '.join(forms)},
  MAX(CASE WHEN type_name = 'user' AND intent_name = 'referral_greet' THEN 1 ELSE 0 END),
  MIN(CASE WHEN type_name = 'slot' AND action_name = 'csat_score' AND {value} IN ('1', '2', '3', '4', '5')
           THEN CAST({value} AS INTEGER) END)
FROM ev2
GROUP BY sender_id, session
HAVING SUM(CASE WHEN type_name = 'user' THEN 1 ELSE 0 END) > 0"""  # noqa: S608 (SQL fragments of this package, values bound)


def _lock(conn: Connection, dialect: str) -> bool:
    if dialect != sql.POSTGRESQL:
        return True
    # one lock per schema (advisory locks are database-wide; two tracker stores may share a database)
    got = conn.execute(text("SELECT pg_try_advisory_lock(:k, hashtext(current_schema()))"),
                       {"k": ADVISORY_LOCK}).scalar()
    conn.commit()
    return bool(got)


def _unlock(conn: Connection, dialect: str) -> None:
    if dialect == sql.POSTGRESQL:
        conn.execute(text("SELECT pg_advisory_unlock(:k, hashtext(current_schema()))"), {"k": ADVISORY_LOCK})
        conn.commit()


def _watermark(conn: Connection) -> int:
    value = conn.execute(select(schema.state.c.last_event_id).where(schema.state.c.id == 1)).scalar()
    return int(value or 0)


def refresh(engine: Engine, *, rebuild: bool = False, now: Optional[float] = None,
            max_events: Optional[int] = None) -> RefreshReport:
    """Fold the new events into the aggregate tables (``rebuild``: drop them and start over).

    ``max_events`` bounds the work of one call (a page request): the events after the first
    ``max_events`` new ones wait for the next call (``report.behind``). Their conversations are
    rebuilt whole each time, so stopping anywhere leaves nothing half counted."""
    started = time.perf_counter()
    dialect = sql.check(engine.dialect.name)
    report = RefreshReport()
    if not inspect(engine).has_table("events"):
        return report
    if rebuild:
        schema.drop(engine)
    schema.ensure(engine)
    insert_messages = text(messages_sql(dialect)).bindparams(bindparam("senders", expanding=True))
    insert_conversations = text(conversations_sql(dialect)).bindparams(bindparam("senders", expanding=True))
    count_conversations = text("SELECT COUNT(*) FROM insights_conversations WHERE sender_id IN :senders") \
        .bindparams(bindparam("senders", expanding=True))
    with engine.connect() as conn:
        if not _lock(conn, dialect):
            report.skipped = True
            return report
        try:
            mark = _watermark(conn)
            top = conn.execute(text("SELECT MAX(id) FROM events")).scalar()
            conn.commit()
            report.last_event_id = mark
            if top is None or int(top) <= mark:
                return report
            newest = int(top)
            top = newest if max_events is None else min(newest, mark + max(1, int(max_events)))
            report.behind = newest - top
            low = max(0, mark - SAFETY_EVENTS) if mark else 0
            report.events_seen = top - mark
            senders: List[str] = [s for (s,) in conn.execute(
                text("SELECT DISTINCT sender_id FROM events WHERE id > :low AND id <= :top ORDER BY sender_id"),
                {"low": low, "top": top})]
            conn.commit()
            for start in range(0, len(senders), CHUNK):
                chunk = senders[start:start + CHUNK]
                with conn.begin():
                    schema.forget(conn, chunk)
                    conn.execute(insert_messages, {"senders": chunk})
                    conn.execute(insert_conversations, {"senders": chunk})
                    report.conversations += conn.execute(count_conversations, {"senders": chunk}).scalar_one()
            with conn.begin():
                stamp = now if now is not None else time.time()
                if conn.execute(schema.state.update().where(schema.state.c.id == 1)
                                .values(last_event_id=top, refreshed_at=stamp)).rowcount == 0:
                    conn.execute(schema.state.insert().values(id=1, last_event_id=top, refreshed_at=stamp))
            report.last_event_id = top
        finally:
            _unlock(conn, dialect)
            report.seconds = round(time.perf_counter() - started, 4)
    return report
