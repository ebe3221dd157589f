"""Trained classifiers live in the database, so every web process and worker shares them.

A process keeps the active model in memory and asks the database, at most once
a minute, whether a newer one was trained; loading is the only cost a new
model brings. A blob written by another scikit-learn version is not trusted
to unpickle correctly: the process trains a fresh model instead (``training``).
"""

import io
import logging
import pickle
import threading
import time

import sklearn
from django.db import transaction

from .classifier import TextClassifier
from .models import ClassifierModel

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 60
_cache: dict[str, tuple[int | None, TextClassifier | None, float]] = {}
_lock = threading.Lock()


def model_save(kind: str, classifier: TextClassifier, *, samples: int,
               history_samples: int = 0, activate: bool = True) -> ClassifierModel:
    """Store a trained classifier and make it the active one of its kind (unless refused:
    then only its figures are kept, for audit)."""
    buffer = io.BytesIO()
    pickle.dump(classifier, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    with transaction.atomic():
        if activate:
            ClassifierModel.objects.filter(kind=kind, active=True).update(active=False)
        row = ClassifierModel.objects.create(
            kind=kind, blob=buffer.getvalue() if activate else b"", active=activate,
            library_version=sklearn.__version__, samples=samples,
            history_samples=history_samples, threshold=classifier.threshold,
            metrics=classifier.metrics)
    # Old models are kept for audit; their blobs are dropped to save space.
    ClassifierModel.objects.filter(kind=kind, active=False).exclude(blob=b"").update(blob=b"")
    _cache.pop(kind, None)
    return row


def _active_id(kind: str) -> int | None:
    return (ClassifierModel.objects.filter(kind=kind, active=True)
            .order_by("-created_at").values_list("pk", flat=True).first())


def _load(pk: int) -> TextClassifier | None:
    row = ClassifierModel.objects.filter(pk=pk).values_list("blob", "library_version").first()
    if row is None or not row[0] or row[1] != sklearn.__version__:
        return None
    return pickle.loads(bytes(row[0]))


def model_get(kind: str) -> tuple[int | None, TextClassifier | None]:
    """The active model of ``kind`` (id and classifier), or (None, None) if there is none.

    A model that cannot be loaded here (written by another library version) counts
    as none; ``training.active_category_model`` then trains a fresh one.
    """
    now = time.monotonic()
    cached = _cache.get(kind)
    if cached and now - cached[2] < RECHECK_SECONDS:
        return cached[0], cached[1]
    with _lock:
        pk = _active_id(kind)
        if cached and cached[0] == pk:
            _cache[kind] = (pk, cached[1], now)
            return pk, cached[1]
        classifier = _load(pk) if pk else None
        if pk and classifier is None:
            logger.warning("%s model %s was written by another library version", kind, pk)
        _cache[kind] = (pk if classifier else None, classifier, now)
        return _cache[kind][0], classifier


def forget() -> None:
    """Drop the in-memory models (tests, and after training in the same process)."""
    _cache.clear()
