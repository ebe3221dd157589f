"""Cold-start evaluation: the category model on hand-written messages it has never seen.

``data/coldstart_eval.csv`` was written separately from the seed fragments (other
people's phrasings, other problems, every register), so it measures how the
shipped model does on real text rather than on its own corpus.
"""

import csv

import numpy as np

from .classifier import TextClassifier, coverage_at
from .gazetteer import DATA


def coldstart_eval() -> list[tuple[str, str]]:
    with open(DATA / "coldstart_eval.csv", newline="", encoding="utf-8") as fh:
        return [(row["text"], row["category"]) for row in csv.DictReader(fh)]


def coldstart_figures(model: TextClassifier) -> dict:
    """Accuracy of a category model on hand-written messages it has never seen."""
    texts, labels = zip(*coldstart_eval())
    predictions = model.predict(list(texts), k=3)
    correct = np.array([p.label == y for p, y in zip(predictions, labels)], dtype=float)
    confidence = np.array([p.confidence for p in predictions])
    auto = confidence >= model.threshold
    return {"messages": len(labels), "top1": round(float(correct.mean()), 4),
            "top3": round(float(np.mean([y in p.labels for p, y in zip(predictions, labels)])), 4),
            "coverage_at_95": round(coverage_at(confidence, correct, 0.95), 4),
            "auto_share_at_threshold": round(float(auto.mean()), 4),
            "auto_precision_at_threshold": round(float(correct[auto].mean()), 4)
            if auto.any() else None}
