"""Tests of rasa_ext.nlu.entity_merger."""
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.nlu.entity_merger import EntityMerger


def ent(entity, start, end, value, extractor):
    return {"entity": entity, "start": start, "end": end, "value": value,
            "extractor": extractor}


def run(entities):
    merger = EntityMerger(EntityMerger.get_default_config())
    message = Message(data={"text": "x", "entities": entities})
    merger.process([message])
    return message.get("entities")


def test_same_span_twice_is_kept_once_preferring_regex():
    out = run([ent("amount", 10, 18, "45 000 €", "DIETClassifier"),
               ent("amount", 10, 18, "45 000 €", "RegexEntityExtractor")])
    assert [e["extractor"] for e in out] == ["RegexEntityExtractor"]


def test_longest_overlapping_span_wins():
    out = run([ent("amount", 10, 16, "45 000", "DIETClassifier"),
               ent("amount", 10, 18, "45 000 €", "RegexEntityExtractor")])
    assert [e["value"] for e in out] == ["45 000 €"]


def test_country_inside_buyer_is_dropped_but_other_types_kept():
    out = run([ent("buyer", 0, 24, "Atlas Maroc Distribution", "DIETClassifier"),
               ent("country", 6, 11, "Maroc", "RegexEntityExtractor"),
               ent("country", 28, 33, "Maroc", "RegexEntityExtractor"),
               ent("amount", 40, 48, "32 000 €", "RegexEntityExtractor")])
    assert [(e["entity"], e["start"]) for e in out] == [
        ("buyer", 0), ("country", 28), ("amount", 40)]


def test_distinct_entities_of_same_type_are_kept():
    out = run([ent("amount", 0, 8, "40 000 €", "RegexEntityExtractor"),
               ent("amount", 20, 28, "30 000 €", "DIETClassifier")])
    assert len(out) == 2


def test_a_country_that_names_no_country_is_dropped():
    out = run([ent("country", 12, 17, "légal", "DIETClassifier"),
               ent("country", 30, 39, "Industrie", "DIETClassifier"),
               ent("country", 45, 53, "espagnol", "DIETClassifier"),
               ent("country", 60, 67, "Espagne", "RegexEntityExtractor")])
    assert [e["value"] for e in out] == ["espagnol", "Espagne"]


def test_an_amount_cut_inside_a_number_is_widened():
    from rasa_ext.nlu.entity_merger import complete_amount
    text = "vous me payez combien sur les quasi 36 000 de factures ? et 2 540,80 € ou 12 k"
    cut = ent("amount", 36, 38, "36", "DIETClassifier")
    assert complete_amount(cut, text)["value"] == "36 000"
    i = text.index("2 540")
    assert complete_amount(ent("amount", i, i + 5, "2 540", "DIETClassifier"), text)["value"] == "2 540,80 €"
    j = text.index("12 k")
    assert complete_amount(ent("amount", j, j + 2, "12", "DIETClassifier"), text)["value"] == "12 k"
    whole = ent("amount", 36, 42, "36 000", "DIETClassifier")
    assert complete_amount(whole, text) == whole
    message = Message(data={"text": text, "entities": [cut]})
    EntityMerger(EntityMerger.get_default_config()).process([message])
    assert [e["value"] for e in message.get("entities")] == ["36 000"]
