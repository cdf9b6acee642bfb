"""French wording of an indemnity estimate (:mod:`bot.indemnity`), step by step.

``estimate_reply(estimate)`` -> Reply. The tone: acknowledge the worry, give the figures plainly,
say what is missing rather than guess, offer a person.
"""
from __future__ import annotations

from typing import List, Optional

from bot.wording.format import day, money, percent
from bot.wording.reply import Button, Reply, join

try:
    from bot.wording.core import HUMAN_BUTTON
except ImportError:  # pragma: no cover
    HUMAN_BUTTON = Button("Parler à un conseiller", "/request_human")

TEMPLATES = {
    "intro": (
        "Je comprends que cet impayé vous inquiète. Voici une estimation, étape par étape. "
        "Elle repose sur les chiffres de votre contrat."
    ),
    "step_covered": (
        "Votre client vous doit {owed_amount}. Nous le couvrons jusqu’à {limit_amount} : "
        "c’est la limite de crédit, aussi appelée agrément."
    ),
    "step_covered_cap": (
        "Le CAP, l’aide de l’État, ajoute {cap_amount}. Cela fait {ceiling_amount} couverts en tout."
    ),
    "step_uncovered": "La part au-dessus de cette limite, soit {uncovered_amount}, n’est pas couverte.",
    "step_all_covered": "Toute la somme due entre dans cette limite.",
    "step_quotite": (
        "Nous payons {quotite} de la part couverte : c’est la quotité garantie de votre contrat. "
        "Cela donne {result_amount}."
    ),
    "step_deductible": (
        "Nous retirons ensuite la franchise, une somme fixée par votre contrat qui reste toujours "
        "à votre charge : {deductible_amount}. Il reste {result_amount}."
    ),
    "step_below_minimum": (
        "Votre contrat ne paie pas les impayés de moins de {minimum_amount}. "
        "Ici, la somme due est plus basse : il n’y aurait pas d’indemnité."
    ),
    "result": (
        "L’indemnité, c’est la somme que nous vous versons. Elle serait de {indemnity_amount}. "
        "Le reste, {retained_amount}, resterait à votre charge."
    ),
    "waiting": (
        "Pour un retard de paiement, il faut attendre un délai fixé par le contrat : "
        "le délai de carence. Ici, il est de {days} jours à partir du {start_date}. "
        "La perte serait donc reconnue le {loss_date}."
    ),
    "payout": "Le paiement arrive ensuite en {days} jours environ, soit vers le {pay_date}.",
    "payout_past": (
        "D’après ces chiffres, le paiement aurait dû arriver vers le {pay_date}. "
        "Je préfère qu’un conseiller regarde votre dossier avec vous."
    ),
    "insolvency_intro": (
        "Votre client est en procédure collective, c’est-à-dire en redressement ou en liquidation. "
        "Dans ce cas, la perte est reconnue dans le cadre de cette procédure."
    ),
    # Code de commerce L622-24 (the creditor declares to the mandataire judiciaire, within two months
    # of the BODACC: R622-24), L624-1 (the mandataire verifies and proposes) and L624-2 (the
    # juge-commissaire decides the admission): sources in bot/cap/rules/sources.yml
    # (code-commerce-l622-24, code-commerce-l624-1-l624-2, infogreffe-declaration-creance).
    "insolvency_deadline": (
        "Pensez à déclarer votre créance, c’est-à-dire ce qu’il vous doit, au mandataire judiciaire. "
        "C’est la personne nommée par le tribunal pour suivre la procédure. Vous pouvez le faire "
        "jusqu’au {deadline_date}, deux mois après l’annonce au BODACC, le journal des annonces légales."
    ),
    "insolvency_deadline_passed": (
        "Le délai pour déclarer votre créance, c’est-à-dire ce qu’il vous doit, a pris fin le {deadline_date}. "
        "Elle se déclare au mandataire judiciaire, la personne nommée par le tribunal. "
        "Parlez-en vite à un conseiller : il vous dira ce qui reste possible."
    ),
    "insolvency_waiting": (
        "Le paiement viendra quand votre créance, c’est-à-dire ce que votre client vous doit, sera admise. "
        "Le mandataire judiciaire, nommé par le tribunal, la vérifie. Puis le juge-commissaire, "
        "un juge du tribunal, décide de l’admettre. Je ne peux pas encore vous donner de date."
    ),
    "insolvency_waiting_short": (
        "Le paiement viendra quand votre créance sera admise. Le mandataire judiciaire la vérifie, "
        "puis le juge-commissaire, un juge du tribunal, décide de l’admettre. "
        "Je ne peux pas encore vous donner de date."
    ),
    "insolvency_decision": (
        "Notre décision sur votre indemnité est prévue vers le {decision_date} : c’est la date inscrite "
        "dans votre dossier. Je vous donnerai la date du paiement dès qu’elle sera connue."
    ),
    "insolvency_admitted": (
        "Votre créance, c’est-à-dire ce que votre client vous doit, a été admise le {admitted_date}. "
        "Le paiement arrive ensuite en {days} jours environ, soit vers le {pay_date}."
    ),
    "advance_may_apply": (
        "Votre contrat prévoit l’indemnisation avancée, et votre dossier est complet. "
        "Vous pourriez donc être payé plus tôt."
    ),
    "advance_file_incomplete": (
        "Votre contrat prévoit l’indemnisation avancée : vous pourriez être payé plus tôt. "
        "Pour cela, votre dossier doit d’abord être complet."
    ),
    "missing": (
        "Il me manque quelques chiffres pour aller plus loin : {items}. "
        "Vous les trouverez dans votre contrat, ou votre conseiller peut vous les donner."
    ),
    "missing_amount_owed": "la somme que votre client vous doit",
    "missing_credit_limit": "la limite de crédit sur ce client",
    "missing_quotite": "la quotité garantie de votre contrat",
    "missing_cause": "la cause de l’impayé (simple retard ou procédure collective)",
    "missing_due_date": "la date d’échéance de la facture",
    "missing_declaration_date": "la date où vous avez déclaré l’impayé",
    "missing_waiting_period_days": "le délai de carence de votre contrat",
    "missing_payout_delay_days": "notre délai de paiement, fixé par votre contrat",
    "assumed_both": (
        "Je n’ai compté ni franchise ni seuil minimum. La franchise est une somme qui reste toujours "
        "à votre charge. Si votre contrat en prévoit, le montant sera plus bas."
    ),
    "assumed_deductible": (
        "Je n’ai pas compté de franchise, une somme qui reste toujours à votre charge. "
        "Si votre contrat en prévoit une, le montant sera plus bas."
    ),
    "assumed_minimum": (
        "Je n’ai pas compté de seuil minimum. Si votre contrat en prévoit un, vérifiez que la somme due le dépasse."
    ),
    "disclaimer": "Ce n’est qu’une estimation. Le montant final sera fixé par votre gestionnaire.",
    "human": "Si vous le voulez, un conseiller peut reprendre ces chiffres avec vous.",
}


def _list_fr(items: List[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def _t(key: str, **values) -> str:
    return TEMPLATES[key].format(**values)


def estimate_reply(est) -> Reply:
    """Explain a :class:`bot.indemnity.Estimate` in plain French, one short paragraph per step."""
    parts: List[Optional[str]] = [TEMPLATES["intro"]]
    covered = est.step("covered")
    if covered is not None:
        data = covered.data
        parts.append(_t("step_covered", owed_amount=money(data["owed"]), limit_amount=money(data["limit"])))
        if data["cap_top_up"]:
            parts.append(_t("step_covered_cap", cap_amount=money(data["cap_top_up"]),
                            ceiling_amount=money(data["ceiling"])))
        if data["uncovered"] > 0:
            parts.append(_t("step_uncovered", uncovered_amount=money(data["uncovered"])))
        else:
            parts.append(TEMPLATES["step_all_covered"])
    quotite = est.step("quotite")
    if quotite is not None:
        parts.append(_t("step_quotite", quotite=percent(quotite.data["quotite"]),
                        result_amount=money(quotite.data["result"])))
    deductible = est.step("deductible")
    if deductible is not None:
        parts.append(_t("step_deductible", deductible_amount=money(deductible.data["deductible"]),
                        result_amount=money(deductible.data["result"])))
    minimum = est.step("minimum_claim")
    if minimum is not None and not minimum.data["met"]:
        parts.append(_t("step_below_minimum", minimum_amount=money(minimum.data["minimum"])))
    if est.amount is not None and not est.below_minimum:
        parts.append(_t("result", indemnity_amount=money(est.amount),
                        retained_amount=money(est.retained_by_client)))
    if est.amount is not None and est.assumed:
        if len(est.assumed) == 2:
            parts.append(TEMPLATES["assumed_both"])
        elif "deductible_none" in est.assumed:
            parts.append(TEMPLATES["assumed_deductible"])
        else:
            parts.append(TEMPLATES["assumed_minimum"])

    if est.cause == "insolvency":
        parts.append(TEMPLATES["insolvency_intro"])
        decl = est.step("insolvency_declaration")
        if decl is not None:
            key = "insolvency_deadline_passed" if decl.data["passed"] else "insolvency_deadline"
            parts.append(_t(key, deadline_date=day(decl.data["deadline"])))
        planned = est.step("decision_planned")
        if planned is not None:  # the date in the claim file: one source of truth with the claim status
            parts.append(_t("insolvency_decision", decision_date=day(planned.data["date"])))
        elif est.date_status == "waiting_admission":
            parts.append(TEMPLATES["insolvency_waiting_short" if decl is not None else "insolvency_waiting"])
        elif est.expected_payment_date is not None:
            payout = est.step("payout")
            if est.date_status == "past":
                parts.append(_t("payout_past", pay_date=day(est.expected_payment_date)))
            else:
                parts.append(_t("insolvency_admitted", admitted_date=day(est.loss_established_date),
                                days=payout.data["days"], pay_date=day(est.expected_payment_date)))
    else:
        waiting = est.step("waiting_period")
        if waiting is not None:
            parts.append(_t("waiting", days=waiting.data["days"], start_date=day(waiting.data["start"]),
                            loss_date=day(waiting.data["loss_date"])))
        payout = est.step("payout")
        if payout is not None:
            if est.date_status == "past":
                parts.append(_t("payout_past", pay_date=day(payout.data["date"])))
            else:
                parts.append(_t("payout", days=payout.data["days"], pay_date=day(payout.data["date"])))

    if est.advance == "may_apply":
        parts.append(TEMPLATES["advance_may_apply"])
    elif est.advance == "file_incomplete":
        parts.append(TEMPLATES["advance_file_incomplete"])

    if est.missing:
        items = [TEMPLATES[f"missing_{m}"] for m in est.missing if f"missing_{m}" in TEMPLATES]
        parts.append(_t("missing", items=_list_fr(items)))
    if est.amount is not None:
        parts.append(TEMPLATES["disclaimer"])
    parts.append(TEMPLATES["human"])
    return Reply(join(*parts), [HUMAN_BUTTON])


# ---- indemnisation avancée (the question "can I be paid earlier?") --------------------------------

TEMPLATES.update({
    # "souvent 3 à 6 mois": public guides, not official (ooreka-indemnisation-2021,
    # e-assurance-credit-indemnisation in bot/cap/rules/sources.yml); the contract's figure comes first.
    "advance_general": (
        "L’indemnisation avancée, c’est un paiement plus tôt que prévu. D’habitude, il faut attendre "
        "la fin du délai de carence : le temps d’attente fixé par votre contrat avant de reconnaître "
        "la perte, souvent 3 à 6 mois. Avec ce service, nous pouvons vous payer avant. "
        "Pour cela, le dossier doit être complet et la perte assez sûre."
    ),
    "advance_depends": "Tous les contrats ne le prévoient pas : c’est écrit dans le vôtre.",
    "advance_contract_yes": "Bonne nouvelle : votre contrat prévoit ce service. C’est le contrat {number}.",
    "advance_contract_no": (
        "Votre contrat {number} ne prévoit pas l’indemnisation avancée. "
        "Le paiement suit donc le délai normal."
    ),
    "advance_which_claim": "Pour savoir si elle peut jouer sur un dossier, dites-moi lequel.",
    "advance_no_open_claim": (
        "Vous n’avez pas de dossier en cours. Si un client ne paie pas, déclarez l’impayé : "
        "je peux vous aider."
    ),
    "advance_claim_intro": "Voici ce que je vois pour le dossier {ref}.",
    "advance_claim_unknown": (
        "Votre contrat prévoit l’indemnisation avancée. Il reste à voir si votre dossier est complet "
        "et si la perte est assez sûre. Votre gestionnaire s’en occupe."
    ),
    "advance_claim_not_offered": (
        "Votre contrat ne prévoit pas l’indemnisation avancée. Le paiement suit donc le délai normal."
    ),
    "advance_claim_closed": "Le dossier {ref} est clos : l’indemnisation avancée ne le concerne plus.",
    "advance_claim_not_found": "Je ne trouve pas le dossier {ref} parmi les vôtres. Vérifiez le numéro.",
    "advance_no_contract": "Je ne trouve pas votre contrat. Un conseiller peut vous répondre.",
})


def advance_general() -> Reply:
    """For a visitor: what indemnisation avancée is, and that the contract decides."""
    return Reply(join(TEMPLATES["advance_general"], TEMPLATES["advance_depends"]), [HUMAN_BUTTON])


def advance_contract(terms, open_refs: List[str]) -> Reply:
    """Signed in, no single claim: what the contract says, and which claim to look at."""
    if terms is None:
        return Reply(TEMPLATES["advance_no_contract"], [HUMAN_BUTTON])
    if not terms.advance_indemnification:
        return Reply(_t("advance_contract_no", number=terms.number), [HUMAN_BUTTON])
    parts = [TEMPLATES["advance_general"], _t("advance_contract_yes", number=terms.number)]
    if open_refs:
        parts.append(TEMPLATES["advance_which_claim"])
    else:
        parts.append(TEMPLATES["advance_no_open_claim"])
    buttons = [Button(ref, f'/ask_advance_indemnification{{"claim_ref":"{ref}"}}') for ref in open_refs[:5]]
    return Reply(join(*parts), buttons + [HUMAN_BUTTON])


def advance_claim_intro(ref: str, advance: str, closed: bool = False) -> Reply:
    """The first answer about one claim; the estimate (:func:`estimate_reply`) follows."""
    if closed:
        return Reply(_t("advance_claim_closed", ref=ref))
    extra = {"unknown": "advance_claim_unknown", "not_offered": "advance_claim_not_offered"}.get(advance)
    return Reply(join(_t("advance_claim_intro", ref=ref), TEMPLATES[extra] if extra else None))


def advance_claim_not_found(ref: str) -> Reply:
    return Reply(_t("advance_claim_not_found", ref=ref), [HUMAN_BUTTON])
