"""Tables of the bulk synthetic book: stage mix, stage routes, name syllables."""
from __future__ import annotations

import random


SYN_CLAIMS_PER_POLICYHOLDER = 50
SYN_LIMITS_PER_POLICYHOLDER = 8
# cumulative stage distribution out of 100
STAGE_TABLE = (["declared"] * 4 + ["under_review"] * 8 + ["collection"] * 12 + ["waiting_period"] * 10
               + ["indemnified"] * 36 + ["closed"] * 20 + ["refused"] * 10)
ROUTES = {
    ("declared", "protracted_default"): ("declared",),
    ("under_review", "protracted_default"): ("declared", "under_review"),
    ("collection", "protracted_default"): ("declared", "under_review", "collection"),
    ("waiting_period", "protracted_default"): ("declared", "under_review", "collection", "waiting_period"),
    ("indemnified", "protracted_default"): ("declared", "under_review", "collection", "waiting_period", "indemnified"),
    ("closed", "protracted_default"): ("declared", "under_review", "collection", "closed"),
    ("refused", "protracted_default"): ("declared", "under_review", "refused"),
    ("declared", "insolvency"): ("declared",),
    ("under_review", "insolvency"): ("declared", "under_review"),
    ("collection", "insolvency"): ("declared", "under_review", "collection"),
    ("waiting_period", "insolvency"): ("declared", "under_review", "collection", "waiting_period"),
    ("indemnified", "insolvency"): ("declared", "under_review", "indemnified"),
    ("closed", "insolvency"): ("declared", "under_review", "closed"),
    ("refused", "insolvency"): ("declared", "under_review", "refused"),
}
GAPS = {"declared": 0, "under_review": 3, "collection": 6, "waiting_period": 40, "indemnified": 140, "closed": 35,
        "refused": 20}
SYLLABLES = ("ber", "mar", "lan", "ro", "vil", "ta", "mon", "del", "ga", "ri", "sau", "lin", "cha", "pel", "fon", "tes",
             "dur", "ven", "bou", "gne", "lac", "mer", "pi", "quet", "sol", "tri", "vau", "zan")
TRADES = ("Transports", "Bâtiment", "Menuiserie", "Garage", "Boulangerie", "Imprimerie", "Plomberie", "Négoce",
          "Distribution", "Électricité", "Charpente", "Laboratoire", "Épicerie", "Textiles", "Fonderie", "Agence")
FORMS = ("SAS", "SARL", "SA", "EURL", "", "SNC")

def synthetic_name(rng: random.Random) -> str:
    family = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()
    form = rng.choice(FORMS)
    return f"{rng.choice(TRADES)} {family}" + (f" {form}" if form else "")
