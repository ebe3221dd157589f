"""Routing benchmark on real complaints: Surabaya's Media Center, 2022 -> 2023-H1.

Reads the data at run time from ``$ADUAN_EVAL_DATA/surabaya-keluhan/keluhan.csv``
(default ``../shared/data`` beside the repository); nothing from it is ever
written anywhere. Trains the router's agency classifier (the same code that
learns from a deployment's history) on the 2022 complaints and routes those of
2023-H1 to the agency that handled each one.

As in the product, the router predicts the kind of office and the place
decides which one: complaints handled by "Kelurahan X" / "Kecamatan X" are
learnt as "the kelurahan/kecamatan office" and sent to the office of the
report's own kelurahan/kecamatan (the form's location; with --text-only, the
place the gazetteer finds in the text and address).

The model is the product's agency model: an ensemble of three linear models
(an SVM, a class-balanced SVM, an SGD with modified Huber loss; z-scored scores
summed) whose confidence is the margin between the two best scores
(``--single`` for one SVM with softmax confidences, the model before).

Prints top1/top3 accuracy, macro-F1 and coverage_at_95 (the largest share of
reports, most confident first, of which at least 95% are routed right: an
oracle figure, the threshold is chosen on the test data), and what the
threshold learnt on late 2022 achieves on 2023-H1. ``honest_coverage X
precision Y`` is the threshold chosen inside 2022 (on pooled monthly
validation folds: each month from April to December routed by a model trained
on the months before it), applied to 2023-H1, with the precision it really
reached. With --monthly it also routes each month of 2023-H1 with a model
retrained on everything before that month, as a deployment that retrains
monthly does, with the same 2022 threshold.

    python bench/routing_surabaya.py [--text-only] [--no-address] [--monthly] [--single]
"""

import argparse
import csv
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aduan.routing.classifier import TextClassifier, coverage_at, threshold_for  # noqa: E402
from aduan.routing.gazetteer import Gazetteer, _read_aliases  # noqa: E402

KELURAHAN, KECAMATAN = "@kelurahan", "@kecamatan"
SURABAYA = "35.78"


def data_file() -> Path:
    base = Path(os.environ.get("ADUAN_EVAL_DATA") or ROOT.parent / "shared" / "data")
    return base / "surabaya-keluhan" / "keluhan.csv"


def read(path: Path) -> tuple[list[dict], list[dict]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    train = [r for r in rows if r["tanggal_keluhan"] < "2023-01-01"]
    test = [r for r in rows if "2023-01-01" <= r["tanggal_keluhan"] < "2023-07-01"]
    return sorted(train, key=lambda r: r["tanggal_keluhan"]), test


def surabaya_gazetteer() -> Gazetteer:
    from aduan.agencies.generate import DATA_DIR

    with open(DATA_DIR / "wilayah.csv", newline="", encoding="utf-8") as fh:
        rows = [(r["kode"], r["nama"], int(r["tingkat"]), "")
                for r in csv.DictReader(fh) if r["kode"].startswith(SURABAYA)]
    return Gazetteer(rows, [(a, c) for a, c in _read_aliases() if c.startswith(SURABAYA)])


class Places:
    """The report's kelurahan and kecamatan: from the form, or found in the text."""

    def __init__(self, text_only: bool):
        self.text_only = text_only
        self.gazetteer = surabaya_gazetteer() if text_only else None
        self.names = {}
        if self.gazetteer:
            from aduan.agencies.generate import DATA_DIR

            with open(DATA_DIR / "wilayah.csv", newline="", encoding="utf-8") as fh:
                self.names = {r["kode"]: r["nama"] for r in csv.DictReader(fh)
                              if r["kode"].startswith(SURABAYA)}

    def of(self, row: dict, text: str) -> tuple[str, str]:
        if not self.text_only:
            return row["kelurahan"], row["kecamatan"]
        code = self.gazetteer.find(text, SURABAYA) or ""
        kel = self.names.get(code, "") if code.count(".") == 3 else ""
        kec = self.names.get(".".join(code.split(".")[:3]), "") if code.count(".") >= 2 else ""
        return kel, kec


def text_of(row: dict, address: bool) -> str:
    text = row["keluhan"].replace("\\n", " ")
    return f"{text} . {row['alamat'].replace(chr(92) + 'n', ' ')}" if address else text


def office_label(agency: str) -> str:
    if agency.startswith("Kelurahan "):
        return KELURAHAN
    if agency.startswith("Kecamatan "):
        return KECAMATAN
    return agency


def to_agency(label: str, kel: str, kec: str) -> str:
    if label == KELURAHAN:
        return f"Kelurahan {kel}" if kel else label
    if label == KECAMATAN:
        return f"Kecamatan {kec}" if kec else label
    return label


def same(a: str, b: str) -> bool:
    return _loose(a) == _loose(b)


def _loose(name: str) -> str:
    return name.lower().replace(".", "").replace(" ", "")


def route_period(train: list[dict], test: list[dict], places: "Places", args) -> dict:
    """Train on ``train`` (calibrated on its last 15%), route ``test``; per-report outcomes."""
    texts = [text_of(r, not args.no_address) for r in train]
    labels = [office_label(r["instansi"]) for r in train]
    cut = int(len(train) * 0.85)  # calibrated on the most recent slice, then refit on all
    model = TextClassifier(c=args.c, ensemble=not args.single,
                           margin=not args.single).fit_calibrated(
        texts, labels, [i >= cut for i in range(len(texts))], precision=0.95)
    test_texts = [text_of(r, not args.no_address) for r in test]
    predictions = model.predict(test_texts, k=3)
    routed = []
    for row, text, prediction in zip(test, test_texts, predictions):
        kel, kec = places.of(row, text)
        routed.append([to_agency(label, kel, kec) for label in prediction.labels])
    return {"routed": routed, "truth": [r["instansi"] for r in test],
            "confidence": [p.confidence for p in predictions],
            "auto": [p.confidence >= model.threshold for p in predictions],
            "threshold": model.threshold}


def pooled_threshold(train: list[dict], places: "Places", args) -> float:
    """The threshold reaching 95% on pooled monthly folds of 2022 (April to December)."""
    confidence, correct = [], []
    for month in range(4, 13):
        start = f"2022-{month:02d}-01"
        end = f"2022-{month + 1:02d}-01" if month < 12 else "2023-01-01"
        before = [r for r in train if r["tanggal_keluhan"] < start]
        current = [r for r in train if start <= r["tanggal_keluhan"] < end]
        outcome = route_period(before, current, places, args)
        confidence += outcome["confidence"]
        correct += [same(r[0], t) for r, t in zip(outcome["routed"], outcome["truth"])]
    return threshold_for(np.array(confidence), np.array(correct, dtype=float), 0.95)


def honest(outcome: dict, threshold: float) -> str:
    correct = np.array([same(r[0], t) for r, t in zip(outcome["routed"], outcome["truth"])])
    auto = np.array(outcome["confidence"]) >= threshold
    precision = correct[auto].mean() if auto.any() else 0.0
    return f"honest_coverage {auto.mean():.3f} precision {precision:.3f}"


def summary(outcome: dict) -> tuple[str, str]:
    routed, truth = outcome["routed"], outcome["truth"]
    correct = np.array([same(r[0], t) for r, t in zip(routed, truth)], dtype=float)
    top3 = np.mean([any(same(a, t) for a in r) for r, t in zip(routed, truth)])
    confidence, auto = np.array(outcome["confidence"]), np.array(outcome["auto"])
    f1 = macro_f1(truth, [r[0] for r in routed])
    figures = (f"top1 {correct.mean():.3f} top3 {top3:.3f} macro_f1 {f1:.3f} "
               f"coverage_at_95 {coverage_at(confidence, correct, 0.95):.3f}")
    realised = (f"auto-dispatches {auto.mean():.3f} of 2023-H1, of which "
                f"{correct[auto].mean() if auto.any() else 0:.3f} right")
    return figures, realised


def monthly(rows_2022: list[dict], test: list[dict], places: "Places", args) -> dict:
    merged: dict = {"routed": [], "truth": [], "confidence": [], "auto": []}
    for month in range(1, 7):
        start, end = f"2023-{month:02d}-01", f"2023-{month + 1:02d}-01"
        history = rows_2022 + [r for r in test if r["tanggal_keluhan"] < start]
        current = [r for r in test if start <= r["tanggal_keluhan"] < end]
        outcome = route_period(history, current, places, args)
        for key in merged:
            merged[key] += outcome[key]
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--text-only", action="store_true",
                        help="Find the kelurahan/kecamatan in the text, not the form.")
    parser.add_argument("--no-address", action="store_true",
                        help="Route on the complaint text alone, without the address line.")
    parser.add_argument("--monthly", action="store_true",
                        help="Also retrain before each month of 2023-H1 on all earlier data.")
    parser.add_argument("--single", action="store_true",
                        help="One SVM with softmax confidences instead of the ensemble.")
    parser.add_argument("--c", type=float, default=1.0)
    args = parser.parse_args()
    path = data_file()
    if not path.exists():
        print(f"routing_surabaya: skipped, {path} not found (set ADUAN_EVAL_DATA)")
        return
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    django.setup()
    started = time.perf_counter()
    train, test = read(path)
    places = Places(args.text_only)
    seen = Counter(r["instansi"] for r in train)
    print(f"train 2022: {len(train)} complaints, {len(seen)} agencies; test 2023-H1: "
          f"{len(test)} complaints; text{'' if args.no_address else ' + address'}; "
          f"place from {'the text' if args.text_only else 'the form'}")
    threshold = pooled_threshold(train, places, args)
    print(f"threshold from pooled monthly folds of 2022: {threshold:.3f}")
    if args.monthly:
        merged = monthly(train, test, places, args)
        figures, realised = summary(merged)
        print(f"retrained before each month on all earlier complaints: {figures}; at the "
              f"learnt thresholds it {realised}; monthly {honest(merged, threshold)}")
    outcome = route_period(train, test, places, args)
    figures, realised = summary(outcome)
    print(f"threshold learnt on late 2022: {outcome['threshold']:.3f} -> {realised} "
          f"({time.perf_counter() - started:.0f}s)")
    print(honest(outcome, threshold))
    print(f"routing_surabaya {figures}")


def macro_f1(truth: list[str], predicted: list[str]) -> float:
    """Macro-F1 over the agencies that occur in the test set (names compared loosely)."""
    norm = [_loose(t) for t in truth]
    pred = [_loose(p) for p in predicted]
    scores = []
    for label in set(norm):
        tp = sum(1 for t, p in zip(norm, pred) if t == label and p == label)
        fp = sum(1 for t, p in zip(norm, pred) if t != label and p == label)
        fn = sum(1 for t, p in zip(norm, pred) if t == label and p != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


if __name__ == "__main__":
    main()
