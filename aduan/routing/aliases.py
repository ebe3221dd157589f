"""The process-wide gazetteer: the region list, the shipped aliases and the admins' edits.

Building the index takes a second or two, so a process keeps it and checks,
at most once a minute, whether an admin changed a ``RegionAlias`` since; only
then is it rebuilt. The region list itself is reference data and never
changes while a site runs.
"""

import threading
import time

from django.db.models import Count, Max

from .gazetteer import Gazetteer, read_aliases
from .models import RegionAlias

RECHECK_SECONDS = 60
_state: dict = {}
_lock = threading.Lock()


def alias_pairs() -> list[tuple[str, str]]:
    """(alias, region code): the shipped file, minus what admins withdrew, plus what they added."""
    rows = list(RegionAlias.objects.values_list("alias", "region_id", "active"))
    withdrawn = {(alias.lower(), code) for alias, code, active in rows if not active}
    pairs = [(a, c) for a, c in read_aliases() if (a.lower(), c) not in withdrawn]
    return pairs + [(alias, code) for alias, code, active in rows if active]


def _stamp() -> tuple:
    figures = RegionAlias.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    return figures["n"], figures["at"]


def _build() -> Gazetteer:
    from aduan.agencies.models import Region

    rows = Region.objects.values_list("code", "name", "level", "kind").iterator(chunk_size=5000)
    return Gazetteer(rows, alias_pairs())


def shared_gazetteer() -> Gazetteer:
    now = time.monotonic()
    if _state and now - _state["checked"] < RECHECK_SECONDS:
        return _state["gazetteer"]
    with _lock:
        stamp = _stamp()
        if not _state or _state["stamp"] != stamp:
            _state["gazetteer"] = _build()
            _state["stamp"] = stamp
        _state["checked"] = now
        return _state["gazetteer"]


def gazetteer_forget() -> None:
    """Drop the process's gazetteer (tests, and after an admin's edit in this process)."""
    _state.clear()


def gazetteer() -> Gazetteer:
    return shared_gazetteer()


def find_region(text: str, hint: str | None = None) -> str | None:
    return shared_gazetteer().find(text, hint)
