"""Rasa's LogisticRegressionClassifier, safe on empty messages.

The stock classifier raises on a message with no text (no features reach it),
which turns an empty message into a failed turn. Here such a message is
classified as ``nlu_fallback`` so the interview can answer it kindly.
"""
from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

EMPTY_INTENT = {"name": "nlu_fallback", "confidence": 1.0}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if (m.get(TEXT) or "").strip()]
        for m in messages:
            if not (m.get(TEXT) or "").strip():
                m.set(INTENT, dict(EMPTY_INTENT), add_to_output=True)
                m.set(INTENT_RANKING_KEY, [dict(EMPTY_INTENT)], add_to_output=True)
        if with_text:
            super().process(with_text)
        return messages
