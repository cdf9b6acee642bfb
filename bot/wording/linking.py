"""Linking a messaging account (SMS, WhatsApp, Telegram, Messenger, Slack) to the policyholder space."""

TEMPLATES = {
    "linked": "C’est fait : ce compte est relié à votre espace assuré. Vous pouvez demander le statut d’un dossier.",
    "invalid": "Ce code n’est pas valide ou a expiré. Demandez un nouveau code dans votre espace assuré.",
    "blocked": "Trop d’essais. Attendez quinze minutes avant de saisir un nouveau code.",
    "link_needed": ("Pour voir vos dossiers ici, reliez d’abord ce compte. Dans votre espace assuré sur le site, "
                    "cliquez sur « Relier une messagerie » et envoyez-nous le code affiché."),
    "unavailable": "Le service est indisponible pour le moment. Réessayez dans quelques minutes.",
}
