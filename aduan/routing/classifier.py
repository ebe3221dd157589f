"""A text classifier for short Indonesian messages, with calibrated confidences.

Features are canonical words, word pairs and the character 3- to 5-grams of
each word (so "brlubang", "berlubangg" and "berlubang" share most features).
The character n-grams of a word are computed once per distinct word, which is
what keeps training on 100,000 reports inside a minute on one core.

The model is a linear SVM (liblinear's exact solver up to 20,000 examples;
above that, stochastic gradient descent on the same hinge loss, which reaches
the same accuracy in a fraction of the time). Its scores become probabilities
through a softmax whose temperature is fitted on held-out data, and the
auto-dispatch threshold is the lowest confidence at which held-out predictions
are still right at the required rate (95% by default).

With ``ensemble`` three linear models share the features (the SVM, a
class-balanced SVM and an SGD with modified Huber loss); each one's scores are
z-scored and the three summed. With ``margin`` the confidence of the top label
is the margin between the two best scores, mapped to the share of held-out
predictions with at least that margin that were right (a monotone curve): on
real complaints this ranks sure and unsure reports better than a softmax.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import f1_score
from sklearn.svm import LinearSVC

from .text import tokens

CHAR_SIZES = (3, 4, 5)
EXACT_SOLVER_UP_TO = 20_000


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
    ensemble: bool = False
    margin: bool = False

    def __post_init__(self):
        self.vectoriser = TfidfVectorizer(analyzer=analyse, sublinear_tf=True,
                                          min_df=self.min_df, dtype=np.float32)
        self.model = None
        self.curve: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def classes(self) -> list[str]:
        return list(self.model.classes_)

    def _estimator(self, samples: int):
        if self.ensemble:
            return Ensemble(self.c, samples)
        if samples <= EXACT_SOLVER_UP_TO:
            return LinearSVC(C=self.c)
        return SGDClassifier(loss="hinge", alpha=1e-4, max_iter=30, tol=1e-4, random_state=0)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "TextClassifier":
        matrix = self.vectoriser.fit_transform(texts)
        self.model = self._estimator(len(labels)).fit(matrix, np.asarray(labels))
        return self

    def fit_calibrated(self, texts: Sequence[str], labels: Sequence[str],
                       held: Sequence[bool], *, precision: float = 0.95,
                       recent: int = 0) -> "TextClassifier":
        """Fit on the rows not ``held``, calibrate on the held rows, then refit on all.

        The text features (vocabulary, IDF weights; no labels) are computed once
        over all rows, which halves the cost of training on a large history.
        """
        matrix = self.vectoriser.fit_transform(texts)
        truth, held = np.asarray(labels), np.asarray(held, dtype=bool)
        self.model = self._estimator(int((~held).sum())).fit(matrix[~held], truth[~held])
        scores = self._decision(matrix[held])
        self._calibrate_scores(scores, truth[held], precision)
        self.metrics = figures(self.model.classes_, softmax(scores, self.temperature),
                               truth[held], self.threshold)
        if recent:  # right or wrong on the last held rows, before the refit (training.py)
            top = self.model.classes_[scores[-recent:].argmax(axis=1)]
            self.metrics["recent_outcomes"] = [bool(x) for x in top == truth[held][-recent:]]
        self.model = self._estimator(len(truth)).fit(matrix, truth)
        return self

    def _decision(self, matrix) -> np.ndarray:
        scores = self.model.decision_function(matrix)
        if scores.ndim == 1:  # two classes: one score column for the second class
            scores = np.column_stack([-scores, scores])
        return scores

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        return self._decision(self.vectoriser.transform(texts))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return self._confidences(self.scores(texts))

    def _confidences(self, scores: np.ndarray) -> np.ndarray:
        """Softmax probabilities; in margin mode the top label's is its margin's precision."""
        probs = softmax(scores, self.temperature)
        if not self.margin or self.curve is None or scores.shape[1] < 2:
            return probs
        rows = np.arange(len(scores))
        top = probs.argmax(axis=1)
        second = np.partition(probs, -2, axis=1)[:, -2]
        sure = margin_confidence(score_margins(scores), self.curve)
        probs[rows, top] = np.maximum(sure, second + 1e-6)  # the top stays on top
        return probs

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
        self._calibrate_scores(self.scores(texts), np.asarray(labels), precision)
        return {"temperature": self.temperature, "threshold": self.threshold}

    def _calibrate_scores(self, scores: np.ndarray, labels: np.ndarray, precision: float) -> None:
        index = {label: i for i, label in enumerate(self.model.classes_)}
        truth = np.array([index.get(label, -1) for label in labels])
        self.temperature = fit_temperature(scores, truth)
        top = scores.argmax(axis=1)
        if self.margin:
            self.curve = margin_curve(score_margins(scores), top == truth)
        probs = self._confidences(scores)
        confidence = probs[np.arange(len(top)), top]
        self.threshold = threshold_for(confidence, top == truth, precision)


class Ensemble:
    """Three linear models on the same features, their z-scored scores summed."""

    def __init__(self, c: float, samples: int):
        balanced = {"class_weight": "balanced"}
        if samples <= EXACT_SOLVER_UP_TO:
            self.members = [LinearSVC(C=c), LinearSVC(C=c, **balanced)]
        else:
            self.members = [SGDClassifier(loss="hinge", alpha=1e-4, max_iter=30, tol=1e-4,
                                          random_state=0),
                            SGDClassifier(loss="hinge", alpha=1e-4, max_iter=30, tol=1e-4,
                                          random_state=0, **balanced)]
        self.members.append(SGDClassifier(loss="modified_huber", alpha=1e-4, max_iter=50,
                                          tol=1e-4, random_state=0))
        self.scales: list[tuple[float, float]] = []

    def fit(self, matrix, labels: np.ndarray) -> "Ensemble":
        self.scales = []
        for member in self.members:
            member.fit(matrix, labels)
            raw = member.decision_function(matrix[:5000])
            self.scales.append((float(raw.mean()), float(raw.std()) or 1.0))
        self.classes_ = self.members[0].classes_
        return self

    def decision_function(self, matrix) -> np.ndarray:
        return sum((member.decision_function(matrix) - mean) / std
                   for member, (mean, std) in zip(self.members, self.scales))


def score_margins(scores: np.ndarray) -> np.ndarray:
    """The distance between each row's best and second-best score."""
    best_two = np.partition(scores, -2, axis=1)[:, -2:]
    return best_two[:, 1] - best_two[:, 0]


def margin_curve(margins: np.ndarray, correct: np.ndarray, points: int = 200
                 ) -> tuple[np.ndarray, np.ndarray]:
    """For margins m, the share right among held-out predictions with margin >= m (monotone)."""
    order = np.argsort(margins)
    m, right = margins[order], correct[order].astype(float)
    above = np.cumsum(right[::-1])[::-1] / np.arange(len(right), 0, -1)
    above = np.maximum.accumulate(above)
    pick = np.unique(np.linspace(0, len(m) - 1, min(points, len(m))).astype(int))
    return m[pick], above[pick]


def margin_confidence(margins: np.ndarray, curve: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    grid, values = curve
    # A tiny monotone term keeps equal-precision margins in order (no ties).
    return np.clip(np.interp(margins, grid, values) * 0.999 + 0.001 * margins
                   / (1 + np.abs(margins)), 0, 1)


def figures(classes, probs: np.ndarray, labels: Sequence[str], threshold: float) -> dict:
    """Held-out figures: top-1, top-3, macro-F1, coverage at 95%, and what the threshold does."""
    if not len(labels):
        return {"held_out": 0}
    classes = np.asarray(classes)
    order = np.argsort(-probs, axis=1)[:, :3]
    truth = np.asarray(labels)
    top1 = classes[order[:, 0]]
    correct = (top1 == truth).astype(float)
    confidence = probs[np.arange(len(truth)), order[:, 0]]
    auto = confidence >= threshold
    return {
        "held_out": len(truth),
        "top1": round(float(correct.mean()), 4),
        "top3": round(float(np.mean([t in classes[row] for t, row in zip(truth, order)])), 4),
        "macro_f1": round(float(f1_score(truth, top1, average="macro")), 4),
        "coverage_at_95": round(coverage_at(confidence, correct, 0.95), 4),
        "threshold": round(float(threshold), 4),
        "auto_share": round(float(auto.mean()), 4),
        "auto_precision": round(float(correct[auto].mean()), 4) if auto.any() else None,
    }


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
