"""Wording of the dialogue itself: offers made before acting, forms left or resumed, a person awaited."""
from __future__ import annotations

from typing import List

from bot.wording.reply import Button, Reply

DECLARE_BUTTON = Button("Oui, déclarer un impayé", "/declare_unpaid")
NO_BUTTON = Button("Non, merci", "/deny")
HUMAN_BUTTON = Button("Parler à un conseiller", "/request_human")

TEMPLATES = {
    # a declaration inferred, not asked: we ask before starting the form
    "declare_offer": "Voulez-vous déclarer une facture impayée tout de suite ? Il y a quatre questions.",
    "declare_question": (
        "Oui : chaque facture impayée doit nous être déclarée, dans le délai de votre contrat. "
        "On parle de déclaration de menace de sinistre, ou DMS."
    ),
    # a buyer in insolvency proceedings: what to do first
    "insolvency": (
        "Votre client est en procédure collective. Déclarez ce qu’il vous doit au mandataire judiciaire, "
        "dans les 2 mois après la parution du jugement au BODACC."
    ),
    "insolvency_us": "Déclarez-nous aussi vos factures impayées sur ce client : nous vous aidons ensuite.",
    # a person
    "machine": (
        "Je suis un assistant automatique, pas une personne. Je vous donne les informations de vos dossiers. "
        "Ce sont nos gestionnaires qui décident de votre indemnisation. Un conseiller est là si vous préférez."
    ),
    "person_offer": "Voulez-vous que je transmette votre demande à un conseiller ?",
    # a visitor who is not signed in confirms the wish before a request reaches the claims team
    "person_confirm_visitor": (
        "Vous n’êtes pas connecté. Pour que votre demande parvienne à un conseiller, confirmez-la. "
        "Voulez-vous parler à un conseiller ?"
    ),
    "visitor_requests_limited": (
        "Nous avons déjà reçu plusieurs demandes de conseiller depuis votre connexion. "
        "Un conseiller les lira dans l’ordre. Si vous êtes client, connectez-vous : votre demande "
        "arrivera avec vos dossiers."
    ),
    "waiting_ack": "Votre message est transmis au conseiller. Il le lira en prenant la suite.",
    "waiting_already": "Votre demande est déjà transmise. Un conseiller va prendre la suite ici.",
    "waiting_declare": "Le conseiller pourra faire la déclaration avec vous.",
    # complaint inferred, not asked
    "complaint_offer": "Vous voulez faire une réclamation ? Dites-le-moi. Sinon, posez votre question d’une autre façon.",
    # inside a form
    "form_welcome": "Avec plaisir.",
    "form_hello": "Bonjour, je suis là.",
    "form_goodbye": "J’arrête ici : rien n’a été envoyé. Au revoir, et bonne journée.",
    "callback_stopped": "D’accord, j’arrête la demande de rappel. Rien n’est noté.",
}


def declare_offer() -> Reply:
    return Reply(TEMPLATES["declare_offer"], [DECLARE_BUTTON, NO_BUTTON])


def declare_question() -> Reply:
    return Reply(TEMPLATES["declare_question"])


def insolvency() -> List[Reply]:
    return [Reply(TEMPLATES["insolvency"]), Reply(TEMPLATES["insolvency_us"])]


def machine() -> Reply:
    return Reply(TEMPLATES["machine"], [HUMAN_BUTTON])


def person_confirm_visitor() -> Reply:
    return Reply(TEMPLATES["person_confirm_visitor"],
                 [Button("Oui, je veux parler à un conseiller", "/request_human"), NO_BUTTON])


def visitor_requests_limited() -> Reply:
    return Reply(TEMPLATES["visitor_requests_limited"])


def person_offer() -> Reply:
    return Reply(TEMPLATES["person_offer"], [Button("Oui, un conseiller", "/request_human"), NO_BUTTON])


def waiting_ack() -> Reply:
    return Reply(TEMPLATES["waiting_ack"])


def waiting_already() -> Reply:
    return Reply(TEMPLATES["waiting_already"])


def waiting_declare() -> Reply:
    return Reply(TEMPLATES["waiting_declare"])


def complaint_offer() -> Reply:
    return Reply(TEMPLATES["complaint_offer"])


def form_welcome() -> Reply:
    return Reply(TEMPLATES["form_welcome"])


def form_hello() -> Reply:
    return Reply(TEMPLATES["form_hello"])


def form_goodbye() -> Reply:
    return Reply(TEMPLATES["form_goodbye"])


def callback_stopped() -> Reply:
    return Reply(TEMPLATES["callback_stopped"])
