"""Parsing tables: amounts, dates, scheme names, countries."""
from datetime import date
from decimal import Decimal

import pytest

from bot.parsing import COUNTRIES, normalise_country, normalise_scheme, parse_amount, parse_date, read_amount

D = Decimal

AMOUNTS = [
    ("45 000 €", D(45000)), ("45 000€", D(45000)), ("45\u202f000\u00a0€", D(45000)), ("45\u00a0000 €", D(45000)),
    ("12 300 euros", D(12300)), ("12 300 EUR", D(12300)), ("80k€", D(80000)), ("80 k€", D(80000)),
    ("80K", D(80000)), ("80k", D(80000)), ("1,5 M€", D(1500000)), ("1.5M", D(1500000)), ("1.5 M€", D(1500000)),
    ("200 000", D(200000)), ("deux cent mille euros", D(200000)), ("douze mille trois cents", D(12300)),
    ("12.300,50 €", D("12300.50")), ("12,300.50", D("12300.50")), ("€ 5000", D(5000)), ("EUR 5000", D(5000)),
    ("5000", D(5000)), ("5 000,50 €", D("5000.50")), ("3,50 €", D("3.50")), ("12.30 €", D("12.30")),
    ("1 234 567", D(1234567)), ("1.234.567", D(1234567)), ("1 234 567,89 €", D("1234567.89")),
    ("1,2 million d'euros", D(1200000)), ("2 millions", D(2000000)), ("1 milliard", D(10**9)),
    ("un million deux cent mille euros", D(1200000)), ("quatre-vingt-dix mille euros", D(90000)),
    ("quatre-vingts euros", D(80)), ("soixante-dix-sept euros", D(77)), ("vingt et un mille", D(21000)),
    ("mille euros", D(1000)), ("cent euros", D(100)), ("trois cents euros", D(300)), ("sept mille", D(7000)),
    ("2000 €", D(2000)), ("600k", D(600000)),
    ("j'ai une facture de deux cent mille euros", D(200000)),
    ("facture du 15/03 de 4 500 €", D(4500)),
    ("la limite est de 30 000 et on me doit 40 000 €", D(40000)),   # the money-marked one wins
    ("Mon client me doit 45 000 € depuis le 3 mars", D(45000)),
    ("environ 80 k€ pour 90 % de quotité", D(80000)),
]


@pytest.mark.parametrize("text, expected", AMOUNTS)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", [
    None, "", "bonjour", "une facture", "ma facture du 15/03/2026", "le 15 mars 2026", "quotité de 90 %",
    "il y a 2 semaines", "en 2021", "depuis 30 jours", "2026-03-15", "pas de montant ici",
])
def test_parse_amount_none(text):
    assert parse_amount(text) is None


def test_parse_amount_returns_decimal():
    assert isinstance(parse_amount("45 000 €"), Decimal)


@pytest.mark.parametrize("text, french, other", [
    ("600,000", D(600), D(600000)), ("600,000 €", D(600), D(600000)), ("1,500", D("1.5"), D(1500)),
    ("12,300 euros", D("12.3"), D(12300)), ("1,500 k€", D(1500), D(1500000)),
    ("on me doit 200,000 €", D(200), D(200000)),
])
def test_a_comma_and_three_digits_is_ambiguous_and_read_the_french_way_first(text, french, other):
    """Issue 18, item 14: "600,000" is 600 in French (600 000 in English): ask, never guess."""
    reading = read_amount(text)
    assert reading.ambiguous and reading.value == french and reading.alternatives == (other,)
    assert parse_amount(text) is None


@pytest.mark.parametrize("text, expected", [
    ("600,5", D("600.50")), ("600,50 €", D("600.50")), ("12.300", D(12300)), ("600.000", D(600000)),
    ("1,234,567", D(1234567)), ("12,300.50", D("12300.50")), ("0,600", D("0.60")), ("600 000", D(600000)),
])
def test_clear_amounts_are_not_ambiguous(text, expected):
    reading = read_amount(text)
    assert not reading.ambiguous and reading.value == expected == parse_amount(text)


T = date(2026, 11, 25)
DATES = [
    ("15/03/2026", date(2026, 3, 15)), ("15/03", date(2026, 3, 15)), ("15 mars", date(2026, 3, 15)),
    ("le 3 mars 2026", date(2026, 3, 3)), ("3 mars", date(2026, 3, 3)), ("2026-03-15", date(2026, 3, 15)),
    ("1er mars", date(2026, 3, 1)), ("15-03-26", date(2026, 3, 15)), ("15.03.2026", date(2026, 3, 15)),
    ("hier", date(2026, 11, 24)), ("avant-hier", date(2026, 11, 23)), ("aujourd'hui", T),
    ("aujourd\u2019hui", T), ("demain", date(2026, 11, 26)), ("il y a 2 semaines", date(2026, 11, 11)),
    ("il y a 3 jours", date(2026, 11, 22)), ("il y a un mois", date(2026, 10, 25)),
    ("il y a deux mois", date(2026, 9, 25)), ("il y a 1 an", date(2025, 11, 25)), ("dans 10 jours", date(2026, 12, 5)),
    ("15 décembre", date(2026, 12, 15)), ("15 déc.", date(2026, 12, 15)), ("3 fevrier 2025", date(2025, 2, 3)),
    ("échéance au 30 avril 2026", date(2026, 4, 30)), ("facture de 45 000 € du 15/03", date(2026, 3, 15)),
    ("le 31 août", date(2026, 8, 31)), ("le 29/02", date(2024, 2, 29)),
]


@pytest.mark.parametrize("text, expected", DATES)
def test_parse_date(text, expected):
    assert parse_date(text, T) == expected


@pytest.mark.parametrize("text", [None, "", "rien", "31/02/2026", "15/13/2026", "il y a quelques jours",
                                  "12.300,50 €", "45 000 €"])
def test_parse_date_none(text):
    assert parse_date(text, T) is None


@pytest.mark.parametrize("today, text, expected", [
    # missing year: current year, unless that is more than ~6 months ahead -> previous year; never next year
    (date(2026, 1, 5), "15 décembre", date(2025, 12, 15)),
    (date(2026, 1, 5), "10 juin", date(2026, 6, 10)),
    (date(2026, 1, 5), "10 juillet", date(2025, 7, 10)),
    (date(2026, 11, 25), "3 mars", date(2026, 3, 3)),
    (date(2026, 12, 31), "2 janvier", date(2026, 1, 2)),
    (date(2026, 1, 1), "31/12", date(2025, 12, 31)),
])
def test_year_rule(today, text, expected):
    assert parse_date(text, today) == expected


def test_month_arithmetic_clamps_end_of_month():
    assert parse_date("il y a un mois", date(2026, 3, 31)) == date(2026, 2, 28)


SCHEMES = [
    ("cap", "CAP"), ("CAP", "CAP"), ("le CAP", "CAP"), ("mon cap", "CAP"),
    ("complément d'assurance-crédit public", "CAP"),
    ("cap plus", "CAP+"), ("CAP +", "CAP+"), ("cap+", "CAP+"), ("capplus", "CAP+"), ("Cap Plus", "CAP+"),
    ("capfrancexport", "CAP Francexport"), ("cap francexport", "CAP Francexport"),
    ("Cap France Export", "CAP Francexport"), ("cap export", "CAP Francexport"), ("francexport", "CAP Francexport"),
    ("cap+ francexport", "CAP+ Francexport"), ("CAP Francexport+", "CAP+ Francexport"),
    ("cap plus francexport", "CAP+ Francexport"), ("Cap+ France export", "CAP+ Francexport"),
    ("cap-plus francexport", "CAP+ Francexport"), ("France Export +", "CAP+ Francexport"),
    ("cap relais", "Cap Relais"), ("CAP Relais", "Cap Relais"), ("caprelais", "Cap Relais"),
]


@pytest.mark.parametrize("text, expected", SCHEMES)
def test_normalise_scheme(text, expected):
    assert normalise_scheme(text) == expected


@pytest.mark.parametrize("text", [None, "", "capital", "escape", "capacité", "bonjour", "assurance"])
def test_normalise_scheme_none(text):
    assert normalise_scheme(text) is None


COUNTRY_CASES = [
    ("Allemagne", "DE"), ("allemand", "DE"), ("allemande", "DE"), ("un client allemand", "DE"), ("DE", "DE"),
    ("de", "DE"), ("Belgique", "BE"), ("belge", "BE"), ("USA", "US"), ("US", "US"), ("États-Unis", "US"),
    ("etats unis", "US"), ("américain", "US"), ("Royaume-Uni", "GB"), ("UK", "GB"), ("anglais", "GB"),
    ("Chine", "CN"), ("chinois", "CN"), ("en Italie", "IT"), ("l'Espagne", "ES"), ("les Pays-Bas", "NL"),
    ("Suisse", "CH"), ("Côte d'Ivoire", "CI"), ("ivoirien", "CI"), ("Corée du Nord", "KP"), ("Corée du Sud", "KR"),
    ("Maroc", "MA"), ("algérien", "DZ"), ("Brésil", "BR"), ("Japon", "JP"), ("Turquie", "TR"),
    ("Émirats arabes unis", "AE"), ("Afrique du Sud", "ZA"), ("Nouvelle-Zélande", "NZ"), ("Norvège", "NO"),
    ("France", "FR"), ("française", "FR"), ("au Canada", "CA"), ("Inde", "IN"), ("Russie", "RU"),
    # issue 18, item 13: overseas departments (domestic in the CAP rule data) by code and by name
    ("RE", "RE"), ("GP", "GP"), ("MQ", "MQ"), ("GF", "GF"), ("YT", "YT"), ("en Guadeloupe", "GP"),
    ("Martinique", "MQ"), ("en Guyane", "GF"), ("à Mayotte", "YT"), ("Guyane française", "GF"),
]


@pytest.mark.parametrize("text, expected", COUNTRY_CASES)
def test_normalise_country(text, expected):
    assert normalise_country(text) == expected


@pytest.mark.parametrize("text", [None, "", "xx", "Narnia", "nous", "machine", "indépendant", "eau",
                                  "re", "la", "une réunion demain"])
def test_normalise_country_none(text):
    assert normalise_country(text) is None


def test_country_table_size_and_codes():
    assert len(COUNTRIES) >= 60
    assert all(len(code) == 2 and code.isupper() for code in COUNTRIES)
