"""The folding every parser applies first: :func:`bot.text.fold`, with the modifier-letter
apostrophe (U+02BC) and the no-break and thin spaces (in "45 000 €") made plain as well."""
from __future__ import annotations

import re

from bot.text import fold as _fold_text

__all__ = ["fold"]


def fold(text: str) -> str:
    """Lower case, no accents, typographic apostrophes and spaces made plain."""
    text = text.replace("\u02bc", "'")
    text = re.sub(r"[\u00a0\u202f\u2009\u2007]", " ", text)
    return _fold_text(text)
