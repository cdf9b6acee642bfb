"""French wording of fees: what was billed, and how each amount was computed.

Only store data is used (basis, rate, quantity, unit price of each line): no figure is invented.
"""
from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Dict, List, Optional, Sequence

from bot.store.views import FeeBreakdown, FeeLineView
from bot.wording.core import HUMAN_BUTTON
from bot.wording.format import day, money, percent
from bot.wording.reply import Reply

TEMPLATES = {
    "period": "Vos frais du {date_debut} au {date_fin} : {total} au total.",
    "statement": "Votre dernier relevé, {ref} du {date}, porte sur la période du {date_debut} au {date_fin} : {total}.",
    "statement.previous": "Le relevé d’avant, {ref} du {date}, porte sur la période du {date_debut} au {date_fin} : "
                          "{total}.",
    "none_period": "Je ne vois aucun frais sur cette période.",
    "none_statement": "Vous n’avez pas encore reçu de relevé de frais.",
    # one sentence per kind: total, then how it is computed
    "premium.rate": (
        "Prime : {montant}. C’est {taux} de votre chiffre d’affaires assuré, qui était de {montant_base}."
    ),
    "premium.lines": "Prime : {montant}, calculée sur votre chiffre d’affaires assuré.",
    "monitoring.unit": (
        "Frais de surveillance : {montant}. Nous suivons la santé de vos clients : {montant_prix} par client suivi, "
        "{nombre} suivis en tout."
    ),
    "monitoring.one": "Frais de surveillance : {montant}, pour le suivi d’un client.",
    "monitoring.lines": "Frais de surveillance : {montant}, pour le suivi de la santé de vos clients.",
    "investigation.unit": (
        "Frais d’enquête : {montant}. C’est {nombre} études de clients, à {montant_prix} chacune."
    ),
    "investigation.lines": "Frais d’enquête : {montant}, pour l’étude de vos clients.",
    "collection_flat.unit": (
        "Frais de recouvrement fixes : {montant}. C’est {nombre} forfaits de {montant_prix}, un par dossier confié."
    ),
    "collection_flat.one": "Frais de recouvrement fixes : {montant}. C’est un forfait, pour un dossier confié.",
    "investigation.one": "Frais d’enquête : {montant}. C’est l’étude d’un client.",
    "collection_flat.lines": "Frais de recouvrement fixes : {montant}, un forfait par dossier confié.",
    "collection_pct.rate": (
        "Frais de recouvrement au résultat : {montant}. C’est {taux} des {montant_base} récupérés pour vous."
    ),
    "collection_pct.lines": ("Frais de recouvrement selon le résultat : {montant}. "
                             "Le montant dépend de ce que nous avons récupéré."),
    "line.rate": "Du {date_debut} au {date_fin}, vous payez {montant}, soit {taux} de {montant_base}.",
    "line.unit": "Du {date_debut} au {date_fin}, vous payez {montant}, soit {nombre} fois {montant_prix}.",
    "line.flat": "Du {date_debut} au {date_fin}, vous payez {montant}.",
    "term.recouvrement": "Le recouvrement, c’est quand nous réclamons l’argent à votre client.",
    "question": "Une ligne vous semble fausse ? Un conseiller peut la vérifier avec vous.",
}

KINDS = ("premium", "monitoring", "investigation", "collection_flat", "collection_pct")


def _t(key: str, **values) -> str:
    return TEMPLATES[key].format(**values)


def _group(lines: Sequence[FeeLineView]) -> "OrderedDict[str, List[FeeLineView]]":
    groups: "OrderedDict[str, List[FeeLineView]]" = OrderedDict((k, []) for k in KINDS)
    for line in lines:
        groups.setdefault(line.kind, []).append(line)
    return OrderedDict((k, v) for k, v in groups.items() if v)


def _line_detail(line: FeeLineView) -> str:
    values: Dict[str, str] = dict(date_debut=day(line.period_start), date_fin=day(line.period_end), montant=money(line.amount))
    if line.method == "rate":
        return _t("line.rate", taux=percent(line.rate), montant_base=money(line.basis), **values)
    if line.method == "unit":
        return _t("line.unit", nombre=line.quantity, montant_prix=money(line.unit_amount), **values)
    return _t("line.flat", **values)


def _kind_sentences(kind: str, lines: List[FeeLineView]) -> List[str]:
    """The total of one kind, and how it was computed (one formula when all lines share it)."""
    total = sum((l.amount for l in lines), Decimal("0"))
    rates = {l.rate for l in lines}
    units = {l.unit_amount for l in lines}
    methods = {l.method for l in lines}
    if methods == {"rate"} and len(rates) == 1 and f"{kind}.rate" in TEMPLATES:
        basis = sum((l.basis for l in lines), Decimal("0"))
        return [_t(f"{kind}.rate", montant=money(total), taux=percent(next(iter(rates))), montant_base=money(basis))]
    if methods == {"unit"} and len(units) == 1 and f"{kind}.unit" in TEMPLATES:
        count = sum(l.quantity for l in lines)
        if count == 1 and f"{kind}.one" in TEMPLATES:  # "un forfait", not "1 forfaits"
            return [_t(f"{kind}.one", montant=money(total))]
        return [_t(f"{kind}.unit", montant=money(total), nombre=count, montant_prix=money(next(iter(units))))]
    return [_t(f"{kind}.lines", montant=money(total))] + [_line_detail(l) for l in lines]


def _body(view: FeeBreakdown) -> List[str]:
    parts: List[str] = []
    groups = _group(view.lines)
    for kind, lines in groups.items():
        parts.extend(_kind_sentences(kind, lines))
    if "collection_flat" in groups or "collection_pct" in groups:
        parts.append(_t("term.recouvrement"))
    parts.append(_t("question"))
    return parts


def fee_breakdown(view: FeeBreakdown) -> Reply:
    """Fees of a period: the total, then each kind with how it was computed."""
    if not view.lines:
        return Reply(_t("none_period"), [HUMAN_BUTTON])
    head = _t("period", date_debut=day(view.start), date_fin=day(view.end), total=money(view.total))
    return Reply("\n".join([head] + _body(view)), [HUMAN_BUTTON])


def last_statement(view: Optional[FeeBreakdown], *, head_key: str = "statement") -> Reply:
    """The latest statement (relevé de frais), line by line with how each amount was computed."""
    if view is None or not view.lines:
        return Reply(_t("none_statement"), [HUMAN_BUTTON])
    head = _t(head_key, ref=view.statement_ref or "", date=day(view.statement_date or view.end),
              date_debut=day(view.start), date_fin=day(view.end), total=money(view.total))
    return Reply("\n".join([head] + _body(view)), [HUMAN_BUTTON])


# --- contract premium and the general explanation for visitors ------------------------------------

TEMPLATES.update({
    "contract.premium_rate": "Votre contrat fixe le taux de votre prime à {taux} du chiffre d’affaires assuré.",
    "general.intro": "Voici les frais que l’on trouve le plus souvent dans un contrat.",
    "general.premium": "D’abord la prime. C’est une part de votre chiffre d’affaires assuré.",
    "general.monitoring": (
        "Ensuite les frais de surveillance et d’enquête. Nous étudions vos clients et suivons leur santé. "
        "Ces frais se comptent par client."
    ),
    "general.collection": (
        "Enfin les frais de recouvrement, quand nous réclamons l’argent à votre client. "
        "C’est un forfait, ou une part de ce que nous récupérons, ou les deux."
    ),
    "general.sign_in": (
        "Les montants dépendent de votre contrat. Connectez-vous en haut de la page : "
        "je vous montrerai vos propres frais."
    ),
})


def general() -> Reply:
    """For a visitor: the kinds of fees and how they are usually computed, without any figure."""
    keys = ("general.intro", "general.sign_in", "general.premium", "general.monitoring", "general.collection")
    return Reply("\n".join(_t(k) for k in keys), [HUMAN_BUTTON])


def my_fees(terms, view: Optional[FeeBreakdown], *, period: bool = False) -> Reply:
    """The premium rate of my contract, then the fees of a period (``period``) or of my last statement."""
    body = fee_breakdown(view) if period and view is not None else last_statement(view)
    if terms is None or terms.premium_rate is None:
        return body
    if view is not None and any(l.kind == "premium" and l.method == "rate" for l in view.lines):
        return body  # the premium line already gives the contract's rate
    head = _t("contract.premium_rate", taux=percent(terms.premium_rate))
    return Reply(head + "\n" + body.text, body.buttons)


# --- one line by its amount, the statement before, the fees of one claim ---------------------------

TEMPLATES.update({
    "amount.head": "Sur votre relevé {ref} du {date} :",
    "amount.claim": "Ces frais portent sur le dossier {claims}.",
    "amount.none": "Je ne trouve pas de frais de {montant} sur vos relevés.",
    "claim.head": "Sur le dossier {ref}, nous vous avons facturé {total} de frais.",
    "claim.none": "Nous ne vous avons facturé aucun frais sur le dossier {ref}.",
    "previous.none": "Je ne trouve pas de relevé plus ancien.",
})


def _explained(lines: Sequence[FeeLineView]) -> List[str]:
    parts: List[str] = []
    groups = _group(lines)
    for kind, kind_lines in groups.items():
        parts.extend(_kind_sentences(kind, kind_lines))
    if "collection_flat" in groups or "collection_pct" in groups:
        parts.append(_t("term.recouvrement"))
    return parts


def fee_lines_by_amount(lines: Sequence[FeeLineView], amount: Decimal) -> Reply:
    """« Les 150 €, c’est quoi ? »: the statement, what the line is and how it was computed, its claim."""
    if not lines:
        return Reply(_t("amount.none", montant=money(amount)), [HUMAN_BUTTON])
    first = lines[0]
    parts = [_t("amount.head", ref=first.statement_ref, date=day(first.statement_date))] + _explained(lines)
    claims = sorted({l.claim_ref for l in lines if l.claim_ref})
    if claims:
        parts.insert(2, _t("amount.claim", claims=", ".join(claims)))
    return Reply("\n".join(parts), [HUMAN_BUTTON])


def claim_fees(claim_ref: str, lines: Sequence[FeeLineView]) -> Reply:
    """The fees billed on one claim (collection fees), with how each was computed."""
    if not lines:
        return Reply(_t("claim.none", ref=claim_ref), [HUMAN_BUTTON])
    total = sum((l.amount for l in lines), Decimal("0"))
    return Reply("\n".join([_t("claim.head", ref=claim_ref, total=money(total))] + _explained(lines)),
                 [HUMAN_BUTTON])


def previous_statement(view: Optional[FeeBreakdown]) -> Reply:
    """The statement before the last one (« le relevé d’avant »)."""
    if view is None or not view.lines:
        return Reply(_t("previous.none"), [HUMAN_BUTTON])
    return last_statement(view, head_key="statement.previous")
