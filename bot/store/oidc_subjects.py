"""Provisioning of sign-in: which person at the insurer's OpenID Connect provider is which user of a
policyholder (``users.oidc_subject``, read by web/api/oidc.py after a verified sign-in).

    python -m bot.store.oidc_subjects link claire.durand@menuiserie-durand.example <subject>
    python -m bot.store.oidc_subjects unlink claire.durand@menuiserie-durand.example

``<subject>`` is the value of the claim ``OIDC_SUBJECT_CLAIM`` (``sub`` by default) of that person's tokens.
A person never linked signs in as nobody (the anonymous assistant). Exit status 1 when no user has that
e-mail, 2 on a usage error. No Rasa import.
"""
from __future__ import annotations

import sys
from typing import List, Optional

from sqlalchemy.exc import IntegrityError

from bot.store.db import get_engine, session_scope
from bot.store.queries.accounts import link_oidc_subject

USAGE = "usage: python -m bot.store.oidc_subjects link <e-mail> <subject> | unlink <e-mail>"


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 3 and args[0] == "link" and 0 < len(args[2]) <= 255:
        email, subject = args[1], args[2]
    elif len(args) == 2 and args[0] == "unlink":
        email, subject = args[1], None
    else:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        with session_scope(get_engine()) as session:
            found = link_oidc_subject(session, email, subject)
    except IntegrityError:
        print("this subject is already linked to another user: unlink it first", file=sys.stderr)
        return 1
    if not found:
        print(f"no user with the e-mail {email!r}", file=sys.stderr)
        return 1
    print(f"{email}: {'linked' if subject else 'unlinked'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
