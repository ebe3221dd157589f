"""The category classifier, its text normalisation, its seed corpus and its threshold."""

from collections import Counter

import numpy as np
import pytest

from aduan.agencies.generate import read_csv
from aduan.routing.classifier import TextClassifier, coverage_at, threshold_for
from aduan.routing.corpus import PER_CATEGORY, group_split, seed_examples
from aduan.routing.text import normalise
from aduan.routing.training import active_category_model


def test_sms_shorthand_slang_and_repeated_letters_are_normalised():
    assert normalise("Tlg min, jln dpn rmh yg rusak gk diperbaiki2 sdh 3 bln!!") == \
        "tolong admin jalan dpn rumah yang rusak tidak diperbaiki sudah 3 bulan"
    assert normalise("tolooong bgt") == "tolong banget"
    assert normalise("Rumah2 kebanjiran") == "rumah kebanjiran"


def test_the_seed_corpus_covers_every_category_with_hundreds_of_varied_messages():
    examples = seed_examples()
    taxonomy = {row["code"] for row in read_csv("taxonomy.csv")}
    counts = Counter(e.category for e in examples)
    assert set(counts) == taxonomy
    assert all(n == PER_CATEGORY >= 300 for n in counts.values())
    for category in taxonomy:
        texts = [e.text for e in examples if e.category == category]
        assert len(set(texts)) > 0.9 * len(texts)  # hardly any repeats
    assert seed_examples() == examples  # deterministic
    train, held = group_split(examples)
    assert not {(e.category, e.group) for e in train} & {(e.category, e.group) for e in held}


def test_a_tiny_model_learns_and_ranks_with_probabilities():
    texts = ["jalan rusak berlubang", "aspal jalan hancur", "lubang besar di jalan",
             "sampah menumpuk bau", "truk sampah tidak datang", "tps penuh sampah",
             "listrik padam lagi", "token listrik tidak masuk", "pln mati lampu"]
    labels = ["jalan"] * 3 + ["sampah"] * 3 + ["listrik"] * 3
    model = TextClassifier(c=1.0).fit(texts, labels)
    prediction = model.predict(["jln bolong parah"], k=3)[0]
    assert prediction.label == "jalan" and len(prediction.labels) == 3
    assert prediction.confidences == sorted(prediction.confidences, reverse=True)
    assert abs(model.probabilities(["apa saja"]).sum() - 1) < 1e-6


def test_threshold_is_the_lowest_confidence_that_keeps_the_precision():
    confidence = np.linspace(1.0, 0.01, 100)
    correct = np.array([1.0] * 60 + [0.0, 1.0] * 20)
    threshold = threshold_for(confidence, correct, 0.95)
    above = confidence >= threshold
    assert correct[above].mean() >= 0.95 and above.sum() >= 60
    assert coverage_at(confidence, correct, 0.95) == pytest.approx(above.mean())
    assert threshold_for(confidence, np.zeros(100), 0.95) == 1.0  # never auto


@pytest.mark.django_db
def test_the_shipped_cold_start_model_classifies_formal_and_informal_text():
    _pk, model = active_category_model()
    texts = ["Kartu keluarga saya belum jadi di dukcapil",
             "jln depan rmh bolong2 gede bgt min",
             "SAMPAH GAK DIANGKUT SUDAH SEMINGGU",
             "air pdam mati 3 hari"]
    predicted = [p.label for p in model.predict(texts)]
    assert predicted == ["kependudukan", "jalan_drainase", "lingkungan", "air_bersih"]
