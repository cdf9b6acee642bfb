"""Accent folding: the one helper behind every "compare text without accents" in the project.

:func:`fold` is what the parsers (:mod:`bot.parsing`), the intent readers (:mod:`bot.cap.dialogue`,
:mod:`bot.guarantee_intent`) and the tokenizer's lemmas (``rasa_ext/nlu/tokenizer.py``) apply to
what people type; :func:`strip_accents` is the step they share with the buyer-name keys
(:mod:`bot.store.names`).

The callers differ on purpose, and keep doing so (``tests/bot/test_text.py`` pins each one):

* parsers: also the modifier-letter apostrophe (U+02BC) and the no-break / thin spaces made plain;
* ``bot.cap.dialogue``: whitespace squeezed, then the ends stripped; ``bot.guarantee_intent``:
  squeezed, ends kept;
* tokenizer: case kept (``lower=False``), the result recomposed (NFC);
* buyer names: compatibility decomposition (``compat=True``: NFKD, so "ﬁ" -> "fi" and no-break
  spaces -> spaces; marks = characters with a combining class), then their own punctuation rules.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

__all__ = ["fold", "strip_accents"]

_WHITESPACE = re.compile(r"\s+")


def strip_accents(text: str, *, compat: bool = False) -> str:
    """``text`` decomposed, without its accents (combining marks).

    Default: canonical decomposition (NFD), non-spacing marks (Unicode category Mn) dropped.
    ``compat=True``: compatibility decomposition (NFKD), characters with a combining class dropped
    (the buyer-name keys stored in the database are computed this way).
    """
    if compat:
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def fold(text: Optional[str], *, lower: bool = True, squeeze: bool = False) -> str:
    """``text`` with the typographic apostrophe (’) made plain, without accents, in lower case.

    ``None`` gives ``""``. ``lower=False`` keeps the case; ``squeeze=True`` turns every run of
    whitespace into one space (the ends are kept).
    """
    text = strip_accents((text or "").replace("\u2019", "'"))
    if lower:
        text = text.lower()
    if squeeze:
        text = _WHITESPACE.sub(" ", text)
    return text
