"""French wording of claims: status of one claim, lists, references, declarations.

Functions turn :mod:`bot.store.views` objects into :class:`bot.wording.reply.Reply`. Amounts and
dates go through :mod:`bot.wording.format` only. A foreign reference and an unknown one get the
same answer (:func:`claim_not_found`): the store cannot tell them apart, nor can the wording.
"""
from __future__ import annotations

import json
import re
from typing import Collection, List, Optional

from bot.store.refs import EXAMPLE, RefParse, is_normalised
from bot.store.views import ClaimPage, ClaimSummary, ClaimView, DeclarationResult
from bot.wording.core import HUMAN_BUTTON
from bot.wording.format import choices_fr, day, money, percent
from bot.wording.reply import Button, Reply

TEMPLATES = {
    # --- one claim -------------------------------------------------------------------------------
    "status.intro": "Voici où en est votre dossier {ref}, pour votre client {acheteur}.",
    "status.intro_abroad": "Voici où en est votre dossier {ref}, pour votre client {acheteur} ({pays}).",
    "stage.declared": "Nous avons bien reçu votre déclaration le {date}. Un gestionnaire va l’étudier.",
    "stage.under_review": "Un gestionnaire étudie votre dossier depuis le {date}.",
    "stage.collection": (
        "Depuis le {date}, nous essayons de récupérer la somme auprès de votre client. "
        "C’est ce qu’on appelle le recouvrement."
    ),
    "stage.waiting_period": (
        "Depuis le {date}, votre dossier est dans le délai de carence. "
        "C’est le temps d’attente prévu par votre contrat avant de constater la perte."
    ),
    "stage.indemnified": "Nous vous avons versé l’indemnité le {date}. L’indemnité, c’est la somme que nous vous payons.",
    "stage.closed": "Ce dossier est clos depuis le {date}.",
    "stage.refused": "Le {date}, nous n’avons pas pu prendre ce dossier en charge.",
    # why we refused (the note of the "refused" stage), said as the reason
    "refusal.declared_late": (
        "La raison : la déclaration nous est parvenue après le délai prévu par votre contrat."
    ),
    "refusal.not_covered": "La raison : cette perte n’entre pas dans ce que couvre votre contrat.",
    "refusal.unknown": "Un conseiller peut vous en expliquer la raison.",
    # what happened to the buyer (the cause of the unpaid invoice), never said as the reason of a refusal
    "cause.protracted_default": "Cause de l’impayé : votre client ne paie pas, sans être en faillite.",
    "cause.insolvency": (
        "Cause de l’impayé : votre client est en procédure collective. "
        "Le tribunal a ouvert pour lui un redressement ou une liquidation."
    ),
    "situation.protracted_default": "Quant à votre client, il ne vous a pas payé, sans être en faillite.",
    "situation.insolvency": (
        "Quant à votre client, il est en procédure collective : "
        "le tribunal a ouvert pour lui un redressement ou une liquidation."
    ),
    "amount.declared": "Vous avez déclaré {montant}.",
    "amount.admitted": "Nous avons retenu {montant}.",
    "amount.indemnified": "Nous vous avons payé {montant} en tout.",
    "amount.recovered": "Nous avons déjà récupéré {montant} auprès de votre client.",
    "amount.quotite": (
        "Nous payons {quotite} de la perte couverte. "
        "C’est la quotité garantie prévue par votre contrat."
    ),
    "subrogation": (
        "Nous continuons à réclamer la dette à votre client, à votre place. "
        "C’est la subrogation. Vous recevez votre part de ce que nous récupérons."
    ),
    "next.waiting_period_end": (
        "Prochaine étape : la fin du délai de carence, le {date}. C’est le temps d’attente prévu par "
        "votre contrat. Si votre client n’a pas payé d’ici là, la perte sera reconnue."
    ),
    "next.waiting_period_end_short": (
        "Prochaine étape : la fin du délai de carence, le {date}. Si votre client n’a pas payé d’ici là, "
        "la perte sera reconnue."
    ),
    "next.late": (
        "Comme la déclaration est arrivée après le délai de votre contrat, nous devons d’abord voir "
        "si nous pouvons la prendre en charge."
    ),
    "next.indemnity_decision": "Prochaine étape : notre décision sur l’indemnité, prévue vers le {date}.",
    "next.review_end": "Prochaine étape : la fin de l’examen de votre dossier, prévue vers le {date}.",
    "next.collection_update": "Prochaine étape : un point sur le recouvrement, le {date}.",
    "next.indemnity_payment": "Prochaine étape : le paiement de l’indemnité, prévu vers le {date}.",
    "next.recovery_update": "Prochain point sur les sommes récupérées : le {date}.",
    "next.documents_needed": "Il nous manque des pièces. Merci de nous les envoyer avant le {date}.",
    "next.generic": "Prochaine étape prévue le {date}.",
    "next.unknown": "Je n’ai pas encore de date pour la prochaine étape. Un conseiller peut vous en dire plus.",
    "advance": (
        "Votre contrat prévoit aussi l’indemnisation avancée. "
        "Si le dossier est complet, nous pouvons parfois payer avant la fin de ce délai. "
        "Un conseiller peut vérifier votre cas."
    ),
    # --- not found, malformed, no reference ------------------------------------------------------
    "not_found.ref": "Je ne trouve pas le dossier {ref} parmi vos dossiers.",
    "not_found.noref": "Je ne trouve pas ce dossier parmi vos dossiers.",
    "not_found.help": (
        "La référence figure sur nos courriers et nos e-mails. Elle ressemble à {exemple_ref}. "
        "Je peux aussi vous montrer la liste de vos dossiers, ou vous passer un conseiller."
    ),
    "malformed": "La référence « {saisie_ref} » ne semble pas complète.",
    "malformed.year_digits": "L’année doit avoir quatre chiffres, par exemple 2021.",
    "malformed.year_range": "L’année ne semble pas juste.",
    "malformed.number_digits": "Après l’année, il faut six chiffres.",
    "malformed.number_missing": "Il manque les six chiffres après l’année.",
    "malformed.year_missing": "Il manque l’année, avant les six chiffres.",
    "malformed.letter_o": "Je vois la lettre O à la place d’un zéro.",
    "malformed.digits_count": "Le nombre de chiffres ne va pas.",
    "malformed.example": "Une référence ressemble à ceci : {exemple_ref}. Merci de la relire.",
    "ask_ref": "De quel dossier parlez-vous ? Donnez-moi sa référence. Elle ressemble à {exemple_ref}.",
    # --- lists -----------------------------------------------------------------------------------
    "list.none_open": "Vous n’avez aucun dossier en cours.",
    "list.none_closed": "Vous n’avez aucun dossier clos.",
    "list.none_all": "Vous n’avez aucun dossier d’impayé chez nous.",
    "list.one_open": "Vous avez un dossier en cours.",
    "list.many_open": "Vous avez {nombre} dossiers en cours.",
    "list.one_closed": "Vous avez un dossier clos.",
    "list.many_closed": "Vous avez {nombre} dossiers clos.",
    "list.one_all": "Vous avez un dossier en tout.",
    "list.many_all": "Vous avez {nombre} dossiers en tout.",
    "list.page": "Je vous montre les dossiers {debut} à {fin}.",
    "list.pick": "Choisissez un dossier pour voir où il en est.",
    "which": "Vous avez plusieurs dossiers. Duquel voulez-vous parler ?",
    # --- declaring an unpaid invoice -------------------------------------------------------------
    "declare.created": (
        "Je comprends que cet impayé vous inquiète. Votre déclaration est bien enregistrée. "
        "Votre dossier porte la référence {ref}."
    ),
    "declare.replayed": "Nous avions déjà reçu cette déclaration. Votre dossier porte la référence {ref}.",
    "declare.late": (
        "Votre contrat demandait une déclaration au plus tard le {date}. "
        "Un gestionnaire va regarder votre cas avec attention."
    ),
    "declare.duplicate": "Cette facture est déjà dans votre dossier {ref}. Inutile de la déclarer à nouveau.",
    "declare.buyer_ambiguous": "Plusieurs de vos clients ont un nom proche{noms}. Lequel ne vous a pas payé ?",
    "declare.buyer_ambiguous_one": "Parlez-vous de votre client {acheteur} ?",
    "declare.buyer_unknown": (
        "Je ne trouve pas ce client parmi ceux que nous couvrons pour vous. "
        "Vérifiez son nom, ou donnez-moi son numéro SIREN, le numéro à 9 chiffres de l’entreprise. "
        "Un conseiller peut aussi vous aider."
    ),
    "declare.below_minimum": (
        "Votre contrat fixe un montant minimum de {montant} pour déclarer un impayé. "
        "Cette facture est en dessous. Un conseiller peut voir avec vous ce qui est possible."
    ),
    "declare.no_contract": (
        "Je ne trouve pas de contrat en cours à votre nom. Un conseiller va vous aider."
    ),
    "declare.invalid.amount": "Le montant ne semble pas juste. Quel est le montant resté impayé ?",
    "declare.invalid.invoice_number": "Quel est le numéro de la facture impayée ?",
    "declare.invalid.due_date": "Quelle était la date d’échéance de la facture ?",
    "declare.invalid.not_yet_due": (
        "Cette facture n’est pas encore arrivée à échéance. "
        "Vous pourrez la déclarer si elle reste impayée après cette date."
    ),
    "declare.invalid.other": "Il me manque une information. Un conseiller peut prendre le relais.",
}

# Button titles and short labels (not sentences, so not scored for reading ease).
LABELS = {
    "button.claim": "{ref} · {acheteur} · {etape}",
    "button.next": "Dossiers suivants",
    "button.previous": "Dossiers précédents",
    "button.list": "Voir mes dossiers",
    "short.declared": "déclaré",
    "short.under_review": "à l’étude",
    "short.collection": "recouvrement",
    "short.waiting_period": "délai de carence",
    "short.indemnified": "indemnisé",
    "short.closed": "clos",
    "short.refused": "refusé",
}

COUNTRY_LOCALE = "fr_FR"
_DOUBLE_DOT = re.compile(r"(?<!\.)\.\.(?!\.)")


def tidy(text: str) -> str:
    """A name ending with a dot ("S.r.l.") at the end of a sentence: one dot, not two."""
    return _DOUBLE_DOT.sub(".", text)


def _t(key: str, **values) -> str:
    return TEMPLATES[key].format(**values)


def country_name(code: str) -> str:
    try:
        from babel import Locale

        return Locale.parse(COUNTRY_LOCALE).territories.get(code.upper(), code)
    except Exception:  # noqa: BLE001 - pragma: no cover - babel always there; never fail a reply on a name
        return code


def claim_payload(ref: str) -> str:
    return "/ask_claim_status" + json.dumps({"claim_ref": ref}, ensure_ascii=False, separators=(",", ":"))


def list_payload(status: str, page: int) -> str:
    return "/list_claims" + json.dumps({"status": status, "page": page}, separators=(",", ":"))


LIST_BUTTON = Button(LABELS["button.list"], "/list_claims")


def _stage_sentence(claim: ClaimView) -> str:
    since = claim.stage_since or claim.closed_on or claim.declared_on
    return _t(f"stage.{claim.stage}", date=day(since))


def declared_late(claim: ClaimView) -> bool:
    """The declaration reached us after the contract's deadline (note of the "declared" stage)."""
    return any(e.stage == "declared" and e.note_code == "declared_late" for e in claim.history)


def _next_step(claim: ClaimView, *, late: bool = False, explained: bool = False) -> Optional[str]:
    """The next step and its date. A late declaration never gets a promise: we first check whether
    we can take it on. ``explained``: the délai de carence was already explained in this reply."""
    if claim.next_step_date is not None:
        key = f"next.{claim.next_step_code}"
        if key == "next.waiting_period_end" and explained:
            key = "next.waiting_period_end_short"
        text = _t(key if key in TEMPLATES else "next.generic", date=day(claim.next_step_date))
        return f"{text} {TEMPLATES['next.late']}" if late and claim.is_open else text
    if claim.is_open:
        return _t("next.late") if late else _t("next.unknown")
    return None


def claim_status(claim: ClaimView, known_terms: Collection[str] = ()) -> Reply:
    """Where the claim stands: stage in plain words, amounts, next step and its date."""
    if claim.buyer_country and claim.buyer_country != "FR":
        parts: List[str] = [_t("status.intro_abroad", ref=claim.ref, acheteur=claim.buyer_name,
                               pays=country_name(claim.buyer_country))]
    else:
        parts = [_t("status.intro", ref=claim.ref, acheteur=claim.buyer_name)]
    parts.append(_stage_sentence(claim))
    # the facts first (stage, amounts, next step); the cause and the explanations after them: a
    # short answer keeps the first ones, the rest comes with « Voir le détail »
    if claim.stage == "refused":  # the reason of the refusal first
        note = next((e.note_code for e in reversed(claim.history) if e.stage == "refused"), None)
        parts.append(TEMPLATES.get(f"refusal.{note}", TEMPLATES["refusal.unknown"]))
    amounts = [_t("amount.declared", montant=money(claim.amount_declared))]
    if claim.amount_admitted is not None and claim.amount_admitted != claim.amount_declared:
        amounts.append(_t("amount.admitted", montant=money(claim.amount_admitted)))
    if claim.amount_indemnified:
        amounts.append(_t("amount.indemnified", montant=money(claim.amount_indemnified)))
    if claim.amount_recovered:
        amounts.append(_t("amount.recovered", montant=money(claim.amount_recovered)))
    parts.append(" ".join(amounts))
    step = _next_step(claim, late=declared_late(claim), explained=claim.stage == "waiting_period")
    if step:
        parts.append(step)
    parts.append(_t(f"situation.{claim.cause}") if claim.stage == "refused" else _t(f"cause.{claim.cause}"))
    if claim.stage in ("waiting_period", "indemnified") and "quotite" not in known_terms:
        parts.append(_t("amount.quotite", quotite=percent(claim.quotite)))
    if claim.stage == "indemnified" and (claim.next_step_code == "recovery_update" or claim.amount_recovered):
        parts.append(_t("subrogation"))
    if claim.stage == "waiting_period" and claim.advance_indemnification:
        parts.append(_t("advance"))
    buttons = [HUMAN_BUTTON] if claim.is_open or claim.stage == "refused" else [LIST_BUTTON, HUMAN_BUTTON]
    return Reply(tidy("\n".join(parts)), buttons)


def claim_not_found(ref: Optional[str] = None) -> Reply:
    """The one answer for a reference that is unknown or not this person's (identical on purpose)."""
    first = _t("not_found.ref", ref=ref) if is_normalised(ref) else _t("not_found.noref")
    return Reply(first + " " + _t("not_found.help", exemple_ref=EXAMPLE), [LIST_BUTTON, HUMAN_BUTTON])


def malformed_ref(parsed: RefParse) -> Reply:
    """Something that looks like a reference but is not one: say what looks wrong."""
    parts = [_t("malformed", saisie_ref=parsed.raw or "")]
    key = f"malformed.{parsed.problem}"
    if key in TEMPLATES:
        parts.append(TEMPLATES[key])
    parts.append(_t("malformed.example", exemple_ref=EXAMPLE))
    return Reply(" ".join(parts), [LIST_BUTTON, HUMAN_BUTTON])


def ask_ref() -> Reply:
    return Reply(_t("ask_ref", exemple_ref=EXAMPLE), [LIST_BUTTON, HUMAN_BUTTON])


def reply_for_ref(parsed: RefParse, claim: Optional[ClaimView]) -> Reply:
    """Convenience: the right answer for what the person typed and what the store found."""
    if parsed.malformed:
        return malformed_ref(parsed)
    if not parsed.valid:
        return ask_ref()
    return claim_status(claim) if claim is not None else claim_not_found(parsed.ref)


def _claim_button(item: ClaimSummary) -> Button:
    title = LABELS["button.claim"].format(ref=item.ref, acheteur=item.buyer_name, etape=stage_label(item.stage))
    return Button(title, claim_payload(item.ref))


def claims_list(page: ClaimPage) -> Reply:
    """A page of claims: how many, then one button per claim (and next/previous page)."""
    if page.total == 0:
        return Reply(_t(f"list.none_{page.status}"), [HUMAN_BUTTON])
    count = _t(f"list.one_{page.status}") if page.total == 1 else _t(f"list.many_{page.status}", nombre=page.total)
    parts = [count]
    if page.pages > 1:
        first = (page.page - 1) * page.page_size + 1
        parts.append(_t("list.page", debut=first, fin=first + len(page.items) - 1))
    parts.append(_t("list.pick"))
    buttons = [_claim_button(item) for item in page.items]
    if page.has_previous:
        buttons.append(Button(LABELS["button.previous"], list_payload(page.status, page.page - 1)))
    if page.has_next:
        buttons.append(Button(LABELS["button.next"], list_payload(page.status, page.page + 1)))
    return Reply(" ".join(parts), buttons)


def which_claim(page: ClaimPage) -> Reply:
    """No reference given and several claims: ask which one, one button per claim."""
    if page.total == 0:
        return claims_list(page)
    buttons = [_claim_button(item) for item in page.items]
    if page.has_next:
        buttons.append(Button(LABELS["button.next"], list_payload(page.status, page.page + 1)))
    return Reply(_t("which"), buttons)


def declaration(result: DeclarationResult, *, buyer_payloads: bool = True) -> Reply:
    """The answer to a declaration of an unpaid invoice."""
    outcome = result.outcome
    if outcome in ("created", "replayed") and result.claim is not None:
        claim = result.claim
        parts = [_t("declare.created" if outcome == "created" else "declare.replayed", ref=claim.ref)]
        if result.late and result.dms_deadline is not None:
            parts.append(_t("declare.late", date=day(result.dms_deadline)))
        step = _next_step(claim, late=result.late or declared_late(claim))
        if step:
            parts.append(step)
        return Reply(tidy("\n".join(parts)), [Button(claim.ref, claim_payload(claim.ref)), HUMAN_BUTTON])
    if outcome == "duplicate_invoice" and result.claim is not None:
        return Reply(_t("declare.duplicate", ref=result.claim.ref),
                     [Button(result.claim.ref, claim_payload(result.claim.ref)), HUMAN_BUTTON])
    if outcome == "buyer_ambiguous":
        buttons = [Button(c.name, "/declare_unpaid" + json.dumps({"buyer": c.name}, ensure_ascii=False,
                                                                  separators=(",", ":")))
                   for c in result.candidates] if buyer_payloads else []
        one = len(result.candidates) == 1  # one name close to what was typed: "did you mean"
        text = _t("declare.buyer_ambiguous_one", acheteur=result.candidates[0].name) if one else \
            _t("declare.buyer_ambiguous", noms=choices_fr([c.name for c in result.candidates]))
        return Reply(text, buttons + [HUMAN_BUTTON])
    if outcome == "buyer_unknown":
        return Reply(_t("declare.buyer_unknown"), [HUMAN_BUTTON])
    if outcome == "below_minimum":
        return Reply(_t("declare.below_minimum", montant=money(result.minimum or 0)), [HUMAN_BUTTON])
    if outcome == "no_contract":
        return Reply(_t("declare.no_contract"), [HUMAN_BUTTON])
    key = f"declare.invalid.{result.problem}"
    return Reply(TEMPLATES[key] if key in TEMPLATES else TEMPLATES["declare.invalid.other"], [HUMAN_BUTTON])


def stage_label(stage: str) -> str:
    return LABELS.get(f"short.{stage}", stage)

