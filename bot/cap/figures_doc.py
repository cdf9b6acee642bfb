"""Render ``docs/cap_figures.md`` from the rule data (one row per figure, with source and confidence).

``python -m bot.cap.figures_doc > docs/cap_figures.md``; a test checks the file is up to date.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, List

from bot.cap.rules import RuleSet, get_rules

HISTORY_LABELS = {
    "launched_on": "Lancement",
    "reinforced_on": "Version de crise (renforcement)",
    "first_period": "Première période",
    "reactivated_on": "Réactivation",
    "agreed_on": "Accord État / assureurs",
    "planned_end": "Fin prévue (connue à partir du)",
}

LABELS = {
    "insurer_decision": "Décision de l'assureur requise",
    "topup_ratio_max": "Complément max. / garantie primaire",
    "topup_capped_at_requested": "Complément plafonné au montant demandé",
    "ceiling_per_buyer": "Plafond par acheteur (€)",
    "ceiling_is_example": "Plafond tiré d'un exemple publié",
    "ceiling_by_country_category": "Plafond par acheteur selon catégorie pays (€)",
    "insurer_retained_share_min": "Part minimale gardée par l'assureur",
    "quotite_max": "Quotité maximale",
    "buyer_default_probability": "Probabilité de défaut à 1 an de l'acheteur",
    "turnover_max_eur": "CA max. du client (€) (vide = toutes tailles)",
    "turnover_max_inclusive": "Plafond de CA inclus (≤)",
    "company_age_min_years": "Ancienneté min. de l'entreprise (ans)",
    "requires_existing_policy": "Contrat d'assurance-crédit requis",
    "credit_term_max_days": "Durée de crédit max. (jours)",
    "french_content_min": "Part française min.",
    "currencies": "Devises",
    "excluded_countries": "Pays exclus",
    "state_share": "Part de l'État (pertes)",
    "state_premium_share": "Part des primes reversée à l'État",
    "client_action_required": "Démarche du client",
}


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return f"{int(value):,}".replace(",", " ")
        return f"{value.normalize()}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(v) for v in value)
    if isinstance(value, dict) and set(value) == {"known_from", "end"}:
        return f"{value['end']} (connue le {value['known_from']})"
    if isinstance(value, dict):
        return "; ".join(f"cat. {k} : {_fmt(v)}" for k, v in sorted(value.items())) or "—"
    return str(value)


def _extra(fig) -> str:
    extra = []
    for alt in fig.alternatives:
        alt_src = ", ".join(alt.get("sources") or [])
        extra.append(f"alt. {_fmt(alt.get('value'))}{f' ({alt_src})' if alt_src else ''}"
                     f"{': ' + alt['note'] if alt.get('note') else ''}")
    if fig.note:
        extra.append(fig.note)
    return "; ".join(extra)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(rules: RuleSet = None) -> str:
    rules = rules or get_rules()
    out: List[str] = [
        "# CAP figures: values, sources, confidence",
        "",
        "Generated from `bot/cap/rules/*.yml` by `python -m bot.cap.figures_doc` (a test keeps it in sync).",
        "`to_confirm` = not confirmed by an official text at hand; where sources disagree, the",
        "*Alternatives* column records what the others say and the *Value* column is the one applied.",
        "A value `—` under `to_confirm` is a figure looked for and not found: the engine says it must be",
        "checked, never computes with it nor refuses on it.",
        "No price is recorded: the project found no reliable public tariff (which does not prove that none",
        "exists); the price depends on the contract, and the assistant never quotes one.",
        "",
        "## History of the schemes",
        "",
        "| Scheme | Fact | Value | Confidence | Sources | Alternatives / notes |",
        "|---|---|---|---|---|---|",
    ]
    for scheme in rules.schemes.values():
        for name, fig in scheme.history.items():
            out.append(f"| {scheme.name} | {HISTORY_LABELS.get(name, name)} (`{name}`) | {_cell(_fmt(fig.value))} | "
                       f"{fig.confidence} | {', '.join(f'`{s}`' for s in fig.sources)} | {_cell(_extra(fig))} |")
    out += [
        "",
        "## Periods and closure",
        "",
        "| Scheme | Entry | Valid from | Valid to | Closed to new requests from | Closure confidence | Notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for scheme in rules.schemes.values():
        for e in scheme.entries:
            notes = "; ".join(f"{k}: {v}" for k, v in e.notes.items())
            out.append(f"| {scheme.name} | `{e.id}` | {e.valid_from} | {e.valid_to or 'open'} | "
                       f"{scheme.closure.closed_from or 'unknown'} | {scheme.closure.confidence} | {_cell(notes)} |")
    out += ["", "## Figures", "",
            "| Scheme | Entry | Figure | Value | Confidence | Sources | Alternatives / notes |",
            "|---|---|---|---|---|---|---|"]
    for scheme in rules.schemes.values():
        for e in scheme.entries:
            for name, fig in e.figures.items():
                sources = ", ".join(f"`{s}`" for s in (fig.sources or e.sources))
                out.append(f"| {scheme.name} | `{e.id}` | {LABELS.get(name, name)} (`{name}`) | {_fmt(fig.value)} | "
                           f"{fig.confidence} | {sources} | {_cell(_extra(fig))} |")
    c = rules.countries
    out += ["", "## Countries", "",
            "| Data | Value | Confidence |", "|---|---|---|",
            f"| Domestic (buyer in France) | {', '.join(sorted(c.domestic))} | {c.confidence.get('domestic')} |",
            f"| Marketable (excluded from Cap Francexport where an entry says `marketable_and_closed`; "
            f"from when: to confirm) | {', '.join(sorted(c.marketable))} | {c.confidence.get('marketable')} |",
            f"| Closed countries (indicative: to check, never a refusal) | "
            f"{', '.join(f'{k} (from {d})' if d else k for k, d in c.closed)} | {c.confidence.get('closed')} |"]
    for cat in (1, 2, 3):
        codes = sorted(k for k, v in c.categories.items() if v == cat)
        listed = ", ".join(codes) or "none listed: no public list, the insurer gives the category"
        out.append(f"| CAP+ Francexport category {cat} | {listed} | {c.confidence.get('categories')} |")
    out += ["", "## Sources", "", "| Id | Kind | Title |", "|---|---|---|"]
    for s in rules.sources.values():
        title = f"[{s.title}]({s.url})" if s.url else s.title
        out.append(f"| `{s.id}` | {s.kind} | {_cell(title)} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(), end="")
