"""Names of the public top-up schemes in what people type (:func:`normalise_scheme`)."""
from __future__ import annotations

import re
from typing import Optional

from bot.parsing.text import fold

__all__ = ["SCHEME_NAMES", "normalise_scheme"]

SCHEME_NAMES = ("CAP", "CAP+", "CAP Francexport", "CAP+ Francexport", "Cap Relais")
_SCHEME_RE = re.compile(
    r"(?<![a-z])cap(?:\s*[-_.]?\s*(?P<plus1>\+|plus(?![a-z])))?"
    r"(?:\s*[-_.]?\s*(?P<kind>france\s*[-_]?\s*x?export|francexport|franceexport|export|relais))?"
    r"(?:\s*(?P<plus2>\+|plus(?![a-z])))?(?![a-z])"
)


def normalise_scheme(text: Optional[str]) -> Optional[str]:
    """Map a free-text scheme name to one of :data:`SCHEME_NAMES`, or None."""
    if not text or not isinstance(text, str):
        return None
    s = fold(text)
    m = _SCHEME_RE.search(s)
    if m:
        plus = bool(m.group("plus1") or m.group("plus2"))
        kind = (m.group("kind") or "").replace(" ", "")
        if kind == "relais":
            return "Cap Relais"
        if kind:
            return "CAP+ Francexport" if plus else "CAP Francexport"
        return "CAP+" if plus else "CAP"
    m = re.search(r"(?<![a-z])franc(?:e\s*-?\s*)?export(?P<plus>\s*(?:\+|plus(?![a-z])))?", s)
    if m:
        return "CAP+ Francexport" if m.group("plus") else "CAP Francexport"
    if re.search(r"complement d'?\s*assurance[ -]credit public", s):
        return "CAP"
    return None
