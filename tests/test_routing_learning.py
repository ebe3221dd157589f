"""The router keeps learning by itself: ensemble and margin confidences, scheduled retraining
that refuses a worse model, and agencies flagged when their volume or kind of work changes."""

from datetime import timedelta

import numpy as np
import pytest
from conftest import submit
from django.utils import timezone

from aduan.reports import services
from aduan.routing import schedule, store, training
from aduan.routing.classifier import TextClassifier, margin_confidence, margin_curve
from aduan.routing.drift import drift_flags
from aduan.routing.models import AgencyFlag, ClassifierModel, FlagKind, ModelKind

pytestmark = pytest.mark.django_db

TEXTS = {"jalan": ["jalan berlubang parah", "aspal jalan rusak", "jalan bolong di gang"],
         "sampah": ["sampah menumpuk", "sampah tidak diangkut", "bau sampah di pasar"],
         "air": ["air pdam mati", "air keruh dari keran", "pdam tidak mengalir"]}


def test_the_ensemble_with_margin_confidences_ranks_and_calibrates():
    texts = [t for label in TEXTS for t in TEXTS[label] * 4]
    labels = [label for label in TEXTS for _ in range(12)]
    held = [i % 4 == 3 for i in range(len(texts))]
    model = TextClassifier(c=1.0, ensemble=True, margin=True).fit_calibrated(
        texts, labels, held, precision=0.95)
    prediction = model.predict(["jalan rusak berlubang"], k=3)[0]
    assert prediction.label == "jalan"
    assert prediction.confidences == sorted(prediction.confidences, reverse=True)
    assert 0 <= prediction.confidence <= 1


def test_the_margin_curve_is_the_share_right_above_each_margin_and_never_falls():
    margins = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    correct = np.array([0, 1, 0, 1, 1, 1], dtype=bool)
    grid, values = margin_curve(margins, correct)
    assert list(np.diff(values) >= 0) == [True] * (len(values) - 1)
    assert values[-1] == 1.0 and abs(values[0] - 4 / 6) < 1e-9
    low, high = margin_confidence(np.array([0.15, 0.55]), (grid, values))
    assert low < high


def test_the_worker_retrains_monthly_and_flags_daily(settings):
    settings.ADUAN = {**settings.ADUAN, "ROUTING_RETRAIN_DAYS": 30}
    now = timezone.now()
    assert schedule.routing_periodic(now) == ["flags"]   # a new site: trained at setup
    assert schedule.routing_periodic(now + timedelta(hours=1)) == []
    assert schedule.routing_periodic(now + timedelta(days=31)) == ["retrain", "flags"]
    settings.ADUAN = {**settings.ADUAN, "ROUTING_RETRAIN_DAYS": 0}
    assert schedule.routing_periodic(now + timedelta(days=70)) == ["flags"]


@pytest.fixture
def history(cast, monkeypatch):
    monkeypatch.setattr(training, "MIN_AGENCY_LABELS", 20)
    monkeypatch.setattr(training, "MIN_AGENCY_EXAMPLES", 3)
    monkeypatch.setattr(training, "MIN_JUDGED", 4)

    def label(n, start=0):
        for i in range(start, start + n):
            for agency, title in (("pemkot-surabaya.dpupr", "Lampu jalan mati"),
                                  ("pemkot-surabaya.dlh", "Sampah menumpuk")):
                report, _pin = submit(title=f"{title} {i}", body=title, category=None,
                                      region_code="35.78.01")
                services.report_dispatch(caller=cast.national.caller, report=report,
                                         agency=agency)
    yield label
    store.forget()


def test_a_scheduled_retraining_refuses_a_model_worse_on_recent_history(history, monkeypatch):
    history(12)
    first = training.train(per_category=20)
    history(6, start=100)
    # A candidate that is always wrong on recent history is stored, inactive, and refused.
    monkeypatch.setattr(TextClassifier, "fit_calibrated", _always_wrong(
        TextClassifier.fit_calibrated))
    result = training.train(per_category=20, guard=True)
    assert result.metrics["decision"]["agency"] == "refused"
    assert ClassifierModel.objects.get(kind=ModelKind.AGENCY, active=True).pk == \
        first.agency_model_id
    refused = ClassifierModel.objects.get(pk=result.agency_model_id)
    assert not refused.active and refused.metrics["recent_top1"] == 0.0


def _always_wrong(fit):
    def wrapped(self, texts, labels, held, **kwargs):
        model = fit(self, texts, labels, held, **kwargs)
        if "recent_outcomes" in model.metrics and self.ensemble:
            model.metrics["recent_outcomes"] = [False] * len(model.metrics["recent_outcomes"])
        return model
    return wrapped


def test_an_agency_whose_volume_jumps_or_gets_a_new_kind_of_complaint_is_flagged(cast):
    now = timezone.now()
    for i in range(12):
        report, _pin = submit(title=f"Banjir {i}", body="Banjir setinggi lutut",
                              category="bencana", region_code="35.78.01")
        services.report_dispatch(caller=cast.national.caller, report=report,
                                 agency="pemkot-surabaya.dpupr")
    flags = drift_flags(now + timedelta(minutes=1))
    kinds = {(f.agency_id, f.kind, f.category_id) for f in flags}
    assert ("pemkot-surabaya.dpupr", FlagKind.VOLUME, None) in kinds
    assert ("pemkot-surabaya.dpupr", FlagKind.NEW_CATEGORY, "bencana") in kinds
    assert drift_flags(now + timedelta(minutes=2)) == []  # open flags are not repeated
    assert AgencyFlag.objects.count() == 2
