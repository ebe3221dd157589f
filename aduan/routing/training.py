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
from .models import ClassifierModel, ModelKind
from .store import forget, model_get, model_save

LABEL_ACTIONS = (Action.DISPATCH, Action.FORWARD, Action.CATEGORISE)
# Below this many human-routed reports an agency model learns more noise than routes.
MIN_AGENCY_LABELS = 200
MIN_AGENCY_EXAMPLES = 5
# A new model is compared with the active one on at least this many unseen recent reports.
MIN_JUDGED = 20
CATEGORY_C = 0.3
AGENCY_C = 1.0


@dataclass(frozen=True)
class Label:
    text: str
    category: str | None
    agency: str | None
    report_id: int
    at: object = None  # when the report came in


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
            .values_list("pk", "title", "body", "address", "category_id", "label_agency",
                         "received_at"))
    if limit:
        rows = rows[:limit]
    return [Label(report_text(t, b, a), c, g, pk, at)
            for pk, t, b, a, c, g, at in rows.iterator(2000)]


def _fit_calibrated(texts, labels, held_texts, held_labels, c: float,
                    precision: float, *, ensemble: bool = False,
                    recent: int | None = None) -> TextClassifier:
    """Calibrate on the held-out rows, then refit on everything with the same settings.

    The last ``recent`` held rows (default: all) are the recent history the model is
    judged on before it may replace the active one (``metrics["recent"]``).
    """
    held = [False] * len(texts) + [True] * len(held_texts)
    model = TextClassifier(c=c, ensemble=ensemble, margin=ensemble)
    recent = len(held_texts) if recent is None else recent
    return model.fit_calibrated([*texts, *held_texts], [*labels, *held_labels], held,
                                precision=precision, recent=recent)


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
        CATEGORY_C, precision, recent=len(hist_held))
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
    model = _fit_calibrated([h.text for h in train], [h.agency for h in train],
                            [h.text for h in held], [h.agency for h in held], AGENCY_C,
                            precision, ensemble=True)
    return model


def _judged(model: TextClassifier, held: list[Label], attr: str) -> list[bool]:
    predicted = model.predict([h.text for h in held], k=1)
    return [p.label == getattr(h, attr) for p, h in zip(predicted, held)]


def _better(kind: str, candidate: TextClassifier, history: list[Label], attr: str) -> bool:
    """The new model is kept unless it is worse than the active one on recent history:
    the held-out newest fifth, counting only reports that came in after the active model
    was trained (it never saw them; the candidate had them held out before its refit)."""
    pk, active = model_get(kind)
    held = _split_history([h for h in history if getattr(h, attr)])[1]
    created = ClassifierModel.objects.filter(pk=pk).values_list("created_at", flat=True).first()
    unseen = [i for i, h in enumerate(held) if created and h.at and h.at > created]
    outcomes = candidate.metrics.get("recent_outcomes") or []
    if active is None or len(unseen) < MIN_JUDGED or len(outcomes) != len(held):
        return True
    before = sum(_judged(active, [held[i] for i in unseen], attr)) / len(unseen)
    after = sum(outcomes[i] for i in unseen) / len(unseen)
    candidate.metrics["judged_on"] = len(unseen)
    candidate.metrics["active_recent_top1"] = round(before, 4)
    candidate.metrics["recent_top1"] = round(after, 4)
    return after >= before


def train(*, per_category: int | None = None, use_history: bool = True,
          guard: bool = False) -> TrainResult:
    """Train the category model (and, with enough history, the agency model); activate them.

    With ``guard`` (scheduled retraining) a new model that is right less often than the
    active one on held-out recent history is stored inactive, for audit, and refused.
    """
    started = time.perf_counter()
    precision = settings.ADUAN["AUTO_DISPATCH_PRECISION"]
    seed = seed_examples(per_category) if per_category else seed_examples()
    history = history_labels() if use_history else []
    category, history_count = train_category(seed, history, precision)
    category.metrics["seconds"] = round(time.perf_counter() - started, 1)
    decision = {}
    keep = not guard or _better(ModelKind.CATEGORY, category, history, "category")
    category.metrics.pop("recent_outcomes", None)
    decision["category"] = "activated" if keep else "refused"
    row = model_save(ModelKind.CATEGORY, category, samples=len(seed) + history_count,
                     history_samples=history_count, activate=keep)
    agency_row = None
    agency = train_agency(history, precision) if history else None
    if agency is not None:
        keep = not guard or _better(ModelKind.AGENCY, agency, history, "agency")
        agency.metrics.pop("recent_outcomes", None)
        decision["agency"] = "activated" if keep else "refused"
        agency_row = model_save(ModelKind.AGENCY, agency, samples=len(history),
                                history_samples=len(history), activate=keep)
    forget()
    return TrainResult(row.pk, agency_row.pk if agency_row else None,
                       {"category": category.metrics, "decision": decision,
                        "agency": agency.metrics if agency else None})


def active_category_model() -> tuple[int, TextClassifier]:
    """The active category model; the cold-start model is trained on first use if missing
    (or if the stored one was written by another library version)."""
    pk, classifier = model_get(ModelKind.CATEGORY)
    if classifier is None:
        train()
        pk, classifier = model_get(ModelKind.CATEGORY)
    return pk, classifier
