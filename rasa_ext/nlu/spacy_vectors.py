"""Dense features from the static word vectors of a spaCy model, aligned on *our* tokens.

Rasa's SpacyFeaturizer needs SpacyTokenizer: its vectors follow spaCy's tokens, which do
not line up with FrenchTokenizer's (spaCy splits ``SIN-2021`` ``-`` ``000123`` and keeps
``80k€`` whole), and DIET refuses sequence features of different lengths. This
featurizer looks up one vector per FrenchTokenizer token in the model's vocabulary
(text, then lower-case), zeros when the word has no vector.

Only used by the optional candidate ``bench/config_candidates/c_spacy.yml``; spaCy and
``fr_core_news_md`` are not in requirements.txt (see docs/nlu.md).
"""
from __future__ import annotations

import functools
import logging
from typing import Any, Dict, List, Text, Type

import numpy as np

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import (
    DENSE_FEATURIZABLE_ATTRIBUTES,
    FEATURIZER_CLASS_ALIAS,
    TOKENS_NAMES,
)
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import MEAN_POOLING, POOLING

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=2)
def _vocab(model: Text) -> Any:
    import spacy  # imported here: the default pipeline does not need spaCy

    # only the vocabulary (with its vectors) is used: skip the neural components
    return spacy.load(model, exclude=["tok2vec", "morphologizer", "parser", "senter",
                                      "ner", "attribute_ruler", "lemmatizer"]).vocab


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class SpacyWordVectorFeaturizer(DenseFeaturizer, GraphComponent):
    """Word vectors of a spaCy model for the tokens of any Rasa tokenizer."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """A tokenizer must run first."""
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        """spaCy and the model package."""
        return ["spacy"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Default config: the model and the pooling of the sentence vector."""
        return {**DenseFeaturizer.get_default_config(), "model": "fr_core_news_md",
                POOLING: MEAN_POOLING}

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        """Load the vocabulary of the configured model."""
        super().__init__(name, config)
        self.vocab = _vocab(self._config["model"])
        self.dim = self.vocab.vectors_length

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> GraphComponent:
        """Create the component."""
        return cls(config, execution_context.node_name)

    def _vector(self, text: Text) -> np.ndarray:
        for form in (text, text.lower(), text.replace("’", "'").lower()):
            if self.vocab.has_vector(form):
                return self.vocab.get_vector(form)
        return np.zeros(self.dim, dtype=np.float32)

    def process(self, messages: List[Message]) -> List[Message]:
        """Add sequence and sentence features to each message."""
        for message in messages:
            for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
                tokens = message.get(TOKENS_NAMES[attribute])
                if not tokens:
                    continue
                sequence = np.array([self._vector(t.text) for t in tokens])
                sentence = self.aggregate_sequence_features(sequence, self._config[POOLING])
                alias = self._config[FEATURIZER_CLASS_ALIAS]
                message.add_features(
                    Features(sequence, FEATURE_TYPE_SEQUENCE, attribute, alias))
                message.add_features(
                    Features(sentence, FEATURE_TYPE_SENTENCE, attribute, alias))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize the training examples in place."""
        self.process(training_data.training_examples)
        return training_data

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Nothing to validate."""
