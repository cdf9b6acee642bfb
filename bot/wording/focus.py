"""French wording of filtered claim lists and of claims picked by buyer (conversation focus)."""
from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Optional, Sequence

from bot.store.views import ClaimSummary
from bot.wording.claims import LABELS as CLAIM_LABELS
from bot.wording.claims import TEMPLATES as CLAIM_TEMPLATES
from bot.wording.claims import claim_payload, stage_label, tidy
from bot.wording.core import HUMAN_BUTTON
from bot.wording.format import choices_fr, day, money
from bot.wording.reply import Button, Reply

TEMPLATES = {
    "none": "Je ne trouve aucun dossier qui corresponde à votre demande.",
    "none_buyer": "Je ne trouve aucun dossier sur {acheteur}.",
    "one": "Vous avez un dossier qui correspond :",
    "many": "Vous avez {nombre} dossiers qui correspondent :",
    "one_buyer": "Vous avez un dossier sur {acheteur} :",
    "many_buyer": "Vous avez {nombre} dossiers sur {acheteur} :",
    "line": "{ref}, {etape}, {montant} déclarés.",
    "line_buyer": "Le dossier {ref} sur {acheteur} est au stade : {etape}.",
    "more": "Et {nombre} autres.",
    "pick": "Choisissez un dossier pour voir le détail.",
    "which_buyer": "Plusieurs de vos clients ont un nom proche{noms}. Duquel parlez-vous ?",
    "which_buyer_one": "Parlez-vous de votre client {nom} ?",
    "refusal.declared_late": "Nous avons refusé ce dossier car la déclaration est arrivée après le délai de votre contrat.",
    "refusal.not_covered": "Nous avons refusé ce dossier car cette créance n’était pas couverte par votre contrat.",
    "refusal.generic": "Un conseiller peut vous expliquer la raison du refus.",
}
MAX_LINES = 6


def claims(items: Sequence[ClaimSummary], buyer: Optional[str] = None) -> Reply:
    """The claims that match, one short line each (reference first), and a button per claim."""
    if not items:
        key = "none_buyer" if buyer else "none"
        return Reply(TEMPLATES[key].format(acheteur=buyer or ""), [HUMAN_BUTTON])
    if buyer:
        head = TEMPLATES["one_buyer" if len(items) == 1 else "many_buyer"].format(nombre=len(items), acheteur=buyer)
    else:
        head = TEMPLATES["one" if len(items) == 1 else "many"].format(nombre=len(items))
    lines = [head]
    for item in items[:MAX_LINES]:
        key = "line" if buyer else "line_buyer"
        lines.append(TEMPLATES[key].format(ref=item.ref, etape=stage_label(item.stage), acheteur=item.buyer_name,
                                           montant=money(item.amount_declared)))
    if len(items) > MAX_LINES:
        lines.append(TEMPLATES["more"].format(nombre=len(items) - MAX_LINES))
    buttons = [Button(CLAIM_LABELS["button.claim"].format(ref=i.ref, acheteur=i.buyer_name, etape=stage_label(i.stage)),
                      claim_payload(i.ref)) for i in items[:10]]
    return Reply(tidy("\n".join(lines)), buttons)


def which_buyer(candidates: Sequence[str]) -> Reply:
    buttons = [Button(name, "/ask_claim_status" + json.dumps({"buyer": name}, ensure_ascii=False, separators=(",", ":")))
               for name in candidates]
    key = "which_buyer" if len(candidates) != 1 else "which_buyer_one"  # one name close to what was typed
    return Reply(tidy(TEMPLATES[key].format(noms=choices_fr(candidates), nom="".join(candidates[:1]))),
                 buttons + [HUMAN_BUTTON])


def refusal_reason(note_code: Optional[str]) -> str:
    key = f"refusal.{note_code}"
    return TEMPLATES[key] if key in TEMPLATES else TEMPLATES["refusal.generic"]


TEMPLATES.update({
    "paid": "Sur le dossier {ref}, nous vous avons versé {montant}.",
    "estimate": "Sur le dossier {ref}, nous prévoyons de vous verser environ {montant}.",
    "estimate_date": "Le paiement est prévu vers le {date}.",
    "declared": "Pour le dossier {ref}, vous avez déclaré {montant}.",
    "stage": "Le dossier est au stade : {etape}.",
    "hypothesis": "Pour un impayé de {montant_du}, nous vous verserions environ {montant}.",
    "hypothesis_limit": "Seule la part dans votre agrément, {plafond}, est couverte.",
    "why.quotite": "Nous payons {quotite} de la perte couverte : c’est la quotité garantie.",
    "why.covered": "La perte couverte est de {couvert}.",
    "why.deductible": "La franchise de votre contrat, {franchise}, reste à votre charge.",
    "why.no_deductible": "Votre contrat n’a pas de franchise.",
    "why.retained": "Au total, {reste} restent à votre charge.",
    "none": "De quel dossier parlez-vous ? Donnez-moi sa référence ou le nom du client.",
})


def payout(ref: Optional[str], est, terms, *, paid=None, owed=None, hypothesis: bool = False,
           stage: Optional[str] = None, declared=None) -> Reply:
    """How much we pay (or paid) and why not everything: quotité and franchise, amounts first."""
    from bot.wording.format import percent

    lines = []  # the amount, why not everything, then when; what was declared last
    when = []
    if paid is not None:
        lines.append(TEMPLATES["paid"].format(ref=ref, montant=money(paid)))
    elif est is not None and est.amount is not None:
        key = "hypothesis" if hypothesis else "estimate"
        lines.append(TEMPLATES[key].format(ref=ref, montant=money(est.amount), montant_du=money(owed or 0)))
        if hypothesis and est.uncovered_amount:
            lines.append(TEMPLATES["hypothesis_limit"].format(plafond=money(est.covered_amount)))
        if not hypothesis and est.expected_payment_date is not None and est.date_status == "estimated":
            when.append(TEMPLATES["estimate_date"].format(date=day(est.expected_payment_date)))
        if stage:
            when.append(TEMPLATES["stage"].format(etape=stage_label(stage)))
    if terms is not None:
        covered = est.covered_amount if (est is not None and est.covered_amount is not None) else None
        why = TEMPLATES["why.quotite"].format(quotite=percent(terms.quotite))
        if covered is not None:
            why = TEMPLATES["why.covered"].format(couvert=money(covered)) + " " + why
        lines.append(why)
        lines.append(TEMPLATES["why.deductible"].format(franchise=money(terms.deductible)) if terms.deductible
                     else TEMPLATES["why.no_deductible"])
    lines.extend(when)
    if declared is not None:
        lines.append(TEMPLATES["declared"].format(ref=ref, montant=money(declared)))
    if not lines:
        return Reply(TEMPLATES["none"], [HUMAN_BUTTON])
    return Reply(tidy("\n".join(lines)), [HUMAN_BUTTON])


# --- one fact about the claim in focus (bot/claim_focus.question_kind) -------------------------------
TEMPLATES.update({
    "ask_person": "Un conseiller peut vous répondre précisément sur ce dossier.",
    "amount": "Le dossier {ref} sur {acheteur} porte sur {montant} déclarés.",
    "amount_paid": "Nous vous avons versé {montant} sur ce dossier.",
    "amount_stage": "Il est au stade : {etape}.",
    "recovered": "Sur le dossier {ref}, nous avons récupéré {montant} auprès de {acheteur}.",
    "recovered_none": "Sur le dossier {ref}, nous n’avons encore rien récupéré auprès de {acheteur}.",
    "recovered_subrogation": (
        "Comme nous vous avons payé, nous réclamons la dette à votre client à votre place : c’est la subrogation. "
        "Vous recevez votre part de ce que nous récupérons."
    ),
    "recovered_share": "Votre part vous a déjà été versée : {montant}.",
    "recovered_collection": "Le recouvrement est en cours : nous relançons votre client pour vous.",
    "recovered_next": "Prochain point sur les sommes récupérées : le {date}.",
    "ending_open": "Le dossier {ref} n’est pas terminé : il est au stade {etape}.",
    "ending_recovered_all": (
        "Le dossier {ref} sur {acheteur} s’est terminé le {date} : nous avons récupéré toute la somme, "
        "{montant}, auprès de votre client. Il n’y a donc pas eu d’indemnité à verser."
    ),
    "ending_recovered_part": (
        "Le dossier {ref} sur {acheteur} a été clos le {date}. Nous avions récupéré {montant} sur les {declare} "
        "déclarés."
    ),
    "ending_closed": "Le dossier {ref} sur {acheteur} a été clos le {date}. Un conseiller peut vous en dire plus.",
    "ending_indemnified": (
        "Le dossier {ref} sur {acheteur} s’est terminé par une indemnité : nous vous avons versé {montant}, "
        "le {date}."
    ),
    "ending_refused": "Nous avons refusé le dossier {ref} sur {acheteur}, le {date}.",
    "if_fails": (
        "Si votre client ne paie pas, la perte est reconnue à la fin du délai de carence de votre contrat : "
        "{jours} jours après l’échéance, soit le {date}."
    ),
    "if_fails_pay": "Nous vous payons ensuite sous {jours} jours, vers le {date}, environ {montant}.",
    "if_fails_pay_no_amount": "Nous vous payons ensuite sous {jours} jours, vers le {date}.",
    "if_fails_insolvency": (
        "Votre client est en procédure collective : la perte est reconnue quand votre créance est admise. "
        "Nous vous payons ensuite sous {jours} jours."
    ),
    "in_time_yes": (
        "Oui : vous avez déclaré le dossier {ref} le {declare}, dans le délai de {jours} jours de votre contrat. "
        "Vous aviez jusqu’au {limite}."
    ),
    "in_time_no": (
        "Non : le dossier {ref} a été déclaré le {declare}, après la fin du délai de {jours} jours de votre "
        "contrat, le {limite}."
    ),
})


def _stage_date(claim) -> Optional[str]:
    since = claim.stage_since or claim.closed_on
    return day(since) if since else None


def amount_of(claim) -> Reply:
    """« c'était combien déjà ? »: the amount declared on the claim in focus, then what we paid."""
    lines = [TEMPLATES["amount"].format(ref=claim.ref, acheteur=claim.buyer_name, montant=money(claim.amount_declared))]
    if claim.amount_indemnified:
        lines.append(TEMPLATES["amount_paid"].format(montant=money(claim.amount_indemnified)))
    lines.append(TEMPLATES["amount_stage"].format(etape=stage_label(claim.stage)))
    return Reply(tidy(" ".join(lines)), [HUMAN_BUTTON])


def recovered(claim) -> Reply:
    """What we recovered from the buyer on the claim, and what subrogation means when we paid."""
    if claim.amount_recovered:
        lines = [TEMPLATES["recovered"].format(ref=claim.ref, montant=money(claim.amount_recovered),
                                               acheteur=claim.buyer_name)]
    else:
        lines = [TEMPLATES["recovered_none"].format(ref=claim.ref, acheteur=claim.buyer_name)]
    if claim.amount_indemnified:
        lines.append(TEMPLATES["recovered_subrogation"])
        share = sum((p.amount for p in claim.payments if p.kind == "recovery_share"), Decimal(0))
        if share:
            lines.append(TEMPLATES["recovered_share"].format(montant=money(share)))
    elif claim.stage == "collection":
        lines.append(TEMPLATES["recovered_collection"])
    if claim.next_step_code in ("recovery_update", "collection_update") and claim.next_step_date:
        lines.append(TEMPLATES["recovered_next"].format(date=day(claim.next_step_date)))
    return Reply(tidy(" ".join(lines)), [HUMAN_BUTTON])


def ending(claim) -> Reply:
    """How a claim ended (closed, indemnified, refused and why), or that it has not ended yet."""
    values = dict(ref=claim.ref, acheteur=claim.buyer_name, date=_stage_date(claim) or "",
                  etape=stage_label(claim.stage))
    if claim.is_open:
        lines = [TEMPLATES["ending_open"].format(**values)]
        if claim.next_step_date:
            key = f"next.{claim.next_step_code}"
            lines.append(CLAIM_TEMPLATES.get(key, CLAIM_TEMPLATES["next.generic"]).format(date=day(claim.next_step_date)))
        return Reply(tidy(" ".join(lines)), [HUMAN_BUTTON])
    if claim.stage == "refused":
        note = next((e.note_code for e in reversed(claim.history) if e.stage == "refused"), None)
        return Reply(tidy(TEMPLATES["ending_refused"].format(**values) + " " + refusal_reason(note)), [HUMAN_BUTTON])
    if claim.stage == "indemnified":
        paid_on = next((p.paid_on for p in claim.payments if p.kind in ("indemnity", "advance_indemnity")), None)
        values["date"] = day(paid_on) if paid_on else values["date"]
        lines = [TEMPLATES["ending_indemnified"].format(montant=money(claim.amount_indemnified), **values)]
        if claim.amount_recovered:
            lines.append(recovered(claim).text)
        return Reply(tidy(" ".join(lines)), [HUMAN_BUTTON])
    if claim.amount_recovered and claim.amount_recovered >= claim.amount_declared:
        text = TEMPLATES["ending_recovered_all"].format(montant=money(claim.amount_recovered), **values)
    elif claim.amount_recovered:
        text = TEMPLATES["ending_recovered_part"].format(montant=money(claim.amount_recovered),
                                                         declare=money(claim.amount_declared), **values)
    else:
        text = TEMPLATES["ending_closed"].format(**values)
    return Reply(tidy(text), [HUMAN_BUTTON])


def if_fails(claim, est, terms) -> Reply:
    """« si le recouvrement échoue, vous payez quand ? »: the end of the waiting period of the contract
    and the payment date that follows (the estimator's dates), or the insolvency path."""
    if not claim.is_open:
        return ending(claim)
    if claim.cause == "insolvency":
        lines = [TEMPLATES["if_fails_insolvency"].format(jours=terms.payout_delay_days)] if terms else []
        if claim.next_step_code == "indemnity_decision" and claim.next_step_date:
            lines.append(CLAIM_TEMPLATES["next.indemnity_decision"].format(date=day(claim.next_step_date)))
        return Reply(tidy(" ".join(lines)) or TEMPLATES["ask_person"], [HUMAN_BUTTON])
    if est is None or est.loss_established_date is None or terms is None:
        return Reply(TEMPLATES["ask_person"], [HUMAN_BUTTON])
    lines = [TEMPLATES["if_fails"].format(jours=terms.waiting_period_days, date=day(est.loss_established_date))]
    if est.expected_payment_date is not None:
        key = "if_fails_pay" if est.amount else "if_fails_pay_no_amount"
        lines.append(TEMPLATES[key].format(jours=terms.payout_delay_days, date=day(est.expected_payment_date),
                                           montant=money(est.amount or 0)))
    return Reply(tidy(" ".join(lines)), [HUMAN_BUTTON])


def in_time(claim, terms) -> Reply:
    """« j'ai bien déclaré dans les temps ? »: the claim's declaration date against the contract's deadline."""
    if terms is None:
        return Reply(TEMPLATES["ask_person"],
                     [HUMAN_BUTTON])
    limit = claim.due_date + timedelta(days=terms.dms_deadline_days)
    late = claim.declared_on > limit or any(e.note_code == "declared_late" for e in claim.history)
    text = TEMPLATES["in_time_no" if late else "in_time_yes"].format(
        ref=claim.ref, declare=day(claim.declared_on), jours=terms.dms_deadline_days, limite=day(limit))
    return Reply(tidy(text), [HUMAN_BUTTON])


TEMPLATES.update({
    "advance_may_apply": (
        "C’est possible : votre contrat prévoit l’indemnisation avancée, et le dossier {ref} est complet. "
        "Si la perte est assez sûre, vous pourriez être payé plus tôt, avant la fin du délai de carence."
    ),
    "advance_unknown": (
        "Votre contrat prévoit l’indemnisation avancée : vous pourriez être payé plus tôt, avant la fin du délai "
        "de carence. Il faut que le dossier {ref} soit complet et la perte assez sûre."
    ),
    "advance_not_offered": (
        "Non : votre contrat ne prévoit pas l’indemnisation avancée. Pour le dossier {ref}, le paiement suit "
        "le délai normal{suite}."
    ),
    "advance_insolvency": (
        "Pour le dossier {ref}, votre client est en procédure collective : le paiement suit l’admission de votre "
        "créance. Un paiement plus tôt dépend de votre contrat : un conseiller peut vérifier."
    ),
    "advance_end": "Ce délai finit le {date}.",
    "advance_then": " : fin du délai de carence le {date}, puis paiement vers le {paiement}",
    "advance_check": "Votre gestionnaire décide ; un conseiller peut vérifier votre cas.",
})


def advance_for_claim(claim, est, terms) -> Reply:
    """« on peut être payés avant la fin du délai ? » on one claim: the honest short answer (what the
    contract offers, whether the file is complete, the dates of the normal path); never the whole estimate."""
    if not claim.is_open:
        return ending(claim)
    if claim.cause == "insolvency":
        lines = [TEMPLATES["advance_insolvency"].format(ref=claim.ref)]
        if claim.next_step_code == "indemnity_decision" and claim.next_step_date:
            lines.append(CLAIM_TEMPLATES["next.indemnity_decision"].format(date=day(claim.next_step_date)))
        return Reply(tidy(" ".join(lines)), [HUMAN_BUTTON])
    loss = est.loss_established_date if est is not None else None
    fin = TEMPLATES["advance_end"].format(date=day(loss)) if loss else ""
    if terms is not None and not terms.advance_indemnification:
        pay = est.expected_payment_date if est is not None else None
        suite = TEMPLATES["advance_then"].format(date=day(loss), paiement=day(pay)) if (loss and pay) else ""
        return Reply(tidy(TEMPLATES["advance_not_offered"].format(ref=claim.ref, suite=suite)), [HUMAN_BUTTON])
    key = "advance_may_apply" if est is not None and est.advance == "may_apply" else "advance_unknown"
    return Reply(tidy(" ".join(p for p in (TEMPLATES[key].format(ref=claim.ref), fin, TEMPLATES["advance_check"]) if p)),
                 [HUMAN_BUTTON])


TEMPLATES.update({
    "total_indemnified": "Sur vos {nombre} dossiers indemnisés, nous vous avons versé {montant} en tout.",
    "total_indemnified_one": "Sur votre dossier indemnisé, nous vous avons versé {montant}.",
    "total_indemnified_buyer": "Sur vos dossiers sur {acheteur}, nous vous avons versé {montant} en tout.",
    "total_recovered": "Sur vos dossiers, nous avons récupéré {montant} en tout auprès de vos clients.",
    "total_recovered_buyer": "Sur vos dossiers sur {acheteur}, nous avons récupéré {montant} en tout.",
    "total_none_indemnified": "Nous ne vous avons encore rien versé sur ces dossiers.",
    "total_none_recovered": "Nous n’avons encore rien récupéré sur ces dossiers.",
    "line_total": "{ref}, {acheteur} : {montant}.",
})


def total(items: Sequence[ClaimSummary], what: str, buyer: Optional[str] = None) -> Reply:
    """« vous m'avez payé combien en tout ? »: the sum from the store, then the claims it is made of."""
    from bot.claim_focus import total as sum_of

    amount = sum_of(items, what)
    if not amount:
        return Reply(TEMPLATES[f"total_none_{what}"], [HUMAN_BUTTON])
    if what == "recovered":
        key = "total_recovered_buyer" if buyer else "total_recovered"
    else:
        key = "total_indemnified_buyer" if buyer else ("total_indemnified_one" if len(items) == 1
                                                      else "total_indemnified")
    lines = [TEMPLATES[key].format(nombre=len(items), montant=money(amount), acheteur=buyer or "")]
    attr = "amount_indemnified" if what == "indemnified" else "amount_recovered"
    for item in [i for i in items if getattr(i, attr)][:MAX_LINES]:
        lines.append(TEMPLATES["line_total"].format(ref=item.ref, acheteur=item.buyer_name,
                                                    montant=money(getattr(item, attr))))
    buttons = [Button(CLAIM_LABELS["button.claim"].format(ref=i.ref, acheteur=i.buyer_name, etape=stage_label(i.stage)),
                      claim_payload(i.ref)) for i in items[:10]]
    return Reply(tidy("\n".join(lines)), buttons)
