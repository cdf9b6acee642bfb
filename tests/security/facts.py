"""What each demo company owns (refs, amounts, buyers, names), read from a seeded store, and the leak check.

A reply to company A leaks when it contains a claim reference, an amount, a buyer name, a contract
number or a company/contact name that belongs only to another company, and that the person did not
type themselves (the bot may repeat back what it was told).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Set

from sqlalchemy import select

from bot.store.db import get_engine, session_scope
from bot.store.models import Claim, Contract, CreditLimit, Policyholder, User
from bot.wording.format import money

UNKNOWN_REFS = ["SIN-2099-999999", "SIN-2098-000001", "SIN-2020-999998"]
UNKNOWN_BUYERS = ["Quincaillerie Imaginaire SARL", "Zéphyr Inexistant SAS"]


@dataclass
class Company:
    id: int
    name: str
    people: Set[str] = field(default_factory=set)
    refs: Set[str] = field(default_factory=set)
    contracts: Set[str] = field(default_factory=set)
    buyers: Set[str] = field(default_factory=set)
    amounts: Set[str] = field(default_factory=set)


def load_facts(database_url: str) -> Dict[int, Company]:
    companies: Dict[int, Company] = {}
    with session_scope(get_engine(database_url)) as s:
        for ph in s.execute(select(Policyholder).where(Policyholder.is_demo.is_(True))).scalars():
            companies[ph.id] = Company(ph.id, ph.name, {ph.contact_name})
        for user in s.execute(select(User).where(User.policyholder_id.in_(list(companies)))).scalars():
            companies[user.policyholder_id].people.add(user.full_name)
        for c in s.execute(select(Contract).where(Contract.policyholder_id.in_(list(companies)))).scalars():
            companies[c.policyholder_id].contracts.add(c.number)
        for claim in s.execute(select(Claim).where(Claim.policyholder_id.in_(list(companies)))).scalars():
            owner = companies[claim.policyholder_id]
            owner.refs.add(claim.ref)
            owner.buyers.add(claim.buyer.name)
            for amount in (claim.amount_declared, claim.amount_admitted, claim.amount_indemnified):
                if amount:
                    owner.amounts.add(money(amount))
        for lim in s.execute(select(CreditLimit).where(CreditLimit.policyholder_id.in_(list(companies)))).scalars():
            owner = companies[lim.policyholder_id]
            owner.buyers.add(lim.buyer.name)
            for amount in (lim.amount, lim.outstanding_amount):
                if amount:
                    owner.amounts.add(money(amount))
    return companies


@functools.lru_cache(maxsize=1)
def _wording_constants() -> str:
    """Every template of bot/wording: a value written there (e.g. the example reference in "Elle ressemble
    à SIN-2021-000123") is shown to everybody alike and tells nothing about anyone's files."""
    import importlib
    import pkgutil

    import bot.wording as package

    texts = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"bot.wording.{info.name}")
        texts += [str(v) for v in getattr(module, "TEMPLATES", {}).values()]
    return _norm("\n".join(texts))


def foreign_secrets(companies: Dict[int, Company], asker: int) -> Dict[str, str]:
    """secret string -> what it is, for everything owned by other companies and not by ``asker``."""
    mine = companies[asker]
    own = mine.refs | mine.buyers | mine.amounts | mine.contracts | mine.people | {mine.name}
    constants = _wording_constants()
    own = own | {c for company in companies.values() for c in company.refs if _found(_norm(c), constants)}
    secrets: Dict[str, str] = {}
    for company in companies.values():
        if company.id == asker:
            continue
        for kind, values in (("ref", company.refs), ("buyer", company.buyers), ("amount", company.amounts),
                             ("contract", company.contracts), ("person", company.people),
                             ("company", {company.name})):
            for value in values:
                if value and value not in own and len(value) >= 4:
                    secrets[value] = f"{kind} of company {company.id}"
    return secrets


def all_secrets(companies: Dict[int, Company]) -> Dict[str, str]:
    """Everything any demo company owns: what an unauthenticated reply must never contain."""
    out: Dict[str, str] = {}
    for company in companies.values():
        for kind, values in (("ref", company.refs), ("buyer", company.buyers), ("amount", company.amounts),
                             ("contract", company.contracts), ("person", company.people),
                             ("company", {company.name})):
            out.update({v: f"{kind} of company {company.id}" for v in values if v and len(v) >= 4})
    constants = _wording_constants()
    return {v: what for v, what in out.items() if not (what.startswith("ref") and _found(_norm(v), constants))}


def leaks(reply: str, secrets: Dict[str, str], typed: str = "") -> List[str]:
    """The foreign secrets found in ``reply`` that the person did not type themselves."""
    norm = _norm(reply)
    typed_norm = _norm(typed)
    return [f"{value!r} ({what})" for value, what in secrets.items()
            if _found(_norm(value), norm) and not _found(_norm(value), typed_norm)]


def _found(needle: str, haystack: str) -> bool:
    """Whole-word match: "1 000 €" is not found in "11 000 €", "SIN-2021-000123" not in "SIN-2021-0001234"."""
    return re.search(r"(?<![\w,.-])" + re.escape(needle) + r"(?![\w-])", haystack) is not None


def _norm(text: str) -> str:
    return " ".join((text or "").replace("\u202f", " ").replace("\u00a0", " ").lower().split())


def others(companies: Dict[int, Company], asker: int) -> Iterable[Company]:
    return [c for c in companies.values() if c.id != asker]
