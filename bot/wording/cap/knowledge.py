"""Short answers to one question on a scheme, the fact asked first (:func:`knowledge_reply`).

Every figure and date comes from the rule data (``bot/cap/rules/*.yml``) with its source; a figure
marked ``to_confirm`` is said with its caveat. Never a price (it depends on the contract), never a
country's risk category (no public list maps countries to categories).
"""
from __future__ import annotations

from datetime import date
from typing import List, Optional

from bot.cap.questions import kind as question_kind
from bot.wording.cap.texts import HUMAN_BUTTON, TEMPLATES, fill, list_fr, ratio_words
from bot.wording.format import day, money, money_words, percent
from bot.wording.reply import Reply, join

__all__ = ["knowledge_reply", "country_note"]

_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")
_CURRENCY_WORDS = {"EUR": "en euros", "USD": "en dollars"}

TEMPLATES.update({
    "k_role_CAP": "Le CAP complète notre garantie quand nous ne couvrons qu’une partie de vos ventes à un client en France.",
    "k_role_CAP+": "Le CAP+ prend le relais quand nous refusons ou retirons notre garantie sur un client en France.",
    "k_role_CAP Francexport": "Cap Francexport complète notre garantie partielle sur un client à l’étranger.",
    "k_role_CAP+ Francexport": "Cap+ Francexport prend le relais quand nous refusons un client à l’étranger.",
    "k_role_Cap Relais": (
        "Cap Relais était un partage de nos pertes et de nos primes avec l’État : vous n’aviez rien à demander."
    ),
    "k_launched": "{scheme} existe depuis le {launch_date} : Bpifrance l’a lancé à cette date.",
    "k_reinforced": "En {month}, face à la crise du covid, l’État l’a renforcé ; il ne l’a pas créé.",
    "k_reactivated": (
        "Le {scheme} n’est pas né avec le covid. Il a servi pendant la {first_period}. "
        "L’État l’a remis en place en {date_mois}."
    ),
    "k_agreed": "Cap Relais a été mis en place en {month}, pendant la crise du covid.",
    "k_currency": "{scheme} prend les ventes {currencies}.",
    "k_currency_usd": "Non, les dollars ne posent pas de problème : {scheme} prend les ventes {currencies}.",
    "k_currency_unknown": "Je n’ai pas de règle sûre sur la devise pour {scheme} : un conseiller peut vous répondre.",
    "k_conditions": "Pour {scheme}, il faut {items}.",
    "k_conditions_unknown": "Je n’ai pas de conditions sûres pour {scheme} : un conseiller peut vous répondre.",
    "k_source": "Notre source est : {title}.",
    "k_to_confirm": "Certains de ces points restent à confirmer avec nous.",
    "k_ratio_period": "{date_periode} : jusqu’à {ratio_garantie}",
    "k_ratio_unknown": "{period} : pas de chiffre public sûr",
    "k_ratio_intro": (
        "L’aide de l’{scheme_article} se calculait sur notre garantie. {periods}. Sans dépasser ce que vous demandiez."
    ),
    "k_ceiling_category": (
        "Le plafond de {scheme} dépend de la catégorie de risque du pays, que nous devons vous confirmer : "
        "{ceilings}, d’après des résumés publics. Je ne peux pas vous donner seul la catégorie d’un pays."
    ),
    "k_ceiling_buyer": "Le {scheme} couvrait au plus {montant_plafond} par client{caveat}.",
    "k_ceiling_example": " (exemple publié en mars 2021, à confirmer)",
    "k_state_share": "{periods}. Vous n’aviez rien à demander.",
    "k_share_period": "{date_periode}, l’État payait {share} de la perte",
    "k_relais_closed": "Non : Cap Relais a pris fin le {end_date}, et il n’y avait rien à demander de votre côté.",
    "k_after_end": "Non : {scheme} a pris fin le {end_date}. Une vente de {when} n’était pas concernée.",
    "k_open_fx": (
        "D’après nos informations, {scheme} reste ouvert, sans date de fin connue. Depuis 2022, il ne vaut plus "
        "que pour les pays que les assureurs privés ne couvrent pas : ni l’Union européenne, ni les États-Unis, "
        "ni le Royaume-Uni, par exemple. Nous devons vous le confirmer."
    ),
    "k_country_private": (
        "Pour un client {country_phrase}, {scheme} ne s’appliquerait plus aujourd’hui : depuis 2022, "
        "l’État laisse ce risque aux assureurs privés. C’est d’après des résumés publics : nous devons vous le confirmer."
    ),
})

# French names of a few groups, for "un client en Italie (Union européenne)"
_EU_NOTE = " (Union européenne)"


def _rules():
    from bot.cap.rules import get_rules

    return get_rules()


def label(scheme: str) -> str:
    """The name as said in a sentence: "Cap Francexport", "Cap+ Francexport", "CAP", "CAP+"."""
    return scheme.replace("CAP+ Francexport", "Cap+ Francexport").replace("CAP Francexport", "Cap Francexport")


def _month(value: date) -> str:
    return f"{_MONTHS[value.month - 1]} {value.year}"


def _article(scheme: str) -> str:
    """ "Le CAP", but "Cap Francexport" (a name without article)."""
    return f"Le {scheme}" if scheme in ("CAP", "CAP+") else label(scheme)


def _country_phrase(code: str) -> str:
    from bot.parsing.countries import COUNTRY_GROUPS
    from bot.wording.claims import country_name

    name = country_name(code)
    eu = code in (COUNTRY_GROUPS.get("EU") or ())
    prep = "aux" if code in ("US", "NL", "AE") else ("au" if code in ("CA", "JP", "MA", "PT", "BR", "GB", "DK", "VN",
                                                                     "LU", "MX", "SN", "CM", "CL", "PE") else "en")
    if code == "GB":
        name, prep = "Royaume-Uni", "au"
    if code == "US":
        name = "États-Unis"
    return f"{prep} {name}" + (_EU_NOTE if eu else "")


def country_note(scheme: str, country: Optional[str], as_of: date) -> Optional[str]:
    """For Cap Francexport today and a country left to private insurers (the rule data's
    ``marketable`` list, with its sources): say so, with its caveat. None otherwise."""
    if not country or scheme not in ("CAP Francexport", "CAP+ Francexport"):
        return None
    rules = _rules()
    entry = rules.scheme(scheme).entry_at(as_of)
    if entry is None or entry.value("excluded_countries") != "marketable_and_closed":
        return None
    if not rules.countries.is_marketable(country.upper()):
        return None
    return fill("k_country_private", country_phrase=_country_phrase(country.upper()), scheme=label(scheme))


def _entry_for(scheme, as_of: date):
    return scheme.entry_at(as_of) or scheme.entries[-1]


def _source_title(rules, entry, names) -> Optional[str]:
    for name in names:
        fig = entry.figure(name)
        for sid in (fig.sources if fig is not None else ()) or entry.sources:
            src = rules.sources.get(sid)
            if src is not None and src.kind != "internal":
                return src.title
    return None


def _history(name: str, scheme) -> Optional[str]:
    launched, reinforced = scheme.fact("launched_on"), scheme.fact("reinforced_on")
    if launched is not None:
        label = "Cap Francexport" if "Francexport" in name else name
        parts = [fill("k_launched", scheme=label, launch_date=day(launched))]
        if reinforced is not None:
            parts.append(fill("k_reinforced", month=_month(reinforced)))
        return join(*parts)
    if scheme.fact("reactivated_on") is not None:
        return fill("k_reactivated", scheme=name, first_period=scheme.fact("first_period") or "crise de 2008",
                    date_mois=_month(scheme.fact("reactivated_on")))
    if scheme.fact("agreed_on") is not None:
        return join(fill("k_agreed", month=_month(scheme.fact("agreed_on"))),
                    fill("relais_closed", end_date=day(scheme.closure.last_open_day)))
    return None


def _conditions(name: str, scheme, as_of: date, rules) -> List[Optional[str]]:
    entry = _entry_for(scheme, as_of)
    items = []
    term = entry.value("credit_term_max_days")
    if term is not None:
        items.append(f"un délai de paiement de {int(term)} jours au plus")
    share = entry.value("french_content_min")
    if share is not None:
        items.append(f"au moins {percent(share)} de contenu français dans la vente")
    currencies = [c for c in (entry.value("currencies") or ()) if c in _CURRENCY_WORDS]
    if currencies:
        items.append("une vente " + " ou ".join(_CURRENCY_WORDS[c] for c in currencies))
    turnover = entry.value("turnover_max_eur")
    if turnover is not None:
        items.append(f"un chiffre d’affaires jusqu’à {money_words(turnover)}")
    if entry.value("insurer_decision") == "refused_or_cancelled" or scheme.mechanism == "substitute":
        items.append("un refus ou un retrait de notre part, avec notre courrier")
    elif entry.value("insurer_decision") == "partial":
        items.append("une garantie partielle de notre part")
    if entry.value("requires_existing_policy"):
        items.append("un contrat d’assurance-crédit chez nous")
    if not items:
        return [fill("k_conditions_unknown", scheme=name)]
    parts: List[Optional[str]] = [fill("k_conditions", scheme=name, items=list_fr(items))]
    if any(not f.confirmed for f in entry.figures.values()):
        parts.append(TEMPLATES["k_to_confirm"])
    return parts


def _currency(name: str, scheme, as_of: date, text: str) -> str:
    entry = _entry_for(scheme, as_of)
    currencies = [c for c in (entry.value("currencies") or ()) if c in _CURRENCY_WORDS]
    if not currencies:
        return fill("k_currency_unknown", scheme=name)
    asked_usd = any(w in (text or "").lower() for w in ("dollar", "usd"))
    usd = asked_usd and "USD" in currencies
    return fill("k_currency_usd" if usd else "k_currency", scheme=name if usd else _article(name),
                currencies=" ou ".join(_CURRENCY_WORDS[c] for c in currencies))


def _period(entry) -> str:
    if entry.valid_to is not None and entry.valid_from.year == entry.valid_to.year:
        return f"En {entry.valid_from.year}"
    end = f" au {day(entry.valid_to)}" if entry.valid_to is not None else ""
    return f"Du {day(entry.valid_from)}{end}" if end else f"Depuis le {day(entry.valid_from)}"


def _ceiling(name: str, scheme, as_of: date) -> Optional[str]:
    if scheme.mechanism == "top_up":
        periods = []
        for entry in scheme.entries:
            ratio = entry.value("topup_ratio_max")
            if ratio is None:
                periods.append(fill("k_ratio_unknown", period=_period(entry)))
            else:
                periods.append(fill("k_ratio_period", date_periode=_period(entry),
                                    ratio_garantie=ratio_words(ratio) + "la garantie que nous accordions"))
        return fill("k_ratio_intro", scheme_article="État", periods=". ".join(periods))
    entry = _entry_for(scheme, as_of)
    table = entry.value("ceiling_by_country_category")
    if table:
        ceilings = [f"{money(amount)} en catégorie {cat}" for cat, amount in sorted(table.items()) if amount]
        ceilings += [f"rien en catégorie {cat}" for cat, amount in sorted(table.items()) if not amount]
        return fill("k_ceiling_category", scheme=name, ceilings=list_fr(ceilings))
    ceiling = None
    for e in reversed(scheme.entries):
        if e.value("ceiling_per_buyer") is not None:
            ceiling, entry = e.value("ceiling_per_buyer"), e
            break
    if ceiling is None:
        return None
    caveat = TEMPLATES["k_ceiling_example"] if entry.value("ceiling_is_example") else ""
    return fill("k_ceiling_buyer", scheme=name, montant_plafond=money(ceiling), caveat=caveat)


def _state_share(scheme) -> Optional[str]:
    periods = [fill("k_share_period", date_periode=_period(e), share=percent(e.value("state_share")))
               for e in scheme.entries if e.value("state_share") is not None]
    if not periods:
        return None
    later = [p[0].lower() + p[1:] for p in periods[1:]]
    return fill("k_state_share", periods=", puis ".join(periods[:1] + later))


def _still_open(name: str, scheme, as_of: date, sale: Optional[date], country: Optional[str]) -> Optional[str]:
    last = scheme.last_day
    if sale is not None and last is not None and sale > last:
        return fill("k_after_end", scheme=_article(name), end_date=day(last), when=_month(sale))
    if scheme.closed_at(as_of):
        if name == "Cap Relais":
            return fill("k_relais_closed", end_date=day(scheme.closure.last_open_day))
        return join("Non. " + fill("closed", scheme=name, end_date=day(scheme.closure.last_open_day),
                                   closed_date=day(scheme.closure.closed_from)), TEMPLATES["alternatives"])
    note = country_note(scheme.name, country, as_of)
    if note:
        return note
    entry = scheme.entry_at(as_of)
    if entry is not None and entry.value("excluded_countries") == "marketable_and_closed":
        return fill("k_open_fx", scheme=name)
    return None


def knowledge_reply(text: Optional[str], schemes: List[str], as_of: date, *,
                    sale: Optional[date] = None, country: Optional[str] = None) -> Optional[Reply]:
    """The answer to one question on a scheme (``schemes[0]``; two for a comparison), the fact asked
    first; None when the question is general (the caller presents the scheme)."""
    asked = question_kind(text)
    if asked is None:
        if sale is not None and schemes:
            asked = "still_open"
        else:
            return None
    rules = _rules()
    if asked == "price":
        return Reply(TEMPLATES["no_price"], [HUMAN_BUTTON])
    if asked == "difference":
        names = schemes if len(schemes) >= 2 else (schemes + [s for s in ("CAP", "CAP+") if s not in schemes])[:2]
        return Reply(join(*[TEMPLATES[f"k_role_{n}"] for n in names]), [HUMAN_BUTTON])
    if asked == "alternatives":
        return Reply(TEMPLATES["alternatives"], [HUMAN_BUTTON])
    if not schemes:
        return None
    scheme = rules.scheme(schemes[0])
    name = label(schemes[0])
    answer: Optional[str] = None
    detail: List[str] = []
    if asked == "history":
        answer = _history(name, scheme)
    elif asked == "currency":
        answer = _currency(name, scheme, as_of, text or "")
    elif asked == "conditions":
        answer = join(*_conditions(name, scheme, as_of, rules))
        title = _source_title(rules, _entry_for(scheme, as_of), ("credit_term_max_days", "currencies"))
        if title:
            detail.append(fill("k_source", title=title))
    elif asked == "ceiling":
        answer = _ceiling(name, scheme, as_of)
    elif asked == "state_share":
        answer = _state_share(scheme)
    elif asked == "still_open":
        answer = _still_open(name, scheme, as_of, sale, country)
    if answer is None:
        return None
    return Reply(answer, [HUMAN_BUTTON], detail=detail)
