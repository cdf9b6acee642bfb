"""What only the phone says: keys to a person, silences, confirmations, the one-time code.

Everything else the caller hears is the ordinary wording of each topic, turned into speech by
:mod:`bot.voice.speech` (figures in words, options spoken). These texts go through it too.
"""
from __future__ import annotations

from bot.wording.reply import Button, Reply

CODE_PAYLOAD = "/voice_code"
HUMAN_PAYLOAD = "/request_human"

TEMPLATES = {
    "keys": "À tout moment, dites « conseiller » ou tapez zéro pour parler à une personne.",
    "silence": "Je ne vous entends pas. Posez-moi votre question, ou dites « conseiller ».",
    "silence_transfer": "Je ne vous entends toujours pas. Je vous passe un conseiller.",
    "silence_bye": "Je ne vous entends pas. Rappelez-nous quand vous voulez. Au revoir.",
    "misunderstood_transfer": "Je vous comprends mal au téléphone. Un conseiller va vous répondre.",
    "confirm_heard": "J’ai compris : « {text} ». C’est bien cela ?",
    "confirm_retry": "D’accord. Pouvez-vous le redire, avec d’autres mots ?",
    "confirm_phone": "J’ai noté le numéro : {digits}. C’est bien cela ?",
    "phone_again": "D’accord. Redites le numéro, chiffre par chiffre, ou tapez-le.",
    "nothing_to_repeat": "Je vous écoute. Que puis-je faire pour vous ?",
    "transfer": "Je vous passe un conseiller. Restez en ligne, s’il vous plaît.",
    "transfer_closed": "Nos conseillers ne sont pas là. Je prends vos coordonnées pour qu’ils vous rappellent.",
    "goodbye": "Au revoir. Bonne journée.",
    "code_offer": (
        "Pour parler de vos dossiers, je dois d’abord vérifier qui vous êtes. "
        "Je peux envoyer un code par SMS au numéro inscrit sur votre contrat."
    ),
    "code_ask_siren": "Dites le numéro SIREN de votre entreprise : ses neuf chiffres. Vous pouvez aussi le taper.",
    "code_siren_again": "Je n’ai pas eu les neuf chiffres. Redites le numéro SIREN, ou tapez-le.",
    "code_sent": (
        "Si ce numéro est bien celui d’un contrat, nous venons d’envoyer un code à six chiffres "
        "au téléphone inscrit sur ce contrat. Dites ce code, ou tapez-le."
    ),
    "code_sms": (
        "Votre code pour l’assistant au téléphone : {code}. Il sert une fois, pendant 5 minutes. "
        "Ne le donnez à personne."
    ),
    "code_ok": "Merci, c’est vérifié : je vous parle pour {name}. Que puis-je faire pour vous ?",
    "code_wrong": "Ce code ne va pas. Redites les six chiffres, ou dites « conseiller ».",
    "code_blocked": "Il y a eu trop d’essais. Pour votre sécurité, je vous passe un conseiller.",
    "code_unavailable": "Je ne peux pas envoyer de code pour le moment. Un conseiller peut vous aider.",
    "code_stopped": "D’accord, je ne vérifie rien. Je peux répondre à vos questions générales.",
    "declare_phone": (
        "Au téléphone, je ne prends pas de déclaration d’impayé : il faut des montants et des dates précis. "
        "Un conseiller peut la faire avec vous. Vous pouvez aussi la faire en ligne, dans votre espace."
    ),
    "transfer_refused": "Ce transfert n’est plus valable. Je peux répondre à vos questions générales.",
}

# The few sentences of the common wording that speak of the page or of typing, said the phone's way
# (applied by bot.voice.speech.render before the figures are put in words). Order matters: the specific first.
PHONE_REWORDING = (
    (r"[Rr]estez sur cette page\s*:\s*sa réponse va s’afficher ici\.\s*", ""),
    (r"[Cc]liquez sur « Se connecter » en haut de la page", "sur notre site, cliquez sur « Se connecter »"),
    (r"([Rr]e)?[Cc]onnectez-vous(?: avec votre compte)?,? en haut de la page",
     "dites « recevoir le code » pour avoir un code par SMS"),
    (r"en haut de la page", "sur notre site"),
    (r"Écrivez-(l[ae]) en chiffres", r"Dites-\1"),
    (r"Écrivez-(l[ae]) comme ceci\s*:\s*\S+", r"Dites-\1 avec le jour, le mois et l’année"),
    (r"écrivez-moi", "parlez-moi"),
    (r"puis écrivez", "puis dites"),
    (r"\bici\b(?=\s*[.,])", "au téléphone"),
)
CODE_PHRASES = ("recevoir le code", "code par sms", "envoyez le code", "envoyez-moi le code", "je veux le code",
                "avoir le code", "avoir un code")

CODE_BUTTON = Button("Recevoir le code", CODE_PAYLOAD)
HUMAN_BUTTON = Button("Un conseiller", HUMAN_PAYLOAD)


def code_offer() -> Reply:
    """What an anonymous caller hears when they ask about their own files."""
    return Reply(TEMPLATES["code_offer"], [CODE_BUTTON, HUMAN_BUTTON])


def declare_phone() -> Reply:
    return Reply(TEMPLATES["declare_phone"], [HUMAN_BUTTON])


def text(key: str, **values: str) -> str:
    return TEMPLATES[key].format(**values)
