"""French wording of filtered claim lists and of claims picked by buyer (conversation focus)."""
from __future__ import annotations

import json
from typing import Optional, Sequence

from bot.store.views import ClaimSummary
from bot.wording.claims import LABELS as CLAIM_LABELS
from bot.wording.claims import claim_payload, stage_label, tidy
from bot.wording.core import HUMAN_BUTTON
from bot.wording.format import choices_fr, money
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
    from bot.wording.format import day, percent

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
