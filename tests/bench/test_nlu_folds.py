"""bench/nlu_folds.py and bench/nlu_entities.py: the style split, the fallback re-scoring and the
entity error kinds (no training here: the benchmarks themselves train and take minutes)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("rasa")  # bench/nlu.py scores with scikit-learn, in the Rasa environment

ROOT = Path(__file__).resolve().parents[2]


def _load(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


folds = _load("nlu_folds")
nlu = _load("nlu")
entities = _load("nlu_entities")


@pytest.mark.parametrize("text,group", [
    ("oui", "terse"),
    ("SIN-2023-000877", "terse"),
    ("montant garanti sur ce client ?", "terse"),
    ("bjr pk ma prime a augmenté cette année", "sms"),
    ("le reglement de mon sinistre est prevu quand", "sms"),
    ("c trop cher votre truc, comment vous calculez", "sms"),
    ("Pourriez-vous me détailler la méthodologie de facturation ?", "formal"),
    ("Notre client a été placé en liquidation judiciaire le 3 mars.", "formal"),
    ("je paie des frais pour un client alors que je ne travaille plus avec lui", "plain"),
    ("le client refuse de payer, il conteste la facture", "plain"),
])
def test_style_groups(text, group):
    assert folds.style_of(text) == group


def test_every_group_is_a_fold_and_plain_is_trained_on_by_default():
    assert set(folds.DEFAULT_FOLDS) < set(folds.GROUPS)
    assert "plain" not in folds.DEFAULT_FOLDS


def test_fallback_rescoring_follows_fallback_classifier_rules():
    gold = ["greet", "thank", "deny", "greet"]
    rankings = [[("greet", 0.9), ("thank", 0.05)],    # sure and right
                [("thank", 0.35), ("greet", 0.2)],    # right, below 0.4, above 0.3
                [("deny", 0.5), ("affirm", 0.45)],    # right but ambiguous (gap < 0.1)
                [("thank", 0.8), ("greet", 0.1)]]     # sure and wrong
    out = nlu.fallback_scores(gold, rankings)
    assert out["none"]["intent_accuracy"] == 0.75
    assert out["0.3"]["intent_accuracy"] == 0.5 and out["0.3"]["fallback_rate"] == 0.25
    assert out["0.4"]["intent_accuracy"] == 0.25 and out["0.4"]["fallback_rate"] == 0.5


def test_entity_error_kinds_count_boundaries_apart_from_misses():
    def e(start, end, kind="buyer"):
        return {"start": start, "end": end, "entity": kind}

    gold = [{"entities": [e(0, 10)]}, {"entities": [e(0, 10)]}, {"entities": [e(0, 10)]},
            {"entities": [e(0, 10)]}, {"entities": []}]
    pred = [{"entities": [e(0, 6)]}, {"entities": [e(0, 4), e(5, 10)]}, {"entities": []},
            {"entities": [e(0, 10, "country")]}, {"entities": [e(2, 5)]}]
    assert entities.error_kinds(gold[:4], pred[:4]) == {
        "buyer": {"span too short": 1, "split in several spans": 1, "missed": 1,
                  "found as another type": 1}}
    assert entities.error_kinds(gold[4:], pred[4:]) == {
        "buyer": {"spurious (no gold entity there)": 1}}


def test_data_fingerprint_ignores_order_but_not_content():
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    def td(*pairs):
        return TrainingData([Message(data={"text": t, "intent": i}) for t, i in pairs])

    a = td(("bonjour", "greet"), ("merci", "thank"))
    assert folds.fingerprint(a) == folds.fingerprint(td(("merci", "thank"), ("bonjour", "greet")))
    assert folds.fingerprint(a) != folds.fingerprint(td(("bonjour", "greet"), ("merci", "greet")))
    assert folds.fingerprint(a) != folds.fingerprint(td(("bonjour", "greet"), ("merci !", "thank")))


def test_data_at_a_revision_is_the_data_of_that_commit(tmp_path):
    import subprocess

    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    path = folds.data_at(head, tmp_path)
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", head, "data/nlu/"],
                             check=True, capture_output=True, text=True).stdout.split()
    assert sorted(p.name for p in path.iterdir()) == sorted(Path(t).name for t in tracked)


def test_markdown_table_means_only_over_folds_every_candidate_has():
    def fold(acc):
        scores = {"intent_accuracy": acc, "intent_macro_f1": acc, "fallback_rate": 0.0}
        return {**scores, "by_fallback_threshold": {"0.3": scores, "none": scores},
                "data": {"fingerprint": "abc"}}

    results = {"groups": {"terse": 4, "sms": 2},
               "candidates": {"a": {"folds": {"terse": fold(0.5), "sms": fold(1.0)}},
                              "b": {"folds": {"terse": fold(0.25)}}}}
    table = folds.markdown_table(results)
    assert "mean of terse |" in table
    row_a = next(line for line in table.splitlines() if line.startswith("| a |"))
    assert row_a.endswith("| 0.500 / 0.500 / 0.0 % (0.500, 0.500) |")  # sms left out of the mean
    assert "not measured" in next(line for line in table.splitlines() if line.startswith("| b |"))
