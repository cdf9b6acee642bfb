"""Claim references: valid (normalised), malformed (with what is wrong), or none; buyer names."""
from __future__ import annotations

import pytest

from bot.store import names
from bot.store.refs import PROBLEMS, find_refs, is_normalised, number_without_year, parse_ref, resolve_number


@pytest.mark.parametrize("text", [
    "sin 2021 000123", "SIN2021000123", "sin-2021-000123", "SIN 2021-000123", "SIN-2021-000123",
    "le dossier SIN n° 2021/000123 svp", "SIN 2021 000 123", "ref sin:2021.000123.", "2021-000123",
    "Où en est SIN-2021-000123 ?", "SIN_2021_000123", "  sin 2021-000123  ",
    "SIN-2021-000123'; DROP TABLE claims;--", "SIN-2021-000123 de 12 000 €",
])
def test_valid(text):
    parsed = parse_ref(text)
    assert parsed.kind == "valid" and parsed.ref == "SIN-2021-000123" and parsed.problem is None
    assert is_normalised(parsed.ref)


@pytest.mark.parametrize("text, problem", [
    ("SIN-21-000123", "year_digits"),
    ("SIN-2021-0001234", "number_digits"),
    ("SIN-2021-OOO123", "letter_o"),
    ("SIN-1890-000123", "year_range"),
    ("SIN 2021", "number_missing"),
    ("SIN 000123", "year_missing"),
    ("SIN-20210-00123", "digits_count"),
    ("SIN 12", "digits_count"),
])
def test_malformed(text, problem):
    parsed = parse_ref(text)
    assert parsed.kind == "malformed" and parsed.ref is None
    assert parsed.problem == problem and problem in PROBLEMS
    assert parsed.raw and parsed.raw.upper().startswith("SIN")


@pytest.mark.parametrize("text", [
    None, "", "   ", "bonjour", "mon sinistre", "SIN", "SIN nouveau dossier", "sinus 2021 000123",
    "raisin 2021-000123", "'; DROP TABLE claims;--", 42, "1234567890123", "2021-12",
])
def test_none(text):
    assert parse_ref(text).kind == "none"


def test_metacharacters_never_survive_normalisation():
    for text in ["SIN-2021-000123'; DROP TABLE claims;--", "SIN-2021-000123\" OR \"1\"=\"1", "SIN-2021-000123;--"]:
        ref = parse_ref(text).ref
        assert ref == "SIN-2021-000123" and all(c.isalnum() or c == "-" for c in ref)


def test_long_input_is_bounded():
    assert parse_ref("x" * 100000 + " SIN-2021-000123").kind == "none"
    assert parse_ref("SIN-2021-000123 " + "x" * 100000).valid


@pytest.mark.parametrize("text, ref", [
    ("SIN-2021-12", "SIN-2021-000012"), ("sin 2021 123", "SIN-2021-000123"), ("SIN2021 4560", "SIN-2021-004560"),
])
def test_missing_zeros_are_added(text, ref):
    assert parse_ref(text).ref == ref


@pytest.mark.parametrize("text, number", [
    ("ou en est le dossier 123 ?", "000123"), ("le sinistre n° 456", "000456"), ("SIN 000123", "000123"),
    ("mon dossier sur giraud", None), ("le dossier SIN-2021-000123", None), ("dossier de 12 000 €", None),
])
def test_number_without_year(text, number):
    assert number_without_year(text) == number


def test_resolve_number_only_when_unambiguous():
    refs = ["SIN-2021-000123", "SIN-2026-000101", "SIN-2025-000101"]
    assert resolve_number("000123", refs) == "SIN-2021-000123"
    assert resolve_number("000101", refs) is None
    assert resolve_number("000999", refs) is None


def test_find_refs():
    assert find_refs("sin 2021 000123 et SIN-2022-000001, puis SIN-2021-000123") == ["SIN-2021-000123", "SIN-2022-000001"]
    assert find_refs(None) == []


@pytest.mark.parametrize("raw, key", [
    ("Bâtiments Lefèvre S.A.S.", "batiments lefevre"),
    ("Transports Morel & Fils", "transports morel fils"),
    ("ÉPICERIE FINE CHEVALIER", "epicerie fine chevalier"),
    ("Farmacia Rossi S.r.l.", "farmacia rossi"),
    ("Holzbau Schneider GmbH", "holzbau schneider"),
    ("SARL", "sarl"),
])
def test_name_key(raw, key):
    assert names.name_key(raw) == key


def test_pick():
    items = ["Martin Logistique SAS", "Martin Distribution SARL", "Garage Martin", "Entrepôts Bernard SA"]
    assert names.pick("martin", items, str)[0] == "ambiguous"
    assert names.pick("martin logistique", items, str) == ("match", ["Martin Logistique SAS"])
    assert names.pick("Entrepots Bernar", items, str) == ("match", ["Entrepôts Bernard SA"])
    assert names.pick("zorglub", items, str) == ("none", [])
    assert names.pick("", items, str) == ("none", [])
