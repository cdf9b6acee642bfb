"""CAP rules engine: a pure function of (request, as_of date, rule set).

``evaluate(request, as_of)`` picks the scheme from what the insurer decided and where the buyer is:

============================  ===================  =====================
insurer decision              buyer in France      buyer abroad
============================  ===================  =====================
partial limit                 CAP                  CAP Francexport
refused or cancelled          CAP+                 CAP+ Francexport
full limit                    no scheme needed     no scheme needed
============================  ===================  =====================

It then applies the rule entry in force at the **transaction date** (``request.transaction_date``,
default ``as_of``) and says separately whether the scheme still takes **new requests** at ``as_of``
(the domestic schemes closed at the end of 2021). Nothing here formats text: every reason is a code
with data, worded by :mod:`bot.wording.cap`.
The request and result types live in :mod:`bot.cap.request` (:class:`CapRequest`) and
:mod:`bot.cap.decision` (:class:`Decision`, :class:`Reason`); they are importable from here too.

Reason codes (``Reason.met``: True = met, False = not met (blocks), None = to check / information):
``insurer_grants_full``, ``insurer_decision``, ``buyer_location``, ``in_force_at_transaction_date``,
``existing_policy``, ``company_turnover``, ``company_age``, ``currency``, ``credit_term``,
``french_content``, ``country_eligible``, ``country_not_closed``, ``country_not_marketable``,
``country_category``, ``topup_ratio``, ``ceiling_per_buyer``, ``ceiling_currency``,
``insurer_retained_share``, ``quotite_max``, ``buyer_risk_acceptable``, ``refusal_notice_held``,
``open_to_new_requests``, ``cap_relais_in_force``.

What is not sourced never decides alone: a figure found in no public text is null and the public cover
is then None ("à vérifier", never an amount nor a refusal); a country's risk category comes from the
request (the insurer gives it), never from an unconfirmed table; a country on a list or under a rule
marked ``to_confirm`` is "to check" (met None), never refused; a large company (``GE``) whose turnover
decides eligibility gets no amount until the turnover is known.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from bot.cap.decision import Decision, Reason
from bot.cap.request import COMPANY_SIZES, Amount, CapRequest  # noqa: F401  (public names of this module)
from bot.cap.rules import RuleEntry, RuleSet, Scheme, get_rules

FAMILY = {  # (insurer decision family, abroad) -> scheme
    ("partial", False): "CAP",
    ("partial", True): "CAP Francexport",
    ("refused", False): "CAP+",
    ("refused", True): "CAP+ Francexport",
}


# ----------------------------------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.reasons: List[Reason] = []
        self.source_ids: List[str] = []
        self.to_confirm: List[str] = []

    def add(self, code: str, met: Optional[bool], **data: Any) -> None:
        self.reasons.append(Reason(code, met, data))

    def cite(self, ids: Tuple[str, ...]) -> None:
        self.source_ids.extend(ids)

    def use(self, entry: RuleEntry, name: str) -> Any:
        fig = entry.figure(name)
        if fig is None:
            return None
        self.cite(fig.sources)
        if not fig.confirmed:
            self.to_confirm.append(f"{entry.id}.{name}")
        return fig.value


def evaluate(request: CapRequest, as_of: date, rules: Optional[RuleSet] = None) -> Decision:
    """Decide which public scheme applies to ``request`` and how much it covers (see module doc)."""
    if not isinstance(as_of, date):
        raise ValueError("as_of must be a date")
    rules = rules or get_rules()
    tx = request.transaction_date or as_of
    decision = request.insurer_decision
    out = _Collector()
    countries = rules.countries
    country = request.buyer_country
    abroad = not countries.is_domestic(country)

    base = dict(
        insurer_cover=request.granted, requested=request.requested, currency=request.currency,
        insurer_decision=decision, buyer_country=country, transaction_date=tx, as_of=as_of,
    )
    if decision == "full":
        out.add("insurer_grants_full", False, granted=request.granted, requested=request.requested)
        return Decision(scheme=None, eligible=False, public_cover=Decimal(0), total_cover=request.granted,
                        reasons=tuple(out.reasons), rule_set=(), sources=(), figures={}, to_confirm=(),
                        open_to_new_requests=None, closed_to_new_requests=False, closed_since=None,
                        last_open_day=None, closure_confidence=None, **base)

    family = "partial" if decision == "partial" else "refused"
    scheme: Scheme = rules.scheme(FAMILY[(family, abroad)])
    out.add("insurer_decision", True, decision=decision, granted=request.granted, requested=request.requested,
            mechanism=scheme.mechanism)
    out.add("buyer_location", True, country=country, abroad=abroad)
    if countries.confidence.get("domestic") != "confirmed" and country != "FR" and not abroad:
        out.to_confirm.append("countries.domestic")

    # -- new requests at as_of (independent of the transaction date)
    closure = scheme.closure
    entry_now = scheme.entry_at(as_of)
    closed_now = scheme.closed_at(as_of)
    open_now: Optional[bool] = entry_now is not None and not closed_now
    out.add("open_to_new_requests", open_now, as_of=as_of, closed_since=closure.closed_from,
            last_open_day=closure.last_open_day, first_day=scheme.first_day,
            confidence=closure.confidence, not_yet_open=as_of < scheme.first_day)
    out.cite(closure.sources)
    if closure.confidence != "confirmed":
        out.to_confirm.append(f"{scheme.name}.closure")

    entry = scheme.entry_at(tx)
    last_entry = scheme.entries[-1].id if scheme.last_day is not None and tx > scheme.last_day else None
    figures: Dict[str, Dict[str, Any]] = {}
    public: Optional[Decimal] = Decimal(0)
    if entry is None:
        position = "before_start" if tx < scheme.first_day else "after_end"
        out.add("in_force_at_transaction_date", False, transaction_date=tx, position=position,
                first_day=scheme.first_day, last_day=scheme.last_day)
        out.cite(scheme.entries[0].sources if position == "before_start" else scheme.entries[-1].sources)
        rule_set: Tuple[str, ...] = ()
    else:
        out.add("in_force_at_transaction_date", True, transaction_date=tx, entry=entry.id,
                valid_from=entry.valid_from, valid_to=entry.valid_to)
        out.cite(entry.sources)
        for key, note in entry.notes.items():
            if note.startswith("to_confirm"):
                out.to_confirm.append(f"{entry.id}.{key}")
        rule_set = (entry.id,)
        figures = {name: {"value": fig.value, "confidence": fig.confidence,
                          **({"alternatives": [dict(a) for a in fig.alternatives]} if fig.alternatives else {})}
                   for name, fig in entry.figures.items()}
        public = _apply_entry(entry, scheme, request, tx, abroad, rules, out)

    # Cap Relais: nothing to ask for, but worth telling when it was in force at the transaction date
    # and already agreed at the as-of date (it was signed in June 2020, for sales from 16 March 2020)
    relais_scheme = rules.schemes.get("Cap Relais")
    relais = relais_scheme.entry_at(tx) if relais_scheme else None
    agreed_on = relais_scheme.fact("agreed_on") if relais_scheme else None
    if relais is not None and (agreed_on is None or as_of >= agreed_on):
        out.add("cap_relais_in_force", None, entry=relais.id, state_share=relais.value("state_share"),
                state_premium_share=relais.value("state_premium_share"), valid_to=relais.valid_to,
                agreed_on=agreed_on, planned_end=relais_scheme.planned_end_at(as_of),
                ended=relais_scheme.closed_at(as_of), before_agreement=agreed_on is not None and tx < agreed_on)
        rule_set = rule_set + (relais.id,)
        out.cite(relais.sources)
        out.cite(tuple(s for f in relais_scheme.history.values() for s in f.sources))
        if agreed_on is not None and tx < agreed_on:
            out.to_confirm.append(f"{relais.id}.valid_from")

    eligible = entry is not None and not any(r.met is False for r in out.reasons
                                             if r.code != "open_to_new_requests")
    if not eligible:
        public = Decimal(0)
    total = None if public is None else request.granted + public
    if abroad:
        out.cite(countries.sources)
    sources = tuple(rules.sources[s] for s in dict.fromkeys(out.source_ids) if s in rules.sources)
    return Decision(
        scheme=scheme.name, eligible=eligible, public_cover=public, total_cover=total,
        reasons=tuple(out.reasons), rule_set=rule_set, sources=sources, figures=figures,
        to_confirm=tuple(dict.fromkeys(out.to_confirm)), open_to_new_requests=open_now,
        closed_to_new_requests=closed_now, closed_since=closure.closed_from if closed_now else None,
        last_open_day=closure.last_open_day, closure_confidence=closure.confidence,
        last_entry=last_entry, operator=scheme.operator, **base)


def _apply_entry(entry: RuleEntry, scheme: Scheme, req: CapRequest, tx: date, abroad: bool, rules: RuleSet,
                 out: _Collector) -> Optional[Decimal]:
    """Check every condition of ``entry`` and return the public cover (None when not computable)."""
    countries = rules.countries
    country = req.buyer_country
    depends_on_turnover = False

    if out.use(entry, "requires_existing_policy"):
        out.add("existing_policy", True, assumed=True)

    # company size / turnover
    tmax = out.use(entry, "turnover_max_eur")
    if entry.figure("turnover_max_eur") is not None:
        inclusive = bool(entry.value("turnover_max_inclusive", False))
        if tmax is None:
            out.add("company_turnover", True, all_sizes=True)
        elif req.turnover is not None:
            ok = req.turnover <= tmax if inclusive else req.turnover < tmax
            out.add("company_turnover", ok, turnover=req.turnover, max=tmax, inclusive=inclusive)
        elif req.company_size in ("TPE", "PME", "ETI"):
            out.add("company_turnover", True, size=req.company_size, max=tmax, inclusive=inclusive)
        else:
            # a large company (GE) usually has a turnover above the ceiling: no amount until it is known
            depends_on_turnover = req.company_size == "GE"
            out.add("company_turnover", None, size=req.company_size, max=tmax, inclusive=inclusive,
                    decides=depends_on_turnover)

    if entry.figure("company_age_min_years") is not None:
        age_min = out.use(entry, "company_age_min_years")
        if age_min is not None:
            if req.company_age_years is None:
                out.add("company_age", None, min_years=int(age_min))
            else:
                out.add("company_age", req.company_age_years >= age_min, years=req.company_age_years,
                        min_years=int(age_min))

    currencies = out.use(entry, "currencies")
    if currencies:
        out.add("currency", req.currency in currencies, currency=req.currency, allowed=list(currencies))

    term_max = out.use(entry, "credit_term_max_days")
    if term_max is not None:
        if req.credit_term_days is None:
            out.add("credit_term", None, max_days=int(term_max))
        else:
            out.add("credit_term", req.credit_term_days <= term_max, days=req.credit_term_days,
                    max_days=int(term_max))

    fc_min = out.use(entry, "french_content_min")
    if fc_min is not None:
        if req.french_content_share is None:
            out.add("french_content", None, min=fc_min)
        else:
            out.add("french_content", req.french_content_share >= fc_min, share=req.french_content_share,
                    min=fc_min)

    excluded = out.use(entry, "excluded_countries")
    if abroad and excluded == "eligible_list_only":  # a list of countries chosen by the minister, not at hand
        out.add("country_eligible", None, country=country)
    elif abroad and excluded:
        listed = countries.is_closed(country, tx)
        list_sure = countries.confidence.get("closed") == "confirmed"
        out.add("country_not_closed", (False if list_sure else None) if listed else True, country=country,
                listed=listed)
        if not list_sure:
            out.to_confirm.append("countries.closed")
        if excluded == "marketable_and_closed":
            marketable = countries.is_marketable(country)
            rule_sure = entry.figure("excluded_countries").confirmed \
                and countries.confidence.get("marketable") == "confirmed"
            out.add("country_not_marketable", (False if rule_sure else None) if marketable else True,
                    country=country, marketable=marketable)

    public: Optional[Decimal] = Decimal(0)
    if scheme.mechanism == "top_up":  # CAP, CAP Francexport
        ratio = out.use(entry, "topup_ratio_max")
        if ratio is None:  # no public figure for this period: to check, never computed
            out.add("topup_ratio", None, ratio=None, granted=req.granted)
            public = None
        else:
            by_ratio = ratio * req.granted
            gap = req.requested - req.granted
            capped = out.use(entry, "topup_capped_at_requested")
            topup = min(by_ratio, gap) if capped else by_ratio
            out.add("topup_ratio", True, ratio=ratio, granted=req.granted, max_by_ratio=by_ratio, gap=gap,
                    capped_at_requested=bool(capped), topup=topup)
            public = topup
    else:  # substitute mechanism (CAP+, CAP+ Francexport)
        ceiling: Optional[Decimal] = None
        ceiling_sure = True
        if entry.figure("ceiling_by_country_category") is not None:
            table_fig = entry.figure("ceiling_by_country_category")
            table = out.use(entry, "ceiling_by_country_category")
            ceiling_sure = table_fig.confirmed
            # the category comes from the request (the insurer gives it), or from a confirmed table
            category = req.country_category
            if category is None and countries.confidence.get("categories") == "confirmed":
                category = countries.category(country)
            ceiling = None if category is None or table is None else table.get(category)
            if category is None or table is None or (ceiling == 0 and not ceiling_sure):
                # the ceiling depends on the category, which we do not know (or not for sure)
                out.add("country_category", None, country=country, category=category,
                        given=req.country_category is not None, ceiling=ceiling, known=table is not None)
                public = None
            else:
                covered = ceiling is None or ceiling > 0
                out.add("country_category", covered, country=country, category=category, ceiling=ceiling,
                        given=req.country_category is not None)
        elif entry.figure("ceiling_per_buyer") is not None:
            ceiling_fig = entry.figure("ceiling_per_buyer")
            ceiling = out.use(entry, "ceiling_per_buyer")
            ceiling_sure = ceiling_fig.confirmed
        if public is not None:
            public = req.requested if ceiling is None else min(req.requested, ceiling)
            out.add("ceiling_per_buyer", True if ceiling is None or ceiling > 0 else False,
                    ceiling=ceiling, requested=req.requested, public_cover=public, confirmed=ceiling_sure,
                    example=bool(entry.value("ceiling_is_example", False)))
            if ceiling is not None and req.currency != "EUR":
                out.add("ceiling_currency", None, currency=req.currency, ceiling_currency="EUR")

    share = out.use(entry, "insurer_retained_share_min")
    if share is not None:
        out.add("insurer_retained_share", True, min_share=share)
    qmax = out.use(entry, "quotite_max")
    if qmax is not None:
        out.add("quotite_max", True, max=qmax)
    pd = out.use(entry, "buyer_default_probability")
    if pd is not None:
        out.add("buyer_risk_acceptable", None, low=pd[0], high=pd[1])
    if entry.value("insurer_decision") == "refused_or_cancelled":
        out.add("refusal_notice_held", None, decision=req.insurer_decision)
    if depends_on_turnover:
        return None
    return public
