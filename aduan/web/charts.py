"""Chart specifications for the templates: labels, series, and the rows of the data table."""

from django.utils.text import slugify
from django.utils.translation import gettext as _

from aduan.agencies.models import Category
from aduan.reports.models import Channel
from aduan.stats import selectors
from aduan.stats.measures import BY_CODE


def chart(ident: str, title, rows: list[tuple[str, dict]], codes: list[str], *,
          kind: str = "bar", horizontal: bool = False) -> dict:
    """A chart of measures ``codes`` over ``rows`` of (label, measures)."""
    labels = [label for label, _values in rows]
    series = [{"label": str(BY_CODE[code].label) if code in BY_CODE else code,
               "values": [values.get(code) for _label, values in rows]} for code in codes]
    top = max([v for s in series for v in s["values"] if isinstance(v, (int, float))] or [0])
    return {
        "id": slugify(ident), "data_id": f"{slugify(ident)}-data", "title": title,
        "type": kind, "horizontal": horizontal,
        "spec": {"type": kind, "horizontal": horizontal, "labels": labels, "series": series},
        "headers": [s["label"] for s in series],
        "rows": [{"label": label, "cells": [s["values"][i] for s in series]}
                 for i, label in enumerate(labels)],
        "max": top or 1,
    }


def dashboard_charts(subject, period, public: bool) -> list[dict]:
    """The charts every dashboard shows (public pages and the back office alike)."""
    months = list(selectors.breakdown(subject, period, public, "month").items())
    by_category = selectors.breakdown(subject, period, public, "category")
    by_channel = selectors.breakdown(subject, period, public, "channel")
    names = dict(Category.objects.filter(pk__in=list(by_category)).values_list("pk", "name"))
    channels = dict(Channel.choices)
    top = sorted(by_category.items(), key=lambda kv: -kv[1]["received"])[:15]
    return [
        chart("months", _("Reports by month"), months, ["received", "closed"], kind="line"),
        chart("months-ontime", _("Follow-up on time by month (%)"), months,
              ["pct_followup_on_time"], kind="line"),
        chart("categories", _("Reports by category"),
              [(names.get(c, c or _("Uncategorised")), v) for c, v in top], ["received"],
              horizontal=True),
        chart("channels", _("Reports by channel"),
              [(str(channels.get(c, c)), v) for c, v in by_channel.items()], ["received"]),
    ]
