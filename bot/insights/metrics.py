"""The figures of the insights page, per day or week and per channel, computed by SQL.

Two databases answer: the tracker store (the aggregate tables of :mod:`bot.insights.schema`) and
the claims store (handoff tickets, satisfaction answers, complaints, pairings, referrals). Each
query groups and counts in the database; Python only puts the answers side by side and fills
the periods without any conversation with zeros (so a chart's axis has no holes).

Days and weeks are UTC (a week starts on Monday). Rates are fractions (0.25 = 25 %), None when
there is nothing to divide by.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Dict, List, Optional

from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.insights import schema, sql
from bot.insights.refresh import FORMS
from bot.store.models.handoff import HANDOFF_REASONS
from bot.store.models.pairing import PAIRING_CHANNELS

PERIODS = ("day", "week")
MAX_DAYS = 366
CHANNEL = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TOP_INTENTS = 10
COMMENTS = 10


class QueryError(ValueError):
    """A filter that cannot be used; the message is French, for the person."""


@dataclass(frozen=True)
class Query:
    start: date
    end: date
    period: str = "day"
    channel: Optional[str] = None

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise QueryError("La période doit être « day » (par jour) ou « week » (par semaine).")
        if self.end < self.start:
            raise QueryError("La date de fin précède la date de début.")
        if (self.end - self.start).days + 1 > MAX_DAYS:
            raise QueryError(f"Choisissez une plage de {MAX_DAYS} jours au plus.")
        if self.channel is not None and not CHANNEL.match(self.channel):
            raise QueryError("Ce canal n’existe pas.")

    @property
    def bounds(self) -> Dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "channel": self.channel}

    @property
    def store_bounds(self) -> Dict[str, Any]:
        lo = datetime.combine(self.start, time(), tzinfo=timezone.utc)
        hi = datetime.combine(self.end + timedelta(days=1), time(), tzinfo=timezone.utc)
        return {"lo": lo, "hi": hi, "channel": self.channel}

    def periods(self) -> List[str]:
        """Every period label of the range, in order."""
        out: List[str] = []
        day = self.start
        while day <= self.end:
            label = _week_of(day) if self.period == "week" else day.isoformat()
            if not out or out[-1] != label:
                out.append(label)
            day += timedelta(days=1)
        return out


def _week_of(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


def _rate(part: Optional[float], whole: Optional[float]) -> Optional[float]:
    return None if not whole else round(float(part or 0) / float(whole), 4)


def _where(query: Query) -> str:
    return "day BETWEEN :start AND :end" + (" AND channel = :channel" if query.channel else "")


_SUMS = ("COUNT(*) AS conversations, SUM(handed_off) AS handed_off, SUM(user_messages) AS user_messages, "
         "SUM(fallbacks) AS fallbacks, SUM(CASE WHEN fallbacks > 0 THEN 1 ELSE 0 END) AS with_fallback, "
         "SUM(verified) AS verified, SUM(referral) AS referral, "
         f"SUM(CASE WHEN verified = 1 AND channel IN ({', '.join(repr(c) for c in PAIRING_CHANNELS)}) "
         "THEN 1 ELSE 0 END) AS linked, "
         + ", ".join(f"SUM({f}_started) AS {f}_started, SUM({f}_done) AS {f}_done" for f in FORMS))


def _figures(row: Dict[str, Any]) -> Dict[str, Any]:
    n = int(row.get("conversations") or 0)
    handed = int(row.get("handed_off") or 0)
    messages = int(row.get("user_messages") or 0)
    forms = {}
    for form in FORMS:
        started, done = int(row.get(f"{form}_started") or 0), int(row.get(f"{form}_done") or 0)
        done = min(done, started) if started else done
        forms[form] = {"started": started, "completed": done, "abandoned": max(0, started - done),
                       "completion_rate": _rate(done, started)}
    return {
        "conversations": n, "contained": n - handed, "handed_off": handed,
        "containment_rate": _rate(n - handed, n), "handoff_rate": _rate(handed, n),
        "user_messages": messages, "fallbacks": int(row.get("fallbacks") or 0),
        "fallback_rate": _rate(row.get("fallbacks"), messages),
        "conversations_with_fallback": int(row.get("with_fallback") or 0),
        "verified": int(row.get("verified") or 0), "account_linked": int(row.get("linked") or 0),
        "referral": int(row.get("referral") or 0), "forms": forms,
    }


def _rows(conn, statement: str, params: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(text(statement), params)]


def _median_sql(query: Query, by_channel: bool, dialect: str) -> str:
    """Median first-answer time, overall (group ``'*'``, no channel name) or per channel. PostgreSQL has
    ``percentile_cont``; SQLite takes the middle row(s) by ``ROW_NUMBER()`` (the same value: the mean of
    the two middle values when their number is even)."""
    key = "channel" if by_channel else "'*'"
    if dialect == sql.POSTGRESQL:
        return (f"SELECT {key} AS g, percentile_cont(0.5) WITHIN GROUP (ORDER BY first_answer_s) AS median "  # noqa: S608 (SQL fragments of this package, values bound)
                f"FROM insights_conversations WHERE {_where(query)} AND first_answer_s IS NOT NULL"
                + (" GROUP BY channel" if by_channel else ""))
    part = "PARTITION BY channel " if by_channel else ""
    return (f"SELECT g, AVG(first_answer_s) AS median FROM ("  # noqa: S608 (SQL fragments of this package, values bound)
            f"SELECT {key} AS g, first_answer_s, ROW_NUMBER() OVER ({part}ORDER BY first_answer_s) AS rn, "
            f"COUNT(*) OVER ({part.strip()}) AS n FROM insights_conversations "
            f"WHERE {_where(query)} AND first_answer_s IS NOT NULL) t "
            f"WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY g")


def _add(total: Dict[str, Any], row: Dict[str, Any]) -> None:
    for key, value in row.items():
        if key not in ("period", "channel"):
            total[key] = total.get(key, 0) + int(value or 0)


def tracker_figures(engine: Engine, query: Query) -> Dict[str, Any]:
    """What the tracker store's aggregate tables say for this range (call refresh() first).

    One grouped query (period x channel, every count additive) gives the series, the channels, the
    totals and the hand-off reasons; Python adds those subtotals up. Medians, intents and comments
    are their own queries."""
    d = sql.check(engine.dialect.name)
    if not schema.present(engine):
        schema.ensure(engine)
    where, params, p = _where(query), query.bounds, query.period
    reasons_sql = ", ".join(f"SUM(CASE WHEN handed_off = 1 AND handoff_reason = '{r}' THEN 1 ELSE 0 END) AS reason_{r}"
                            for r in HANDOFF_REASONS)
    with engine.connect() as conn:
        grid = _rows(conn, f"SELECT {p} AS period, channel, {_SUMS}, {reasons_sql} "  # noqa: S608 (SQL fragments of this package, values bound)
                           f"FROM insights_conversations WHERE {where} GROUP BY {p}, channel", params)
        intents = _rows(conn, f"SELECT COALESCE(intent, 'unknown') AS intent, COUNT(*) AS n FROM insights_messages "  # noqa: S608 (SQL fragments of this package, values bound)
                              f"WHERE {where} GROUP BY COALESCE(intent, 'unknown') ORDER BY n DESC, intent "
                              f"LIMIT {TOP_INTENTS}", params)
        medians = {r["g"]: r["median"] for r in _rows(
            conn, f"{_median_sql(query, False, d)} UNION ALL {_median_sql(query, True, d)}", params)}
        comments = _rows(conn, f"SELECT m.event_id, m.sender_id, m.session, m.channel, m.ts, c.csat_min "  # noqa: S608 (SQL fragments of this package, values bound)
                               f"FROM insights_messages m LEFT JOIN insights_conversations c "
                               f"ON c.sender_id = m.sender_id AND c.session = m.session "
                               f"WHERE m.csat_comment = 1 AND m.{where.replace(' AND channel', ' AND m.channel')} "
                               f"ORDER BY m.ts DESC LIMIT {COMMENTS}", params)
    totals: Dict[str, Any] = {}
    series: Dict[str, Dict[str, Any]] = {}
    by_channel: Dict[str, Dict[str, Any]] = {}
    for row in grid:
        _add(totals, row)
        _add(series.setdefault(row["period"], {}), row)
        _add(by_channel.setdefault(row["channel"], {}), row)
    channels = sorted(by_channel.items(), key=lambda kv: (-kv[1]["conversations"], kv[0]))
    known = {r: totals.get(f"reason_{r}", 0) for r in HANDOFF_REASONS}
    known["unknown"] = totals.get("handed_off", 0) - sum(known.values())
    reasons = [{"reason": r, "n": n} for r, n in sorted(known.items(), key=lambda kv: (-kv[1], kv[0])) if n > 0]
    median_all = medians.get("*")
    return {
        "dialect": d,
        "totals": {**_figures(totals), "median_first_answer_s": _round(median_all)},
        "series": [{"period": label, **_figures(series.get(label, {}))} for label in query.periods()],
        "channels": [{"channel": c, **_figures(r), "median_first_answer_s": _round(medians.get(c))}
                     for c, r in channels],
        "handoff_reasons": [{"reason": r["reason"], "conversations": int(r["n"])} for r in reasons],
        "top_intents": [{"intent": r["intent"], "messages": int(r["n"])} for r in intents],
        "csat_comments": comments,
    }


def _round(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(float(value), 2)


def _store_where(column: str, query: Query, channel_column: Optional[str]) -> str:
    where = f"{column} >= :lo AND {column} < :hi"
    if query.channel and channel_column:
        where += f" AND {channel_column} = :channel"
    return where


def store_figures(engine: Engine, query: Query) -> Dict[str, Any]:
    """What the claims store says for this range: tickets, CSAT, complaints, pairings, referrals."""
    d = sql.check(engine.dialect.name)
    params = query.store_bounds
    with engine.connect() as conn:
        csat = {int(r["score"]): int(r["n"]) for r in _rows(
            conn, f"SELECT score, COUNT(*) AS n FROM csat_answers "  # noqa: S608 (SQL fragments of this package, values bound)
                  f"WHERE {_store_where('created_at', query, 'channel')} GROUP BY score", params)}
        complaints = _rows(conn, f"SELECT {sql.store_day(d, 'created_at')} AS day, COUNT(*) AS n FROM complaints "  # noqa: S608 (SQL fragments of this package, values bound)
                                 f"WHERE {_store_where('created_at', query, 'channel')} "
                                 f"GROUP BY {sql.store_day(d, 'created_at')}", params)
        ticket_channel = sql.channel(d, "sender_id")
        tickets = _rows(conn, f"SELECT reason, COUNT(*) AS n FROM handoff_tickets "  # noqa: S608 (SQL fragments of this package, values bound)
                              f"WHERE {_store_where('created_at', query, ticket_channel)} "
                              f"GROUP BY reason ORDER BY n DESC, reason", params)
        callbacks = _rows(conn, f"SELECT reason, COUNT(*) AS n FROM callback_requests "  # noqa: S608 (SQL fragments of this package, values bound)
                                f"WHERE {_store_where('created_at', query, sql.channel(d, 'sender_id'))} "
                                f"GROUP BY reason", params)
        pairings = _rows(conn, f"SELECT channel, COUNT(*) AS n FROM channel_links "  # noqa: S608 (SQL fragments of this package, values bound)
                               f"WHERE {_store_where('created_at', query, 'channel')} GROUP BY channel "
                               f"ORDER BY n DESC, channel", params)
        referrals = _rows(conn, "SELECT COUNT(*) AS created, "  # noqa: S608 (SQL fragments of this package, values bound)
                                "SUM(CASE WHEN used_at IS NOT NULL THEN 1 ELSE 0 END) AS used "
                                f"FROM handover_links WHERE {_store_where('created_at', query, None)}", params)[0]
    per_period: Dict[str, int] = {}
    for r in complaints:
        day = date.fromisoformat(str(r["day"]))
        label = _week_of(day) if query.period == "week" else day.isoformat()
        per_period[label] = per_period.get(label, 0) + int(r["n"])
    answers = sum(csat.values())
    mean = sum(score * n for score, n in csat.items()) / answers if answers else None
    return {
        "csat": {"answers": answers, "distribution": {str(s): csat.get(s, 0) for s in range(1, 6)},
                 "mean": None if mean is None else round(mean, 2),
                 "satisfied_rate": _rate(csat.get(4, 0) + csat.get(5, 0), answers)},
        "complaints": {"total": sum(per_period.values()),
                       "series": [{"period": p, "complaints": per_period.get(p, 0)} for p in query.periods()]},
        "tickets": {"total": sum(int(r["n"]) for r in tickets),
                    "by_reason": [{"reason": r["reason"], "tickets": int(r["n"])} for r in tickets],
                    "callbacks": sum(int(r["n"]) for r in callbacks)},
        "pairings": {"total": sum(int(r["n"]) for r in pairings),
                     "by_channel": [{"channel": r["channel"], "pairings": int(r["n"])} for r in pairings]},
        "referrals": {"created": int(referrals["created"] or 0), "used": int(referrals["used"] or 0)},
    }
