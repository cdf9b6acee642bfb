"""French wording of practical help: how to sign in, when the advisers' desk is open."""
from __future__ import annotations

from datetime import time
from typing import List, Sequence, Tuple

from bot.wording.core import HUMAN_BUTTON
from bot.wording.reply import Reply

TEMPLATES = {
    "sign_in": (
        "Pour vous connecter, cliquez sur « Se connecter » en haut de la page. "
        "Utilisez l’identifiant et le mot de passe de votre espace client."
    ),
    "sign_in_lost": (
        "Si vous avez perdu votre mot de passe ou votre identifiant, un conseiller peut vous aider. "
        "Je ne peux pas le changer ici."
    ),
    "sign_in_done": "Vous êtes déjà connecté. Je peux vous parler de vos dossiers.",
    "sign_in_later": (
        "Très bien, merci à vous. Connectez-vous quand vous voulez avec « Se connecter », en haut de la page. "
        "Bonne journée."
    ),
    "hours": "Nos conseillers vous répondent {horaires}, sauf les jours fériés.",
    "hours_closed": "Nos conseillers ne sont pas disponibles en ce moment.",
    "hours_callback": "En dehors de ces heures, vous pouvez demander à être rappelé.",
}

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _clock(t: time) -> str:
    return f"{t.hour} h" if not t.minute else f"{t.hour} h {t.minute:02d}"


def _ranges(ranges: Sequence[Tuple[time, time]]) -> str:
    parts = [f"de {_clock(a)} à {_clock(b)}" for a, b in ranges]
    return " et ".join(parts)


def describe_week(week: Sequence[Sequence[Tuple[time, time]]]) -> str:
    """"du lundi au vendredi de 9 h à 18 h" from the calendar’s week (one tuple of ranges per day)."""
    groups: List[Tuple[int, int, Tuple]] = []
    for i, ranges in enumerate(week):
        ranges = tuple(ranges)
        if not ranges:
            continue
        if groups and groups[-1][1] == i - 1 and groups[-1][2] == ranges:
            groups[-1] = (groups[-1][0], i, ranges)
        else:
            groups.append((i, i, ranges))
    out = []
    for first, last, ranges in groups:
        if first == last:
            days = f"le {DAYS[first]}"
        elif last == first + 1:
            days = f"le {DAYS[first]} et le {DAYS[last]}"
        else:
            days = f"du {DAYS[first]} au {DAYS[last]}"
        out.append(f"{days} {_ranges(ranges)}")
    return ", ".join(out)


def sign_in(signed_in: bool, lost: bool = False) -> Reply:
    if signed_in:
        return Reply(TEMPLATES["sign_in_done"])
    parts = [TEMPLATES["sign_in"]]
    if lost:
        parts.append(TEMPLATES["sign_in_lost"])
    return Reply(" ".join(parts), [HUMAN_BUTTON] if lost else [])


def sign_in_later() -> Reply:
    return Reply(TEMPLATES["sign_in_later"])


def opening_hours(week) -> Reply:
    text = describe_week(week)
    if not text:
        return Reply(TEMPLATES["hours_closed"], [HUMAN_BUTTON])
    return Reply(TEMPLATES["hours"].format(horaires=text) + " " + TEMPLATES["hours_callback"], [HUMAN_BUTTON])
