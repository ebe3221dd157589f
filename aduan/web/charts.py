"""Chart specifications for the templates: labels, series, and the rows of the data table."""

from django.utils.text import slugify

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
