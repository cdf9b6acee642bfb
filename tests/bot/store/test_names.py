"""Buyer names as people type them (bot/store/names.py, rapidfuzz): typos, partial names, no legal form,
several close names (asked, never picked silently), and everyday words that name nobody."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import claim_filters
from bot.store import names

ROOT = Path(__file__).resolve().parents[3]

# the buyers of the demo companies (bot/store/seed/companies.py), one list per policyholder
DURAND = ["Bâtiments Lefèvre SAS", "Constructions Roussel SARL", "Charpentes Giraud", "Immobilière Faure SA",
          "Promotion Lambert SAS", "Holzbau Schneider GmbH", "Rénovation Dupuis SARL", "Agencement Perrin"]
MOREL = ["Martin Logistique SAS", "Martin Distribution SARL", "Garage Martin", "Entrepôts Bernard SA",
         "Primeurs Robert", "Groupe Richard Transports", "Carrières Moreau SAS", "Brasserie Fournier",
         "Laiterie Girard SA", "Scierie Bonnet SARL", "Cartonnages Mercier", "Transportes López SL"]
AUBERT = ["Farmacia Rossi S.r.l.", "Distribuciones Médicas García SL", "Pharma Maroc SARL", "Medisupply Inc.",
          "Healthline Ltd", "Klinikbedarf Weber GmbH", "Pharmacie Centrale Leroy"]
PETIT = ["Hôtel du Port SAS", "Épicerie fine Chevalier"]
COMPANIES = (DURAND, MOREL, AUBERT, PETIT)


def _pick(query, buyers):
    return names.pick(query, buyers, str)


@pytest.mark.parametrize("query, buyers, expected", [
    ("martin distrib", MOREL, "Martin Distribution SARL"),  # the start of a word
    ("martin logistque", MOREL, "Martin Logistique SAS"),  # a letter left out
    ("garage martin", MOREL, "Garage Martin"),  # the whole name beats the part "martin"
    ("le garage", MOREL, "Garage Martin"),
    ("lopez", MOREL, "Transportes López SL"),  # part of the name, no accent
    ("lopes", MOREL, "Transportes López SL"),  # one typo
    ("LOPEZ SL", MOREL, "Transportes López SL"),
    ("hotel du port", PETIT, "Hôtel du Port SAS"),  # no accent, no legal form
    ("l'hôtel du port", PETIT, "Hôtel du Port SAS"),
    ("lhotel du port", PETIT, "Hôtel du Port SAS"),  # the elision typed without its apostrophe
    ("lepicerie", PETIT, "Épicerie fine Chevalier"),
    ("giraud", DURAND, "Charpentes Giraud"),
    ("charpente girau", DURAND, "Charpentes Giraud"),  # a typo in each word
    ("charpentes girod", DURAND, "Charpentes Giraud"),
    ("Lefebvre", DURAND, "Bâtiments Lefèvre SAS"),  # the other spelling of the name
    ("batiment lefevre sas", DURAND, "Bâtiments Lefèvre SAS"),
    ("immo faure", DURAND, "Immobilière Faure SA"),
    ("epicerie chevallier", PETIT, "Épicerie fine Chevalier"),
    ("cartonage mercier", MOREL, "Cartonnages Mercier"),
    ("mercier", MOREL, "Cartonnages Mercier"),
    ("medi supply", AUBERT, "Medisupply Inc."),  # spaces
    ("pharmacie leroy", AUBERT, "Pharmacie Centrale Leroy"),
    ("garcia", AUBERT, "Distribuciones Médicas García SL"),
])
def test_one_buyer_despite_typos_and_partial_names(query, buyers, expected):
    assert _pick(query, buyers) == ("match", [expected])


@pytest.mark.parametrize("query", ["martin", "Martin", "MARTIN SARL", "martine"])
def test_several_close_names_are_all_offered(query):
    outcome, found = _pick(query, MOREL)
    assert outcome == "ambiguous"
    assert set(found) == {"Martin Logistique SAS", "Martin Distribution SARL", "Garage Martin"}


def test_a_near_miss_is_offered_not_picked():
    assert _pick("shnaider", DURAND) == ("ambiguous", ["Holzbau Schneider GmbH"])  # two typos: "did you mean"
    assert _pick("schnieder", DURAND) == ("match", ["Holzbau Schneider GmbH"])  # two letters swapped: one typo


@pytest.mark.parametrize("query, buyers", [
    ("Lopez", DURAND), ("martin distribution", DURAND), ("giraud", AUBERT), ("Hôtel du Port", DURAND),
    ("zorglub", MOREL), ("", MOREL), ("   ", MOREL), ("SARL", MOREL), ("SAS", DURAND),
])
def test_a_buyer_of_another_company_or_nobody_never_matches(query, buyers):
    assert _pick(query, buyers) == ("none", [])


@pytest.mark.parametrize("query", [
    "merci", "merci beaucoup", "bonne soirée", "rien", "oui", "non", "ok", "bonjour", "au revoir", "rien d'autre",
    "laissez tomber", "non merci", "d'accord", "aucun", "je ne sais pas", "mon client", "ce dossier", "depuis",
    "la prime", "mardi matin", "c'est tout", "super merci", "le mort", "ma part", "un courrier",
])
def test_everyday_words_name_no_buyer(query):
    for buyers in COMPANIES:
        assert _pick(query, buyers) == ("none", []), (query, buyers[0])


def _training_words():
    """Every word of the NLU training data outside the annotated entities (what people write around names)."""
    words = set()
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = re.sub(r"\[[^\]]*\](?:\([^)]*\)|\{[^}]*\})", " ", line[2:])
                words.update(w.lower() for w in re.findall(r"[^\W\d_]{2,}", text))
    return sorted(words)


def test_words_of_the_training_data_name_a_buyer_only_as_they_are():
    """A word typed around a name ("depuis", "prime", "matin") never reaches a buyer by a typo or as the
    start of a word: only a word that is a word of the name ("martin", "groupe") does."""
    wrong = []
    for word in _training_words():
        for buyers in COMPANIES:
            outcome, found = _pick(word, buyers)
            if outcome != "none" and not all(names.score(word, name) >= 0.95 for name in found):
                wrong.append((word, outcome, found))
    assert len(_training_words()) > 1000 and not wrong


def test_scores():
    assert names.score("Bâtiments Lefèvre S.A.S.", "batiments lefevre") == 1.0
    assert names.score("lefevre", "Bâtiments Lefèvre SAS") == pytest.approx(0.95)  # part of the name
    assert names.score("merci", "Cartonnages Mercier") == 0.0
    assert names.score("mercier", "Cartonnages Mercier") > names.score("mercie", "Cartonnages Mercier") > 0.8
    ranked = names.rank("martin distrib", MOREL, str)
    assert ranked[0][1] == "Martin Distribution SARL" and ranked[0][0] - ranked[1][0] >= names.MARGIN / 100


def test_ordinary_words_file_is_folded_and_keeps_company_words_out():
    assert {"merci", "oui", "rien", "soiree", "depuis"} <= names.ORDINARY
    assert not {"garage", "hotel", "port", "transports", "charpentes", "martin"} & names.ORDINARY


def test_claim_filters_use_the_same_matching():
    assert claim_filters.match_buyer("lopes", MOREL + MOREL) == ("match", ["Transportes López SL"])
    assert claim_filters.match_buyer("martin", MOREL)[0] == "ambiguous"
    assert claim_filters.match_buyer("merci", MOREL) == ("none", [])
    assert claim_filters.buyer_in_words("et chez giraud ça avance ?", DURAND) == "Charpentes Giraud"
    assert claim_filters.buyer_in_words("merci pour tout, bonne soirée", MOREL) is None
    assert claim_filters.buyer_in_words("le dossier martin", MOREL) is None  # three of them: not one
    assert claim_filters.buyer_in_words("et lepicerie", PETIT) == "Épicerie fine Chevalier"
