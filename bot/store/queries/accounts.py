"""Unscoped helpers, named for their only uses: demo sign-in page, verified sign-in."""
from __future__ import annotations

from typing import Optional, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import Policyholder, User
from bot.store.views import DemoAccount, PolicyholderView
from bot.store.queries.common import checked_ph


def demo_accounts(session: Session) -> Tuple[DemoAccount, ...]:
    """The demo companies and their sign-in user, for the demo sign-in page only."""
    first_user = (
        select(User.policyholder_id, func.min(User.id).label("user_id"))
        .where(User.active.is_(True)).group_by(User.policyholder_id).subquery()
    )
    rows = session.execute(
        select(Policyholder.id, Policyholder.name, Policyholder.segment, Policyholder.demo_note,
               User.id, User.full_name, User.email)
        .join(first_user, first_user.c.policyholder_id == Policyholder.id)
        .join(User, User.id == first_user.c.user_id)
        .where(Policyholder.is_demo.is_(True))
        .order_by(Policyholder.id)
    ).all()
    return tuple(DemoAccount(policyholder_id=r[0], name=r[1], segment=r[2], note=r[3] or "", user_id=r[4],
                             user_name=r[5], user_email=r[6]) for r in rows)


def get_policyholder(session: Session, policyholder_id: int) -> Optional[PolicyholderView]:
    """The company behind a verified identity (name for greetings, contact for handoff)."""
    ph = checked_ph(policyholder_id)
    p = session.get(Policyholder, ph)
    if p is None:
        return None
    return PolicyholderView(id=p.id, name=p.name, siren=p.siren, contact_name=p.contact_name,
                            contact_email=p.contact_email, contact_phone=p.contact_phone, segment=p.segment)


def user_by_oidc_subject(session: Session, subject: str) -> Optional[Tuple[int, int, str]]:
    """``(policyholder_id, user_id, company name)`` of the active user whose provider subject is exactly
    ``subject`` (after a verified OpenID Connect sign-in, bot/oidc.py), else None: never a guess."""
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        return None
    row = session.execute(
        select(User.policyholder_id, User.id, Policyholder.name)
        .join(Policyholder, Policyholder.id == User.policyholder_id)
        .where(User.oidc_subject == subject, User.active.is_(True))
    ).first()
    return (row[0], row[1], row[2]) if row else None


def link_oidc_subject(session: Session, email: str, subject: Optional[str]) -> bool:
    """Record (or with None, remove) the provider subject of the user with this e-mail; False if no such user."""
    user = session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        return False
    user.oidc_subject = subject or None
    return True
