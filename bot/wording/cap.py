"""French wording of the public top-up schemes (CAP, CAP+, Cap Francexport, Cap Relais).

``decision_reply(decision)`` turns a :class:`bot.cap.engine.Decision` into a reply;
``scheme_reply(name, as_of)`` explains one scheme in general (what it was, whether it is closed).
Never quotes a price: no public tariff exists.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import List, Optional

from bot.wording.format import day, money, percent
from bot.wording.reply import Button, Reply, join

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
WHY_KEY = {
    "company_turnover": "why_turnover",
    "currency": "why_currency",
    "credit_term": "why_credit_term",
    "french_content": "why_french_content",
    "country_not_closed": "why_country_closed",
    "country_not_marketable": "why_country_marketable",
    "country_category": "why_category",
}
CHECK_KEY = {
    "company_turnover": "check_turnover",
    "credit_term": "check_credit_term",
    "french_content": "check_french_content",
    "country_category": "check_category",
    "buyer_risk_acceptable": "check_buyer_risk",
    "refusal_notice_held": "check_refusal_notice",
    "ceiling_currency": "check_currency",
}


def ratio_words(ratio: Decimal) -> str:
    """Words before "la somme": 2 -> "deux fois ", 1 -> "", 0.5 -> "la moitié de "."""
    ratio = Decimal(str(ratio))
    words = {Decimal(1): "", Decimal(2): "deux fois ", Decimal(3): "trois fois ",
             Decimal("0.5"): "la moitié de "}
    return words.get(ratio, percent(ratio) + " de ")


def _list_fr(items: List[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def _t(key: str, **values) -> str:
    return TEMPLATES[key].format(**values)


def _label(scheme: str) -> str:
    """Name as it follows "Le" in a sentence."""
    return scheme


def decision_reply(decision) -> Reply:
    """Explain a :class:`bot.cap.engine.Decision` in plain French."""
    d = decision
    buttons = [HUMAN_BUTTON]
    if d.scheme is None:
        return Reply(join(_t("full_cover", granted_amount=money(d.insurer_cover)), _t("human")), buttons)

    parts: List[Optional[str]] = [TEMPLATES[INTRO_KEY[d.scheme]]]
    in_force = d.reason("in_force_at_transaction_date")
    after_end = in_force is not None and in_force.met is False and in_force.data.get("position") == "after_end"
    before_start = in_force is not None and in_force.met is False and in_force.data.get("position") == "before_start"
    topup = d.reason("topup_ratio")
    open_reason = d.reason("open_to_new_requests")

    # 1. today: closed or open
    if d.closed_to_new_requests and open_reason is not None:
        parts.append(_t("closed", scheme=_label(d.scheme), end_date=day(open_reason.data["last_open_day"]),
                        closed_date=day(open_reason.data["closed_since"])))
        if not after_end and not before_start:
            parts.append(TEMPLATES["closed_but_then"])

    # 2. what applied at the transaction date
    then = d.transaction_date < d.as_of or d.closed_to_new_requests
    tense = "then" if then else "now"
    if d.eligible:
        if topup is not None:
            key = "topup_then" if then else "topup_now"
            parts.append(_t(key, transaction_date=day(d.transaction_date), granted_amount=money(d.insurer_cover),
                            requested_amount=money(d.requested), scheme=_label(d.scheme),
                            public_amount=money(d.public_cover), total_amount=money(d.total_cover)))
            parts.append(_t(f"topup_rule_{tense}", ratio_words=ratio_words(topup.data["ratio"])))
        elif d.public_cover is None:
            parts.append(TEMPLATES["cover_unknown"])
        else:
            key = "substitute_then" if then else "substitute_now"
            parts.append(_t(key, transaction_date=day(d.transaction_date), scheme=_label(d.scheme),
                            public_amount=money(d.public_cover)))
            ceiling = d.reason("ceiling_per_buyer")
            if ceiling is not None and ceiling.data.get("ceiling") is not None \
                    and ceiling.data["ceiling"] < d.requested:
                parts.append(_t(f"substitute_ceiling_{tense}", ceiling_amount=money(ceiling.data["ceiling"])))
            q, share = d.reason("quotite_max"), d.reason("insurer_retained_share")
            if q is not None and share is not None:
                parts.append(_t(f"substitute_quotite_{tense}", quotite_max=percent(q.data["max"]),
                                retained_share=percent(share.data["min_share"])))
        checks = [TEMPLATES[CHECK_KEY[r.code]] for r in d.to_check if r.code in CHECK_KEY]
        if checks:
            parts.append(_t("to_check", items=_list_fr(checks)))
    elif before_start:
        parts.append(_t("not_yet_open" if d.transaction_date >= d.as_of else "why_before_start",
                        start_date=day(in_force.data["first_day"])))
    elif after_end:
        if not d.closed_to_new_requests:
            parts.append(_t("why_after_end", end_date=day(in_force.data["last_day"])))
        parts.append(_last_rule(d))
    else:
        parts.append(_t(f"not_eligible_{tense}", transaction_date=day(d.transaction_date), scheme=_label(d.scheme)))
        for r in d.unmet:
            if r.code in WHY_KEY:
                parts.append(_why(r))

    relais = d.reason("cap_relais_in_force")
    if relais is not None and relais.data.get("valid_to") is not None:
        end = _relais_end(d)
        parts.append(_t("cap_relais_then" if d.as_of > end else "cap_relais_now",
                        state_share=percent(relais.data["state_share"]), end_date=day(end)))

    # 3. what to do now
    if d.closed_to_new_requests or not d.eligible:
        parts.append(TEMPLATES["alternatives"])
    elif d.open_to_new_requests:
        parts.append(TEMPLATES["open_to_confirm"] if d.closure_confidence != "confirmed" else TEMPLATES["open_now"])
        parts.append(TEMPLATES["no_price"])
    if d.to_confirm and d.eligible:
        parts.append(TEMPLATES["to_confirm"])
    parts.append(TEMPLATES["human"])
    return Reply(join(*parts), buttons)


def _relais_end(d) -> date:
    from bot.cap.rules import get_rules

    return get_rules().scheme("Cap Relais").closure.last_open_day or d.transaction_date


def _last_rule(d) -> Optional[str]:
    if d.last_entry is None:
        return None
    from bot.cap.rules import get_rules

    entry = get_rules().entry(d.last_entry)
    end = entry.valid_to
    ratio = entry.value("topup_ratio_max")
    if ratio is not None:
        return _t("last_rule_topup", end_date=day(end), ratio_words=ratio_words(ratio))
    ceiling = entry.value("ceiling_per_buyer")
    if ceiling is not None:
        return _t("last_rule_substitute", end_date=day(end), ceiling_amount=money(ceiling))
    return None


def _why(r) -> str:
    data = r.data
    if r.code == "company_turnover":
        return _t("why_turnover", limit_amount=money(data["max"]))
    if r.code == "credit_term":
        return _t("why_credit_term", max_days=data["max_days"])
    if r.code == "french_content":
        return _t("why_french_content", min_share=percent(data["min"]))
    return TEMPLATES[WHY_KEY[r.code]]


def scheme_reply(name: str, as_of: date, rules=None) -> Reply:
    """Explain what a scheme is and whether new requests are still possible at ``as_of``."""
    from bot.cap.rules import get_rules

    rules = rules or get_rules()
    scheme = rules.scheme(name)
    parts: List[Optional[str]] = [TEMPLATES[INTRO_KEY[name]]]
    closure = scheme.closure
    if scheme.closed_at(as_of):
        if name == "Cap Relais":
            parts.append(_t("relais_closed", end_date=day(closure.last_open_day)))
        else:
            parts.append(_t("closed", scheme=name, end_date=day(closure.last_open_day),
                            closed_date=day(closure.closed_from)))
            last = scheme.entries[-1]
            if last.value("topup_ratio_max") is not None:
                parts.append(_t("last_rule_topup", end_date=day(last.valid_to),
                                ratio_words=ratio_words(last.value("topup_ratio_max"))))
            elif last.value("ceiling_per_buyer") is not None:
                parts.append(_t("last_rule_substitute", end_date=day(last.valid_to),
                                ceiling_amount=money(last.value("ceiling_per_buyer"))))
            parts.append(TEMPLATES["alternatives"])
    elif as_of < scheme.first_day:
        parts.append(_t("not_yet_open", start_date=day(scheme.first_day)))
    else:
        parts.append(TEMPLATES["open_to_confirm"] if closure.confidence != "confirmed" else TEMPLATES["open_now"])
        if name != "Cap Relais":
            parts.append(TEMPLATES["no_price"])
    parts.append(TEMPLATES["human"])
    return Reply(join(*parts), [HUMAN_BUTTON])


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


ASK_BUTTONS = {"cap_granted": ("Refusé", "refusé"), "cap_country": ("En France", "en France"),
               "cap_transaction_date": ("Aujourd'hui", "aujourd'hui"), "cap_buyer": ("Aucun", "aucun")}


def ask(slot: str) -> Reply:
    """The question of the eligibility form for ``slot`` (``cap_requested``, ...), with a quick answer."""
    quick = ASK_BUTTONS.get(slot)
    return Reply(TEMPLATES[f"ask_{slot}"], [Button(*quick)] if quick else [])


def form_stopped() -> Reply:
    return Reply(TEMPLATES["form_stopped"], [Button("Suis-je éligible ?", "/ask_cap"), HUMAN_BUTTON])


def form_back() -> Reply:
    return Reply(TEMPLATES["form_back"])


def problem(key: str) -> Reply:
    return Reply(TEMPLATES[key])


def from_store(buyer: str, requested: Decimal, granted: Decimal, refused: bool) -> Reply:
    if refused:
        return Reply(_t("from_store_refused", buyer=buyer, requested_amount=money(requested)))
    return Reply(_t("from_store_partial", buyer=buyer, requested_amount=money(requested),
                    granted_amount=money(granted)))


def buyer_unknown() -> Reply:
    return Reply(TEMPLATES["buyer_unknown"])


def buyer_ambiguous(candidates) -> Reply:
    names = [c.name for c in candidates][:5]
    return Reply(_t("buyer_ambiguous", names=_list_fr(names)), [Button(n, n) for n in names])


def what_then(decision) -> Optional[Reply]:
    """What would have applied (a decision at a day the scheme was in force), then the offer of
    another date. None when nothing would have applied either."""
    d = decision
    if not d.eligible or d.public_cover is None:
        return None
    key = "what_then_topup" if d.reason("topup_ratio") is not None else "what_then_substitute"
    text = _t(key, transaction_date=day(d.transaction_date), scheme=_label(d.scheme),
              public_amount=money(d.public_cover), total_amount=money(d.total_cover))
    return Reply(join(text, TEMPLATES["other_date"]))


def overview_reply(as_of: date, rules=None) -> Reply:
    """All the schemes in a few lines, and which are closed at ``as_of``."""
    from bot.cap.rules import get_rules

    rules = rules or get_rules()
    cap, relais = rules.scheme("CAP"), rules.scheme("Cap Relais")
    parts: List[Optional[str]] = [TEMPLATES["overview"]]
    if cap.closed_at(as_of) and relais.closed_at(as_of):
        parts.append(_t("overview_closed", closed_date=day(cap.closure.closed_from),
                        relais_end=day(relais.closure.last_open_day)))
        if not rules.scheme("CAP Francexport").closed_at(as_of):
            parts.append(TEMPLATES["overview_export"])
    parts.append(TEMPLATES["overview_next"])
    return Reply(join(*parts), [Button("Suis-je éligible ?", "/ask_cap"), HUMAN_BUTTON])


def price_reply() -> Reply:
    return Reply(TEMPLATES["no_price"], [HUMAN_BUTTON])
