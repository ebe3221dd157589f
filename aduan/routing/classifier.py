"""A text classifier for short Indonesian messages, with calibrated confidences.

Features are canonical words, word pairs and the character 3- to 5-grams of
each word (so "brlubang", "berlubangg" and "berlubang" share most features).
The character n-grams of a word are computed once per distinct word, which is
what keeps training on 100,000 reports inside a minute on one core.

The model is a linear SVM; its scores become probabilities through a softmax
whose temperature is fitted on held-out data, and the auto-dispatch threshold
is the lowest confidence at which held-out predictions are still right at the
required rate (95% by default).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from .text import tokens

CHAR_SIZES = (3, 4, 5)


@lru_cache(maxsize=500_000)
def _word_features(word: str) -> tuple[str, ...]:
    marked = f"<{word}>"
    grams = [marked[i:i + n] for n in CHAR_SIZES for i in range(len(marked) - n + 1)]
    return (word, *grams) if len(word) > 2 else (word,)


def analyse(text: str) -> list[str]:
    """Word, word-pair and character n-gram features of one message."""
    words = tokens(text)
    features: list[str] = []
    for word in words:
        features.extend(_word_features(word))
    features.extend(f"{a} {b}" for a, b in zip(words, words[1:]))
    return features


@dataclass
class Prediction:
    labels: list[str]
    confidences: list[float]

    @property
    def label(self) -> str:
        return self.labels[0]

    @property
    def confidence(self) -> float:
        return self.confidences[0]


@dataclass
class TextClassifier:
    """Fit on (text, label) pairs; predict the top labels with confidences."""

    c: float = 0.5
    min_df: int = 1
    temperature: float = 1.0
    threshold: float = 1.0
    metrics: dict = field(default_factory=dict)

    def __post_init__(self):
        self.vectoriser = TfidfVectorizer(analyzer=analyse, sublinear_tf=True,
                                          min_df=self.min_df, dtype=np.float32)
        self.model = LinearSVC(C=self.c)

    @property
    def classes(self) -> list[str]:
        return list(self.model.classes_)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "TextClassifier":
        matrix = self.vectoriser.fit_transform(texts)
        self.model.fit(matrix, np.asarray(labels))
        return self

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        matrix = self.vectoriser.transform(texts)
        scores = self.model.decision_function(matrix)
        if scores.ndim == 1:  # two classes: one score column for the second class
            scores = np.column_stack([-scores, scores])
        return scores

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return softmax(self.scores(texts), self.temperature)

    def predict(self, texts: Sequence[str], k: int = 3) -> list[Prediction]:
        probs = self.probabilities(texts)
        order = np.argsort(-probs, axis=1)[:, :k]
        classes = self.model.classes_
        return [Prediction([str(classes[j]) for j in row],
                           [round(float(p[j]), 4) for j in row])
                for row, p in zip(order, probs)]

    def calibrate(self, texts: Sequence[str], labels: Sequence[str], *,
                  precision: float = 0.95) -> dict:
        """Fit the temperature and the auto-dispatch threshold on held-out data."""
        scores = self.scores(texts)
        index = {label: i for i, label in enumerate(self.model.classes_)}
        truth = np.array([index.get(label, -1) for label in labels])
        self.temperature = fit_temperature(scores, truth)
        probs = softmax(scores, self.temperature)
        top = probs.argmax(axis=1)
        confidence = probs[np.arange(len(top)), top]
        self.threshold = threshold_for(confidence, top == truth, precision)
        return {"temperature": self.temperature, "threshold": self.threshold}


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores * temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The softmax temperature that minimises held-out log-loss (a 1-D grid search)."""
    known = truth >= 0
    if not known.any():
        return 1.0
    scores, truth = scores[known], truth[known]
    best, best_loss = 1.0, np.inf
    for t in np.geomspace(0.25, 64, 49):
        probs = softmax(scores, t)
        loss = -np.log(np.clip(probs[np.arange(len(truth)), truth], 1e-9, 1)).mean()
        if loss < best_loss:
            best, best_loss = float(t), loss
    return best


def threshold_for(confidence: np.ndarray, correct: np.ndarray, precision: float) -> float:
    """The lowest confidence above which at least ``precision`` of predictions are right.

    Returns 1.0 (never auto-dispatch) when no threshold reaches the precision.
    """
    order = np.argsort(-confidence)
    hits = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    good = np.nonzero(hits >= precision)[0]
    # Require a few held-out examples above the line: one lucky prediction proves nothing.
    good = good[good >= min(19, len(order) - 1)] if len(order) else good
    if not len(good):
        return 1.0
    return float(confidence[order[good.max()]])


def coverage_at(confidence: np.ndarray, correct: np.ndarray, precision: float) -> float:
    """The largest share of cases, most confident first, that are right at ``precision``."""
    order = np.argsort(-confidence)
    hits = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    good = np.nonzero(hits >= precision)[0]
    return float((good.max() + 1) / len(order)) if len(good) else 0.0
