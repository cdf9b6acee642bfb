"""Agent → bot referrals: the SMS and e-mail that carry the link, the greeting with the agent's
context, the refusals of a link that cannot be used, and the agent desk's errors."""
from __future__ import annotations

from typing import Dict, Optional

from bot.wording.format import typo
from bot.wording.reply import Button, Reply

TEMPLATES = {
    # sent by the agent (SMS, e-mail); {link} is the single-use link, {minutes} its lifetime
    "sms": ("Bonjour, voici le lien promis par votre conseiller pour suivre votre question en ligne : {link} "
            "Il ne sert qu’une fois et reste valable {minutes} minutes."),
    "email_subject_claim": "Votre question sur le dossier {claim_ref}",
    "email_subject": "Le lien pour votre question",
    "email_body": ("Bonjour,\n\n"
                   "Suite à notre appel, voici le lien vers l’assistant en ligne. "
                   "Il vous connecte à votre espace et reprend votre question là où nous l’avons laissée.\n\n"
                   "{link}\n\n"
                   "Ce lien ne sert qu’une fois. Il reste valable {minutes} minutes. "
                   "Ne le transmettez à personne.\n\n"
                   "Si le lien ne marche plus, connectez-vous sur le site ou rappelez-nous.\n\n"
                   "Votre conseiller indemnisation"),
    # the assistant, when the link is opened
    "greet_claim": "Bonjour. Votre conseiller m’a transmis votre question sur le dossier {claim_ref}.",
    "greet_topic": "Bonjour. Votre conseiller m’a transmis votre question sur {topic}.",
    "greet_topic_claim": "Bonjour. Votre conseiller m’a transmis votre question sur {topic}, pour le dossier {claim_ref}.",
    "declare_next": ("Nous pouvons déclarer cet impayé ensemble, ici. Je vais vous poser quatre questions courtes. "
                     "On commence ?"),
    # a link that cannot be used: polite, and the normal sign-in stays on the page
    "refused_used": ("Ce lien a déjà servi. Pour protéger vos données, il ne marche qu’une fois. "
                     "Connectez-vous ci-dessous, ou demandez un nouveau lien à votre conseiller."),
    "refused_expired": ("Ce lien a expiré. Pour protéger vos données, il ne dure que quelques minutes. "
                        "Connectez-vous ci-dessous, ou demandez un nouveau lien à votre conseiller."),
    "refused_invalid": ("Ce lien n’est pas valide. Vérifiez que vous l’avez copié en entier. "
                        "Sinon, connectez-vous ci-dessous, ou demandez un nouveau lien à votre conseiller."),
    "redeem_unavailable": "Le service est indisponible pour le moment. Réessayez dans quelques minutes.",
    # the agent desk (or the telephony system) creating a link
    "agent_sign_in": "Connectez-vous avec votre compte conseiller.",
    "agent_unknown_policyholder": "Ce client n’existe pas. Vérifiez son numéro.",
    "agent_unknown_topic": "Choisissez le sujet de la question dans la liste.",
    "agent_bad_claim_ref": "Cette référence n’a pas la bonne forme. Exemple : SIN-2021-000123.",
    "agent_claim_not_owned": "Ce dossier n’est pas un dossier de ce client. Vérifiez la référence.",
    "agent_bad_request": "La demande est incomplète. Indiquez le client et le sujet.",
    "agent_not_held": ("Vous pouvez créer un lien seulement pour une demande que vous avez prise. "
                       "Prenez d’abord la demande de ce client, ou demandez à un superviseur."),
    # malformed requests to the API (the page and the desk always send JSON)
    "request_not_json": "Envoyez les données au format JSON.",
    "request_too_large": "La demande est trop longue.",
    "request_bad_json": "Les données envoyées ne sont pas lisibles.",
}

# What the question is about, inside "votre question sur …" (fragments, not sentences).
TOPIC_LABELS: Dict[str, str] = {
    "claim_status": "l’état de votre dossier",
    "guarantee": "votre garantie",
    "fees": "vos frais",
    "cap": "les aides de l’État",
    "indemnification": "votre indemnité",
    "declaration": "un impayé à déclarer",
}
# The agent desk's list of topics.
TOPIC_CHOICES: Dict[str, str] = {
    "claim_status": "Où en est un dossier",
    "guarantee": "Garantie sur un client",
    "fees": "Frais et prime",
    "cap": "Aides de l’État (CAP)",
    "indemnification": "Indemnisation",
    "declaration": "Déclarer un impayé",
}


def sms(link: str, minutes: int) -> str:
    return typo(TEMPLATES["sms"].format(link=link, minutes=int(minutes)))


def email(link: str, minutes: int, claim_ref: Optional[str] = None) -> Dict[str, str]:
    subject = TEMPLATES["email_subject_claim"].format(claim_ref=claim_ref) if claim_ref else TEMPLATES["email_subject"]
    return {"subject": typo(subject), "body": typo(TEMPLATES["email_body"].format(link=link, minutes=int(minutes)))}


def greeting(topic: str, claim_ref: Optional[str]) -> Reply:
    """« Votre conseiller m'a transmis votre question sur le dossier … »."""
    if claim_ref and topic == "claim_status":
        return Reply(TEMPLATES["greet_claim"].format(claim_ref=claim_ref))
    label = TOPIC_LABELS.get(topic, TOPIC_LABELS["claim_status"])
    if claim_ref:
        return Reply(TEMPLATES["greet_topic_claim"].format(topic=label, claim_ref=claim_ref))
    return Reply(TEMPLATES["greet_topic"].format(topic=label))


def declare_next() -> Reply:
    return Reply(TEMPLATES["declare_next"], [Button("Déclarer l’impayé", "/declare_unpaid")])


def refused(reason: str) -> str:
    """The page's answer to a link that was reused, has expired, or is not one of ours."""
    key = {"used": "refused_used", "expired": "refused_expired"}.get(reason, "refused_invalid")
    return typo(TEMPLATES[key])


def agent_error(reason: str) -> str:
    key = f"agent_{reason}"
    return typo(TEMPLATES.get(key, TEMPLATES["agent_bad_request"]))


def request_error(kind: str) -> str:
    return typo(TEMPLATES[f"request_{kind}"])


def unavailable() -> str:
    return typo(TEMPLATES["redeem_unavailable"])
