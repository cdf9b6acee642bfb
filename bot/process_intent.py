"""Which general process question a message asks (pure functions, no I/O, no Rasa).

- :func:`asks_what_to_prepare`: what to have at hand to declare an unpaid invoice;
- :func:`asks_about_insolvency`: what receivership or liquidation changes (the mandataire, the BODACC);
- :func:`asks_definition`: what a word means (the glossary answers it, whatever topic it landed in);
- :func:`asks_if_too_late`: whether an invoice long past due can still be declared;
- :func:`due_date_ahead`: « je peux déjà déclarer ? » about an invoice whose due date is still to come.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

from bot.dialogue import is_question, mentions_insolvency
from bot.parsing import parse_date
from bot.text import fold as _fold


def fold(text: Optional[str]) -> str:
    return _fold(text, squeeze=True)


_PREPARE = re.compile(
    r"\bsous la main\b|\bprepar\w*|\brassembl\w*|\bquels? (?:elements?|infos?|informations?|papiers?|documents?|pieces?)\b"
    r"|\bde quoi (?:j'ai|on a|vous avez|avez[- ]vous) besoin\b|\bil (?:me|nous|vous) faut quoi\b"
    r"|\bqu'est[- ]ce qu'il (?:me|vous) faut\b"
    r"|\bje dois avoir quoi\b|\bavoir quoi\b")
_DECLARING = re.compile(r"\bdeclar\w*|\bdms\b|\bimpaye\w*|\bfactur\w*|\bdossier\b")


def asks_what_to_prepare(text: Optional[str], *, after_declaring: bool = False) -> bool:
    """« je dois avoir quoi sous la main ? » (about declaring, said or just discussed)."""
    s = fold(text)
    return bool(_PREPARE.search(s)) and (bool(_DECLARING.search(s)) or after_declaring or "sous la main" in s)


_WHAT_CHANGES = re.compile(
    r"\bca change\b|\bchange (?:quoi|quelque chose|qqch)\b|\bque faire\b|\bje fais quoi\b|\bqu'est[- ]ce que je (?:dois|fais)\b"
    r"|\bil faut (?:que je|quoi)\b|\brefaire\b|\bredeclarer\b|\bquand meme\b|\btoujours\b|\bvous payez\b|\bvous me payez\b"
    r"|\bcouvert\w*\b|\bdois[- ]je\b|\bje dois\b")


def asks_about_insolvency(text: Optional[str]) -> bool:
    """« le redressement ça change quoi pour ce dossier ? », « en liquidation, vous payez quand même ? »."""
    s = fold(text)
    return mentions_insolvency(text) and is_question(text) and bool(_WHAT_CHANGES.search(s))


_DEFINITION = re.compile(r"^(?:et |mais |bon |ok )*(?:c'?est quoi|c quoi|c koi|ca veut dire quoi|que veut dire|"
                         r"qu'est[- ]ce que?|definition)\b|\bca veut dire quoi\b|\bc'?est quoi (?:un|une|le|la|l')\b")


def asks_definition(text: Optional[str]) -> bool:
    """« c quoi un débiteur ? », « subrogation ça veut dire quoi »: what a word means."""
    s = fold(text)
    return bool(_DEFINITION.search(s)) and not re.search(r"\b(?:mon|ma|mes|notre|nos|leur|leurs)\b", s)


_NOT_DUE = re.compile(r"\bpas encore (?:echue?s?|arrivee?s? a echeance)\b|\bavant (?:l'|son |sa |leur )?echeance\b")
_AHEAD = re.compile(r"\bdans (?:\d+|un|une|deux|trois|quatre|quinze|quelques) (?:jours?|semaines?|mois)\b")


_TOO_LATE = re.compile(r"\btrop tard\b|\bhors delai\b|\ben retard pour (?:la )?declar\w*|\bdepasse (?:le )?delai\b"
                       r"|\b(?:encore|toujours) (?:le temps de )?(?:la |les )?declar\w*")


def asks_if_too_late(text: Optional[str]) -> bool:
    """« l'échéance c'était il y a deux mois, c'est trop tard ? »: whether a declaration is still possible."""
    return is_question(text) and bool(_TOO_LATE.search(fold(text)))


def due_date_ahead(text: Optional[str], today: Optional[date] = None) -> bool:
    """The message asks about declaring an invoice that is not due yet (« l'échéance c'est dans 3 semaines »)."""
    s = fold(text)
    if not re.search(r"\bdeclar\w*|\bdms\b", s):
        return False
    if _NOT_DUE.search(s):
        return True
    if "echeance" not in s and "echu" not in s:
        return False
    if _AHEAD.search(s):
        return True
    found = parse_date(text, today=today)
    return found is not None and found > (today or date.today())
