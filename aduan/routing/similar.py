"""Similar open reports: offered at intake, so a citizen can support one instead of filing again.

Candidates come from one indexed query (open, recent, the same regency or
category, and only what the caller may list: the public sees published,
non-confidential reports); they are then ranked by the overlap of their words
with the new text, weighted by rarity, plus a bonus for the same place.
Results are listing rows from the presenters, so nothing protected can leak.
"""

import math
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from aduan.reports.access import reports_visible_to
from aduan.reports.callers import Caller
from aduan.reports.models import Report
from aduan.reports.workflow import OPEN_STATUSES

from .text import tokens

MAX_CANDIDATES = 300
MIN_SCORE = 0.12
# Words that say nothing about which problem a message is about.
STOPWORDS = frozenset("""
    yang dan di ke dari ini itu dengan untuk pada tidak sudah belum ada saya kami kita mohon
    tolong karena juga sangat akan atau agar bisa dalam jadi masih lagi oleh para pak bapak ibu
    admin terima kasih selamat pagi siang sore malam warga sekitar sini sana tersebut sejak hari
""".split())


@dataclass(frozen=True)
class SimilarQuery:
    text: str
    region_code: str | None = None
    category: str | None = None
    exclude_id: int | None = None
    limit: int = 5


def _bag(text: str) -> Counter:
    return Counter(t for t in tokens(text) if t not in STOPWORDS and len(t) > 2)


def _cosine(a: Counter, b: Counter, idf: dict[str, float]) -> float:
    common = set(a) & set(b)
    if not common:
        return 0.0
    dot = sum(a[t] * b[t] * idf[t] ** 2 for t in common)
    norm_a = math.sqrt(sum((c * idf.get(t, 1.0)) ** 2 for t, c in a.items()))
    norm_b = math.sqrt(sum((c * idf.get(t, 1.0)) ** 2 for t, c in b.items()))
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def _candidates(caller: Caller, query: SimilarQuery, scope: str) -> list[Report]:
    since = timezone.now() - timedelta(days=settings.ADUAN["SIMILAR_DAYS"])
    reports = reports_visible_to(caller, scope).filter(status__in=OPEN_STATUSES,
                                                       received_at__gte=since)
    near = Q()
    if query.region_code:
        code = query.region_code
        near |= Q(regency_code=code[:5]) if len(code) >= 5 else Q(province_code=code[:2])
    if query.category:
        near |= Q(category=query.category)
    if not near:
        return []
    if query.exclude_id:
        reports = reports.exclude(pk=query.exclude_id)
    return list(reports.filter(near).select_related("holder")
                .annotate(supporters=Count("supports", distinct=True),
                          duplicate_count=Count("duplicates", distinct=True))
                .order_by("-received_at")[:MAX_CANDIDATES])


def similar_reports(caller: Caller, query: SimilarQuery, *, scope: str = "public"
                    ) -> list[tuple[Report, float]]:
    """Open reports like ``query.text`` that the caller may list, best first, with a score."""
    bag = _bag(query.text)
    if not bag:
        return []
    candidates = _candidates(caller, query, scope)
    full = scope != "public"
    bags = [_bag(f"{r.title if full else r.public_title} {r.body if full else r.public_body}")
            for r in candidates]
    df = Counter(t for b in bags for t in set(b))
    n = len(bags) + 1
    idf = {t: math.log((n + 1) / (df.get(t, 0) + 1)) + 1 for t in set(bag) | set(df)}
    scored = []
    for report, other in zip(candidates, bags):
        score = _cosine(bag, other, idf)
        if query.region_code and report.region_id and (
                report.region_id.startswith(query.region_code)
                or query.region_code.startswith(report.region_id)):
            score += 0.1
        if query.category and report.category_id == query.category:
            score += 0.05
        if score >= MIN_SCORE:
            scored.append((report, round(min(score, 1.0), 3)))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:query.limit]


def similar_for_new_report(caller: Caller, *, text: str, region_code: str | None = None,
                           category: str | None = None, limit: int = 5,
                           scope: str = "public") -> list[tuple[Report, float]]:
    """Similar open reports for a report being written; place and category are guessed
    from the text when the form does not give them."""
    from .aliases import find_region
    from .training import active_category_model

    region_code = find_region(text, region_code) or region_code
    if not category:
        _pk, model = active_category_model()
        prediction = model.predict([text], k=1)[0]
        category = prediction.label if prediction.confidence >= 0.5 else None
    return similar_reports(caller, SimilarQuery(text=text, region_code=region_code,
                                                category=category, limit=limit), scope=scope)
