"""Pairing a messaging account (SMS, WhatsApp, Telegram, Messenger, Slack) with the policyholder space:
the answers to a pairing code typed on the channel, and what an unpaired account is told."""

TEMPLATES = {
    "paired": "C’est fait : ce compte est relié à votre espace assuré. Vous pouvez demander le statut d’un dossier.",
    "invalid": "Ce code n’est pas valide ou a expiré. Demandez un nouveau code dans votre espace assuré.",
    "blocked": "Trop d’essais. Attendez quinze minutes avant de saisir un nouveau code.",
    "pairing_needed": ("Pour voir vos dossiers ici, reliez d’abord ce compte. Dans votre espace assuré sur le site, "
                    "cliquez sur « Relier une messagerie » et envoyez-nous le code affiché."),
    "unavailable": "Le service est indisponible pour le moment. Réessayez dans quelques minutes.",
}
