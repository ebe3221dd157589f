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


# --- the whole router on a labelled set (category, place, level) ----------------------

_LEVELS = {"nasional": "nasional", "national": "nasional", "pusat": "nasional",
           "provinsi": "provinsi", "province": "provinsi", "kabupaten_kota": "kabupaten_kota",
           "kabupaten": "kabupaten_kota", "kota": "kabupaten_kota", "regency": "kabupaten_kota"}
_YES = {"1", "true", "yes", "ya", "y"}


def labelled_rows(path) -> list[dict]:
    """A hand-labelled evaluation file: text, category and, where known, level,
    regency_code and place_named (whether the text names a place at all)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def router_figures(router, rows: list[dict]) -> dict:
    """Category accuracy; regency right among rows that name one; level accuracy; the share
    of rows naming no place for which the router still found one (a false place)."""
    from .router import RouteInput

    routes = router.route([RouteInput(row["text"]) for row in rows])
    category = [r.category == row["category"] for r, row in zip(routes, rows)]
    region = [(r.region_code or "")[:5] == row["regency_code"]
              for r, row in zip(routes, rows) if row.get("regency_code")]
    level = [r.level == _LEVELS.get(row["level"].strip().lower(), row["level"])
             for r, row in zip(routes, rows) if row.get("level")]
    named = [row.get("place_named", "").strip().lower() in _YES
             or bool(row.get("regency_code") or row.get("province_code")) for row in rows]
    false_place = [r.region_code is not None for r, n in zip(routes, named) if not n]

    def share(values):
        return round(sum(values) / len(values), 3) if values else None

    return {"messages": len(rows), "category": share(category),
            "region": share(region), "region_rows": len(region),
            "level": share(level), "level_rows": len(level),
            "false_place": share(false_place), "no_place_rows": len(false_place)}


def figures_line(name: str, figures: dict) -> str:
    return (f"{name} ({figures['messages']} messages): category {figures['category']} "
            f"region {figures['region']} (of {figures['region_rows']} naming one) level "
            f"{figures['level']} false_place {figures['false_place']} "
            f"(of {figures['no_place_rows']} naming none)")
