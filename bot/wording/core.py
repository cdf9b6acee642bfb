"""Wording shared by every topic: sign-in, errors, fallback, offer of a person."""
from __future__ import annotations

from bot.wording.reply import Button, Reply

HUMAN_BUTTON = Button("Parler à un conseiller", "/request_human")

TEMPLATES = {
    "sign_in_needed": (
        "Pour voir vos dossiers, je dois d'abord savoir qui vous êtes. "
        "Connectez-vous avec votre compte, en haut de la page. "
        "Je peux déjà répondre à vos questions générales."
    ),
    "session_expired": (
        "Votre connexion a expiré, pour protéger vos données. "
        "Reconnectez-vous en haut de la page, puis reposez votre question."
    ),
    "store_unavailable": (
        "Je suis désolé, je n'arrive pas à lire vos dossiers pour le moment. "
        "Réessayez dans quelques minutes. Si c'est urgent, un conseiller peut vous aider."
    ),
    "fallback_rephrase": (
        "Je ne suis pas sûr d'avoir compris. Vouliez-vous parler de l'un de ces sujets ?"
    ),
    "fallback_human": (
        "Je n'arrive pas à bien vous comprendre, et je ne veux pas vous faire perdre de temps. "
        "Un conseiller peut prendre le relais."
    ),
    "message_too_long": (
        "Votre message est très long. Pouvez-vous me dire en une ou deux phrases ce que vous cherchez ?"
    ),
}


def sign_in_needed(auth_status: str = "none") -> Reply:
    """Why account data is refused: not signed in, session expired, or messaging account not linked."""
    if auth_status == "unlinked":
        from bot.wording.linking import TEMPLATES as LINKING
        return Reply(LINKING["link_needed"])
    key = "session_expired" if auth_status in {"expired", "invalid"} else "sign_in_needed"
    return Reply(TEMPLATES[key])


def store_unavailable() -> Reply:
    return Reply(TEMPLATES["store_unavailable"], [HUMAN_BUTTON])


def fallback_rephrase(suggestions) -> Reply:
    """``suggestions``: (title, payload) pairs of the likely topics."""
    buttons = [Button(title, payload) for title, payload in suggestions] + [HUMAN_BUTTON]
    return Reply(TEMPLATES["fallback_rephrase"], buttons)


def fallback_human() -> Reply:
    return Reply(TEMPLATES["fallback_human"], [HUMAN_BUTTON])
