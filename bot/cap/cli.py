"""Command line: ``python -m bot.cap --as-of 2021-03-31 --requested 600000 --granted 200k [--json]``.

Prints the decision as JSON (``--json``) or as a French explanation. Bad arguments print a
French / English error on stderr and exit with code 2.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from decimal import Decimal
from typing import List, Optional

from bot.parsing import normalise_country, read_amount

EXIT_USAGE = 2
_AMOUNT_TEXT = re.compile(r"[0-9][0-9 .,\u00a0\u202f]*(?:\s*[kKmM])?\s*(?:€|eur|euros)?", re.IGNORECASE)


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors (missing value, unknown option)
        raise UsageError(f"argument invalide / invalid argument: {message}")


def _amount(text: str, name: str) -> Decimal:
    raw = (text or "").strip()
    if raw.startswith("-") or raw.startswith("\u2212"):
        raise UsageError(f"{name} : le montant doit être positif / the amount must not be negative ({text!r})")
    reading = read_amount(raw) if _AMOUNT_TEXT.fullmatch(raw) else None
    if reading is not None and reading.ambiguous:
        first, second = reading.value, reading.alternatives[0]
        raise UsageError(f"{name} : montant ambigu, {first} € ou {second} € ? / ambiguous amount ({text!r}); "
                         "écrivez / write \"600 000\" or 600000")
    value = reading.value if reading is not None else None
    if value is None:
        raise UsageError(f"{name} : montant illisible / not a valid amount ({text!r}); "
                         "exemples / examples: 600000, \"600 000\", 200k")
    return value


def _date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise UsageError(f"{name} : date invalide, format AAAA-MM-JJ / invalid date, use YYYY-MM-DD ({text!r})") from None


def _country(text: str) -> str:
    raw = (text or "").strip()
    code = normalise_country(raw.upper() if len(raw) == 2 else raw)  # a code: "re" is RE (La Réunion)
    if code is None:
        raise UsageError(f"--country : pays inconnu / unknown country ({text!r}); "
                         "code ISO à deux lettres / two-letter ISO code, e.g. FR, DE, US")
    return code


def _share(text: str) -> Decimal:
    raw = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = Decimal(raw)
    except Exception:  # noqa: BLE001 (a CLI reports any error in French and exits 2)
        raise UsageError(f"--french-content : part invalide / invalid share ({text!r}); e.g. 25 or 0.25") from None
    if value < 0 or value > 100:
        raise UsageError(f"--french-content : entre 0 et 100 % / between 0 and 100 % ({text!r})")
    return value / 100 if value > 1 else value


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m bot.cap", description="Évalue CAP / CAP+ / Cap Francexport pour une vente.",
                add_help=True)
    p.add_argument("--as-of", required=True, help="date de la question / as-of date, YYYY-MM-DD")
    p.add_argument("--requested", required=True, help="montant demandé à l'assureur / requested amount")
    p.add_argument("--granted", help="montant accordé par l'assureur / amount granted")
    p.add_argument("--refused", action="store_true", help="l'assureur a refusé / the insurer refused")
    p.add_argument("--cancelled", action="store_true", help="l'assureur a retiré sa garantie / cancelled")
    p.add_argument("--country", default="FR", help="pays de l'acheteur (ISO2 ou nom) / buyer country")
    p.add_argument("--transaction-date", help="date de la vente / transaction date (default: --as-of)")
    p.add_argument("--turnover", help="chiffre d'affaires du client / client turnover")
    p.add_argument("--size", choices=["TPE", "PME", "ETI", "GE"], help="taille de l'entreprise / company size")
    p.add_argument("--currency", default="EUR")
    p.add_argument("--credit-days", type=int, help="durée de crédit en jours / credit term in days")
    p.add_argument("--french-content", help="part française en %% / French content share")
    p.add_argument("--category", type=int, choices=[1, 2, 3],
                   help="catégorie de risque du pays, donnée par l'assureur / country risk category")
    p.add_argument("--company-age", type=int, help="ancienneté de l'entreprise en années / company age in years")
    p.add_argument("--json", action="store_true", help="sortie JSON / JSON output")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        as_of = _date(args.as_of, "--as-of")
        requested = _amount(args.requested, "--requested")
        if requested == 0:
            raise UsageError("--requested : le montant doit être supérieur à 0 / must be greater than 0")
        refused = args.refused or args.cancelled
        if args.granted is not None and refused:
            raise UsageError("--granted et --refused ne vont pas ensemble / "
                             "--granted and --refused cannot be used together")
        if args.granted is None and not refused:
            raise UsageError("indiquez --granted MONTANT ou --refused / give --granted AMOUNT or --refused")
        granted = _amount(args.granted, "--granted") if args.granted is not None else None
        tx = _date(args.transaction_date, "--transaction-date") if args.transaction_date else None
        from bot.cap.engine import CapRequest, evaluate  # loads and checks the rule files

        try:
            request = CapRequest(
                requested=requested, granted=granted, refused=args.refused, cancelled=args.cancelled,
                buyer_country=_country(args.country), transaction_date=tx,
                turnover=_amount(args.turnover, "--turnover") if args.turnover else None,
                company_size=args.size, currency=args.currency,
                credit_term_days=args.credit_days,
                french_content_share=_share(args.french_content) if args.french_content else None,
                country_category=args.category, company_age_years=args.company_age,
            )
        except ValueError as exc:
            raise UsageError(f"demande invalide / invalid request: {exc}") from None
    except UsageError as exc:
        print(f"Erreur / Error: {exc}", file=sys.stderr)
        print(parser.format_usage().rstrip(), file=sys.stderr)
        return EXIT_USAGE

    decision = evaluate(request, as_of)
    if args.json:
        print(json.dumps(decision.as_dict(), ensure_ascii=False, indent=2))
    else:
        from bot.wording.cap import decision_reply

        print(decision_reply(decision).as_message()["text"])
    return 0
