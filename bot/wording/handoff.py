"""Wording of the handoff to a person: a ticket during business hours, a callback outside."""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional, Sequence

from babel.dates import format_date

from bot.wording.format import LOCALE, day
from bot.wording.reply import Button, Reply

TEMPLATES = {
    # during business hours: a ticket; the assistant still answers until the agent takes over
    "ticket_created": (
        "C’est noté. Un conseiller va prendre le relais ici, dès qu’il est libre. "
        "Il verra notre échange : vous n’aurez pas à tout redire."
    ),
    "ticket_reference": "Votre demande porte le numéro {ref}.",
    "ticket_claims": "Je lui signale le dossier dont nous avons parlé : {refs}.",
    "ticket_wait": (
        "Restez sur cette page : sa réponse va s’afficher ici. En attendant, je lui transmets vos messages "
        "et je réponds à ce que je peux."
    ),
    "ticket_visitor": (
        "Vous n’êtes pas connecté. Le conseiller vous demandera donc qui vous êtes."
    ),
    # outside business hours: a callback
    "closed": "Nos conseillers ne sont pas là pour le moment. Ils reviennent {when}.",
    "callback_offer": (
        "Je peux vous faire rappeler. Il me faut votre numéro et le moment qui vous va. "
        "Si vous ne voulez pas, dites non."
    ),
    "ask_phone": "À quel numéro pouvons-nous vous appeler ? Par exemple : 06 12 34 56 78.",
    "phone_format": "Je ne trouve pas de numéro de téléphone dans votre réponse.",
    "phone_length": "Ce numéro n’a pas le bon nombre de chiffres : il en faut 10.",
    "phone_special": (
        "Nous ne pouvons pas appeler un numéro en 08. Donnez plutôt un fixe ou un portable."
    ),
    "phone_foreign": (
        "Pour le moment, nous appelons seulement des numéros en France. "
        "Avez-vous un numéro en France ?"
    ),
    "ask_slot": "Quand voulez-vous que l’on vous appelle ? Choisissez un moment.",
    "slot_invalid": "Ce moment n’est pas possible : nos conseillers ne sont pas là à cette heure.",
    "callback_done": "C’est noté. Un conseiller vous appelle {when}, au {phone}.",
    "callback_claims": "Il aura sous les yeux notre échange et le dossier {refs}.",
    "callback_cancelled": "D’accord, je n’ai rien noté. Je reste là si vous avez besoin de moi.",
    "callback_in_progress": (
        "C’est bien ce que nous faisons : je prends les infos pour qu’un conseiller vous rappelle."
    ),
    # the agent desk (live take-over): what the person sees in the same chat window
    "agent_joined": "{agent}, de notre équipe, prend la suite. Vous pouvez lui écrire ici.",
    "agent_says": "{agent}, de notre équipe, vous écrit : {text}",
    "bot_back": "{agent} m’a rendu la main : je suis de retour.",
    "bot_back_claims": "Nous parlions du dossier {refs}. Je le garde en tête.",
    "bot_back_ask": "Que puis-je faire d’autre pour vous ?",
    # the ticket or the callback could not be saved
    "handoff_failed": (
        "Je suis désolé, je n’arrive pas à joindre l’équipe pour le moment. "
        "Réessayez dans quelques minutes, ou appelez votre gestionnaire. "
        "Son numéro est dans votre contrat."
    ),
}


def hour(value: datetime) -> str:
    """``9 h``, ``14 h 30`` (French style)."""
    return f"{value.hour} h" if value.minute == 0 else f"{value.hour} h {value.minute:02d}"


def when(value: datetime) -> str:
    """``le lundi 2 mars 2026 à 9 h`` (the datetime is already in the local zone)."""
    weekday = format_date(value.date(), format="EEEE", locale=LOCALE)
    return f"le {weekday} {day(value)} à {hour(value)}"


def slot_title(value: datetime) -> str:
    """Short button title: ``lun. 2 mars, 9 h``."""
    return f"{format_date(value.date(), format='EEE d MMM', locale=LOCALE)}, {hour(value)}"


def slot_payload(value: datetime) -> str:
    return '/affirm{"callback_slot":"%s"}' % value.strftime("%Y-%m-%dT%H:%M")


def _refs(refs: Sequence[str]) -> str:
    return ", ".join(refs)


def ticket_created(reference: str, refs: Sequence[str], signed_in: bool) -> List[Reply]:
    replies = [Reply(TEMPLATES["ticket_created"]), Reply(TEMPLATES["ticket_reference"].format(ref=reference))]
    if refs:
        replies.append(Reply(TEMPLATES["ticket_claims"].format(refs=_refs(refs))))
    if not signed_in:
        replies.append(Reply(TEMPLATES["ticket_visitor"]))
    replies.append(Reply(TEMPLATES["ticket_wait"]))
    return replies


def closed(next_opening: Optional[datetime]) -> List[Reply]:
    replies = []
    if next_opening is not None:
        replies.append(Reply(TEMPLATES["closed"].format(when=when(next_opening))))
    replies.append(Reply(TEMPLATES["callback_offer"]))
    return replies


def ask_phone() -> Reply:
    return Reply(TEMPLATES["ask_phone"])


def phone_invalid(problem: str) -> Reply:
    key = {"special": "phone_special", "foreign": "phone_foreign", "length": "phone_length"}.get(problem, "phone_format")
    return Reply(TEMPLATES[key])


def ask_slot(slots: Sequence[datetime]) -> Reply:
    return Reply(TEMPLATES["ask_slot"], [Button(slot_title(s), slot_payload(s)) for s in slots])


def slot_invalid() -> Reply:
    return Reply(TEMPLATES["slot_invalid"])


def callback_done(slot: datetime, phone: str, refs: Sequence[str] = ()) -> List[Reply]:
    replies = [Reply(TEMPLATES["callback_done"].format(when=when(slot), phone=phone))]
    if refs:
        replies.append(Reply(TEMPLATES["callback_claims"].format(refs=_refs(refs))))
    return replies


def callback_cancelled() -> Reply:
    return Reply(TEMPLATES["callback_cancelled"])


def callback_in_progress() -> Reply:
    return Reply(TEMPLATES["callback_in_progress"])


def handoff_failed() -> Reply:
    return Reply(TEMPLATES["handoff_failed"])


# --- agent desk -------------------------------------------------------------------------------

def agent_joined(agent: str) -> Reply:
    return Reply(TEMPLATES["agent_joined"].format(agent=agent))


def agent_says(agent: str, text: str) -> Reply:
    """An agent's message as the person sees it: the agent's name, then the text (kept as typed)."""
    return Reply(TEMPLATES["agent_says"].format(agent=agent, text=text))


def bot_back(agent: str, refs: Sequence[str] = ()) -> List[Reply]:
    """The assistant takes the conversation back and recalls what it was about."""
    replies = [Reply(TEMPLATES["bot_back"].format(agent=agent))]
    if refs:
        replies.append(Reply(TEMPLATES["bot_back_claims"].format(refs=_refs(refs))))
    replies.append(Reply(TEMPLATES["bot_back_ask"]))
    return replies
