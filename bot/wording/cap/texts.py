"""Every sentence of the CAP wording (:data:`TEMPLATES`), and the helpers that fill them in.

Kept in one place so the tone can be reviewed at once; :mod:`bot.wording.cap.decision`,
:mod:`~bot.wording.cap.schemes` and :mod:`~bot.wording.cap.form` build the replies from them.
"""
from __future__ import annotations

from decimal import Decimal
from typing import List

from bot.wording.format import percent
from bot.wording.reply import Button

__all__ = ["HUMAN_BUTTON", "INTRO_KEY", "TEMPLATES", "fill", "list_fr", "ratio_words", "years_words"]

try:  # the shared "talk to a person" button, when the core wording is there
    from bot.wording.core import HUMAN_BUTTON
except ImportError:  # pragma: no cover
    HUMAN_BUTTON = Button("Parler à un conseiller", "/request_human")

TEMPLATES = {
    # what each scheme is (jargon explained on first use); we, the insurer, speak as "nous"
    "intro_cap": (
        "Le CAP, c’est le complément d’assurance-crédit public. "
        "C’est une garantie de l’État qui s’ajoute à la nôtre, "
        "quand nous ne couvrons qu’une partie de ce que vous vendez à un client."
    ),
    "intro_cap_plus": (
        "Le CAP+ sert quand nous refusons ou retirons notre garantie sur un client. "
        "L’État prend alors le relais, jusqu’à un plafond."
    ),
    "intro_cap_francexport": (
        "Cap Francexport, c’est le même complément de l’État, pour un client à l’étranger. "
        "Bpifrance le gère au nom de l’État, et la demande passe par nous."
    ),
    "intro_cap_plus_francexport": (
        "Cap+ Francexport sert quand nous refusons de couvrir un client à l’étranger. "
        "L’État prend le relais, avec un plafond qui dépend du niveau de risque du pays."
    ),
    "intro_cap_relais": (
        "Cap Relais était un accord entre l’État et les assureurs-crédit : l’État prenait une part "
        "de nos pertes et recevait en échange une part de nos primes. Le but était que nous gardions "
        "vos garanties ouvertes. Vous n’aviez rien à demander."
    ),
    # results
    "full_cover": (
        "Nous couvrons déjà toute la somme demandée, soit {granted_amount}. "
        "Vous n’avez pas besoin d’une aide de l’État sur ce client."
    ),
    "topup_now": (
        "Nous vous couvrons pour {granted_amount} sur les {requested_amount} demandés. "
        "Le {scheme} peut ajouter {public_amount}. Vous seriez donc couvert pour {total_amount} en tout."
    ),
    "topup_then": (
        "Pour une vente du {transaction_date}, nous couvrions {granted_amount} "
        "sur les {requested_amount} demandés. Le {scheme} pouvait ajouter {public_amount}, "
        "soit {total_amount} en tout."
    ),
    "topup_rule_then": (
        "La règle à cette date : l’aide de l’État allait jusqu’à {ratio_words}la somme que nous donnions. "
        "Elle ne dépassait pas ce que vous demandiez."
    ),
    "topup_rule_now": (
        "La règle : l’aide de l’État va jusqu’à {ratio_words}la somme que nous donnons. "
        "Elle ne dépasse pas ce que vous demandez."
    ),
    "topup_unknown": (
        "Pour une vente du {transaction_date}, nous couvrions {granted_amount} sur les {requested_amount} "
        "demandés. Je n’ai pas de source sûre sur ce que le {scheme} pouvait ajouter à cette période : "
        "nous devons le vérifier avec vous."
    ),
    "before_reinforcement": (
        "Cap Francexport existait déjà à cette date : Bpifrance l’a lancé le {launch_date}. "
        "Il ne couvrait alors que certains pays, choisis par le ministre de l’Économie."
    ),
    "substitute_now": (
        "Nous avons refusé ou retiré notre garantie sur ce client. "
        "Le {scheme} peut prendre le relais jusqu’à {public_amount}."
    ),
    "substitute_then": (
        "Pour une vente du {transaction_date}, après un refus de notre part, "
        "le {scheme} pouvait prendre le relais jusqu’à {public_amount}."
    ),
    "substitute_ceiling_then": "Le plafond était de {ceiling_amount} par client à cette date.",
    "substitute_ceiling_now": "Le plafond est de {ceiling_amount} par client.",
    "substitute_ceiling_example": (
        "Ce plafond de {ceiling_amount} par client vient de l’exemple publié en mars 2021. "
        "Le plafond exact dépend de votre client : nous devons vous le confirmer."
    ),
    "substitute_ceiling_summary": (
        "Ce plafond de {ceiling_amount} vient de résumés publics. Nous devons vous le confirmer."
    ),
    "substitute_quotite_then": (
        "En cas de perte, nous vous payions au plus {quotite_max} de la somme couverte : "
        "c’est la quotité garantie. L’État nous réassurait, mais nous gardions au moins "
        "{retained_share} du risque."
    ),
    "substitute_quotite_now": (
        "En cas de perte, nous vous payons au plus {quotite_max} de la somme couverte : "
        "c’est la quotité garantie. L’État nous réassure, mais nous gardons au moins "
        "{retained_share} du risque."
    ),
    "cover_unknown": (
        "Je ne peux pas encore chiffrer le plafond. Il dépend de la catégorie de risque du pays, "
        "c’est-à-dire du niveau de risque que l’État donne à ce pays. Nous devons vous confirmer cette catégorie."
    ),
    "cover_example": "À titre d’exemple, des résumés publics donnent {ceilings}.",
    "cover_unknown_period": (
        "Je n’ai pas de source sûre sur les plafonds de cette période. Ils dépendaient de la catégorie "
        "de risque du pays, c’est-à-dire du niveau de risque que l’État lui donne. "
        "Nous devons les vérifier avec vous."
    ),
    "category_not_covered_to_confirm": (
        "D’après des résumés publics, l’État ne couvrait pas les pays de catégorie {category}, "
        "les plus risqués. Nous devons vous le confirmer."
    ),
    "depends_turnover_then": (
        "Pour une grande entreprise, tout dépend du chiffre d’affaires. À cette date, le {scheme} était "
        "réservé aux entreprises sous {limit_amount}. Je ne peux donc pas vous donner de montant."
    ),
    "depends_turnover_now": (
        "Pour une grande entreprise, tout dépend du chiffre d’affaires. Le {scheme} est réservé "
        "aux entreprises sous {limit_amount}. Je ne peux donc pas vous donner de montant."
    ),
    "not_eligible_then": "Pour une vente du {transaction_date}, le {scheme} ne pouvait pas s’appliquer.",
    "not_eligible_now": "Pour cette vente, le {scheme} ne peut pas s’appliquer.",
    # why not
    "why_before_start": "Ce dispositif n’existait pas encore à cette date. Il a commencé le {start_date}.",
    "why_before_start_launched": (
        "À cette date, Cap Francexport n’existait pas encore : Bpifrance l’a lancé le {start_date}."
    ),
    "why_before_start_reactivated": (
        "Ce dispositif n’était pas ouvert à cette date. Il avait servi pendant la {first_period}, "
        "et l’État l’a réactivé le {start_date}."
    ),
    "not_yet_open": "À cette date, ce dispositif n’était pas encore ouvert. Il a commencé le {start_date}.",
    "not_yet_open_reactivated": (
        "À cette date, ce dispositif n’était pas ouvert. L’État l’a réactivé le {start_date}."
    ),
    "why_after_end": "Ce dispositif était déjà fermé. La dernière date possible était le {end_date}.",
    "why_after_end_future": (
        "Ce dispositif prend fin le {end_date}. Une vente du {transaction_date} ne pourra pas en profiter."
    ),
    "why_turnover": (
        "Il était réservé aux entreprises dont le chiffre d’affaires restait sous {limit_amount}."
    ),
    "why_company_age": "Il était réservé aux entreprises créées depuis au moins {years} ans.",
    "why_currency": "La vente devait être en euros ou en dollars.",
    "why_credit_term": "Le délai de paiement ne devait pas dépasser {max_days} jours.",
    "why_french_content": (
        "La part française de ce que vous vendez, c’est-à-dire la part de sa valeur faite en France, "
        "devait être d’au moins {min_share}."
    ),
    "why_country_closed": "L’État ne couvre pas les ventes vers ce pays.",
    "why_country_marketable": (
        "Pour ce pays, l’aide de l’État n’est plus ouverte : les assureurs privés peuvent couvrir "
        "ce risque eux-mêmes."
    ),
    "why_category": (
        "Ce pays est dans la catégorie de risque {category}, la plus risquée : l’État ne le couvrait pas."
    ),
    # still to check
    "to_check": "Il reste à vérifier avec nous : {items}.",
    "check_turnover": "votre chiffre d’affaires",
    "check_company_age": "que votre entreprise existe depuis au moins {years} ans",
    "check_credit_term": "le délai de paiement accordé au client",
    "check_french_content": "la part française de la vente (la part de sa valeur faite en France)",
    "check_category": "la catégorie de risque du pays (le niveau de risque que l’État lui donne)",
    "check_buyer_risk": "si le risque sur ce client reste acceptable",
    "check_refusal_notice": "notre lettre de refus ou de retrait, à garder",
    "check_currency": "le plafond dans votre devise",
    "check_country_eligible": "si ce pays était sur la liste fixée par l’État",
    "check_country_marketable": "si l’État couvre encore ce pays à la date de votre vente",
    "check_country_closed": "si l’État couvre les ventes vers ce pays",
    # open / closed today
    "closed": (
        "Le {scheme} a pris fin le {end_date}. "
        "Depuis le {closed_date}, on ne peut plus faire de nouvelle demande."
    ),
    "closed_but_then": "Je vous explique tout de même ce qui s’appliquait à la date de votre vente.",
    "last_rule_topup_then": (
        "L’aide allait jusqu’à {ratio_words}la somme que nous donnions. "
        "C’était vrai jusqu’au {end_date}."
    ),
    "last_rule_topup_now": (
        "L’aide va jusqu’à {ratio_words}la somme que nous donnons. C’est vrai jusqu’au {end_date}."
    ),
    "last_rule_substitute_then": "Jusqu’au {end_date}, il pouvait couvrir jusqu’à {ceiling_amount} par client.",
    "last_rule_substitute_now": "Jusqu’au {end_date}, il peut couvrir jusqu’à {ceiling_amount} par client.",
    "last_rule_substitute_example_then": (
        "Jusqu’au {end_date}, il pouvait couvrir jusqu’à {ceiling_amount} par client dans l’exemple "
        "publié en mars 2021. Ce plafond reste à confirmer."
    ),
    "last_rule_substitute_example_now": (
        "Jusqu’au {end_date}, il peut couvrir jusqu’à {ceiling_amount} par client dans l’exemple "
        "publié en mars 2021. Ce plafond reste à confirmer."
    ),
    "open_to_confirm": (
        "D’après nos informations, ce dispositif reste ouvert, mais sa date de fin n’est pas connue. "
        "Nous vous dirons s’il s’applique à votre cas."
    ),
    "open_now": "Ce dispositif est ouvert. La demande se fait auprès de nous.",
    "alternatives": (
        "D’autres pistes restent possibles. Votre conseiller peut revoir avec vous la limite "
        "accordée sur ce client. Vous pouvez aussi demander des garanties à votre client, "
        "comme un acompte ou une caution de sa banque."
    ),
    "no_price": (
        "Je ne peux pas vous donner de prix pour cette garantie : il dépend de votre contrat "
        "et de votre client. Nous vous l’indiquerons avant tout engagement."
    ),
    "cap_relais_then": (
        "À cette date, Cap Relais s’appliquait aussi : l’État prenait {state_share} de nos pertes "
        "et recevait en échange une part de nos primes. Vous n’aviez rien à demander. "
        "Il a pris fin le {end_date}."
    ),
    "cap_relais_now": (
        "Cap Relais est aussi en place depuis le {agreed_date} : l’État prend {state_share} de nos pertes "
        "et reçoit en échange une part de nos primes. Vous n’avez rien à demander. "
        "Il est prévu jusqu’au {end_date}."
    ),
    "cap_relais_before_agreement": (
        "Cap Relais, mis en place le {agreed_date}, a aussi couvert les ventes faites à partir "
        "du {start_date}. Ce point reste à confirmer."
    ),
    "relais_closed": "Il a pris fin le {end_date}.",
    "relais_not_yet": "À cette date, Cap Relais n’existait pas encore : l’accord date du {agreed_date}.",
    "to_confirm": "Certains chiffres restent à confirmer. Nous vous donnerons la réponse exacte.",
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
    "ask_cap_requested": "Quelle somme vouliez-vous faire couvrir sur ce client ? Par exemple : 600\u202f000\u00a0€.",
    "ask_cap_granted": (
        "Et qu’avons-nous accordé sur ce client ? Donnez un montant, ou dites « refusé »."
    ),
    "ask_cap_country": "Dans quel pays est ce client ? Par exemple : en France, ou en Allemagne.",
    "ask_cap_transaction_date": (
        "À quelle date a eu lieu la vente ? Par exemple : 31/03/2021. "
        "Pour une vente à venir, dites « aujourd’hui »."
    ),
    "bad_cap_amount": "Je n’ai pas compris ce montant. Écrivez-le en chiffres, par exemple 200\u202f000\u00a0€.",
    "amount_ambiguous": "Je veux être sûr du montant : voulez-vous dire {first_amount} ou {second_amount} ?",
    "bad_cap_granted": (
        "Je n’ai pas compris. Donnez la somme accordée, par exemple 200\u202f000\u00a0€, ou dites « refusé »."
    ),
    "bad_cap_country": "Je ne connais pas ce pays. Donnez son nom, par exemple Allemagne ou Maroc.",
    "bad_cap_date": "Je n’ai pas compris cette date. Écrivez-la comme ceci : 31/03/2021.",
    "form_stopped": (
        "D’accord, j’arrête là. Je n’ai rien gardé de vos réponses. "
        "Que puis-je faire d’autre pour vous ?"
    ),
    "form_back": "Revenons à votre question sur ce client.",
    "from_store_partial": (
        "J’ai repris votre agrément sur {buyer}. Vous aviez demandé {requested_amount}. "
        "Nous avons accordé {granted_amount}."
    ),
    "from_store_refused": (
        "J’ai repris votre agrément sur {buyer}. Vous aviez demandé {requested_amount}. "
        "Nous avons refusé ou retiré notre garantie."
    ),
    "from_store_partial_then": (
        "J’ai repris votre agrément sur {buyer} au {transaction_date}. Vous aviez demandé "
        "{requested_amount}. Nous avions accordé {granted_amount}."
    ),
    "from_store_refused_then": (
        "J’ai repris votre agrément sur {buyer} au {transaction_date}. Vous aviez demandé "
        "{requested_amount}. Nous avions refusé ou retiré notre garantie."
    ),
    "limit_unknown_then": (
        "Je n’ai pas la limite que nous vous accordions sur {buyer} au {transaction_date}. "
        "Je vais donc vous la demander."
    ),
    "buyer_unknown": "Je ne trouve pas ce client dans vos agréments. Je vais donc vous demander les chiffres.",
    "buyer_ambiguous": "J’ai plusieurs clients proches de ce nom : {names}. Lequel est le bon ?",
    "buyer_ambiguous_one": "Parlez-vous de votre client {names} ?",
    "what_then_ask": (
        "Pour savoir ce que l’aide de l’État aurait ajouté, j’ai besoin de deux choses : la date "
        "de la vente, et la limite que nous vous accordions alors sur ce client."
    ),
    "other_date": (
        "Si votre vente date d’avant, donnez-moi sa date, par exemple 31/03/2021. Je refais le calcul."
    ),
    "overview": (
        "En 2020, face à la crise, l’État a renforcé son soutien à l’assurance-crédit. "
        "Il a réactivé le CAP et le CAP+, créés lors de la crise de 2008. Pour l’export, il a élargi "
        "Cap Francexport, lancé en 2018, avec Cap+ Francexport. Il a aussi mis en place Cap Relais "
        "en juin 2020. Je peux vous expliquer chacune de ces aides."
    ),
    "overview_closed": (
        "Pour un client en France, le CAP et le CAP+ sont fermés depuis le {closed_date}. "
        "Cap Relais a pris fin le {relais_end}."
    ),
    "overview_export": (
        "Pour un client à l’étranger, Cap Francexport existe encore d’après nos informations. "
        "Nous vous dirons s’il s’applique."
    ),
    "overview_next": "Si vous voulez savoir ce qui s’applique à un client, dites-moi : « suis-je éligible ? »",
})


def ratio_words(ratio: Decimal) -> str:
    """Words before "la somme": 2 -> "deux fois ", 1 -> "", 0.5 -> "la moitié de "."""
    ratio = Decimal(str(ratio))
    words = {Decimal(1): "", Decimal(2): "deux fois ", Decimal(3): "trois fois ",
             Decimal("0.5"): "la moitié de "}
    return words.get(ratio, percent(ratio) + " de ")


def years_words(years: int) -> str:
    """2 -> "deux": small numbers in words, easier to read and to say."""
    return {1: "un", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq"}.get(int(years), str(years))


def list_fr(items: List[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def fill(key: str, **values) -> str:
    return TEMPLATES[key].format(**values)
