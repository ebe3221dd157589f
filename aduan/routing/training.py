"""Train and evaluate the router's classifiers: seed corpus plus the deployment's own history.

Every human routing decision is a label, read from the append-only events:
a verifier's dispatch, a re-categorisation, a forward. The label is the
report's category and the agency a human last sent it to. Decisions the
system made itself are never labels (the router would only learn its own
mistakes back).
"""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery

from aduan.reports.models import Report, ReportEvent
from aduan.reports.workflow import Action, Actor

from .classifier import TextClassifier
from .corpus import Example, group_split, seed_examples
from .models import ModelKind
from .store import forget, model_get, model_save

LABEL_ACTIONS = (Action.DISPATCH, Action.FORWARD, Action.CATEGORISE)
# Below this many human-routed reports an agency model learns more noise than routes.
MIN_AGENCY_LABELS = 200
MIN_AGENCY_EXAMPLES = 5
CATEGORY_C = 0.3
AGENCY_C = 1.0


@dataclass(frozen=True)
class Label:
    text: str
    category: str | None
    agency: str | None
    report_id: int


@dataclass
class TrainResult:
    category_model_id: int
    agency_model_id: int | None
    metrics: dict = field(default_factory=dict)


def report_text(title: str, body: str, address: str = "") -> str:
    return " . ".join(part for part in (title, body, address) if part)


def history_labels(limit: int | None = None) -> list[Label]:
    """Reports a human routed or categorised, newest last (set-based, one query)."""
    human = ReportEvent.objects.filter(report=OuterRef("pk"), action__in=LABEL_ACTIONS) \
        .exclude(actor_role=Actor.SYSTEM)
    last_agency = (ReportEvent.objects.filter(report=OuterRef("pk"),
                                              action__in=(Action.DISPATCH, Action.FORWARD))
                   .exclude(actor_role=Actor.SYSTEM).order_by("-created_at", "-id")
                   .values("to_agency")[:1])
    rows = (Report.objects.filter(Exists(human))
            .annotate(label_agency=Subquery(last_agency))
            .filter(Q(category__isnull=False) | Q(label_agency__isnull=False))
            .order_by("received_at", "pk")
            .values_list("pk", "title", "body", "address", "category_id", "label_agency"))
    if limit:
        rows = rows[:limit]
    return [Label(report_text(t, b, a), c, g, pk) for pk, t, b, a, c, g in rows.iterator(2000)]


def _fit_calibrated(texts, labels, held_texts, held_labels, c: float,
                    precision: float) -> TextClassifier:
    """Calibrate on the held-out rows, then refit on everything with the same settings."""
    held = [False] * len(texts) + [True] * len(held_texts)
    return TextClassifier(c=c).fit_calibrated([*texts, *held_texts], [*labels, *held_labels],
                                              held, precision=precision)


def _split_history(labels: list[Label]) -> tuple[list[Label], list[Label]]:
    """Hold out the newest fifth: the router is judged on reports that come after its data."""
    cut = int(len(labels) * 0.8)
    return labels[:cut], labels[cut:]


def train_category(seed: list[Example], history: list[Label], precision: float
                   ) -> tuple[TextClassifier, int]:
    seed_train, seed_held = group_split(seed)
    labelled = [h for h in history if h.category]
    hist_train, hist_held = _split_history(labelled)
    model = _fit_calibrated(
        [e.text for e in seed_train] + [h.text for h in hist_train],
        [e.category for e in seed_train] + [h.category for h in hist_train],
        [e.text for e in seed_held] + [h.text for h in hist_held],
        [e.category for e in seed_held] + [h.category for h in hist_held],
        CATEGORY_C, precision)
    return model, len(labelled)


def train_agency(history: list[Label], precision: float) -> TextClassifier | None:
    labelled = [h for h in history if h.agency]
    counts: dict[str, int] = {}
    for h in labelled:
        counts[h.agency] = counts.get(h.agency, 0) + 1
    labelled = [h for h in labelled if counts[h.agency] >= MIN_AGENCY_EXAMPLES]
    if len(labelled) < MIN_AGENCY_LABELS or len({h.agency for h in labelled}) < 2:
        return None
    train, held = _split_history(labelled)
    return _fit_calibrated([h.text for h in train], [h.agency for h in train],
                           [h.text for h in held], [h.agency for h in held], AGENCY_C, precision)


def train(*, per_category: int | None = None, use_history: bool = True) -> TrainResult:
    """Train the category model (and, with enough history, the agency model); activate them."""
    started = time.perf_counter()
    precision = settings.ADUAN["AUTO_DISPATCH_PRECISION"]
    seed = seed_examples(per_category) if per_category else seed_examples()
    history = history_labels() if use_history else []
    category, history_count = train_category(seed, history, precision)
    category.metrics["seconds"] = round(time.perf_counter() - started, 1)
    row = model_save(ModelKind.CATEGORY, category, samples=len(seed) + history_count,
                     history_samples=history_count)
    agency_row = None
    agency = train_agency(history, precision) if history else None
    if agency is not None:
        agency_row = model_save(ModelKind.AGENCY, agency, samples=len(history),
                                history_samples=len(history))
    forget()
    return TrainResult(row.pk, agency_row.pk if agency_row else None,
                       {"category": category.metrics,
                        "agency": agency.metrics if agency else None})


def active_category_model() -> tuple[int, TextClassifier]:
    """The active category model; the cold-start model is trained on first use if missing
    (or if the stored one was written by another library version)."""
    pk, classifier = model_get(ModelKind.CATEGORY)
    if classifier is None:
        train()
        pk, classifier = model_get(ModelKind.CATEGORY)
    return pk, classifier
