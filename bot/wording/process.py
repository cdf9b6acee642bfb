"""How indemnification works, step by step (general, or with the person's own contract terms)."""
from __future__ import annotations

from typing import List, Optional

from bot.wording.format import percent
from bot.wording.reply import Button, Reply

HUMAN_BUTTON = Button("Parler à un conseiller", "/request_human")

TEMPLATES = {
    # the whole path in one short answer; the steps below come with « Voir le détail »
    "summary_generic": (
        "Les étapes en bref : vous nous déclarez la facture impayée dans le délai du contrat. Nous relançons votre client. "
        "S’il est en faillite, déclarez aussi sa dette au mandataire judiciaire. "
        "Sinon, après le délai de carence, nous vous payons la part garantie."
    ),
    "summary_contract": (
        "Les étapes en bref : vous nous déclarez la facture dans les {dms_days} jours après l’échéance. "
        "Nous relançons votre client. S’il est en faillite, déclarez aussi sa dette au mandataire judiciaire. "
        "Sinon, après {waiting_days} jours, nous vous payons {quotite} de la perte couverte."
    ),
    "intro": "Voici les étapes, de la facture impayée jusqu’à l’indemnité, c’est-à-dire la somme que nous vous versons.",
    "step_terms": (
        "1. Le délai de paiement. La loi fixe un délai de 60 jours au plus après la date de facture, "
        "ou 45 jours fin de mois. En cas de retard, vous avez droit à 40\u00a0€ par facture pour vos frais de relance."
    ),
    "step_dms_generic": (
        "2. La déclaration. Si la facture reste impayée, vous nous la déclarez. "
        "On parle de déclaration de menace de sinistre, ou DMS : le sinistre, c’est la perte que nous couvrons. "
        "Le délai est fixé par votre contrat."
    ),
    "step_dms_contract": (
        "2. La déclaration. Si la facture reste impayée, vous nous la déclarez. "
        "On parle de déclaration de menace de sinistre, ou DMS : le sinistre, c’est la perte que nous couvrons. "
        "Votre contrat vous donne {days} jours après l’échéance pour le faire."
    ),
    "step_collection": (
        "3. Le recouvrement. Nous relançons votre client pour obtenir le paiement."
    ),
    # "souvent 3 à 6 mois", "de 60 à 95 %": public guides, not official (ooreka-indemnisation-2021,
    # e-assurance-credit-indemnisation, ace-glossaire-delai-indemnisation in bot/cap/rules/sources.yml);
    # with a contract, its own figure is given instead (the *_contract templates).
    "step_waiting_generic": (
        "4. Si le client ne paie pas, il faut attendre un délai fixé par votre contrat : le délai de carence. "
        "Sa durée dépend du contrat ; elle est souvent de 3 à 6 mois. "
        "À la fin, la perte est reconnue et nous vous payons."
    ),
    "step_waiting_contract": (
        "4. Si le client ne paie pas, il faut attendre un délai fixé par votre contrat : le délai de carence. "
        "Dans votre contrat, il dure {days} jours après l’échéance. À la fin, la perte est reconnue et nous vous payons."
    ),
    "step_insolvency": (
        "Si votre client est en redressement ou en liquidation, c’est différent. "
        "Vous devez déclarer votre créance, c’est-à-dire ce qu’il vous doit, au mandataire judiciaire, "
        "la personne nommée par le tribunal. "
        "Vous avez 2 mois après l’avis publié au BODACC, le journal officiel des entreprises."
    ),
    "step_indemnity_generic": (
        "5. L’indemnité. C’est le montant couvert multiplié par la quotité garantie, la part de la perte "
        "que nous prenons en charge. Votre contrat la fixe ; elle va souvent de 60 à 95\u00a0%."
    ),
    "step_indemnity_contract": (
        "5. L’indemnité. C’est le montant couvert multiplié par la quotité garantie, la part que nous prenons en charge. "
        "Dans votre contrat, elle est de {quotite}."
    ),
    "why_not_full": (
        "Pourquoi pas 100\u00a0% ? Une petite part de la perte reste à votre charge. "
        "Cela nous incite, vous comme nous, à bien choisir vos clients."
    ),
    "payout_contract": "Une fois la perte reconnue, votre contrat prévoit un paiement dans les {days} jours.",
    "outro": "Voulez-vous que je vous aide à déclarer une facture ?",
    # one process question at a time (bot/process_intent.py)
    "prepare": (
        "Pour déclarer une facture impayée, ayez sous la main : le nom de votre client ou son numéro SIREN, "
        "le numéro de la facture, son montant et sa date d’échéance."
    ),
    "prepare_visitor": "Connectez-vous en haut de la page : je ferai ensuite la déclaration avec vous, ici.",
    "not_yet_due_contract": (
        "Pas encore : une facture se déclare après son échéance, si elle reste impayée. "
        "Vous aurez alors {days} jours pour nous la déclarer."
    ),
    "not_yet_due_generic": (
        "Pas encore : une facture se déclare après son échéance, si elle reste impayée, "
        "dans le délai fixé par votre contrat."
    ),
    # the declaration form says the same of a late declaration (bot/wording/declare.py)
    "too_late_contract": "Votre contrat vous donne {days} jours après l’échéance pour déclarer un impayé.",
    "too_late_generic": "Le délai pour déclarer est fixé par votre contrat. Il se compte depuis l’échéance de la facture.",
    "too_late_after": (
        "Après ce délai, vous pouvez tout de même nous la déclarer : nous vous dirons si nous pouvons l’accepter."
    ),
    "too_late_sign_in": "Connectez-vous en haut de la page pour voir le délai de votre contrat.",
    # L622-24 Code de commerce: creditors declare to the mandataire within 2 months of the BODACC notice
    "insolvency_steps": (
        "Quand votre client est en redressement ou en liquidation, déclarez ce qu’il vous doit au mandataire "
        "judiciaire, dans les 2 mois après la publication du jugement au BODACC (Code de commerce, art. L622-24). "
        "Déclarez-nous aussi vos factures impayées sur ce client."
    ),
    "insolvency_claim": "Votre dossier {ref} reste ouvert chez nous : inutile de nous le déclarer à nouveau.",
    "insolvency_covered": (
        "Oui, c’est un cas couvert : la procédure collective établit la perte, puis nous vous payons la part garantie."
    ),
}


def process(terms: Optional[object] = None) -> List[Reply]:
    """``terms``: a ContractTerms of the person's contract, or None for the general explanation."""
    if terms is not None:
        summary = TEMPLATES["summary_contract"].format(dms_days=terms.dms_deadline_days,
                                                       waiting_days=terms.waiting_period_days,
                                                       quotite=percent(terms.quotite))
        dms = TEMPLATES["step_dms_contract"].format(days=terms.dms_deadline_days)
        waiting = TEMPLATES["step_waiting_contract"].format(days=terms.waiting_period_days)
        indemnity = TEMPLATES["step_indemnity_contract"].format(quotite=percent(terms.quotite))
    else:
        summary = TEMPLATES["summary_generic"]
        dms = TEMPLATES["step_dms_generic"]
        waiting = TEMPLATES["step_waiting_generic"]
        indemnity = TEMPLATES["step_indemnity_generic"]
    replies = [
        Reply(summary),
        Reply(TEMPLATES["intro"]),
        Reply(TEMPLATES["step_terms"]),
        Reply(dms),
        Reply(TEMPLATES["step_collection"]),
        Reply(waiting),
        Reply(TEMPLATES["step_insolvency"]),
        Reply(indemnity),
        Reply(TEMPLATES["why_not_full"]),
    ]
    if terms is not None and getattr(terms, "payout_delay_days", None):
        replies.append(Reply(TEMPLATES["payout_contract"].format(days=terms.payout_delay_days)))
    replies.append(Reply(TEMPLATES["outro"], [Button("Déclarer un impayé", "/declare_unpaid"), HUMAN_BUTTON]))
    return replies


def prepare(signed_in: bool) -> List[Reply]:
    """What to have at hand to declare an unpaid invoice."""
    replies = [Reply(TEMPLATES["prepare"])]
    if not signed_in:
        replies.append(Reply(TEMPLATES["prepare_visitor"]))
    return replies


def not_yet_due(terms: Optional[object] = None) -> Reply:
    """« je peux déjà déclarer ? » before the due date: not yet, and the delay that will then run."""
    days = getattr(terms, "dms_deadline_days", None)
    if days:
        return Reply(TEMPLATES["not_yet_due_contract"].format(days=days))
    return Reply(TEMPLATES["not_yet_due_generic"])


def insolvency(claim_ref: Optional[str] = None, *, asks_cover: bool = False) -> List[Reply]:
    """What receivership or liquidation changes: the mandataire within 2 months of the BODACC notice, and us."""
    first = []
    if asks_cover:
        first.append(TEMPLATES["insolvency_covered"])
    if claim_ref:
        first.append(TEMPLATES["insolvency_claim"].format(ref=claim_ref))
    return [Reply(" ".join(first + [TEMPLATES["insolvency_steps"]]), [HUMAN_BUTTON])]


def too_late(terms: Optional[object] = None, *, signed_in: bool = False) -> Reply:
    """« c'est trop tard pour déclarer ? »: the contract's delay, and what happens after it."""
    days = getattr(terms, "dms_deadline_days", None)
    parts = [TEMPLATES["too_late_contract"].format(days=days) if days else TEMPLATES["too_late_generic"],
             TEMPLATES["too_late_after"]]
    if not signed_in:
        parts.append(TEMPLATES["too_late_sign_in"])
    return Reply(" ".join(parts), [HUMAN_BUTTON])
