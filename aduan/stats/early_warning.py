"""Early warning: categories whose reports in a regency rise well above their own recent baseline.

For each (regency, category) the receipts of the current week are compared with
the mean of the eight weeks before it. A spike needs at least ``MIN_REPORTS``
reports and more than mean + 3·√max(mean, 1) (a Poisson-style band: a quiet
place needs a relative jump, a busy one a large absolute one). The most
frequent words come from the redacted public text of the week's public reports
only, so a confidential report never shows through.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from aduan.agencies.models import Category, Region
from aduan.reports.models import PUBLIC_Q, Report
from aduan.routing.similar import STOPWORDS
from aduan.routing.text import tokens

from .models import StatsCell

BASELINE_WEEKS = 8
MIN_REPORTS = 5
WORDS = 8


@dataclass(frozen=True)
class Spike:
    regency_code: str
    regency_name: str
    category: str
    category_name: str
    count: int
    baseline: float
    words: list[str]

    @property
    def ratio(self) -> float:
        return round(self.count / max(self.baseline, 1.0), 1)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _is_spike(count: int, baseline: float) -> bool:
    return count >= MIN_REPORTS and count > baseline + 3 * math.sqrt(max(baseline, 1.0))


def _weekly(week: date, region_prefix: str, public: bool) -> dict[tuple[str, str], dict]:
    first = week - timedelta(weeks=BASELINE_WEEKS)
    cells = StatsCell.objects.filter(scope="week", public=public, month__gte=first,
                                     month__lte=week)
    if region_prefix:
        cells = cells.filter(scope_code__startswith=region_prefix)
    series: dict[tuple[str, str], dict] = defaultdict(dict)
    for code, day, category, counts in cells.values_list("scope_code", "month", "dim_code",
                                                         "counts"):
        series[(code, category)][day] = counts.get("rcv", 0)
    return series


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def _words(regency: str, category: str, week: date) -> list[str]:
    texts = Report.objects.filter(PUBLIC_Q, regency_code=regency, category_id=category or None,
                                  received_at__gte=_start_of(week)).values_list(
        "public_title", "public_body")[:300]
    counts = Counter(t for title, body in texts for t in tokens(f"{title} {body}")
                     if t not in STOPWORDS and len(t) > 2 and not t.isdigit())
    return [word for word, _n in counts.most_common(WORDS)]


def spikes(*, region_prefix: str = "", public: bool = True,
           today: date | None = None) -> list[Spike]:
    """The spikes of the current week (in a region when ``region_prefix`` is given)."""
    week = week_start(today or timezone.localdate())
    found = []
    for (code, category), by_week in _weekly(week, region_prefix, public).items():
        count = by_week.get(week, 0)
        baseline = sum(by_week.get(week - timedelta(weeks=n), 0)
                       for n in range(1, BASELINE_WEEKS + 1)) / BASELINE_WEEKS
        if _is_spike(count, baseline):
            found.append((code, category, count, baseline))
    regions = dict(Region.objects.filter(code__in={f[0] for f in found})
                   .values_list("code", "name"))
    categories = dict(Category.objects.values_list("code", "name"))
    result = [Spike(code, regions.get(code, code), cat, categories.get(cat, cat), n, round(b, 1),
                    _words(code, cat, week)) for code, cat, n, b in found]
    return sorted(result, key=lambda s: (-s.ratio, -s.count, s.regency_code))
