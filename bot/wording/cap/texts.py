"""Every sentence of the CAP wording (:data:`TEMPLATES`), and the helpers that fill them in.

Kept in one place so the tone can be reviewed at once; :mod:`bot.wording.cap.decision`,
:mod:`~bot.wording.cap.schemes` and :mod:`~bot.wording.cap.form` build the replies from them.
"""
from __future__ import annotations

from decimal import Decimal
from typing import List

from bot.wording.format import percent
from bot.wording.reply import Button

__all__ = ["HUMAN_BUTTON", "INTRO_KEY", "TEMPLATES", "fill", "list_fr", "ratio_words"]

try:  # the shared "talk to a person" button, when the core wording is there
    from bot.wording.core import HUMAN_BUTTON
except ImportError:  # pragma: no cover
    HUMAN_BUTTON = Button("Parler à un conseiller", "/request_human")

TEMPLATES = {
    # what each scheme is (jargon explained on first use)
    "intro_cap": (
        "Le CAP, c'est le complément d'assurance-crédit public. "
        "C'est une garantie de l'État qui s'ajoute à celle de votre assureur, "
        "quand il ne couvre qu'une partie de ce que vous vendez à un client."
    ),
    "intro_cap_plus": (
        "Le CAP+ sert quand votre assureur refuse ou retire sa garantie sur un client. "
        "L'État prend alors le relais, jusqu'à un plafond."
    ),
    "intro_cap_francexport": (
        "Cap Francexport, c'est le même complément de l'État, pour un client à l'étranger. "
        "Il est géré par Bpifrance pour le compte de l'État."
    ),
    "intro_cap_plus_francexport": (
        "Cap+ Francexport sert quand votre assureur refuse de couvrir un client à l'étranger. "
        "L'État prend le relais, avec un plafond qui dépend du pays."
    ),
    "intro_cap_relais": (
        "Cap Relais était un accord entre l'État et les assureurs : l'État prenait une part des pertes. "
        "Le but était que les assureurs gardent vos garanties ouvertes. Vous n'aviez rien à demander."
    ),
    # results
    "full_cover": (
        "Votre assureur couvre déjà toute la somme demandée, soit {granted_amount}. "
        "Vous n'avez pas besoin d'une aide de l'État sur ce client."
    ),
    "topup_now": (
        "Votre assureur vous couvre pour {granted_amount} sur les {requested_amount} demandés. "
        "Le {scheme} peut ajouter {public_amount}. Vous seriez donc couvert pour {total_amount} en tout."
    ),
    "topup_then": (
        "Pour une vente du {transaction_date}, votre assureur couvrait {granted_amount} "
        "sur les {requested_amount} demandés. Le {scheme} pouvait ajouter {public_amount}, "
        "soit {total_amount} en tout."
    ),
    "topup_rule_then": (
        "La règle à cette date : l'aide de l'État allait jusqu'à {ratio_words}la somme que donnait "
        "votre assureur. Elle ne dépassait pas ce que vous demandiez."
    ),
    "topup_rule_now": (
        "La règle : l'aide de l'État va jusqu'à {ratio_words}la somme que donne votre assureur. "
        "Elle ne dépasse pas ce que vous demandez."
    ),
    "substitute_now": (
        "Votre assureur a refusé ou retiré sa garantie sur ce client. "
        "Le {scheme} peut prendre le relais jusqu'à {public_amount}."
    ),
    "substitute_then": (
        "Pour une vente du {transaction_date}, après un refus de votre assureur, "
        "le {scheme} pouvait prendre le relais jusqu'à {public_amount}."
    ),
    "substitute_ceiling_then": "Le plafond était de {ceiling_amount} par client à cette date.",
    "substitute_ceiling_now": "Le plafond est de {ceiling_amount} par client.",
    "substitute_quotite_then": (
        "En cas de perte, l'État payait au plus {quotite_max} de la somme couverte. "
        "C'est ce qu'on appelle la quotité. Votre assureur gardait au moins {retained_share} du risque."
    ),
    "substitute_quotite_now": (
        "En cas de perte, l'État paie au plus {quotite_max} de la somme couverte. "
        "C'est ce qu'on appelle la quotité. Votre assureur garde au moins {retained_share} du risque."
    ),
    "cover_unknown": (
        "Je ne peux pas encore chiffrer le plafond : il dépend de la catégorie de risque du pays. "
        "Votre assureur vous la donnera."
    ),
    "not_eligible_then": "Pour une vente du {transaction_date}, le {scheme} ne pouvait pas s'appliquer.",
    "not_eligible_now": "Pour cette vente, le {scheme} ne peut pas s'appliquer.",
    # why not
    "why_before_start": "Ce dispositif n'existait pas encore. Il a commencé le {start_date}.",
    "why_after_end": "Ce dispositif était déjà fermé. La dernière date possible était le {end_date}.",
    "why_turnover": (
        "Il était réservé aux entreprises dont le chiffre d'affaires restait sous {limit_amount}."
    ),
    "why_currency": "La vente devait être en euros ou en dollars.",
    "why_credit_term": "Le délai de paiement ne devait pas dépasser {max_days} jours.",
    "why_french_content": "La part française de ce que vous vendez devait être d'au moins {min_share}.",
    "why_country_closed": "L'État ne couvre pas les ventes vers ce pays.",
    "why_country_marketable": (
        "Ce pays fait partie de ceux que les assureurs privés couvrent eux-mêmes. "
        "L'aide de l'État n'y est plus ouverte."
    ),
    "why_category": "Ce pays est classé trop risqué : l'État ne le couvrait pas.",
    # still to check
    "to_check": "Il reste à voir avec votre assureur : {items}.",
    "check_turnover": "votre chiffre d'affaires",
    "check_credit_term": "le délai de paiement accordé au client",
    "check_french_content": "la part française de la vente",
    "check_category": "la catégorie de risque du pays",
    "check_buyer_risk": "si le risque sur ce client reste acceptable",
    "check_refusal_notice": "sa lettre de refus ou de retrait, à garder",
    "check_currency": "le plafond dans votre devise",
    # open / closed today
    "closed": (
        "Le {scheme} a pris fin le {end_date}. "
        "Depuis le {closed_date}, on ne peut plus faire de nouvelle demande."
    ),
    "closed_but_then": "Je vous explique tout de même ce qui s'appliquait à la date de votre vente.",
    "last_rule_topup": (
        "L'aide allait jusqu'à {ratio_words}la somme que donnait votre assureur. "
        "C'était vrai jusqu'au {end_date}."
    ),
    "last_rule_substitute": "Jusqu'au {end_date}, il pouvait couvrir jusqu'à {ceiling_amount} par client.",
    "open_to_confirm": (
        "D'après nos informations, ce dispositif reste ouvert, mais sa date de fin n'est pas connue. "
        "Votre assureur vous dira s'il s'applique à votre cas."
    ),
    "open_now": "Ce dispositif est ouvert. La demande se fait auprès de votre assureur.",
    "not_yet_open": "À cette date, ce dispositif n'était pas encore ouvert. Il a commencé le {start_date}.",
    "alternatives": (
        "D'autres pistes restent possibles. Votre conseiller peut revoir avec vous la limite "
        "accordée sur ce client. Vous pouvez aussi demander des garanties à votre client, "
        "comme un acompte ou une caution de sa banque."
    ),
    "no_price": (
        "Je ne peux pas vous donner de prix pour cette garantie : il n'existe pas de tarif public. "
        "Votre assureur vous le dira."
    ),
    "cap_relais_then": (
        "À cette date, Cap Relais était aussi en place : l'État prenait {state_share} des pertes "
        "des assureurs. Vous n'aviez rien à demander. Il a pris fin le {end_date}."
    ),
    "cap_relais_now": (
        "Cap Relais est aussi en place : l'État prend {state_share} des pertes des assureurs. "
        "Vous n'avez rien à demander. Il doit durer jusqu'au {end_date}."
    ),
    "relais_closed": "Il a pris fin le {end_date}.",
    "to_confirm": "Certains chiffres restent à confirmer. Votre assureur a le dernier mot.",
    "human": "Si vous le voulez, un conseiller peut regarder votre cas avec vous.",
}

INTRO_KEY = {
    "CAP": "intro_cap",
    "CAP+": "intro_cap_plus",
    "CAP Francexport": "intro_cap_francexport",
    "CAP+ Francexport": "intro_cap_plus_francexport",
    "Cap Relais": "intro_cap_relais",
}

# ---- the CAP conversation (questions of the eligibility form, answers from the store) ---------------

TEMPLATES.update({
    "ask_cap_buyer": (
        "Sur quel client porte votre question ? Donnez son nom : je reprends les chiffres de votre "
        "agrément. Si vous préférez me donner les chiffres, répondez « aucun »."
    ),
    "ask_cap_requested": "Quelle somme vouliez-vous faire couvrir sur ce client ? Par exemple : 600 000 €.",
    "ask_cap_granted": (
        "Et qu'a accordé votre assureur sur ce client ? Donnez un montant, ou dites « refusé »."
    ),
    "ask_cap_country": "Dans quel pays est ce client ? Par exemple : en France, ou en Allemagne.",
    "ask_cap_transaction_date": (
        "À quelle date a eu lieu la vente ? Par exemple : 31/03/2021. "
        "Pour une vente à venir, dites « aujourd'hui »."
    ),
    "bad_cap_amount": "Je n'ai pas compris ce montant. Écrivez-le en chiffres, par exemple 200 000 €.",
    "bad_cap_granted": (
        "Je n'ai pas compris. Donnez la somme accordée, par exemple 200 000 €, ou dites « refusé »."
    ),
    "bad_cap_country": "Je ne connais pas ce pays. Donnez son nom, par exemple Allemagne ou Maroc.",
    "bad_cap_date": "Je n'ai pas compris cette date. Écrivez-la comme ceci : 31/03/2021.",
    "form_stopped": (
        "D'accord, j'arrête là. Je n'ai rien gardé de vos réponses. "
        "Que puis-je faire d'autre pour vous ?"
    ),
    "form_back": "Revenons à votre question sur ce client.",
    "from_store_partial": (
        "J'ai repris votre agrément sur {buyer}. Vous aviez demandé {requested_amount}. "
        "Votre assureur a accordé {granted_amount}."
    ),
    "from_store_refused": (
        "J'ai repris votre agrément sur {buyer}. Vous aviez demandé {requested_amount}. "
        "Votre assureur a refusé ou retiré sa garantie."
    ),
    "buyer_unknown": "Je ne trouve pas ce client dans vos agréments. Je vais donc vous demander les chiffres.",
    "buyer_ambiguous": "J'ai plusieurs clients proches de ce nom : {names}. Lequel est le bon ?",
    "what_then_topup": (
        "Pour une vente du {transaction_date}, le {scheme} aurait pu ajouter {public_amount}, "
        "soit {total_amount} en tout."
    ),
    "what_then_substitute": (
        "Pour une vente du {transaction_date}, le {scheme} aurait pu prendre le relais "
        "jusqu'à {public_amount}."
    ),
    "other_date": (
        "Si votre vente date d'avant, donnez-moi sa date, par exemple 31/03/2021. Je refais le calcul."
    ),
    "overview": (
        "En 2020, l'État a créé des aides pour l'assurance-crédit. Il y en a cinq : le CAP, le CAP+, "
        "Cap Francexport, Cap+ Francexport et Cap Relais. Je peux vous expliquer chacune."
    ),
    "overview_closed": (
        "Pour un client en France, le CAP et le CAP+ sont fermés depuis le {closed_date}. "
        "Cap Relais a pris fin le {relais_end}."
    ),
    "overview_export": (
        "Pour un client à l'étranger, Cap Francexport existe encore d'après nos informations. "
        "Votre assureur vous dira s'il s'applique."
    ),
    "overview_next": "Si vous voulez savoir ce qui s'applique à un client, dites-moi : « suis-je éligible ? »",
})


def ratio_words(ratio: Decimal) -> str:
    """Words before "la somme": 2 -> "deux fois ", 1 -> "", 0.5 -> "la moitié de "."""
    ratio = Decimal(str(ratio))
    words = {Decimal(1): "", Decimal(2): "deux fois ", Decimal(3): "trois fois ",
             Decimal("0.5"): "la moitié de "}
    return words.get(ratio, percent(ratio) + " de ")


def list_fr(items: List[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def fill(key: str, **values) -> str:
    return TEMPLATES[key].format(**values)
