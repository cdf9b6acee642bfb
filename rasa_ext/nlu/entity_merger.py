"""Keeps one entity per span when two extractors found the same thing.

With DIETClassifier and RegexEntityExtractor both in the pipeline, "45 000 €" can come
out twice (once per extractor), sometimes with slightly different spans ("45 000" and
"45 000 €"). Slots filled ``from_entity`` then depend on which came first. This
component, placed after the extractors and before EntitySynonymMapper:

* among overlapping entities of the same type keeps the longest span (ties: the
  extractor listed first in ``prefer``, by default the regex one);
* drops a ``country`` or ``cap_scheme`` found *inside* a ``buyer`` span
  ("Atlas Maroc Distribution" is a buyer, not the country Maroc);
* extends an ``amount`` cut inside a number ("36" of "36 000", "2 540" of "2 540,80") to the
  whole number and its unit, so the value read is the amount typed;
* drops a ``country`` whose words name no country (``bot.parsing.normalise_country``): DIET
  sometimes tags ordinary words ("légal", "Industrie") as a country.

It is not an entity extractor for ``rasa test`` (it does not use EntityExtractorMixin),
so Rasa's per-extractor reports still show what each extractor found on its own;
bench/nlu.py scores the final, merged entities.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message


def _overlap(a: Dict[Text, Any], b: Dict[Text, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


_AMOUNT_TAIL = re.compile(r"(?:[ \u00a0\u202f.]\d{3}(?!\d))*(?:,\d{1,2}(?!\d))?(?:\s?(?:€|euros?\b|k€|k\b))?",
                          re.IGNORECASE)


def complete_amount(entity: Dict[Text, Any], text: str) -> Dict[Text, Any]:
    """``entity`` (an amount) widened to the rest of the number it starts ("36" -> "36 000")."""
    start, end = entity.get("start"), entity.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not text or end > len(text) or start >= end:
        return entity
    if not text[end - 1].isdigit() or (end < len(text) and text[end].isdigit()):
        return entity
    tail = _AMOUNT_TAIL.match(text, end)
    if not tail or tail.end() == end:
        return entity
    return {**entity, "end": tail.end(), "value": text[start:tail.end()]}


def names_a_country(entity: Dict[Text, Any]) -> bool:
    from bot.parsing import normalise_country

    return normalise_country(str(entity.get("value") or "")) is not None


def merge_entities(entities: List[Dict[Text, Any]], prefer: List[Text],
                   nested_in_buyer: List[Text], checked_countries: bool = True) -> List[Dict[Text, Any]]:
    """The merged list, in text order."""
    if checked_countries:
        entities = [e for e in entities if e.get("entity") != "country" or names_a_country(e)]
    def rank(e: Dict[Text, Any]) -> Any:
        extractor = e.get("extractor") or ""
        pref = prefer.index(extractor) if extractor in prefer else len(prefer)
        return (-(e["end"] - e["start"]), pref)

    kept: List[Dict[Text, Any]] = []
    for entity in sorted(entities, key=rank):
        if "start" not in entity or "end" not in entity:
            kept.append(entity)
            continue
        if any(k.get("entity") == entity["entity"] and "start" in k and _overlap(k, entity)
               for k in kept):
            continue
        kept.append(entity)
    buyers = [e for e in kept if e.get("entity") == "buyer" and "start" in e]
    kept = [e for e in kept
            if not (e.get("entity") in nested_in_buyer and "start" in e
                    and any(b["start"] <= e["start"] and e["end"] <= b["end"]
                            and (b["end"] - b["start"]) > (e["end"] - e["start"])
                            for b in buyers))]
    return sorted(kept, key=lambda e: (e.get("start", -1), e.get("end", -1)))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class EntityMerger(GraphComponent):
    """Removes duplicate / overlapping entities produced by several extractors."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Default config."""
        return {"prefer": ["RegexEntityExtractor", "DIETClassifier"],
                "nested_in_buyer": ["country", "cap_scheme"]}

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Create the component."""
        self.prefer = list(config.get("prefer", []))
        self.nested_in_buyer = list(config.get("nested_in_buyer", []))

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "EntityMerger":
        """Create the component."""
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: List[Message]) -> List[Message]:
        """Merge the entities of each message."""
        for message in messages:
            entities = message.get(ENTITIES, [])
            if entities:
                text = message.get(TEXT) or ""
                entities = [complete_amount(e, text) if e.get("entity") == "amount" else e for e in entities]
                message.set(ENTITIES, merge_entities(entities, self.prefer,
                                                     self.nested_in_buyer),
                            add_to_output=True)
        return messages
