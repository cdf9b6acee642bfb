"""How often the split step cuts a message, on messages that hold one question and on the conversation set.

The split step (:mod:`rasa_ext.patches.multi_question`, decisions in :mod:`bot.clauses`) plays a message as
several turns when it holds several questions. A false split (one question answered as two half-questions) is
worse than no split, so it is measured where the answer is known to be "one question":

- every training example of ``data/nlu`` (one intent each, by construction);
- the held-out file ``tests/nlu/holdout.yml`` (never trained on; counts only, its texts are written nowhere);
- the user turns of ``tests/stories``;

and, for information, the user turns of the conversation set (``bench/conversations``: which turns it cuts).
Each message is cut into pieces (:func:`bot.clauses.pieces`), the pieces are parsed by the served model and
:func:`bot.clauses.plan` decides, as the server does outside a form (the form case needs a conversation:
``bench/conversations.py`` plays it). Nothing is trained here.

    .venv/bin/python bench/multi_split.py      -> bench/results/multi_split.json
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import yaml  # noqa: E402

from bot import clauses  # noqa: E402


def _story_turns() -> List[str]:
    texts = []
    for path in sorted((ROOT / "tests" / "stories").glob("*.yml")):
        for story in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("stories", []):
            texts += [str(step["user"]).strip() for step in story.get("steps", []) if "user" in step]
    return texts


def _conversation_turns() -> List[str]:
    texts = []
    for path in sorted((ROOT / "bench" / "conversations").glob("*.yml")):
        for conversation in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("conversations", []):
            texts += [str(turn["user"]) for turn in conversation.get("turns", []) if "user" in turn]
    return texts


def _examples(path: str) -> List[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [str(m.get("text")) for m in load_data(path).intent_examples]


async def _measure(agent: Any, texts: List[str]) -> Dict[str, Any]:
    from rasa.core.channels.channel import UserMessage

    candidates, split, examples, parses = 0, 0, [], 0
    started = time.perf_counter()
    for text in texts:
        found = clauses.pieces(text)
        if len(found) < 2:
            continue
        candidates += 1
        readings = []
        for piece in found:
            readings.append(clauses.Reading.from_parse(await agent.processor.parse_message(UserMessage(piece.text))))
            parses += 1
        chosen = clauses.plan(found, readings)
        if chosen is not None:
            split += 1
            examples.append({"text": text, "clauses": list(chosen.clauses),
                             "intents": [readings[a].intent for a in chosen.anchors]})
    return {"messages": len(texts), "with_a_place_to_cut": candidates, "split": split,
            "pieces_parsed": parses, "seconds": round(time.perf_counter() - started, 2), "splits": examples}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(ROOT / "models" / "assistant.tar.gz"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "multi_split.json"))
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent

    agent = Agent.load(args.model)
    sets = {
        "training examples (data/nlu, one intent each)": _examples(str(ROOT / "data" / "nlu")),
        "held-out file (tests/nlu/holdout.yml)": _examples(str(ROOT / "tests" / "nlu" / "holdout.yml")),
        "test stories (tests/stories)": _story_turns(),
        "conversation set (bench/conversations)": _conversation_turns(),
    }
    results = {name: asyncio.run(_measure(agent, texts)) for name, texts in sets.items()}
    for name, result in results.items():
        if "held-out" in name:  # the held-out texts are written nowhere
            result["splits"] = len(result["splits"])
        print(f"{name}: {result['messages']} messages, {result['with_a_place_to_cut']} with a place to cut, "
              f"{result['split']} split")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"confident": clauses.CONFIDENT, "min_words": clauses.MIN_WORDS, "sets": results},
                              ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
