"""What the person reads when a part of the service fails (said by the channel, not by Rasa).

The channel sends it when the assistant could not answer: the action server, the lock store or
the conversation store is down, or the answer takes too long. The offer of a person works even
then: the button asks for a person when the service is back, and the contract gives a number.
"""
from __future__ import annotations

from bot.wording.core import HUMAN_BUTTON
from bot.wording.reply import Reply

TEMPLATES = {
    "unavailable": (
        "Je suis désolé, un souci technique m’empêche de vous répondre. "
        "Réessayez dans quelques minutes. "
        "Si c’est urgent, un conseiller peut vous aider : son numéro est dans votre contrat."
    ),
    "too_slow": (
        "Je suis désolé, je mets trop de temps à vous répondre. "
        "Réessayez dans quelques minutes. "
        "Si c’est urgent, un conseiller peut vous aider : son numéro est dans votre contrat."
    ),
}


def unavailable() -> Reply:
    """The assistant failed to answer (a service is down): apologise and offer a person."""
    return Reply(TEMPLATES["unavailable"], [HUMAN_BUTTON])


def too_slow() -> Reply:
    """No answer within the time bound: apologise and offer a person."""
    return Reply(TEMPLATES["too_slow"], [HUMAN_BUTTON])
