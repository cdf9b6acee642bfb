"""NLU candidates compared on folds split by writing style (train on some styles, test on another).

Why: a held-out file written by one person rewards a pipeline tuned to that person. An external
French intent benchmark the project never sees scored the former config.yml about 3 points below
Rasa's default configuration trained on the same data (issue #16). Random cross-validation mixes
every style into every fold; here a whole way of writing is left out of training and the
candidate has to understand it anyway — the closest we can get to "other writers" with the data
we have.

The training examples carry no author, so each example of data/nlu gets one *style group* from
its surface form (rules in `style_of`, applied in this order; the first that matches wins):

* ``terse``  — 3 words or fewer: keywords, a bare reference, "oui", "conseiller", "bjr";
* ``sms``    — SMS / hurried typing: an abbreviation (svp, stp, bjr, pk, qd, jsp, dsl, rdv, cdt…),
  ``??`` / ``!!``, or a text with no accent at all that contains a word that needs one
  ("reglement", "impaye", "deja", "ca", "ou en"…);
* ``formal`` — written register: vouvoiement or company "nous" ("pourriez-vous", "je souhaiterais",
  "notre", "Madame, Monsieur", "concernant"…), a capitalised and punctuated sentence, or 16 words
  and more (long, often worried, messages);
* ``plain``  — everything else: ordinary first-person messages, accents mostly right.

Each fold leaves one style group out of training and scores it (the final parse, as
bench/nlu.py: nlu_fallback counts as an error; entities after merging). By default the held-out
groups are ``terse``, ``sms`` and ``formal`` (three trainings per candidate); ``plain`` (about
60 % of the data) is always trained on — holding it out would measure training on 40 % of the
data more than an unseen style (``--folds plain`` runs it anyway). Compare candidates fold by
fold and on the mean over folds; the pooled accuracy (all test messages together) is also given,
and the scores the same classifier would get with other fallback thresholds (none, 0.3, 0.4:
from its own ranking, no retraining).

Writes bench/results/nlu_folds.json (per candidate and fold: intent accuracy, macro-F1,
fallback rate, entity F1, training CPU time, and the misread training texts — they are ours) and
bench/results/nlu_folds.png. Each run adds its candidates and keeps the others.

    .venv/bin/python bench/nlu_folds.py --groups-only            # the split only (counts per intent)
    .venv/bin/python bench/nlu_folds.py --candidates a_default b5_fast
    .venv/bin/python bench/nlu_folds.py --candidates r1_chars --folds sms terse
    .venv/bin/python bench/nlu_folds.py --candidates b5_fast --folds plain   # the fourth fold
    .venv/bin/python bench/nlu_folds.py --data-rev cc00322 --candidates r3_dropout --folds formal

Every fold records the data it was trained and scored on (``data``: the git revision of data/nlu
given by ``--data-rev``, or "worktree", and a fingerprint of its examples): candidates are only
comparable on the same fingerprint, and the final table marks with ``*`` the folds measured on
other data than this run's. ``--data-rev`` pins the data (other work edits data/nlu meanwhile) so
that new candidates can be compared with folds measured earlier without retraining those.

Trainings take the machine-wide lock (as bench/nlu.py); run it under `nice -n 19`.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

GROUPS = ("terse", "sms", "formal", "plain")
# "plain" (ordinary messages, about 60 % of the data) is always trained on by default: holding it
# out would test training on 40 % of the data more than an unseen style (--folds plain runs it)
DEFAULT_FOLDS = ("terse", "sms", "formal")

_SMS = re.compile(
    r"\b(svp|stp|slt|bjr|bsr|qd|qdn|pk|pq|pcq|pr|ds|ts|tt|jsp|chui|chuis|koi|kel|kan|mdr|lol|dsl|"
    r"tkt|msg|rdv|cdt|cdlt|bcp|mtn|auj|ajd|vs|ns|ya|plz|asap|dac|okk|oki|wsh|wesh|thx|mrc|jveux|"
    r"ke|ki|jai|chai)\b|\bc (?=\w)|\?\?|!!", re.I)
_ACCENT = re.compile(r"[àâäéèêëîïôöùûüçœ]", re.I)
_NEEDS_ACCENT = re.compile(
    r"\b(deja|etre|ete|reglement|regle|reglee|impaye|impayes|impayee|impayees|echeance|echue|echu|"
    r"indemnite|indemnites|declare|declarer|declaree|delai|delais|creance|creances|recu|recue|ca|"
    r"prevu|prevue|numero|tres|apres|meme|probleme|versee|tresorerie|societe|agrement|etat|"
    r"interet|interets|procedure|premiere|derniere|reduit|refusee|resilie|acces|"
    r"reponse|desole|resultat|verifier|general|eleve|necessaire|plutot|annule|annulee|arrete|"
    r"donnees|conseillere|controle|francais|etranger|etrangers|securite|mediateur|reclamation|"
    r"recuperer|pret|operation|operations|specifique|debiteur|liquidite|regler)\b"
    r"|\bou en\b|\ba (quoi|quel|quelle)\b|\bou\s*\??$", re.I)
_FORMAL = re.compile(
    r"\b(pourriez|pouvez-vous|pourrais-je|souhaiterais|souhaitons|souhaite|voudrais|aimerais|"
    r"remercie|madame|monsieur|nous|notre|nos|sollicite|permets|veuillez|serait-il|est-il|auriez|"
    r"je vous|prie|concernant|relatif|relative)\b", re.I)


# a message with none of these words has no subject pronoun, possessive or common verb: a
# keyword query ("montant garanti sur ce client ?", "différence entre CAP et CAP+ ?")
_SENTENCE_WORDS = frozenset(
    "je j tu t il ils elle on nous vous me m moi mon ma mes ton ta tes votre vos notre nos ça ca "
    "c est sont ai as a avez avons suis es êtes etes peux peut pouvez veux veut voudrais faut fait "
    "faites faire va vais allez dois doit devez sais savez".split())


def style_of(text: str) -> str:
    """The style group of a training example (plain text, entity markup removed)."""
    words = re.findall(r"\w+", text)
    if len(words) <= 3:
        return "terse"
    if _SMS.search(text) or (not _ACCENT.search(text) and _NEEDS_ACCENT.search(text)):
        return "sms"
    if len(words) <= 7 and not any(w.lower() in _SENTENCE_WORDS for w in words):
        return "terse"
    stripped = text.rstrip()
    if (len(words) >= 16 or _FORMAL.search(text)
            or (stripped[:1].isupper() and stripped[-1:] in ".?!")):
        return "formal"
    return "plain"


def _bench_nlu():
    """bench/nlu.py as a module: the same training, prediction and scoring code."""
    spec = importlib.util.spec_from_file_location("bench_nlu", ROOT / "bench" / "nlu.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fingerprint(td) -> str:
    """A short hash of the (intent, text) pairs of the data, independent of file order."""
    h = hashlib.sha1()
    for line in sorted(f"{m.get('intent')}\t{m.get('text')}" for m in td.intent_examples):
        h.update(line.encode("utf-8") + b"\n")
    return h.hexdigest()[:12]


def data_at(rev: str, dest: Path) -> Path:
    """data/nlu as it was at git revision ``rev``, extracted under ``dest``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev, "data/nlu"],
                             check=True, capture_output=True).stdout
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest)
    return dest / "data" / "nlu"


def split(td) -> Dict[str, List[Any]]:
    groups: Dict[str, List[Any]] = {g: [] for g in GROUPS}
    for m in td.intent_examples:
        groups[style_of(m.get("text"))].append(m)
    return groups


def group_table(groups: Dict[str, List[Any]]) -> Dict[str, Dict[str, int]]:
    table: Dict[str, Dict[str, int]] = defaultdict(dict)
    for g, examples in groups.items():
        for intent, n in Counter(m.get("intent") for m in examples).items():
            table[intent][g] = n
    return {k: dict(sorted(v.items())) for k, v in sorted(table.items())}


def summary(folds: Dict[str, Dict[str, Any]]) -> Dict[str, Any]:
    keys = ("intent_accuracy", "intent_macro_f1", "fallback_rate", "entity_f1",
            "train_cpu_seconds")
    done = [f for f in folds.values() if "intent_accuracy" in f]
    out: Dict[str, Any] = {"folds_done": len(done)}
    if not done:
        return out
    for k in keys:
        out[f"mean_{k}"] = sum(f[k] for f in done) / len(done)
    for t in done[0].get("by_fallback_threshold", {}):
        out[f"mean_by_fallback_threshold_{t}"] = {
            k: sum(f["by_fallback_threshold"][t][k] for f in done) / len(done)
            for k in ("intent_accuracy", "intent_macro_f1", "fallback_rate")}
    n = sum(f["n"] for f in done)
    out["pooled_intent_accuracy"] = sum(f["intent_accuracy"] * f["n"] for f in done) / n
    return out


def markdown_table(results: Dict[str, Any]) -> str:
    """Every candidate x fold measured, as a markdown table, with the mean over the folds that
    every listed candidate has (a candidate missing one of them gets no mean)."""
    cands = {c: r for c, r in results["candidates"].items() if r.get("folds")}
    folds = [g for g in GROUPS if any(g in r["folds"] for r in cands.values())]
    common = [g for g in folds if all(g in r["folds"] for r in cands.values())]
    rows = ["| candidate | " + " | ".join(f"{g} (n={results['groups'].get(g, '?')})" for g in folds)
            + f" | mean of {' + '.join(common) or '—'} |",
            "| --- |" + " --- |" * (len(folds) + 1)]

    def cell(fs: List[Dict[str, Any]]) -> str:
        mean = {k: sum(f[k] for f in fs) / len(fs)
                for k in ("intent_accuracy", "intent_macro_f1", "fallback_rate")}
        t03 = sum(f["by_fallback_threshold"]["0.3"]["intent_accuracy"] for f in fs) / len(fs)
        none = sum(f["by_fallback_threshold"]["none"]["intent_accuracy"] for f in fs) / len(fs)
        return (f"{mean['intent_accuracy']:.3f} / {mean['intent_macro_f1']:.3f} / "
                f"{100 * mean['fallback_rate']:.1f} % ({t03:.3f}, {none:.3f})")

    for name, r in cands.items():
        cells = [cell([r["folds"][g]]) if g in r["folds"] else "not measured" for g in folds]
        cells.append(cell([r["folds"][g] for g in common]) if common else "—")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    prints = {f.get("data", {}).get("fingerprint") for r in cands.values()
              for f in r["folds"].values()}
    rows.append("")
    rows.append("Each cell: intent accuracy / macro-F1 / fallback rate at the candidate's own threshold "
                "(accuracy at threshold 0.3, with no fallback). Data: "
                + ", ".join(sorted(str(p) for p in prints)) + ".")
    return "\n".join(rows)


def plot(results: Dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    cands = [c for c, r in results["candidates"].items() if r.get("summary", {}).get("folds_done")]
    if not cands:
        return
    done = [g for g in GROUPS if any(g in results["candidates"][c]["folds"] for c in cands)]
    # the mean compares candidates on the same folds: those every plotted candidate has
    common = [g for g in done if all(g in results["candidates"][c]["folds"] for c in cands)]
    cols = done + ["mean"]
    fig, axes = plt.subplots(1, 2, figsize=(max(9, 1.1 * len(cols) * len(cands)), 4.5),
                             sharey=True)
    width = 0.8 / len(cands)
    xs = np.arange(len(cols))
    for ax, (metric, label) in zip(axes, (("intent_accuracy", "intent accuracy"),
                                          ("intent_macro_f1", "intent macro-F1"))):
        for i, c in enumerate(cands):
            r = results["candidates"][c]
            vals = [r["folds"].get(g, {}).get(metric, np.nan) for g in done]
            vals.append(np.mean([r["folds"][g][metric] for g in common]) if common else np.nan)
            bars = ax.bar(xs + i * width, vals, width, label=c)
            ax.bar_label(bars, fmt="%.2f", fontsize=6, rotation=90, padding=2)
        ax.set_xticks(xs + width * (len(cands) - 1) / 2,
                      [f"{g}\n(n={results['groups'].get(g, '')})" if g != "mean"
                       else "mean of\n" + "+".join(common) for g in cols], fontsize=8)
        ax.set_ylim(0, 1.12)
        ax.set_title(f"{label}, style held out")
    axes[0].legend(fontsize=7, loc="lower left")
    fig.suptitle("NLU candidates on writing-style folds (bench/nlu_folds.py)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "nlu_folds.png", dpi=120)
    plt.close(fig)


def save(path: Path, results: Dict[str, Any], measured: set) -> None:
    """Write the results, keeping what other runs measured (other candidates or folds).

    Runs may overlap (one candidate per process): what is on disk wins for every candidate this
    run did not measure, and adds the folds it did not measure to the ones it did."""
    if path.exists():
        on_disk = json.loads(path.read_text()).get("candidates", {})
        for name, entry in on_disk.items():
            if name not in measured or name not in results["candidates"]:
                results["candidates"][name] = entry
            else:
                for g, f in entry.get("folds", {}).items():
                    results["candidates"][name]["folds"].setdefault(g, f)
                results["candidates"][name]["summary"] = summary(
                    results["candidates"][name]["folds"])
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    tmp.replace(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--candidates", nargs="*", default=["a_default", "b5_fast"],
                    help="names in bench/config_candidates/")
    ap.add_argument("--folds", nargs="*", choices=GROUPS, default=list(DEFAULT_FOLDS),
                    help="held-out style groups to run (default: terse sms formal)")
    ap.add_argument("--data", default=str(ROOT / "data" / "nlu"))
    ap.add_argument("--data-rev", help="use data/nlu as it was at this git revision (not --data)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    ap.add_argument("--groups-only", action="store_true", help="print the split and exit")
    ap.add_argument("--table", action="store_true",
                    help="print the results on disk as a markdown table and exit (no training)")
    ap.add_argument("--no-lock", action="store_true")
    args = ap.parse_args()
    if args.table:
        print(markdown_table(json.loads((Path(args.out) / "nlu_folds.json").read_text())))
        return 0
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("rasa", "tensorflow", "absl"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="bench_nlu_folds_"))
    data_path = data_at(args.data_rev, tmp / "data") if args.data_rev else Path(args.data)
    td = load_data(str(data_path))
    data_id = {"rev": args.data_rev or "worktree", "fingerprint": fingerprint(td)}
    print("data:", data_id, flush=True)
    groups = split(td)
    table = group_table(groups)
    print("style groups:", {g: len(v) for g, v in groups.items()})
    for intent, row in table.items():
        print(f"  {intent:28} {row}")
    if args.groups_only:
        shutil.rmtree(tmp, ignore_errors=True)
        return 0

    bench = _bench_nlu()
    bench.USE_LOCK = not args.no_lock
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "nlu_folds.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    results: Dict[str, Any] = {
        "data": {"examples": len(td.intent_examples), "intents": len(td.intents), **data_id},
        "groups": {g: len(v) for g, v in groups.items()},
        "intents_by_group": table,
        "method": "train on three style groups, score the fourth; final parse "
                  "(nlu_fallback = error); style rules in bench/nlu_folds.py",
        "candidates": previous.get("candidates", {}),
    }
    measured: set = set()
    try:
        for name in args.candidates:
            config = ROOT / "bench" / "config_candidates" / f"{name}.yml"
            entry = results["candidates"].setdefault(name, {"folds": {}})
            entry["config"] = str(config.relative_to(ROOT))
            for g in args.folds:
                train_examples = [m for h, ex in groups.items() if h != g for m in ex]
                train_td = TrainingData(training_examples=train_examples,
                                        entity_synonyms=td.entity_synonyms,
                                        regex_features=td.regex_features,
                                        lookup_tables=td.lookup_tables)
                print(f"{name}: training without '{g}' ({len(train_examples)} examples), "
                      f"testing on {len(groups[g])}", flush=True)
                r = bench.run_once(config, train_td, groups[g], tmp / name / g, f"{name} {g}")
                r.pop("_pairs")
                r["errors"] = r.pop("_errors")
                r["entity_errors"] = r.pop("_entity_errors")
                trained = {m.get("intent") for m in train_examples}
                r["test_intents_not_trained"] = sorted(
                    {m.get("intent") for m in groups[g]} - trained)
                r["data"] = data_id
                entry["folds"][g] = r
                entry["summary"] = summary(entry["folds"])
                measured.add(name)
                save(path, results, measured)
                print(f"  {g}: intent acc. {r['intent_accuracy']:.3f}, macro-F1 "
                      f"{r['intent_macro_f1']:.3f}, fallback {r['fallback_rate']:.3f}, "
                      f"entity F1 {r['entity_f1']:.3f}, train CPU {r['train_cpu_seconds']:.0f} s",
                      flush=True)
        plot(results, out)
        save(path, results, measured)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{'candidate':18} " + " ".join(f"{g:>13}" for g in GROUPS) + "   mean acc/F1  pooled")
    for name, r in results["candidates"].items():
        cells = []
        for g in GROUPS:
            f = r["folds"].get(g)
            other = f and f.get("data", {}).get("fingerprint") != data_id["fingerprint"]
            cells.append(f"{f['intent_accuracy']:.3f}/{f['intent_macro_f1']:.3f}" + "*" * other
                         if f else "—")
        s = r.get("summary", {})
        tail = (f"{s['mean_intent_accuracy']:.3f}/{s['mean_intent_macro_f1']:.3f}  "
                f"{s['pooled_intent_accuracy']:.3f}" if s.get("folds_done") else "")
        print(f"{name:18} " + " ".join(f"{c:>13}" for c in cells) + "   " + tail)
    print("* measured on other data than this run's (see each fold's \"data\")")
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
