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


# --------------------------------------------------------------------------- buyer spans
def spans(text, *pieces, other=()):
    """Entities as DIET gives them: (substring, type), located left to right in text."""
    entities, pos = [], 0
    for sub, typ in [*pieces, *other]:
        start = text.index(sub, pos if typ == "buyer" else 0)
        if typ == "buyer":
            pos = start + len(sub)
        entities.append(ent(typ, start, start + len(sub), sub, "DIETClassifier"))
    return entities


def run_text(text, entities):
    merger = EntityMerger(EntityMerger.get_default_config())
    message = Message(data={"text": text, "entities": entities})
    merger.process([message])
    return [(e["value"], e["entity"]) for e in message.get("entities")]


def test_pieces_of_one_name_become_one_span():
    text = "c'est l'entreprise Bois et Scieries du Jura"
    assert run_text(text, spans(text, ("Bois et", "buyer"), ("Scieries du", "buyer"))) == [
        ("Bois et Scieries du Jura", "buyer")]
    text = "Mon client Kowalski Sp. z o.o. a payé une partie"
    assert run_text(text, spans(text, ("Kowalski Sp", "buyer"), ("z o.o.", "buyer"))) == [
        ("Kowalski Sp. z o.o.", "buyer")]


def test_pieces_of_a_lower_case_name_across_du_become_one_span():
    text = "hotel du port me doit 1 200 €"
    assert run_text(text, spans(text, ("hotel", "buyer"), ("port", "buyer"), other=[("1 200 €", "amount")])) == [
        ("hotel du port", "buyer"), ("1 200 €", "amount")]
    text = "epicerie fine d'Auvergne ne paie pas"
    assert run_text(text, spans(text, ("epicerie fine", "buyer"), ("Auvergne", "buyer"))) == [
        ("epicerie fine d'Auvergne", "buyer")]


def test_two_buyers_joined_by_et_stay_two():
    text = "entre Dupont et Martin qui paie le mieux ?"
    assert run_text(text, spans(text, ("Dupont", "buyer"), ("Martin", "buyer"))) == [
        ("Dupont", "buyer"), ("Martin", "buyer")]


def test_span_takes_the_legal_form_written_next_to_it():
    text = "impayé sur Ets Lemaire, 18 400 €"
    assert run_text(text, spans(text, ("Lemaire", "buyer"), other=[("18 400 €", "amount")])) == [
        ("Ets Lemaire", "buyer"), ("18 400 €", "amount")]
    text = "client Jardins de Provence SARL en cessation de paiement"
    assert run_text(text, spans(text, ("Jardins de Provence", "buyer"))) == [
        ("Jardins de Provence SARL", "buyer")]


def test_span_cut_after_a_connector_or_before_a_capitalised_word_is_completed():
    text = "quand l'indemnité sera versée pour Hôtel des Pins, vous avez une date ?"
    assert run_text(text, spans(text, ("Hôtel des", "buyer"))) == [("Hôtel des Pins", "buyer")]
    text = "declaration sinistre pr Agri Conseil stp"
    assert run_text(text, spans(text, ("Agri", "buyer"))) == [("Agri Conseil", "buyer")]
    text = "Traiteur Royal me doit 6 800 €"
    assert run_text(text, spans(text, ("Royal", "buyer"))) == [("Traiteur Royal", "buyer")]


def test_span_never_grows_over_greetings_sentences_or_other_entities():
    text = "Bonjour Dupont SAS ne paie pas"
    assert run_text(text, spans(text, ("Dupont", "buyer"))) == [("Dupont SAS", "buyer")]
    text = "Dupont ne paie pas. Merci"
    assert run_text(text, spans(text, ("Dupont", "buyer"))) == [("Dupont", "buyer")]
    text = "sinistre SIN-2021-000123 Dupont"
    out = run_text(text, spans(text, ("Dupont", "buyer"),
                               other=[("SIN-2021-000123", "claim_ref")]))
    assert out == [("SIN-2021-000123", "claim_ref"), ("Dupont", "buyer")]
    text = "Fiorelli Srl Italie"
    out = run_text(text, spans(text, ("Fiorelli Srl", "buyer"), other=[("Italie", "country")]))
    assert out == [("Fiorelli Srl", "buyer"), ("Italie", "country")]


def test_words_outside_the_name_and_punctuation_are_trimmed():
    text = "je livre chez Martin Frères en Belgique"
    out = run_text(text, spans(text, ("chez Martin", "buyer"), other=[("Belgique", "country")]))
    assert out == [("Martin Frères", "buyer"), ("Belgique", "country")]
    text = "le client Müller GmbH, facture impayée"
    assert run_text(text, spans(text, ("Müller GmbH,", "buyer"))) == [("Müller GmbH", "buyer")]
    text = "c'est le restaurant Le Comptoir Basque"
    assert run_text(text, spans(text, ("Le", "buyer"), ("Comptoir Basque", "buyer"))) == [
        ("Le Comptoir Basque", "buyer")]


def test_repair_can_be_switched_off():
    merger = EntityMerger({**EntityMerger.get_default_config(), "repair_buyer_spans": False})
    text = "declaration sinistre pr Agri Conseil stp"
    message = Message(data={"text": text, "entities": spans(text, ("Agri", "buyer"))})
    merger.process([message])
    assert [e["value"] for e in message.get("entities")] == ["Agri"]
