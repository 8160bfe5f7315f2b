"""Rasa NLU component: clinical codes from free text, via the shared extractor.

Runs after ``SpacyNLP``/``SpacyTokenizer`` and reuses the spaCy pipeline they
loaded. Emits entities whose values are codes of the clinical reference:

- ``symptom`` / ``risk_factor`` / ``modifier`` / ``red_flag`` / ``qualifier``
  with role ``absent`` or ``unsure`` when negated or hedged (no role = present);
- ``age`` (int), ``duration``, ``progression``, ``onset``, ``side``,
  ``subject`` ("other"), ``topic`` (information topic ids, best first) and
  ``language`` ("other" when the message does not look like English).
"""
from __future__ import annotations

import gc
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
import scipy.sparse

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge import Status
from knowledge import Kind
from reader import Reader, Reading, normalise
from reader.questions import FIRST_PERSON, QUESTION_STARTS

MAX_CHARS = 5000  # longer messages are read in full, in slices of this size
EXTRACTION = "clinical_extraction"  # the extraction, cached on the message for the extractor
_EXTRACTORS: Dict[str, Reader] = {}


def _key(model_name: str) -> str:
    return str(Path(model_name).resolve())


def _build(key: str, nlp) -> Reader:
    if key not in _EXTRACTORS:
        _EXTRACTORS[key] = Reader(nlp=nlp)
        # The lexicon, TensorFlow and Rasa leave a large, long-lived heap; without
        # this, full garbage collections added ~200 ms pauses to random turns.
        gc.collect()
        gc.freeze()
    return _EXTRACTORS[key]


def prebuild_reader() -> None:
    """Build the reader when the model loads, not on the first message: every Rasa
    process is then ready (and at its full size) before it takes traffic. The reader
    only makes its own Docs, so it may hold its own copy of the (small) pipeline."""
    from reader.pipeline import DEFAULT_PIPELINE_PATH, load_pipeline

    key = _key(str(DEFAULT_PIPELINE_PATH))
    if key not in _EXTRACTORS:
        _build(key, load_pipeline(str(DEFAULT_PIPELINE_PATH)))


def _extractor_for(model: SpacyModel) -> Reader:
    key = _key(getattr(model, "model_name", None) or f"memory-{id(model.model)}")
    return _EXTRACTORS.get(key) or _build(key, model.model)


def extraction_of(message: Message, model: SpacyModel) -> Optional[Reading]:
    text = message.get(TEXT) or ""
    if not text.strip() or text.startswith("/"):
        return None
    cached = message.get(EXTRACTION)
    if cached is None:
        cached = _extract_long(_extractor_for(model), text)
        message.set(EXTRACTION, cached)
    return cached




def clinical_features(text: str, extraction: Optional[Reading]) -> np.ndarray:
    """Sentence features for the intent classifier, from what the extractor found."""
    words = normalise(text).split()
    v = np.zeros(16, dtype=np.float32)
    if extraction is not None:
        kinds = {(f.kind, f.status) for f in extraction.findings}
        v[0] = (Kind.SYMPTOM, Status.PRESENT) in kinds
        v[1] = any(k == Kind.SYMPTOM and s != Status.PRESENT for k, s in kinds)
        v[2] = (Kind.RISK_FACTOR, Status.PRESENT) in kinds
        v[3] = any(k == Kind.MODIFIER for k, _ in kinds)
        v[4] = (Kind.RED_FLAG, Status.PRESENT) in kinds
        v[5] = any(s == Status.ABSENT for _, s in kinds)
        v[6] = extraction.age is not None
        v[7] = extraction.duration is not None
        v[8] = extraction.progression is not None
        v[11] = bool(extraction.topics)
        v[13] = len(extraction.findings) >= 2
        v[14] = extraction.foreign
        v[15] = extraction.subject == "other"
    v[9] = "?" in text
    v[10] = bool(words) and words[0] in QUESTION_STARTS
    v[12] = any(w.strip(",.!?") in FIRST_PERSON for w in words)
    # scaled up so a handful of dense signals are not drowned by thousands of n-grams
    return v * 3.0


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    is_trainable=False,
    model_from="SpacyNLP",
)
class ClinicalFeaturizer(SparseFeaturizer, GraphComponent):
    """Tells the intent classifier what the clinical extractor found."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SparseFeaturizer.get_default_config()}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        prebuild_reader()
        return cls(execution_context.node_name, config)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def _featurize(self, message: Message, model: SpacyModel) -> None:
        text = message.get(TEXT) or ""
        if not text.strip():
            return  # like Rasa's own featurizers: nothing to describe
        vector = clinical_features(text, extraction_of(message, model))
        self.add_features_to_message(None, scipy.sparse.coo_matrix(vector.reshape(1, -1)), TEXT, message)

    def process_training_data(self, training_data: TrainingData, model: SpacyModel) -> TrainingData:
        for message in training_data.training_examples:
            if message.get(TEXT):
                self._featurize(message, model)
        return training_data

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            self._featurize(message, model)
        return messages


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    is_trainable=False,
    model_from="SpacyNLP",
)
class ClinicalEntityExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_topics": 3}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config)

    def process_training_data(self, training_data: TrainingData, model: SpacyModel) -> TrainingData:
        return training_data

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            extraction = extraction_of(message, model)
            if extraction is None:
                continue
            entities = self.to_entities(extraction, self._config["max_topics"])
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(entities), add_to_output=True)
        return messages

    @staticmethod
    def to_entities(extraction: Reading, max_topics: int = 3) -> List[Dict[Text, Any]]:
        entities: List[Dict[Text, Any]] = []
        for f in extraction.findings:
            entity: Dict[Text, Any] = {
                "entity": f.kind.value,
                "value": f.code,
                "start": f.start,
                "end": f.end,
                "confidence": 1.0,
            }
            if f.status.value != "present":
                entity["role"] = f.status.value
            if f.context:  # why it is not plain: "asked", "other", "historical"...
                entity["context"] = list(f.context)
            entities.append(entity)
        for name in ("age", "duration", "progression", "onset", "side", "subject"):
            value = getattr(extraction, name)
            if value is not None:
                entities.append({"entity": name, "value": value, "start": 0, "end": 0, "confidence": 1.0})
                if name == "subject" and extraction.subject_said:
                    entities[-1]["said"] = True
                if name == "duration" and extraction.duration_vague:
                    entities[-1]["vague"] = True  # "for a while": kept, but "how long?" is still asked
        for topic in extraction.topics[:max_topics]:
            entities.append({"entity": "topic", "value": topic, "start": 0, "end": 0, "confidence": 1.0})
        if extraction.foreign:
            entities.append({"entity": "language", "value": "other", "start": 0, "end": 0, "confidence": 1.0})
        if extraction.no_symptoms:
            entities.append({"entity": "wellbeing", "value": "no_symptoms", "start": 0, "end": 0, "confidence": 1.0})
        if extraction.locale:
            entities.append({"entity": "locale", "value": extraction.locale, "start": 0, "end": 0, "confidence": 1.0})
        return entities


def _extract_long(extractor: Reader, text: str) -> Reading:
    """Very long messages are read slice by slice so that nothing is skipped."""
    if len(text) <= MAX_CHARS:
        return extractor.read(text)
    merged = Reading()
    seen: Dict[str, int] = {}
    for offset in range(0, len(text), MAX_CHARS):
        part = extractor.read(text[offset : offset + MAX_CHARS])
        for f in part.findings:
            if f.code in seen:
                merged.findings[seen[f.code]] = f
            else:
                seen[f.code] = len(merged.findings)
                merged.findings.append(f)
        for name in ("age", "duration", "progression", "onset", "side", "subject"):
            if getattr(merged, name) is None:
                setattr(merged, name, getattr(part, name))
        merged.topics = merged.topics or part.topics
        merged.foreign = merged.foreign or part.foreign
        merged.locale = part.locale or merged.locale
    return merged
