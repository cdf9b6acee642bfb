"""Compare the NLU pipeline candidates of bench/config_candidates/ on the data of data/nlu.

For each candidate: optional stratified k-fold cross-validation on data/nlu (the same
split as `rasa test nlu --cross-validation`, with a fixed seed), then, when
tests/nlu/holdout.yml exists, training on all of data/nlu and scoring the held-out file.
Scores are computed on what the assistant really gets (the final parse: fallback
included, entities after RegexEntityExtractor + EntityMerger + synonyms):

* intent accuracy and macro-F1 over the gold intents (nlu_fallback counts as an error);
* entity F1 (micro, exact span and type) and a lenient one (overlapping span, same type);
* per entity type: precision, recall, exact and lenient F1 (aggregated counts only);
* training wall time and CPU time (the machine is shared: compare CPU times), load
  average before / after, model size (.tar.gz), inference time per message.

Writes bench/results/nlu.json, bench/results/nlu_scores.png (bar chart) and
bench/results/nlu_confusion_<candidate>.png for the chosen candidate.

Usage (from the repo root, with the Rasa venv):
    .venv/bin/python bench/nlu.py                       # all candidates, 3 folds + holdout
    .venv/bin/python bench/nlu.py --folds 0             # holdout only
    .venv/bin/python bench/nlu.py --candidates b5_fast --folds 3 --cv-only
Candidates c_spacy / c5_spacy need spaCy + fr_core_news_md (a separate venv, see
docs/nlu.md); they are skipped, and marked so in the JSON, when `import spacy` fails.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so that rasa_ext.nlu is importable
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tqdm import tqdm  # noqa: E402

log = logging.getLogger("bench.nlu")

FALLBACK = "nlu_fallback"


# --------------------------------------------------------------------------- scoring
def entity_set(entities: List[Dict[str, Any]]) -> set:
    return {(e["start"], e["end"], e["entity"]) for e in entities if "start" in e}


def score(gold: List[Dict[str, Any]], pred: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Intent and entity scores for aligned lists of gold and predicted parses."""
    from sklearn.metrics import accuracy_score, f1_score

    y_true = [g["intent"] for g in gold]
    y_pred = [p["intent"] for p in pred]
    labels = sorted(set(y_true))
    out: Dict[str, Any] = {
        "n": len(gold),
        "intent_accuracy": accuracy_score(y_true, y_pred),
        "intent_macro_f1": f1_score(y_true, y_pred, labels=labels, average="macro",
                                    zero_division=0),
        "fallback_rate": sum(p == FALLBACK for p in y_pred) / max(len(y_pred), 1),
    }
    per_intent = f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    out["intent_f1"] = {lab: float(f) for lab, f in zip(labels, per_intent)}

    counts = defaultdict(lambda: [0, 0, 0])  # type -> tp, fp, fn (exact)
    lenient = defaultdict(lambda: [0, 0, 0])  # type -> tp, fp, fn (overlapping span)
    for g, p in zip(gold, pred):
        gs, ps = entity_set(g["entities"]), entity_set(p["entities"])
        for s in gs & ps:
            counts[s[2]][0] += 1
        for s in ps - gs:
            counts[s[2]][1] += 1
        for s in gs - ps:
            counts[s[2]][2] += 1
        matched = set()
        for s in ps:
            hit = next((t for t in gs if t[2] == s[2] and t not in matched
                        and s[0] < t[1] and t[0] < s[1]), None)
            if hit:
                matched.add(hit)
                lenient[s[2]][0] += 1
            else:
                lenient[s[2]][1] += 1
        for t in gs - matched:
            lenient[t[2]][2] += 1

    def f1(tp: int, fp: int, fn: int) -> float:
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    tot = [sum(c[i] for c in counts.values()) for i in range(3)]
    out["entity_f1"] = f1(*tot)
    out["entity_f1_lenient"] = f1(*[sum(c[i] for c in lenient.values()) for i in range(3)])
    out["entity_f1_by_type"] = {k: f1(*v) for k, v in sorted(counts.items())}
    out["entity_by_type"] = {  # aggregated counts only: no text
        k: {"precision": v[0] / (v[0] + v[1]) if v[0] + v[1] else 0.0,
            "recall": v[0] / (v[0] + v[2]) if v[0] + v[2] else 0.0,
            "f1": f1(*v), "f1_lenient": f1(*lenient[k]),
            "tp": v[0], "fp": v[1], "fn": v[2]}
        for k, v in sorted(counts.items())}
    out["entity_support"] = {k: v[0] + v[2] for k, v in sorted(counts.items())}
    return out


def fallback_scores(gold_intents: List[str], rankings: List[List[Tuple[str, float]]],
                    thresholds=(0.3, 0.4), ambiguity: float = 0.1) -> Dict[str, Any]:
    """Intent accuracy and macro-F1 if FallbackClassifier had another threshold.

    ``rankings`` is the classifier's own top-2 (nlu_fallback left out). "none" is the
    classifier alone (no fallback at all); "t" applies the FallbackClassifier rule: top
    confidence below t, or top two closer than ``ambiguity`` -> nlu_fallback (an error).
    """
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(gold_intents))
    out: Dict[str, Any] = {}
    for t in (None, *thresholds):
        pred = []
        for r in rankings:
            if not r:
                pred.append(FALLBACK)
            elif t is not None and (r[0][1] < t or (len(r) > 1 and r[0][1] - r[1][1] < ambiguity)):
                pred.append(FALLBACK)
            else:
                pred.append(r[0][0])
        out["none" if t is None else str(t)] = {
            "intent_accuracy": accuracy_score(gold_intents, pred),
            "intent_macro_f1": f1_score(gold_intents, pred, labels=labels, average="macro",
                                        zero_division=0),
            "fallback_rate": sum(p == FALLBACK for p in pred) / max(len(pred), 1)}
    return out


def entity_errors(gold: List[Dict[str, Any]], pred: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Per-message entity differences (only stored for cross-validation on data/nlu)."""
    errors = []
    for g, p in zip(gold, pred):
        gs, ps = entity_set(g["entities"]), entity_set(p["entities"])
        if gs != ps:
            text = g["text"]
            errors.append({"text": text,
                           "missed": [f"{text[s:e]}|{t}" for s, e, t in sorted(gs - ps)],
                           "spurious": [f"{text[s:e]}|{t}" for s, e, t in sorted(ps - gs)]})
    return errors


def mean_scores(folds: List[Dict[str, Any]]) -> Dict[str, Any]:
    keys = ["intent_accuracy", "intent_macro_f1", "entity_f1", "entity_f1_lenient",
            "fallback_rate", "train_seconds", "train_cpu_seconds", "model_mb", "ms_per_message"]
    return {k: sum(f[k] for f in folds) / len(folds) for k in keys if k in folds[0]}


# --------------------------------------------------------------------------- rasa glue
def gold_of(examples) -> List[Dict[str, Any]]:
    return [{"text": m.get("text"), "intent": m.get("intent"),
             "entities": m.get("entities") or []} for m in examples]


USE_LOCK = True  # --no-lock sets it to False


def train(config: Path, nlu_yaml: Path, out_dir: Path) -> Tuple[Path, Dict[str, float]]:
    import fcntl
    from rasa.model_training import train_nlu

    # one training at a time on the machine: the same lock as scripts/train_if_changed.sh
    lock_path = Path(os.environ.get("TMPDIR", "/tmp")) / "assistant-indemnisation-train.lock"
    with open(lock_path, "a") as lock:
        if USE_LOCK:
            fcntl.flock(lock, fcntl.LOCK_EX)
        load = os.getloadavg()[0]
        cpu = _cpu_seconds()
        start = time.perf_counter()
        model = train_nlu(str(config), str(nlu_yaml), str(out_dir), fixed_model_name="nlu")
        wall = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu
    if not model:
        raise RuntimeError(f"training failed for {config}")
    return Path(model), {"train_seconds": wall, "train_cpu_seconds": cpu,
                         "load_before_train": load, "load_after_train": os.getloadavg()[0]}


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process, all threads, and of its children."""
    import resource
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def predict(model: Path, texts: List[str], desc: str) -> Tuple[List[Dict[str, Any]], float]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run() -> Tuple[List[Dict[str, Any]], float]:
        await agent.parse_message("bonjour")  # warm-up (graph + TF function tracing)
        parses = []
        start = time.perf_counter()
        for text in tqdm(texts, desc=desc, leave=False):
            parses.append(await agent.parse_message(text))
        return parses, (time.perf_counter() - start) * 1000 / max(len(texts), 1)

    parses, ms = asyncio.run(run())
    # the classifier's own ranking (nlu_fallback left out) lets a caller score other fallback
    # thresholds without retraining (bench/nlu_folds.py)
    return [{"intent": p["intent"]["name"] if p.get("intent") else None,
             "entities": p.get("entities", []),
             "ranking": [(r["name"], r["confidence"]) for r in p.get("intent_ranking", [])
                         if r["name"] != FALLBACK][:2]} for p in parses], ms


def run_once(config: Path, train_td, test_examples, workdir: Path, desc: str) -> Dict[str, Any]:
    workdir.mkdir(parents=True, exist_ok=True)
    nlu_yaml = workdir / "train.yml"
    nlu_yaml.write_text(train_td.nlu_as_yaml(), encoding="utf-8")
    model, timing = train(config, nlu_yaml, workdir / "models")
    gold = gold_of(test_examples)
    pred, ms = predict(model, [g["text"] for g in gold], desc)
    result = score(gold, pred)
    result.update(timing)
    result.update(model_mb=model.stat().st_size / 2**20, ms_per_message=ms)
    result["_pairs"] = [(g["intent"], p["intent"]) for g, p in zip(gold, pred)]
    result["by_fallback_threshold"] = fallback_scores([g["intent"] for g in gold],
                                                      [p["ranking"] for p in pred])
    result["_errors"] = [{"text": g["text"], "gold": g["intent"], "pred": p["intent"]}
                         for g, p in zip(gold, pred) if g["intent"] != p["intent"]]
    result["_entity_errors"] = entity_errors(gold, pred)
    return result


def folds_of(td, n: int, seed: int):
    """Stratified folds as rasa.nlu.test.generate_folds, but with a fixed seed."""
    from sklearn.model_selection import StratifiedKFold
    from rasa.shared.nlu.training_data.training_data import TrainingData

    x = td.intent_examples
    y = [m.get_full_intent() for m in x]
    skf = StratifiedKFold(n_splits=n, shuffle=True, random_state=seed)
    for train_idx, test_idx in skf.split(x, y):
        yield (TrainingData(training_examples=[x[i] for i in train_idx],
                            entity_synonyms=td.entity_synonyms,
                            regex_features=td.regex_features,
                            lookup_tables=td.lookup_tables),
               [x[i] for i in test_idx])


# --------------------------------------------------------------------------- plots
def plot(results: Dict[str, Any], chosen: str, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    metrics = [("intent_accuracy", "intent acc."), ("intent_macro_f1", "macro-F1"),
               ("entity_f1", "entity F1")]
    rows = []
    for name, r in results["candidates"].items():
        for split in ("cv", "holdout"):
            if r.get(split):
                summary = r[split]["mean"] if split == "cv" else r[split]
                rows.append((f"{name}\n({split})", [summary[m] for m, _ in metrics]))
    if rows:
        fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(rows)), 4))
        width = 0.8 / len(metrics)
        xs = np.arange(len(rows))
        for i, (_, label) in enumerate(metrics):
            vals = [r[1][i] for r in rows]
            bars = ax.bar(xs + i * width, vals, width, label=label)
            ax.bar_label(bars, fmt="%.2f", fontsize=7)
        ax.set_xticks(xs + width * (len(metrics) - 1) / 2, [r[0] for r in rows], fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_title("NLU candidates")
        ax.legend(loc="lower right", fontsize=8)
        fig.tight_layout()
        fig.savefig(out / "nlu_scores.png", dpi=120)
        plt.close(fig)

    r = results["candidates"].get(chosen, {})
    pairs = (r.get("holdout") or {}).get("_pairs") or (r.get("cv") or {}).get("_pairs")
    if pairs:
        from sklearn.metrics import confusion_matrix

        labels = sorted({a for a, _ in pairs} | {b for _, b in pairs if b})
        cm = confusion_matrix([a for a, _ in pairs], [b for _, b in pairs], labels=labels)
        fig, ax = plt.subplots(figsize=(10, 9))
        ax.imshow(cm, cmap="Blues")
        ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        for i in range(len(labels)):
            for j in range(len(labels)):
                if cm[i, j]:
                    ax.text(j, i, cm[i, j], ha="center", va="center", fontsize=7,
                            color="white" if cm[i, j] > cm.max() / 2 else "black")
        src = "holdout" if (r.get("holdout") or {}).get("_pairs") else "cross-validation"
        ax.set_title(f"{chosen}: confusion matrix ({src})")
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        fig.tight_layout()
        fig.savefig(out / f"nlu_confusion_{chosen}.png", dpi=120)
        plt.close(fig)


# --------------------------------------------------------------------------- main
def save(json_path: Path, results: Dict[str, Any], measured: set) -> None:
    """Write the results, keeping candidates another run wrote meanwhile (e.g. c_spacy)."""
    if json_path.exists():
        on_disk = json.loads(json_path.read_text()).get("candidates", {})
        for name, entry in on_disk.items():
            if name not in measured:
                results["candidates"][name] = entry
    json_path.write_text(json.dumps(results, indent=1, ensure_ascii=False))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--candidates", nargs="*", help="names in bench/config_candidates/ (default all)")
    ap.add_argument("--folds", type=int, default=3, help="CV folds; 0 = no cross-validation")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--data", default=str(ROOT / "data" / "nlu"))
    ap.add_argument("--holdout", default=str(ROOT / "tests" / "nlu" / "holdout.yml"))
    ap.add_argument("--chosen", default="b5_fast", help="candidate for the confusion matrix")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    ap.add_argument("--keep-models", action="store_true")
    ap.add_argument("--cv-only", action="store_true", help="skip the held-out evaluation")
    ap.add_argument("--no-lock", action="store_true",
                    help="do not wait for the machine-wide training lock (timings get noisier)")
    args = ap.parse_args()
    global USE_LOCK
    USE_LOCK = not args.no_lock
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("rasa", "tensorflow", "absl"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines (they would echo texts)

    from rasa.shared.nlu.training_data.loading import load_data

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "nlu.json"
    names = args.candidates or sorted(p.stem for p in (ROOT / "bench" / "config_candidates").glob("*.yml"))
    td = load_data(args.data)
    holdout = Path(args.holdout)
    holdout_examples = (load_data(str(holdout)).intent_examples
                        if holdout.is_file() and not args.cv_only else None)
    previous = json.loads(json_path.read_text()) if json_path.exists() else {}
    results: Dict[str, Any] = {
        "data": {"examples": len(td.intent_examples), "intents": len(td.intents),
                 "holdout_examples": len(holdout_examples) if holdout_examples else 0},
        "folds": args.folds, "seed": args.seed, "cpu_count": os.cpu_count(),
        "candidates": previous.get("candidates", {}),
    }
    measured: set = set()
    tmp = Path(tempfile.mkdtemp(prefix="bench_nlu_"))
    try:
        for name in tqdm(names, desc="candidates"):
            config = ROOT / "bench" / "config_candidates" / f"{name}.yml"
            # keep what an earlier run measured (e.g. CV) unless this run measures it again
            entry: Dict[str, Any] = dict(results["candidates"].get(name, {}))
            entry.pop("skipped", None)
            entry["config"] = str(config.relative_to(ROOT))
            if "spacy" in config.read_text():
                try:
                    import spacy  # noqa: F401
                except ImportError:
                    entry["skipped"] = "spaCy is not installed in this environment"
                    results["candidates"][name] = entry
                    continue
            if args.folds > 1:
                folds = []
                for i, (train_td, test_ex) in enumerate(
                        tqdm(list(folds_of(td, args.folds, args.seed)), desc=f"{name} CV",
                             leave=False)):
                    folds.append(run_once(config, train_td, test_ex, tmp / name / f"fold{i}",
                                          f"{name} fold {i}"))
                pairs = [p for f in folds for p in f.pop("_pairs")]
                errors = [e for f in folds for e in f.pop("_errors")]
                entity_errs = [e for f in folds for e in f.pop("_entity_errors")]
                gold_pred = list(zip(*pairs))
                entry["cv"] = {"folds": folds, "mean": mean_scores(folds),
                               "_pairs": pairs, "errors": errors,
                               "entity_errors": entity_errs}
                from sklearn.metrics import f1_score
                labels = sorted(set(gold_pred[0]))
                entry["cv"]["pooled_intent_f1"] = dict(zip(labels, map(float, f1_score(
                    gold_pred[0], gold_pred[1], labels=labels, average=None,
                    zero_division=0))))
            if holdout_examples:
                r = run_once(config, td, holdout_examples, tmp / name / "full", f"{name} holdout")
                # the held-out texts are not copied into the results
                r.pop("_errors")
                r.pop("_entity_errors")
                entry["holdout"] = r
            entry["python"] = sys.executable  # c_spacy runs in its own venv
            results["candidates"][name] = entry
            measured.add(name)
            save(json_path, results, measured)
        plot(results, args.chosen, out)
        save(json_path, results, measured)
    finally:
        if args.keep_models:
            print(f"models kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{'candidate':16} {'split':8} {'int.acc':>7} {'macroF1':>7} {'entF1':>6} "
          f"{'entF1~':>6} {'train s':>7} {'MB':>5} {'ms/msg':>6}")
    for name, r in results["candidates"].items():
        if r.get("skipped"):
            print(f"{name:16} skipped: {r['skipped']}")
        for split in ("cv", "holdout"):
            s = r.get(split)
            if not s:
                continue
            s = s["mean"] if split == "cv" else s
            print(f"{name:16} {split:8} {s['intent_accuracy']:7.3f} {s['intent_macro_f1']:7.3f} "
                  f"{s['entity_f1']:6.3f} {s['entity_f1_lenient']:6.3f} "
                  f"{s['train_seconds']:7.0f} {s['model_mb']:5.1f} {s['ms_per_message']:6.1f}")
    print(f"results: {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
