"""Entity F1 of the whole NLU pipeline as the dialogue sees it, on the held-out file.

"As the dialogue sees it": the entities of the final parse of a trained model — after DIET,
RegexEntityExtractor, EntityMerger and EntitySynonymMapper — not each extractor on its own
(`rasa test nlu` reports those). Exact span and type; "lenient" counts an overlapping span of the
right type. The targets of issue #16: entity F1 >= 0.92, buyer >= 0.90. The overall F1 is given on all types
and on the types the held-out file annotates (the target is checked on the latter: the file
predates the `term` entity, so a `term` span can only count as spurious there). The same model is
also scored with EntityMerger's buyer-span repair switched off, and the intent accuracy is given
for other FallbackClassifier thresholds (from the classifier's own ranking).

By default the model is the one the assistant serves (models/assistant.tar.gz, trained by
`make train`); --model takes another. Nothing is trained here.

The held-out file (tests/nlu/holdout.yml) is never trained on and its texts are not written
anywhere: the JSON holds aggregated counts only, including what kind of mistake each missed or
spurious span is (span too long / too short / split in two / shifted / wrong type / missed /
spurious), so that boundary problems can be told from detection problems without reading it.

    .venv/bin/python bench/nlu_entities.py
      -> bench/results/nlu_entities.json, bench/results/nlu_entities.png
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TARGETS = {"entity_f1": 0.92, "buyer": 0.90}


def _bench_nlu():
    spec = importlib.util.spec_from_file_location("bench_nlu", ROOT / "bench" / "nlu.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def error_kinds(gold: List[Dict[str, Any]], pred: List[Dict[str, Any]]) -> Dict[str, Dict[str, int]]:
    """Per entity type, how each gold span that was not found exactly was got wrong (counts)."""
    kinds: Dict[str, Counter] = defaultdict(Counter)
    for g, p in zip(gold, pred):
        gs = {(e["start"], e["end"], e["entity"]) for e in g["entities"] if "start" in e}
        ps = {(e["start"], e["end"], e["entity"]) for e in p["entities"] if "start" in e}
        for s, e, t in gs - ps:
            same = [x for x in ps if x[2] == t and x[0] < e and s < x[1]]
            other = [x for x in ps if x[2] != t and x[0] < e and s < x[1]]
            if len(same) > 1:
                kinds[t]["split in several spans"] += 1
            elif same:
                x = same[0]
                if x[0] <= s and x[1] >= e:
                    kinds[t]["span too long"] += 1
                elif x[0] >= s and x[1] <= e:
                    kinds[t]["span too short"] += 1
                else:
                    kinds[t]["span shifted"] += 1
            elif other:
                kinds[t]["found as another type"] += 1
            else:
                kinds[t]["missed"] += 1
        for s, e, t in ps - gs:
            if not any(x[0] < e and s < x[1] for x in gs):
                kinds[t]["spurious (no gold entity there)"] += 1
    return {t: dict(c) for t, c in sorted(kinds.items())}


def plot(result: Dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    types = [t for t in result["entity_by_type"] if t in result.get("annotated_types", [t])]
    raw = result.get("without_buyer_span_repair", {})
    series = [
        ("exact span", [result["entity_by_type"][t]["f1"] for t in types]
         + [result.get("entity_f1_annotated_types", result["entity_f1"])]),
        ("exact span, no buyer-span repair", [raw.get("entity_f1_by_type", {}).get(t, np.nan)
                                              for t in types]
         + [raw.get("entity_f1_annotated_types", np.nan)]),
        ("overlapping span", [result["entity_by_type"][t]["f1_lenient"] for t in types]
         + [np.nan]),
    ]
    labels = [f"{t}\n(n={result['entity_support'][t]})" for t in types] + ["all annotated\ntypes"]
    xs = np.arange(len(labels))
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(9, 4))
    for i, (name, vals) in enumerate(series):
        bars = ax.bar(xs + i * width, vals, width, label=name)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.axhline(TARGETS["entity_f1"], color="grey", ls="--", lw=0.8)
    ax.text(-0.4, TARGETS["entity_f1"] + 0.01, "target 0.92 (buyer 0.90)", fontsize=7)
    ax.set_xticks(xs + width, labels, fontsize=8)
    ax.set_ylim(0, 1.1)
    ax.set_title(f"Entity F1 on the held-out file, final parse ({result['model']})", fontsize=9)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3)
    fig.tight_layout()
    fig.savefig(out / "nlu_entities.png", dpi=120)
    plt.close(fig)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=str(ROOT / "models" / "assistant.tar.gz"))
    ap.add_argument("--holdout", default=str(ROOT / "tests" / "nlu" / "holdout.yml"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    ap.add_argument("--label", default="", help="a note stored with the result (e.g. the data)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("rasa", "tensorflow", "absl"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines (they would echo texts)
    bench = _bench_nlu()
    examples = load_data(args.holdout).intent_examples
    gold = bench.gold_of(examples)
    texts = [g["text"] for g in gold]
    pred, ms = bench.predict(Path(args.model), texts, "holdout")
    result = bench.score(gold, pred)
    # the types the held-out file annotates (it predates e.g. `term`, whose spans it cannot judge)
    annotated = sorted({e["entity"] for g in gold for e in g["entities"]})
    result["entity_f1_annotated_types"] = bench.score(
        [{**g, "entities": [e for e in g["entities"] if e["entity"] in annotated]} for g in gold],
        [{**p, "entities": [e for e in p["entities"] if e["entity"] in annotated]} for p in pred],
    )["entity_f1"]
    result["annotated_types"] = annotated
    result["by_fallback_threshold"] = bench.fallback_scores([g["intent"] for g in gold],
                                                            [p["ranking"] for p in pred])
    # the same model with EntityMerger's buyer-span repair switched off, for comparison
    from rasa_ext.nlu import entity_merger

    repair = entity_merger.fix_buyer_spans
    entity_merger.fix_buyer_spans = lambda text, entities: entities
    try:
        raw, _ = bench.predict(Path(args.model), texts, "holdout, no span repair")
    finally:
        entity_merger.fix_buyer_spans = repair
    raw_scores = bench.score(gold, raw)
    result["without_buyer_span_repair"] = {
        k: raw_scores[k] for k in ("entity_f1", "entity_f1_lenient", "entity_f1_by_type")}
    result["without_buyer_span_repair"]["entity_f1_annotated_types"] = bench.score(
        [{**g, "entities": [e for e in g["entities"] if e["entity"] in annotated]} for g in gold],
        [{**p, "entities": [e for e in p["entities"] if e["entity"] in annotated]} for p in raw],
    )["entity_f1"]
    result["without_buyer_span_repair"]["errors_by_kind"] = error_kinds(gold, raw)
    model = Path(args.model)
    result.pop("intent_f1", None)
    result.update(
        model=str(model.relative_to(ROOT)) if model.is_relative_to(ROOT) else str(model),
        model_fingerprint=(model.parent / ".fingerprint").read_text().strip()
        if (model.parent / ".fingerprint").exists() else None,
        label=args.label, ms_per_message=ms, targets=TARGETS,
        errors_by_kind=error_kinds(gold, pred),
        meets_targets={"entity_f1": result["entity_f1_annotated_types"] >= TARGETS["entity_f1"],
                       "buyer": result["entity_f1_by_type"].get("buyer", 0) >= TARGETS["buyer"]})
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "nlu_entities.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    plot(result, out)
    print(f"intent accuracy {result['intent_accuracy']:.3f}, entity F1 exact "
          f"{result['entity_f1']:.3f} (lenient {result['entity_f1_lenient']:.3f}); on the "
          f"annotated types {annotated}: {result['entity_f1_annotated_types']:.3f}")
    print(f"without the buyer-span repair: {result['without_buyer_span_repair']}")
    print(f"intent scores by fallback threshold: {result['by_fallback_threshold']}")
    for t, v in result["entity_by_type"].items():
        print(f"  {t:12} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f} "
              f"(lenient {v['f1_lenient']:.3f}) support {result['entity_support'][t]}")
    for t, kinds in result["errors_by_kind"].items():
        print(f"  {t:12} {kinds}")
    print(f"results: {out / 'nlu_entities.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
