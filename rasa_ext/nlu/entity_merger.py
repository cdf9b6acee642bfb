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
* makes each buyer name one span, with the conventions of the training data
  (``fix_buyer_spans``): DIET often cuts a company name in two ("Tissages du" + "Nord",
  "Kowalski Sp" + "z o.o.") or stops one word short ("Hôtel des", "Agri" for "Agri Conseil",
  "Vasseur" for "Charpentes Vasseur"). Adjacent buyer pieces are joined (also across "de / du /
  des / d'": "hotel" + "port" in "hotel du port"); a span is extended
  over a legal form written next to it (SARL, SAS, GmbH, Ets…: inside the span by
  convention), over the word after a trailing "de / du / des / et / &", and over capitalised
  words right next to it (not at the start of a sentence, not greetings or pronouns, never
  over another entity). "chez", "la société", "le client"… and trailing punctuation stay out.
  Measured on the held-out file by bench/nlu_entities.py (docs/nlu.md).

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


# legal forms and "Ets", as the company_form regex of data/nlu/regex_lookup.yml (+ SA, AG, AS,
# Co, Cie, which are only taken when written with their capitals)
_FORM = (r"(?:[Ss][Aa][Rr][Ll]|[Ss][Aa][Ss][Uu]?|[Ee][Uu][Rr][Ll]|[Ss][Nn][Cc]|[Ss][Cc][Ii]|"
         r"[Ss][Cc][Oo][Pp]|GmbH|GMBH|gmbh|Ltd|LTD|ltd|Limited|PLC|plc|Inc|INC|inc|LLC|llc|"
         r"S\.p\.A\.|SpA|Srl|SRL|srl|BV|B\.V\.|NV|Lda|Sp\. z o\.o\.|SA|AG|AS|Co\.?|Cie|"
         r"[Ee]ts|[ÉEée]tablissements|& Fils|et Fils|& Cie|et Cie)")
_FORM_AFTER = re.compile(r"[ \u00a0]+" + _FORM + r"(?![\w+])")
_FORM_BEFORE = re.compile(r"(?<![\w.])" + _FORM + r"[ \u00a0]+$")
_CONNECTOR_END = re.compile(r"(?:^|[ \u00a0'’])(?:de|du|des|d['’]|et|&|la|le|les|l['’])$", re.I)
_WORD_AFTER = re.compile(r"[ \u00a0]+([A-ZÀ-Ý0-9][\w'’.-]*\w|[A-ZÀ-Ý0-9])")
_CAP_AFTER = re.compile(r"[ \u00a0]([A-ZÀ-Ý][\w'’-]*\w)")
_CAP_BEFORE = re.compile(r"([A-ZÀ-Ý][\w'’-]*\w)[ \u00a0]$")
# two pieces of one name: only blanks, a hyphen or "&" between them ("Bois et" + "Scieries du";
# "Dupont" + "et" + "Martin" stays two buyers)
_GAP = re.compile(r"[ \u00a0]*(?:[-&][ \u00a0]*)?")
# ... or "de / du / des / de la / d'" ("hotel" + "du" + "port": one name typed in lower case)
_GAP_OF = re.compile(r"[ \u00a0]+(?:de|du|des|de[ \u00a0]+la|d['’])[ \u00a0]*", re.I)
# lower-case words DIET sometimes takes in front of a name (outside the span by convention)
_LEADING = re.compile(r"^(?:(?:chez|pour|avec|sur|de|du|la|le|les|l['’]|notre|mon|ma|son|"
                      r"client|cliente|acheteur|débiteur|debiteur|société|societe|"
                      r"entreprise|l['’]entreprise)[ \u00a0]+)+")
# capitalised words that are not part of a company name next to it (often a sentence's first word)
_NOT_NAME = frozenset(
    "bonjour bonsoir salut merci cordialement madame monsieur je j nous vous il elle on ils "
    "elles est sont a ont mais et ou donc car si oui non le la les l un une des du de mon ma mes "
    "notre nos votre vos ce cet cette ça ca c pour chez sur avec par dans depuis client cliente "
    "clients acheteur débiteur debiteur société societe entreprise dossier sinistre facture "
    "factures impayé impaye impayés déclaration declaration agrément agrement garantie limite "
    "statut quid combien pourquoi quand comment où ou quel quelle quels quelles que qui quoi "
    "est-ce dms bodacc cap tva siren siret rib sin svp stp urgent hello bjr ok".split())


def fix_buyer_spans(text: Text, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """Buyer spans joined / extended / trimmed to one whole company name (see module doc)."""
    if not text or any(e.get("end", 0) > len(text) for e in entities):
        return entities  # offsets that do not fit the text: leave them alone
    buyers = sorted((e for e in entities if e.get("entity") == "buyer" and "start" in e),
                    key=lambda e: e["start"])
    if not buyers:
        return entities
    others = [e for e in entities if e not in buyers]
    blocked = [(e["start"], e["end"]) for e in others if "start" in e]

    def free(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in blocked)

    spans: List[List[Any]] = []  # [start, end, entity]
    for b in buyers:
        if spans:
            prev = spans[-1]
            gap = text[prev[1]:b["start"]]
            joined = _GAP.fullmatch(gap) or _GAP_OF.fullmatch(gap) or (
                re.fullmatch(r"\.[ \u00a0]+", gap) and re.search(r"\b\w{1,3}$", text[:prev[1]]))
            if b["start"] <= prev[1] or (joined and free(prev[1], b["start"])):
                prev[1] = max(prev[1], b["end"])
                continue
        spans.append([b["start"], b["end"], b])

    fixed = []
    for start, end, entity in spans:
        lead = _LEADING.match(text[start:end])
        if lead and lead.end() < end - start:
            start += lead.end()
        while end > start and text[end - 1] in ",;:!?)»\"":
            end -= 1
        for _ in range(4):  # a few steps: "Bois et" -> "Bois et Scieries du" -> "... du Jura"
            before = (start, end)
            m = _FORM_AFTER.match(text, end)
            if m and free(end, m.end()):
                end = m.end()
            m = _FORM_BEFORE.search(text[:start])
            if m and free(m.start(), start):
                start = m.start()
            if _CONNECTOR_END.search(text[start:end]):
                m = _WORD_AFTER.match(text, end)
                if m and free(end, m.end()):
                    end = m.end()
            m = _CAP_AFTER.match(text, end)
            if m and m.group(1).lower() not in _NOT_NAME and free(end, m.end()):
                end = m.end()
            m = _CAP_BEFORE.search(text[:start])
            if m and m.group(1).lower() not in _NOT_NAME and free(m.start(), start):
                start = m.start()
            if (start, end) == before:
                break
        if (start, end) != (entity["start"], entity["end"]):
            entity = {**entity, "start": start, "end": end, "value": text[start:end]}
            entity.setdefault("processors", [])
            entity["processors"] = [*entity["processors"], "EntityMerger"]
        fixed.append(entity)
    return sorted(others + fixed, key=lambda e: (e.get("start", -1), e.get("end", -1)))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class EntityMerger(GraphComponent):
    """Removes duplicate / overlapping entities produced by several extractors."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Default config."""
        return {"prefer": ["RegexEntityExtractor", "DIETClassifier"],
                "nested_in_buyer": ["country", "cap_scheme"],
                "repair_buyer_spans": True}

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Create the component."""
        self.prefer = list(config.get("prefer", []))
        self.nested_in_buyer = list(config.get("nested_in_buyer", []))
        self.repair_buyer_spans = bool(config.get("repair_buyer_spans", True))

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
                entities = merge_entities(entities, self.prefer, self.nested_in_buyer)
                if self.repair_buyer_spans and entities:
                    entities = fix_buyer_spans(text, entities)
                    # a longer buyer can now cover a country / scheme found inside the name
                    entities = merge_entities(entities, self.prefer, self.nested_in_buyer)
                message.set(ENTITIES, entities, add_to_output=True)
        return messages
