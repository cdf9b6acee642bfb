"""French wording of the glossary and of the contract’s values, one at a time.

The definitions come from bot/glossary.yml (one data file); they are listed in TEMPLATES too,
so the readability test scores them like every other sentence.
"""
from __future__ import annotations

from typing import List, Optional, Sequence

from bot import glossary
from bot.wording.core import HUMAN_BUTTON
from bot.wording.format import money, percent
from bot.wording.reply import Reply

TEMPLATES = {
    "value.quotite": "Dans votre contrat, la quotité garantie est de {quotite}.",
    "value.deductible": "Dans votre contrat, la franchise est de {montant}.",
    "value.deductible_none": "Votre contrat n’a pas de franchise : rien n’est déduit de l’indemnité.",
    "value.minimum_claim_amount": "Dans votre contrat, le montant minimum pour déclarer un impayé est de {montant}.",
    "value.minimum_claim_amount_none": "Votre contrat ne fixe pas de montant minimum pour déclarer un impayé.",
    "value.waiting_period_days": "Dans votre contrat, le délai de carence est de {jours} jours après l’échéance.",
    "value.dms_deadline_days": "Votre contrat vous donne {jours} jours après l’échéance pour déclarer un impayé.",
    "value.max_credit_term_days": (
        "Dans votre contrat, la durée maximale de crédit est de {jours} jours : "
        "c’est le plus long délai de paiement que vous pouvez accorder."
    ),
    "value.payout_delay_days": "Votre contrat prévoit de vous payer dans les {jours} jours après la perte reconnue.",
    "value.no_contract": "Je ne trouve pas de contrat en cours à votre nom. Un conseiller peut vous aider.",
    "value.sign_in": "Pour vous donner le chiffre de votre contrat, connectez-vous en haut de la page.",
    "unknown": (
        "Je n’ai pas de définition pour ce mot. Dites-moi le mot exact, par exemple franchise ou quotité. "
        "Un conseiller peut aussi vous répondre."
    ),
}
TEMPLATES.update({f"term.{key}": term.definition for key, term in glossary.terms().items()})


def contract_value(field: str, terms) -> Optional[str]:
    """The sentence that gives the value of ``field`` in the contract ``terms``."""
    value = getattr(terms, field, None)
    if value is None:
        return None
    if field == "quotite":
        return TEMPLATES["value.quotite"].format(quotite=percent(value))
    if field in ("deductible", "minimum_claim_amount"):
        if not value:
            return TEMPLATES[f"value.{field}_none"]
        return TEMPLATES[f"value.{field}"].format(montant=money(value))
    return TEMPLATES[f"value.{field}"].format(jours=value)


def definitions(keys: Sequence[str], terms=None, *, signed_in: bool = False) -> Reply:
    """One short answer per term: this contract’s value first (when signed in), then what it means.

    With several terms, the values come first and the definitions are left out when more than two
    terms are asked (the answer stays short)."""
    if not keys:
        return Reply(TEMPLATES["unknown"], [HUMAN_BUTTON])
    lines: List[str] = []
    asked_value = False
    for key in keys:
        term = glossary.get(key)
        if term is None:
            continue
        sentence = contract_value(term.contract, terms) if (term.contract and terms is not None) else None
        if term.contract:
            asked_value = True
        if sentence:
            lines.append(sentence if len(keys) > 2 else f"{sentence} {term.definition}")
        else:
            lines.append(term.definition)
    if asked_value and terms is None:
        lines.append(TEMPLATES["value.sign_in"] if not signed_in else TEMPLATES["value.no_contract"])
    return Reply("\n".join(lines), [HUMAN_BUTTON])
