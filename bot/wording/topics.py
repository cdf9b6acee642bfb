"""Short French labels of the topics, used for "did you mean…" buttons."""
from __future__ import annotations

from typing import Iterable, List, Tuple

LABELS = {
    "ask_claim_status": "Où en est mon dossier",
    "list_claims": "Voir mes dossiers",
    "declare_unpaid": "Déclarer un impayé",
    "ask_claim_process": "Comment marche l’indemnisation",
    "ask_fees": "Mes frais et ma prime",
    "ask_guarantee": "Ma garantie sur un client",
    "ask_cap": "Les aides de l’État (CAP)",
    "ask_advance_indemnification": "Être payé plus tôt",
    "complain": "Faire une réclamation",
}
DEFAULT = ["ask_claim_status", "declare_unpaid", "ask_guarantee"]


def suggestions_for(intents: Iterable[str], limit: int = 3) -> List[Tuple[str, str]]:
    """Up to ``limit`` (label, payload) pairs: the ranked intents first, then common topics."""
    chosen: List[str] = []
    for name in list(intents) + DEFAULT:
        if name in LABELS and name not in chosen:
            chosen.append(name)
        if len(chosen) == limit:
            break
    return [(LABELS[name], f"/{name}") for name in chosen]
