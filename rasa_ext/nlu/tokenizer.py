"""A whitespace-like tokenizer tuned for French business messages.

Differences with Rasa's ``WhitespaceTokenizer`` (which deletes every character that
is not part of a word when it stands next to a space):

* ``CAP+`` stays one token (the ``+`` is what tells CAP+ from CAP);
  a detached ``+`` (``CAP +``) and ``€ $ £ %`` are tokens of their own;
* ``80k€`` gives ``80k`` + ``€``; ``1,5`` and ``45.000`` stay one token;
* French elisions are split after the apostrophe and keep it:
  ``l'indemnité`` -> ``l'`` + ``indemnité``, ``qu'il`` -> ``qu'`` + ``il``,
  ``jusqu'au`` -> ``jusqu'`` + ``au``; ``aujourd'hui`` stays whole;
* claim references without spaces (``SIN-2021-000123``, ``SIN2021000123``) are one
  token; hyphenated words (``Bati-Nord``, ``a-t-il``) and dotted acronyms
  (``S.p.A.``) stay whole; e-mail addresses and URLs stay whole.

Each token's ``lemma`` (what CountVectorsFeaturizer reads by default) is the token
with the typographic apostrophe normalised and, if ``fold_accents`` is on, without
accents, so that ``reglement`` and ``règlement`` share their word features.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.text import fold as fold_text

_ELIDED = r"(?:jusqu|lorsqu|puisqu|quoiqu|presqu|qu|[cdjlmnst])"

TOKEN_RE = re.compile(
    r"""
    (?P<claim>(?i:sin)[-_/.]?(?:19|20)\d{2}[-_/.]?\d{4,8}(?!\w))   # SIN-2021-000123
  | (?P<url>(?:https?://|www\.)\S+[^\s.,;:!?)\]])
  | (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
  | (?P<plus>[^\W\d_]\w*\+)                                        # CAP+  a+
  | (?P<elision>(?i:"""
    + _ELIDED
    + r""")['’](?=\w))                                             # l'  qu'  jusqu'
  | (?P<number>\d+(?:[.,/:-]\d+)*[^\W\d_]*)                        # 45  1,5  80k  31/12/2021
  | (?P<acronym>(?:[^\W\d_]\.){2,})                                # S.A.R.L.  S.p.A.
  | (?P<word>[\w&]+(?:[-'’][\w&]+)*)                               # Bati-Nord  aujourd'hui
  | (?P<symbol>[€$£%+])
    """,
    re.VERBOSE,
)


def fold(text: Text) -> Text:
    """Remove accents and normalise the typographic apostrophe (``bot.text.fold``, case kept)."""
    return unicodedata.normalize("NFC", fold_text(text, lower=False))


def split_words(text: Text) -> List[re.Match]:
    """The regex matches that make the tokens of ``text``, in order."""
    return list(TOKEN_RE.finditer(text))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class FrenchTokenizer(WhitespaceTokenizer):
    """Tokenizer for French messages that keeps '+', '€' and claim references."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Default config: the WhitespaceTokenizer's, plus ``fold_accents``."""
        config = WhitespaceTokenizer.get_default_config()
        config["fold_accents"] = True
        return config

    @staticmethod
    def supported_languages() -> List[Text]:
        """Written for French; it also works for other Latin-script languages."""
        return ["fr"]

    @staticmethod
    def not_supported_languages() -> None:
        """Only ``supported_languages`` applies."""
        return None

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Create the tokenizer."""
        super().__init__(config)
        self.fold_accents = bool(config.get("fold_accents", True))

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Split the text of ``attribute`` into tokens with character offsets."""
        text = message.get(attribute)
        tokens = []
        for match in split_words(text):
            word = match.group()
            lemma = fold(word) if self.fold_accents else word.replace("’", "'")
            tokens.append(Token(word, match.start(), match.end(), lemma=lemma))
        if not tokens:
            # only punctuation or emoji: keep the whole text as one token
            tokens = [Token(text, 0, len(text))]
        return self._apply_token_pattern(tokens)
