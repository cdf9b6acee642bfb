"""French wording of the guarantee: agréments (credit limits), encours, limit requests, contract terms.

An agrément is never granted or raised here: a request is recorded and a person decides.
CAP top-ups are reported as store data (scheme, amount, dates); the domestic schemes are
closed to new requests, which the wording says plainly.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Collection, List, Optional, Sequence

from bot.store.views import (
    CapCoverView,
    ContractTerms,
    EncoursView,
    GuaranteeLookup,
    LimitIncreaseResult,
    LimitView,
)
from bot.wording.claims import country_name, tidy
from bot.wording.core import HUMAN_BUTTON
from bot.wording.format import choices_fr, day, money, percent
from bot.wording.reply import Button, Reply

TEMPLATES = {
    # --- one agrément ----------------------------------------------------------------------------
    "limit.granted": "Votre agrément sur {acheteur} est de {montant}.",
    "limit.partial": (
        "Vous aviez demandé un agrément de {montant_demande} sur {acheteur}. "
        "Le {date}, nous avons accordé {montant}. C’est un agrément partiel."
    ),
    "limit.reduced": (
        "Le {date}, nous avons réduit votre agrément sur {acheteur} : il passe de {montant_avant} à {montant}."
    ),
    "limit.cancelled": "Le {date}, nous avons mis fin à votre agrément sur {acheteur}.",
    "limit.refused": (
        "Le {date}, nous avons dit non à votre demande d’agrément sur {acheteur}. "
        "Vous demandiez {montant_demande}."
    ),
    "limit.reason": "Nous avons fait ce choix car {motif}.",
    "limit.reason_generic": "Votre gestionnaire peut vous en dire la raison.",
    "limit.future_only": (
        "Ce changement vaut pour les livraisons faites à partir du {date}. Celles faites avant "
        "restent couvertes, dans la limite de l’ancien agrément, soit {montant_avant}."
    ),
    "limit.future_only_short": "Ce changement vaut pour les livraisons faites à partir du {date}.",
    "limit.abroad": "Ce client est situé hors de France : {pays}.",
    "term.agrement": "L’agrément, c’est le montant maximum de factures que nous couvrons sur ce client.",
    "term.encours": "L’encours garanti, c’est la part de vos factures en cours que nous couvrons.",
    "encours.one": "Votre encours garanti sur ce client est de {montant_garanti}, pour {montant_encours} de factures en cours.",
    "encours.as_of": "Ces chiffres sont ceux que vous nous avez déclarés au {date}.",
    # after a reduction or a cancellation: what stays covered (deliveries made before the change)
    "encours.before_change": (
        "Vos factures en cours sur ce client, {montant_encours} au {date_encours}, datent d’avant ce "
        "changement. Elles restent couvertes jusqu’à {montant_avant} : votre encours garanti est de "
        "{montant_garanti}."
    ),
    "encours.changed_reduced": (
        "Vous avez {montant_encours} de factures en cours sur ce client. Celles des livraisons faites "
        "avant le {date} restent couvertes jusqu’à {montant_avant}, celles d’après jusqu’à {montant}."
    ),
    "encours.changed_cancelled": (
        "Vous avez {montant_encours} de factures en cours sur ce client. Celles des livraisons faites "
        "avant le {date} restent couvertes jusqu’à {montant_avant}. Celles d’après ne sont plus couvertes."
    ),
    "reason.payment_delays": "ce client paie souvent en retard",
    "reason.payment_incidents": "ce client a eu des incidents de paiement",
    "reason.financial_deterioration": "la santé financière de ce client s’est dégradée",
    "reason.insufficient_information": "nous n’avions pas assez d’informations sur ce client",
    "reason.insolvency_proceedings": "ce client est en redressement ou en liquidation",
    "reason.limited_financials": "les comptes de ce client ne nous permettaient pas d’aller plus haut",
    "reason.high_risk": "le risque sur ce client nous a paru trop élevé",
    "reason.country_exposure": "la situation du pays de ce client nous impose une limite",
    "reason.recent_company": "l’entreprise est trop récente pour aller plus haut",
    "cap.past": (
        "L’État a ajouté une garantie sur ce client : {dispositif}. Elle couvrait {montant}. "
        "C’était du {date_debut} au {date_fin}."
    ),
    "cap.current": "L’État ajoute une garantie sur ce client : {dispositif}. Elle couvre {montant} depuis le {date_debut}.",
    "cap.closed": "Ce dispositif de l’État est fermé aux nouvelles demandes.",
    "cap.records": "Voici l’aide de l’État notée sur {acheteur}.",
    "cap.records_none": "Je ne vois pas d’aide de l’État notée sur {acheteur} dans votre contrat.",
    # Cap Relais was no guarantee added for you: the State shared our losses and premiums
    "cap.relais": (
        "Du {date_debut} au {date_fin}, Cap Relais s’appliquait aussi : l’État partageait avec nous "
        "les pertes et les primes, pour que nous gardions vos garanties ouvertes. Vous n’aviez rien à demander."
    ),
    "ask_increase": "Vous voulez un agrément plus élevé ? Dites-moi le montant, je transmets votre demande.",
    # --- lookups ---------------------------------------------------------------------------------
    "lookup.ambiguous": "Plusieurs de vos clients ont un nom proche{noms}. Duquel parlez-vous ?",
    "lookup.ambiguous_one": "Parlez-vous de votre client {acheteur} ?",
    "lookup.none": (
        "Je ne trouve pas ce client parmi ceux que nous suivons pour vous. "
        "Vérifiez son nom, ou donnez-moi son numéro SIREN, le numéro à 9 chiffres de l’entreprise."
    ),
    # --- lists -----------------------------------------------------------------------------------
    "limits.none": "Vous n’avez encore aucun agrément chez nous.",
    "limits.count_one": "Vous avez un agrément.",
    "limits.count_many": "Vous avez {nombre} agréments.",
    "encours.total": (
        "Votre encours garanti total est de {montant_garanti}, pour {montant_encours} de factures en cours chez vos clients."
    ),
    "encours.line": "Chez {acheteur}, nous couvrons {montant_garanti} sur vos {montant_encours} en cours.",
    "encours.none": "Vous n’avez pas de factures en cours déclarées chez nous.",
    "encours.line_changed": (
        "Chez {acheteur}, vous avez {montant_encours} en cours. Votre agrément a baissé ou pris fin : "
        "ce qui a été livré avant reste couvert par l’ancien agrément."
    ),
    "encours.total_changed": (
        "Ce total suit vos agréments actuels. Ce qui a été livré avant une baisse ou une fin d’agrément "
        "reste couvert par l’ancien agrément, en plus de ce total."
    ),
    # --- limit requests --------------------------------------------------------------------------
    "increase.recorded": (
        "Votre demande est enregistrée : un agrément de {montant} sur {acheteur}. "
        "Un gestionnaire l’étudie et vous répondra."
    ),
    "increase.current": "Votre agrément actuel de {montant} reste le même tant qu’il n’a pas décidé.",
    "increase.new_buyer": "C’est une première demande sur ce client. Nous allons d’abord l’étudier.",
    "increase.invalid_amount": "Quel montant voulez-vous demander pour ce client ?",
    "increase.ambiguous": "Plusieurs de vos clients ont un nom proche{noms}. Pour lequel faites-vous la demande ?",
    "increase.ambiguous_one": "Faites-vous la demande pour votre client {acheteur} ?",
    # --- contract terms --------------------------------------------------------------------------
    "contract.intro": "Votre contrat {numero} court depuis le {date_debut}.",
    "contract.quotite": (
        "La quotité garantie est de {quotite}. C’est la part de la perte que nous payons. "
        "Le reste est à votre charge."
    ),
    "contract.minimum": "Un impayé doit atteindre au moins {montant} pour être déclaré.",
    "contract.deductible": (
        "Une franchise de {montant} s’applique. C’est une somme qui reste toujours à votre charge."
    ),
    "contract.dms": "Vous avez {jours} jours après l’échéance d’une facture pour nous déclarer un impayé.",
    "contract.waiting": (
        "Le délai de carence est de {jours} jours. C’est le temps d’attente avant de constater la perte."
    ),
    "contract.payout": "Une fois la perte constatée, nous payons sous {jours} jours.",
    "contract.credit_term": "Les délais de paiement que vous accordez ne doivent pas dépasser {jours} jours.",
    "contract.scope": "Votre contrat couvre vos clients dans cette zone : {zone}.",
    "contract.advance_yes": (
        "Votre contrat prévoit l’indemnisation avancée : nous pouvons parfois payer plus tôt "
        "quand le dossier est complet."
    ),
    "contract.advance_no": "Votre contrat ne prévoit pas le paiement avancé de l’indemnité.",
    "contract.none": "Je ne trouve pas de contrat à votre nom. Un conseiller peut vous aider.",
}

# One buyer at a time: headroom, deliveries after a change, the reason of a decision, a review asked.
# Rule (shared/DOMAIN.md, "Limite de crédit / agrément"): a reduction or a cancellation applies to future
# deliveries; what was delivered before stays covered by the former agrément. When the dates of each
# invoice decide, we say so and offer a person.
TEMPLATES.update({
    "headroom.left": (
        "Votre agrément sur {acheteur} est de {montant}. Vous avez {encours} de factures en cours : "
        "il vous reste {reste} de marge."
    ),
    "headroom.full": (
        "Votre agrément sur {acheteur} est de {montant} et vous avez déjà {encours} de factures en cours : "
        "l’agrément est atteint."
    ),
    "headroom.fits": "Avec {nouveau} de plus, vous restez dans la limite : cette livraison serait couverte.",
    "headroom.over": (
        "Avec {nouveau} de plus, vous passez {depassement} au-dessus de l’agrément. Cette part n’est pas couverte."
    ),
    "headroom.more": "Vous pouvez demander un agrément plus élevé : dites-moi le montant, je transmets la demande.",
    "deliver.cancelled_after": (
        "Non : depuis le {date}, vos nouvelles livraisons à {acheteur} ne sont plus couvertes. "
        "Nous avons mis fin à l’agrément ce jour-là."
    ),
    "deliver.reduced_after": (
        "Depuis le {date}, vos nouvelles livraisons à {acheteur} sont couvertes dans la limite du nouvel agrément, "
        "{montant}, et non plus de {montant_avant}."
    ),
    "deliver.before": (
        "Les livraisons faites avant le {date} restent couvertes, dans la limite de l’ancien agrément, {montant_avant}."
    ),
    "deliver.amount_after_cancelled": "Une livraison de {nouveau} faite depuis n’est donc pas couverte.",
    "deliver.amount_before": "Une livraison de {nouveau} faite avant cette date reste donc couverte, dans cette limite.",
    "deliver.refused": (
        "Non : le {date}, nous avons refusé l’agrément sur {acheteur}. Vos livraisons à ce client ne sont pas couvertes."
    ),
    "deliver.depends": "Le détail dépend de la date de livraison de chaque facture : un conseiller peut le vérifier avec vous.",
    "encours.buyer": (
        "Chez {acheteur}, vous avez {encours} de factures en cours. Nous en couvrons {garanti}, "
        "dans la limite de votre agrément de {montant}."
    ),
    "reason.granted": "Votre agrément sur {acheteur} est de {montant} : nous l’avons accordé en entier.",
    "reason.review": "Vous pouvez demander un nouvel examen. Dites-moi le montant voulu, je transmets la demande.",
    "increase.confirm": (
        "Voulez-vous que je transmette une demande d’agrément de {montant} sur {acheteur} ? "
        "Un gestionnaire l’étudiera. D’ici là, votre agrément ne change pas."
    ),
    "increase.how": (
        "Pour un agrément plus élevé sur {acheteur}, un gestionnaire étudie une nouvelle demande. "
        "Dites-moi le montant souhaité : je la transmets."
    ),
    "increase.how_former": (
        "Pour revoir cette décision, un gestionnaire étudie une nouvelle demande. Vous aviez demandé {montant}."
    ),
    "increase.which_buyer": "Pour quel client voulez-vous demander un agrément de {montant} ?",
    "increase.which_buyer_no_amount": (
        "Pour quel client voulez-vous un agrément plus élevé, et de quel montant ? Un gestionnaire étudiera la demande."
    ),
    "increase.dropped": "D’accord, je ne transmets rien. Votre agrément reste le même.",
})

# Button titles and short labels (not sentences, so not scored for reading ease).
TEMPLATES.update({
    "scope.country_in": "Le pays que vous citez, {pays}, fait partie de cette zone.",
    "scope.country_out": (
        "Le pays que vous citez, {pays}, ne fait pas partie de cette zone. "
        "Un conseiller peut voir avec vous ce qui est possible."
    ),
    "scope.country_unknown": (
        "Je ne peux pas vous dire à coup sûr si {pays} fait partie de cette zone. Un conseiller peut vous répondre."
    ),
})

LABELS = {
    "button.all_limits": "Voir tous mes agréments",
    "button.send_request": "Oui, transmettre la demande",
    "limits.line": "{acheteur} : {montant}, {statut}.",
    "limits.line_none": "{acheteur} : {statut}.",
    "button.no": "Non, merci",
    "status.granted": "accordé",
    "status.partial": "accordé en partie",
    "status.reduced": "réduit le {date}",
    "status.cancelled": "supprimé le {date}",
    "status.refused": "refusé le {date}",
}

DOMESTIC_CLOSED = {"CAP", "CAP+", "Cap Relais"}
ALL_LIMITS_BUTTON = Button(LABELS["button.all_limits"], "/ask_guarantee")


def _t(key: str, **values) -> str:
    return TEMPLATES[key].format(**values)


def _ambiguous(key: str, candidates) -> str:
    """Several close names, or the one name close to what was typed ("did you mean")."""
    if len(candidates) == 1:
        return _t(key + "_one", acheteur=candidates[0].name)
    return _t(key, noms=choices_fr([c.name for c in candidates]))


def guarantee_payload(buyer: str) -> str:
    return "/ask_guarantee" + json.dumps({"buyer": buyer}, ensure_ascii=False, separators=(",", ":"))


def _reason(code: Optional[str]) -> str:
    key = f"reason.{code}"
    return _t("limit.reason", motif=TEMPLATES[key]) if key in TEMPLATES else _t("limit.reason_generic")


def _cap_sentences(covers: Sequence[CapCoverView], today: date) -> List[str]:
    parts = []
    for cover in covers:
        if cover.scheme == "Cap Relais" and cover.valid_to is not None:
            parts.append(_t("cap.relais", date_debut=day(cover.valid_from), date_fin=day(cover.valid_to)))
            continue
        if cover.valid_to is not None and cover.valid_to < today:
            parts.append(_t("cap.past", dispositif=cover.scheme, montant=money(cover.amount),
                            date_debut=day(cover.valid_from), date_fin=day(cover.valid_to)))
        else:
            parts.append(_t("cap.current", dispositif=cover.scheme, montant=money(cover.amount),
                            date_debut=day(cover.valid_from)))
        if cover.scheme in DOMESTIC_CLOSED:
            parts.append(_t("cap.closed"))
    return parts


def cap_records(limit: LimitView, scheme: Optional[str] = None, *, today: Optional[date] = None) -> Reply:
    """The State top-ups stored on one buyer (those of ``scheme`` when there are some), first."""
    today = today or date.today()
    covers = [c for c in limit.cap_covers if scheme and c.scheme.lower() == scheme.lower()] or list(limit.cap_covers)
    if not covers:
        return Reply(_t("cap.records_none", acheteur=limit.buyer_name))
    return Reply(tidy("\n".join([_t("cap.records", acheteur=limit.buyer_name)] + _cap_sentences(covers, today))),
                 [HUMAN_BUTTON])


def _encours_after_change(limit: LimitView, values) -> List[str]:
    """After a reduction or a cancellation, the deliveries made before it stay covered by the former
    agrément: say so with the stored figures, never "0 € garantis" for invoices already issued."""
    before = limit.previous_amount if limit.previous_amount is not None else limit.requested_amount
    if limit.outstanding_as_of is not None and limit.outstanding_as_of < limit.decided_on:
        return [_t("encours.before_change", montant_encours=money(limit.outstanding),
                   date_encours=day(limit.outstanding_as_of), montant_avant=money(before),
                   montant_garanti=money(min(limit.outstanding, before)))]
    key = "encours.changed_cancelled" if limit.status == "cancelled" or not limit.amount else "encours.changed_reduced"
    parts = [_t(key, montant_encours=money(limit.outstanding), **values)]
    if limit.outstanding_as_of is not None:
        parts.append(_t("encours.as_of", date=day(limit.outstanding_as_of)))
    return parts


def limit_detail(limit: LimitView, *, today: Optional[date] = None, known_terms: Collection[str] = ()) -> Reply:
    """One agrément: amount, what changed, when and why, the encours it covers, CAP top-ups."""
    today = today or date.today()
    values = dict(acheteur=limit.buyer_name, montant=money(limit.amount), montant_demande=money(limit.requested_amount),
                  date=day(limit.decided_on), montant_avant=money(limit.previous_amount or limit.requested_amount))
    parts = [_t(f"limit.{limit.status}", **values)]
    terms = []  # the words explained after the facts (a short answer keeps the facts)
    if "agrement" not in known_terms:
        terms.append(_t("term.agrement"))
    if limit.status != "granted":
        parts.append(_reason(limit.reason_code))
    changed = limit.status in ("reduced", "cancelled")
    if changed:  # what stays covered: said once, with the encours when there is one
        parts.append(_t("limit.future_only_short" if limit.outstanding else "limit.future_only", **values))
    if changed and limit.outstanding:
        parts.extend(_encours_after_change(limit, values))
        if "encours" not in known_terms:
            terms.append(_t("term.encours"))
    elif limit.outstanding or limit.amount:
        parts.append(_t("encours.one", montant_garanti=money(limit.guaranteed), montant_encours=money(limit.outstanding)))
        if "encours" not in known_terms:
            terms.append(_t("term.encours"))
        if limit.outstanding_as_of is not None:
            terms.insert(0, _t("encours.as_of", date=day(limit.outstanding_as_of)))  # after the facts
    parts.extend(_cap_sentences(limit.cap_covers, today))
    if limit.is_abroad:
        parts.append(_t("limit.abroad", pays=country_name(limit.buyer_country)))
    parts.extend(terms)
    parts.append(_t("ask_increase"))
    return Reply(tidy("\n".join(parts)), [HUMAN_BUTTON])


def guarantee(lookup: GuaranteeLookup, *, today: Optional[date] = None) -> Reply:
    """The answer to "am I covered on <buyer>?": the agrément, the choices, or not found."""
    if lookup.outcome == "match" and lookup.limit is not None:
        return limit_detail(lookup.limit, today=today)
    if lookup.outcome == "ambiguous":
        buttons = [Button(c.name, guarantee_payload(c.name)) for c in lookup.candidates]
        return Reply(_ambiguous("lookup.ambiguous", lookup.candidates), buttons + [HUMAN_BUTTON])
    return Reply(_t("lookup.none"), [ALL_LIMITS_BUTTON, HUMAN_BUTTON])


def _status(limit: LimitView) -> str:
    return LABELS[f"status.{limit.status}"].format(date=day(limit.decided_on))


def limits_overview(views: Sequence[LimitView]) -> Reply:
    """All my agréments, one line each, with a button to see one in detail."""
    if not views:
        return Reply(_t("limits.none"), [HUMAN_BUTTON])
    head = _t("limits.count_one") if len(views) == 1 else _t("limits.count_many", nombre=len(views))
    lines = [head]
    dated = len(views) <= 4  # a long list keeps one short line per buyer (the dates are in each buyer's detail)
    for v in views:
        status = _status(v) if dated else LABELS[f"status.{v.status}"].split(" le ")[0]
        if v.amount or v.status not in ("refused", "cancelled"):
            lines.append(LABELS["limits.line"].format(acheteur=v.buyer_name, montant=money(v.amount), statut=status))
        else:
            lines.append(LABELS["limits.line_none"].format(acheteur=v.buyer_name, statut=status))
    lines.append(_t("term.agrement"))
    buttons = [Button(v.buyer_name, guarantee_payload(v.buyer_name)) for v in views[:10]]
    return Reply(tidy("\n".join(lines)), buttons + [HUMAN_BUTTON])


def encours(view: EncoursView) -> Reply:
    """Encours garanti per buyer and in total."""
    if not view.lines or view.total_outstanding == 0:
        return Reply(_t("encours.none"), [HUMAN_BUTTON])
    lines = [_t("encours.total", montant_garanti=money(view.total_guaranteed), montant_encours=money(view.total_outstanding))]
    changed = False
    for line in view.lines:  # the figures per buyer first, the explanations after them
        if line.outstanding and line.status in ("reduced", "cancelled"):
            changed = True
            lines.append(_t("encours.line_changed", acheteur=line.buyer_name, montant_encours=money(line.outstanding)))
        elif line.outstanding:
            lines.append(_t("encours.line", acheteur=line.buyer_name, montant_garanti=money(line.guaranteed),
                            montant_encours=money(line.outstanding)))
    if changed:
        lines.append(_t("encours.total_changed"))
    lines.append(_t("term.encours"))
    if view.as_of is not None:
        lines.append(_t("encours.as_of", date=day(view.as_of)))
    return Reply(tidy("\n".join(lines)), [HUMAN_BUTTON])


def limit_increase(result: LimitIncreaseResult) -> Reply:
    """A request for a higher (or first) agrément: recorded, a person decides. Never granted here."""
    if result.outcome == "recorded":
        parts = [_t("increase.recorded", montant=money(result.requested_amount), acheteur=result.buyer_name)]
        if result.new_buyer:
            parts.append(_t("increase.new_buyer"))
        elif result.current_amount is not None:
            parts.append(_t("increase.current", montant=money(result.current_amount)))
        return Reply(tidy(" ".join(parts)), [HUMAN_BUTTON])
    if result.outcome == "buyer_ambiguous" and result.candidates:
        buttons = [Button(c.name, guarantee_payload(c.name)) for c in result.candidates]
        return Reply(_ambiguous("increase.ambiguous", result.candidates), buttons + [HUMAN_BUTTON])
    return Reply(_t("increase.invalid_amount"), [HUMAN_BUTTON])


def contract_terms(terms: Optional[ContractTerms]) -> Reply:
    """The figures of the contract that matter when an invoice stays unpaid, each explained."""
    if terms is None:
        return Reply(_t("contract.none"), [HUMAN_BUTTON])
    parts = [
        _t("contract.intro", numero=terms.number, date_debut=day(terms.start_date)),
        _t("contract.quotite", quotite=percent(terms.quotite)),
    ]
    if terms.minimum_claim_amount:
        parts.append(_t("contract.minimum", montant=money(terms.minimum_claim_amount)))
    if terms.deductible:
        parts.append(_t("contract.deductible", montant=money(terms.deductible)))
    parts += [
        _t("contract.dms", jours=terms.dms_deadline_days),
        _t("contract.waiting", jours=terms.waiting_period_days),
        _t("contract.payout", jours=terms.payout_delay_days),
        _t("contract.credit_term", jours=terms.max_credit_term_days),
        _t("contract.scope", zone=terms.territorial_scope),
        _t("contract.advance_yes" if terms.advance_indemnification else "contract.advance_no"),
    ]
    return Reply(tidy("\n".join(parts)), [HUMAN_BUTTON])


def territory(terms, country: Optional[str], in_scope: Optional[bool]) -> Reply:
    """The territorial scope of my contract and, for a named country (ISO2), whether it is within it."""
    if terms is None:
        return contract_terms(None)
    parts = [TEMPLATES["contract.scope"].format(zone=terms.territorial_scope)]
    if country:
        key = {True: "scope.country_in", False: "scope.country_out"}.get(in_scope, "scope.country_unknown")
        parts.append(_t(key, pays=country_name(country)))
    return Reply(" ".join(parts), [HUMAN_BUTTON])


def _money_values(limit: LimitView) -> dict:
    return dict(acheteur=limit.buyer_name, montant=money(limit.amount), date=day(limit.decided_on),
                montant_avant=money(limit.previous_amount or limit.requested_amount))


def _as_of(limit: LimitView) -> List[str]:
    return [_t("encours.as_of", date=day(limit.outstanding_as_of))] if limit.outstanding_as_of else []


def headroom(limit: LimitView, amount: Optional[Decimal] = None) -> Reply:
    """What is left under the agrément on one buyer and, for a new delivery of ``amount``, whether it fits."""
    if limit.status in ("reduced", "cancelled", "refused") or not limit.amount:
        return deliveries(limit, "after", amount)
    values = _money_values(limit)
    left = limit.amount - limit.outstanding
    if left > 0:
        parts = [_t("headroom.left", encours=money(limit.outstanding), reste=money(left), **values)]
    else:
        parts = [_t("headroom.full", encours=money(limit.outstanding), **values)]
    if amount is not None:
        over = amount - max(left, Decimal(0))
        parts.append(_t("headroom.over", nouveau=money(amount), depassement=money(over)) if over > 0
                     else _t("headroom.fits", nouveau=money(amount)))
    parts += _as_of(limit)
    if amount is not None and amount > left or left <= 0:
        parts.append(_t("headroom.more"))
    return Reply(tidy("\n".join(parts)), [HUMAN_BUTTON])


def deliveries(limit: LimitView, when: Optional[str] = None, amount: Optional[Decimal] = None) -> Reply:
    """Whether deliveries to one buyer are covered: after a reduction or a cancellation, those made before
    the change stay covered by the former agrément, the later ones only up to the new one (none if cancelled)."""
    values = _money_values(limit)
    if limit.status == "refused":
        return Reply(tidy(_t("deliver.refused", **values) + "\n" + _t("reason.review")), [HUMAN_BUTTON])
    if limit.status not in ("reduced", "cancelled"):
        return headroom(limit, amount)
    cancelled = limit.status == "cancelled" or not limit.amount
    after = _t("deliver.cancelled_after" if cancelled else "deliver.reduced_after", **values)
    before = _t("deliver.before", **values)
    parts = [before, after] if when == "before" else [after, before]
    if amount is not None and when == "after" and cancelled:
        parts.insert(1, _t("deliver.amount_after_cancelled", nouveau=money(amount)))
    elif amount is not None and when == "before":
        parts.insert(1, _t("deliver.amount_before", nouveau=money(amount)))
    if limit.outstanding:
        parts.append(_t("encours.changed_cancelled" if cancelled else "encours.changed_reduced",
                        montant_encours=money(limit.outstanding), **values).split(". ")[0] + ".")
    parts.append(_t("deliver.depends"))
    return Reply(tidy("\n".join(parts)), [HUMAN_BUTTON])


def buyer_encours(limit: LimitView) -> Reply:
    """The encours on one buyer: outstanding invoices and the part the agrément covers."""
    values = _money_values(limit)
    if limit.status in ("reduced", "cancelled") and limit.outstanding:
        parts = _encours_after_change(limit, dict(values, montant_demande=money(limit.requested_amount)))
        return Reply(tidy("\n".join([_t(f"limit.{limit.status}", montant_demande=money(limit.requested_amount),
                                         **values)] + parts)), [HUMAN_BUTTON])
    if not limit.outstanding:
        return Reply(tidy(_t("encours.none") + "\n" + _t(f"limit.{limit.status}",
                                                          montant_demande=money(limit.requested_amount), **values)),
                     [HUMAN_BUTTON])
    parts = [_t("encours.buyer", encours=money(limit.outstanding), garanti=money(limit.guaranteed), **values)]
    return Reply(tidy("\n".join(parts + _as_of(limit))), [HUMAN_BUTTON])


def reason(limit: LimitView) -> Reply:
    """Why an agrément is what it is: the decision, its date and its stored reason, then how to ask again."""
    values = dict(_money_values(limit), montant_demande=money(limit.requested_amount))
    if limit.status == "granted":
        return Reply(tidy(_t("reason.granted", **values)), [HUMAN_BUTTON])
    parts = [_t(f"limit.{limit.status}", **values), _reason(limit.reason_code)]
    if limit.status in ("reduced", "cancelled"):  # what stays covered, with the dates of the store
        parts.append(_t("limit.future_only", **values))
    parts.append(_t("reason.review"))
    return Reply(tidy("\n".join(parts)), [HUMAN_BUTTON])


def increase_confirm(buyer_name: str, amount: Decimal) -> Reply:
    """A request inferred from a question (« on peut demander 15 000 ? »): asked before anything is recorded."""
    return Reply(_t("increase.confirm", montant=money(amount), acheteur=buyer_name),
                 [Button(LABELS["button.send_request"], "/affirm"), Button(LABELS["button.no"], "/deny")])


def increase_how(limit: LimitView, former: Optional[Decimal] = None) -> Reply:
    """How a higher agrément is asked for, on one buyer; after a refusal or a cut, the former request
    (``former``) is offered again."""
    if former is not None:
        return Reply(tidy(_t("increase.how_former", montant=money(former)) + " "
                          + _t("increase.confirm", montant=money(former), acheteur=limit.buyer_name)),
                     [Button(LABELS["button.send_request"], "/affirm"), Button(LABELS["button.no"], "/deny")])
    return Reply(tidy(_t("increase.how", acheteur=limit.buyer_name)), [HUMAN_BUTTON])


def increase_which_buyer(amount: Optional[Decimal]) -> Reply:
    if amount is None:
        return Reply(_t("increase.which_buyer_no_amount"), [ALL_LIMITS_BUTTON, HUMAN_BUTTON])
    return Reply(_t("increase.which_buyer", montant=money(amount)), [ALL_LIMITS_BUTTON, HUMAN_BUTTON])


def increase_dropped() -> Reply:
    return Reply(_t("increase.dropped"))
