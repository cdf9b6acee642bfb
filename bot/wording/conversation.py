"""Wording of the conversation itself: worry, complaints, a person, yes/no out of context, satisfaction."""
from __future__ import annotations

from bot.wording.reply import Button, Reply

HUMAN_BUTTON = Button("Parler à un conseiller", "/request_human")

TEMPLATES = {
    # worry: empathy first, then one concrete step, then a person
    "worry_ack": (
        "Je comprends votre inquiétude. Un impayé pèse lourd sur la trésorerie. "
        "Vous n’êtes pas seul face à cela : c’est le rôle de votre assurance."
    ),
    "worry_step_signed_in": (
        "Le plus utile maintenant : voir où en sont vos dossiers, ou déclarer vite une facture impayée. "
        "Que voulez-vous faire ?"
    ),
    "worry_step_visitor": (
        "Le plus utile maintenant : déclarer vite la facture impayée, dans le délai de votre contrat. "
        "Je peux vous dire comment faire et ce que nous vous payons."
    ),
    "worry_human": "Si vous préférez en parler à une personne, c’est possible aussi.",
    # complaints
    "complaint_ack": (
        "Je suis désolé que cela se soit mal passé. Merci de nous le dire."
    ),
    "complaint_recorded": (
        "J’ai noté votre réclamation sous la référence {ref}. "
        "Un responsable va la lire et vous répondre."
    ),
    "complaint_visitor": (
        "Je ne peux pas noter votre réclamation sans savoir qui vous êtes. "
        "Connectez-vous en haut de la page, puis écrivez-moi de nouveau. "
        "Vous pouvez aussi écrire à notre service réclamations. "
        "Son adresse est dans votre contrat."
    ),
    # No "gratuit": the Médiation de l'assurance is free for consumers; for professionals it excludes the
    # "grands risques", which include the credit insurance of a business (sources.yml:
    # mediation-assurance-charte, tribune-2021-01-mediation, code-assurances-grands-risques).
    "complaint_mediation": (
        "Si notre réponse ne vous convient pas, regardez votre contrat : il indique si vous pouvez "
        "faire appel à un médiateur, une personne neutre, et comment le joindre. "
        "Un conseiller peut aussi vous aider."
    ),
    "complaint_empty": (
        "Pour que je la note, dites-moi en une ou deux phrases ce qui n’a pas été."
    ),
    # a person
    # yes / no with nothing to answer
    "affirm_no_context": "D’accord. Que puis-je faire pour vous ?",
    "deny_no_context": "Très bien. Dites-moi ce dont vous avez besoin, je suis là.",
    # satisfaction
    "csat_ask_thank": (
        "Avec plaisir. Une dernière question, si vous le voulez bien. "
        "Sur une note de 1 à 5, cette aide vous a-t-elle été utile ?"
    ),
    "csat_ask_bye": (
        "Avant de vous quitter, une petite question. "
        "Sur une note de 1 à 5, cette aide vous a-t-elle été utile ?"
    ),
    "csat_thanks_good": "Merci pour votre note. Bonne journée.",
    "csat_thanks_low": (
        "Merci de nous avoir répondu sincèrement. Nous allons lire votre avis pour faire mieux. "
        "Si vous voulez, un conseiller peut reprendre votre question."
    ),
    "csat_none": "Pas de souci. Merci, et bonne journée.",
}

BUTTONS = {"my_claims": "Voir mes dossiers", "declare": "Déclarer un impayé",
           "process": "Comment ça se passe"}

CSAT_LABELS = {1: "1 - Pas du tout", 2: "2", 3: "3", 4: "4", 5: "5 - Tout à fait"}


def worry(signed_in: bool) -> list:
    step = TEMPLATES["worry_step_signed_in" if signed_in else "worry_step_visitor"]
    if signed_in:
        buttons = [Button(BUTTONS["my_claims"], "/list_claims"),
                   Button(BUTTONS["declare"], "/declare_unpaid")]
    else:
        buttons = [Button(BUTTONS["declare"], "/declare_unpaid"),
                   Button(BUTTONS["process"], "/ask_claim_process")]
    return [Reply(TEMPLATES["worry_ack"]), Reply(step, buttons), Reply(TEMPLATES["worry_human"], [HUMAN_BUTTON])]


def complaint_recorded(reference: str) -> list:
    return [Reply(TEMPLATES["complaint_ack"]),
            Reply(TEMPLATES["complaint_recorded"].format(ref=reference)),
            Reply(TEMPLATES["complaint_mediation"], [HUMAN_BUTTON])]


def complaint_visitor() -> list:
    return [Reply(TEMPLATES["complaint_ack"]), Reply(TEMPLATES["complaint_visitor"]),
            Reply(TEMPLATES["complaint_mediation"], [HUMAN_BUTTON])]


def complaint_empty() -> list:
    return [Reply(TEMPLATES["complaint_ack"]), Reply(TEMPLATES["complaint_empty"], [HUMAN_BUTTON])]


def affirm_no_context() -> Reply:
    return Reply(TEMPLATES["affirm_no_context"])


def deny_no_context() -> Reply:
    return Reply(TEMPLATES["deny_no_context"])


def csat_ask(after_goodbye: bool = False) -> Reply:
    buttons = [Button(CSAT_LABELS[n], '/affirm{"csat_score":"%d"}' % n) for n in range(1, 6)]
    return Reply(TEMPLATES["csat_ask_bye" if after_goodbye else "csat_ask_thank"], buttons)


def csat_thanks(score) -> Reply:
    if score is None:
        return Reply(TEMPLATES["csat_none"])
    if score <= 2:
        return Reply(TEMPLATES["csat_thanks_low"], [HUMAN_BUTTON])
    return Reply(TEMPLATES["csat_thanks_good"])
