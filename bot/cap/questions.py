"""What a general question on the schemes asks (pure, no Rasa, no I/O).

:func:`kind` tells the question apart — its price, how two schemes differ, when a scheme was created,
its conditions (credit term, French content, currency), its ceiling or top-up ratio, whether one can
still apply, the State's share (Cap Relais), the alternatives — so the answer gives that fact first
(:mod:`bot.wording.cap.knowledge`) instead of the general presentation of the scheme.
:func:`schemes_in` lists every scheme a message names ("la différence entre cap et cap+").
"""
from __future__ import annotations

import re
from typing import List, Optional

from bot.parsing.schemes import _SCHEME_RE, normalise_scheme
from bot.text import fold as _fold

__all__ = ["KINDS", "kind", "schemes_in", "is_hypothetical_refusal"]

KINDS = ("price", "difference", "history", "currency", "conditions", "ceiling", "state_share", "alternatives",
         "still_open")


def _f(text: Optional[str]) -> str:
    return _fold(text, squeeze=True).strip()


# in order: the first kind that matches wins
_PATTERNS = (
    ("price", re.compile(r"combien.{0,25}\bcout|\bcout\w*.{0,25}combien|\bprix\b|\btarif|\bcout\b|\bcoute\b|"
                         r"\bcoutait\b|\bpayant\b|\bgratuit")),
    ("difference", re.compile(r"\bdifferen|\bpareil\b|\bla meme chose\b|\bcompar|\bdistingu")),
    ("state_share", re.compile(r"\bpart de l'? ?etat\b|\bl'? ?etat (?:prenait|prend|payait|paie)\b|\bpartage\b")),
    ("alternatives", re.compile(r"\bautres? (?:solutions?|pistes?|options?|possibilites?)\b|\balternatives?\b|"
                                r"\bil (?:me )?reste quoi\b|\bremplac|\bsinon (?:on fait|je fais) quoi\b")),
    ("history", re.compile(r"\bcree\b|\bcreee?s?\b|\bcreation\b|\blance\b|\bdate de quand\b|\bdepuis quand\b(?!.{0,20}"
                           r"(?:ferm|fini|termin|arret))|\bpendant (?:le |la )?covid|\bnouveau\b|\binvent|"
                           r"\bexiste depuis\b|\bmis en place quand\b")),
    ("currency", re.compile(r"\bdollars?\b|\busd\b|\bdevises?\b|\bmonnaie\b|\ben euros?\b")),
    ("conditions", re.compile(r"\bconditions?\b|\bcriteres?\b|\bduree de credit\b|\bdelai de (?:credit|paiement)\b|"
                              r"\bcontenu francais\b|\bpart francaise\b|\bqui (?:peut|a droit)\b|\ben general\b")),
    ("ceiling", re.compile(r"\bplafonds?\b|jusqu'? ?a combien|\bmaximum\b|\bau plus\b|\bpar rapport a\b|"
                           r"\bdouble\b|\bdeux fois\b|\bcombien (?:de|en)? ?(?:plus|complement)\b")),
    ("still_open", re.compile(r"\bencore\b|\btoujours\b|\bredemander\b|\bfaire (?:une|la) demande\b|\ben profiter\b|"
                              r"\bouvert\b|\bferme\b|\bfini\b|\btermine\b|\bmaintenant\b|\baujourd'? ?hui\b|"
                              r"\bmarchait\b|\bexiste\b|\ben vigueur\b|\bactif\b|\bvalable\b|\bdemander\b")),
)


def kind(text: Optional[str]) -> Optional[str]:
    """The fact a question on a scheme asks, one of :data:`KINDS`, or None (a general question)."""
    folded = _f(text)
    if not folded:
        return None
    for name, pattern in _PATTERNS:
        if pattern.search(folded):
            if name == "difference" and len(schemes_in(text)) < 2 and "difference" not in folded:
                continue
            return name
    return None


def schemes_in(text: Optional[str]) -> List[str]:
    """Every scheme the text names, in order, once each ("cap et cap+" -> ["CAP", "CAP+"])."""
    folded = _f(text)
    found: List[str] = []
    for m in _SCHEME_RE.finditer(folded):
        name = normalise_scheme(m.group())
        if name and name not in found and not re.search(r"\bpas\s*$", folded[max(0, m.start() - 6):m.start()]):
            found.append(name)
    if not found:
        name = normalise_scheme(text)
        if name:
            found.append(name)
    return found


_REFUSAL = re.compile(r"\b(?:avait|aviez|auriez|aurait|avions|avais) (?:tout |completement |totalement )?"
                      r"(?:refuse|retire|resilie|decline)|\bsi (?:vous|l'assureur|l assureur|on) (?:refus|retir)|"
                      r"\ben cas de refus\b|\bsans (?:aucune )?(?:garantie|couverture)\b")


def is_hypothetical_refusal(text: Optional[str]) -> bool:
    """« et si l'assureur avait tout refusé ? »: the same sale, with no cover from us (a what-if)."""
    return bool(_REFUSAL.search(_f(text)))
