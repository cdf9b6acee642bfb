"""Reads of the phone channel: which contract a phone number or a SIREN is registered on, and the
buyer names used as speech-recognition hints for a verified caller.

``registered_on_phone`` and ``policyholder_by_siren`` are unscoped on purpose (they find *whose*
contract it is, before anybody is verified); their only caller is :mod:`bot.voice.verify`, which
sends the one-time code to the number registered on that contract and tells the caller nothing
about whether a contract was found.
"""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.store.models import Buyer, Claim, CreditLimit, Policyholder, User
from bot.store.queries.common import checked_ph


def phone_spellings(national: str) -> Tuple[str, ...]:
    """The ways a French number (``"0199004123"``) may be written in the store."""
    if len(national) != 10 or not national.isdigit():
        return ()
    pairs = [national[i:i + 2] for i in range(0, 10, 2)]
    e164 = "+33" + national[1:]
    return (national, " ".join(pairs), ".".join(pairs), "-".join(pairs), e164,
            "+33 " + national[1] + " " + " ".join(pairs[1:]))


def registered_on_phone(session: Session, spellings: Sequence[str]) -> Tuple[int, ...]:
    """Ids of the policyholders whose contract contact or an active user has one of these numbers."""
    if not spellings:
        return ()
    found = set(session.execute(select(Policyholder.id).where(Policyholder.contact_phone.in_(spellings))).scalars())
    found |= set(session.execute(select(User.policyholder_id).where(User.phone.in_(spellings),
                                                                    User.active.is_(True))).scalars())
    return tuple(sorted(found))


def policyholder_by_siren(session: Session, siren: str) -> Optional[int]:
    if len(siren) != 9 or not siren.isdigit():
        return None
    return session.execute(select(Policyholder.id).where(Policyholder.siren == siren)).scalar_one_or_none()


def registered_phone(session: Session, policyholder_id: int) -> Optional[str]:
    """The contract's registered contact number (where a one-time code is sent)."""
    ph = checked_ph(policyholder_id)
    return session.execute(select(Policyholder.contact_phone).where(Policyholder.id == ph)).scalar_one_or_none()


def buyer_names(session: Session, policyholder_id: int, limit: int = 40) -> Tuple[str, ...]:
    """Names of this policyholder's buyers (credit limits and claims), for speech hints."""
    ph = checked_ph(policyholder_id)
    query = (select(Buyer.name).distinct()
             .where(or_(Buyer.id.in_(select(CreditLimit.buyer_id).where(CreditLimit.policyholder_id == ph)),
                        Buyer.id.in_(select(Claim.buyer_id).where(Claim.policyholder_id == ph))))
             .order_by(Buyer.name).limit(limit))
    return tuple(session.execute(query).scalars())
