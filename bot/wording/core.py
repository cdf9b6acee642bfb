"""Wording shared by every topic: sign-in, errors, fallback, offer of a person."""
from __future__ import annotations

from bot.wording.format import typo
from bot.wording.reply import Button, Reply

HUMAN_BUTTON = Button("Parler à un conseiller", "/request_human")

TEMPLATES = {
    "sign_in_needed": (
        "Pour voir vos dossiers, je dois d’abord savoir qui vous êtes. "
        "Connectez-vous avec votre compte, en haut de la page. "
        "Je peux déjà répondre à vos questions générales."
    ),
    "session_expired": (
        "Votre connexion a expiré, pour protéger vos données. "
        "Reconnectez-vous en haut de la page, puis reposez votre question."
    ),
    "store_unavailable": (
        "Je suis désolé, je n’arrive pas à lire vos dossiers pour le moment. "
        "Réessayez dans quelques minutes. Si c’est urgent, un conseiller peut vous aider."
    ),
    "fallback_rephrase": (
        "Je ne suis pas sûr d’avoir compris. Vouliez-vous parler de l’un de ces sujets ?"
    ),
    "fallback_human": (
        "Je n’arrive pas à bien vous comprendre, et je ne veux pas vous faire perdre de temps. "
        "Un conseiller peut prendre le relais."
    ),
    "message_too_long": (
        "Votre message est trop long : je lis au plus {limit} caractères, et je ne l’ai pas lu. "
        "Pouvez-vous me dire en une ou deux phrases ce que vous cherchez ?"
    ),
    "rate_limited": (
        "Vous m’envoyez beaucoup de messages en peu de temps. "
        "Attendez une minute, puis écrivez-moi à nouveau. Je reste là."
    ),
    "no_detail": (
        "Je n’ai pas d’autre détail sur ma dernière réponse. Posez-moi votre question, je vous réponds."
    ),
    "too_many_requests": (
        "Trop de demandes en peu de temps. Réessayez dans {seconds} secondes."
    ),
}


def sign_in_needed(auth_status: str = "none") -> Reply:
    """Why account data is refused: not signed in, session expired, or messaging account not paired."""
    if auth_status == "unpaired":
        from bot.wording.pairing import TEMPLATES as PAIRING
        return Reply(PAIRING["pairing_needed"])
    if auth_status == "phone":  # an anonymous phone call: a one-time code by SMS (bot/voice/verify.py)
        from bot.wording.voice import code_offer
        return code_offer()
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


def message_too_long(limit: int) -> Reply:
    """Chat answer to a message longer than the channels accept (it is not handed to the assistant)."""
    from bot.wording.format import number

    return Reply(TEMPLATES["message_too_long"].format(limit=number(limit)))


def detail_page(paragraphs) -> Reply:
    """The detail of the previous answer, asked for with « Voir le détail »: a page of at most
    ``MAX_WORDS`` words, the rest behind « Voir la suite »; "nothing more" when there is none."""
    from bot.wording.reply import MORE_BUTTON, shorten
    paragraphs = [p for p in paragraphs if p and p.strip()]
    if not paragraphs:
        return Reply(TEMPLATES["no_detail"])
    return shorten(Reply("\n".join(paragraphs)), button=MORE_BUTTON)


def rate_limited() -> Reply:
    """Chat answer to a person who sends messages faster than the limit allows."""
    return Reply(TEMPLATES["rate_limited"])


def too_many_requests(seconds: int) -> str:
    """HTTP 429 message (web page, link API, REST channel)."""
    return typo(TEMPLATES["too_many_requests"].format(seconds=max(1, int(seconds))))
